import type { RouterRuntime } from '../jobs/index.js';
import type { DecisionRecord } from '../store/index.js';
import { Counter, Histogram, type Registry } from '../metrics/index.js';

/** The routing metrics operators watch: outcomes per router and target, and how long mail waits. */
export function routingMetrics(registry: Registry) {
  const messages = new Counter({
    name: 'mailroute_messages_total',
    help: 'Messages decided, by router and outcome (routed, review, failed); acted="false" in shadow mode',
    labelNames: ['router', 'outcome', 'acted'],
    registers: [registry],
  });
  const routed = new Counter({
    name: 'mailroute_routed_total',
    help: 'Messages routed to a target, by router and target',
    labelNames: ['router', 'target'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mailroute_routing_latency_seconds',
    help: 'From the time Exchange received a message to the time mailroute acted on it',
    labelNames: ['router'],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  return {
    recorded(router: RouterRuntime, decision: DecisionRecord, receivedAt: Date): void {
      const name = `${router.tenantId}/${router.routerId}`;
      messages.inc({ router: name, outcome: decision.outcome ?? 'failed', acted: String(decision.acted) });
      if (decision.outcome === 'routed' && decision.targetLabel) {
        routed.inc({ router: name, target: decision.targetLabel });
      }
      if (decision.acted)
        latency.observe({ router: name }, Math.max(0, (Date.now() - receivedAt.getTime()) / 1000));
    },
  };
}
