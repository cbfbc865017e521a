// bench:graph — messages ingested (and routed) per second from the Graph emulator, through the real
// gateway (msal-node + Graph client over HTTPS), with no latency and with 50 ms latency plus Graph's
// per-mailbox limits (4 concurrent, 10,000 requests per 10 minutes) switched on, each compared with
// the rate those limits allow. Prints a table and writes bench-results/graph.json.
//
//   npm run bench:graph [-- --quick]
//
// Scenarios (lost = delivered but never handed over/routed; duplicates = handed over/routed twice):
//   ingest/no-latency            delta round over 10,000 messages (pages of 100); no limit applies.
//   ingest/50ms+limits           the same with 50 ms per request: a delta round is one chain of
//                                requests, so the bound is one page per 50 ms.
//   route/50ms+limits            delta + read (1 request) + mark (1 request in a $batch) per
//                                message; bound = 4 concurrent / (mailbox requests per message x 50 ms).
//   route/budget (virtual clock) the same without latency on a clock shared by emulator and gateway,
//                                enough messages to need more than 10,000 requests: bound = the
//                                earliest time Graph's sliding 10-minute budget lets the last
//                                request through.
import { printTable, writeResults } from './table.js';
import { startGraphEmulator, type EmulatorOptions, type GraphEmulator } from '../src/emulator/index.js';
import {
  DeltaSync,
  GraphMailboxGateway,
  InMemoryDeltaCursorStore,
  type Clock,
  type GraphGatewayOptions,
  type MessageSummary,
} from '../src/mail/index.js';

const quick = process.argv.includes('--quick');
const mailbox = 'post@kommune.dk';

interface Row {
  scenario: string;
  messages: number;
  processed: number;
  lost: number;
  duplicates: number;
  msgs_per_s: number;
  bound_msgs_per_s: number | null;
  ratio: number | null;
  requests: number;
  throttled: number;
  max_concurrent: number;
  wall_s: number;
}

async function setup(
  count: number,
  options: EmulatorOptions,
  gateway: Partial<GraphGatewayOptions> = {},
): Promise<{ emulator: GraphEmulator; gw: GraphMailboxGateway; inbox: string }> {
  const emulator = await startGraphEmulator(options);
  emulator.addMailbox(mailbox, 'Post');
  const start = Date.UTC(2026, 10, 1, 8);
  for (let i = 0; i < count; i++) {
    emulator.deliver(mailbox, {
      subject: `Ansøgning om byggetilladelse ${i}`,
      body: `Hej kommune, jeg vil gerne bygge en carport (sag ${i}).`,
      from: `Borger ${i} <borger${i}@example.dk>`,
      receivedDateTime: new Date(start + i * 1000).toISOString(),
    });
  }
  const gw = new GraphMailboxGateway({
    tenantId: emulator.tenantId,
    clientId: 'mailroute-demo',
    credential: { kind: 'secret', clientSecret: 'demo-secret' },
    authority: emulator.authority,
    graphBaseUrl: emulator.graphUrl,
    caCertPem: emulator.caCertPem,
    ...gateway,
  });
  return { emulator, gw, inbox: emulator.folderId(mailbox, 'inbox') };
}

function tally(seen: Map<string, number>, messages: number): Pick<Row, 'processed' | 'lost' | 'duplicates'> {
  let duplicates = 0;
  for (const n of seen.values()) duplicates += n - 1;
  return { processed: seen.size, lost: messages - seen.size, duplicates };
}

function row(
  scenario: string,
  messages: number,
  seen: Map<string, number>,
  seconds: number,
  bound: number | null,
  emulator: GraphEmulator,
  wall: number,
): Row {
  const rate = seen.size / seconds;
  const stats = emulator.stats(mailbox);
  return {
    scenario,
    messages,
    ...tally(seen, messages),
    msgs_per_s: Math.round(rate * 10) / 10,
    bound_msgs_per_s: bound === null ? null : Math.round(bound * 10) / 10,
    ratio: bound === null ? null : Math.round((rate / bound) * 1000) / 1000,
    requests: stats.requests,
    throttled: stats.throttled,
    max_concurrent: stats.maxConcurrent,
    wall_s: Math.round(wall * 100) / 100,
  };
}

async function ingest(scenario: string, count: number, latencyMs: number): Promise<Row> {
  const pageSize = 100;
  const limits = latencyMs > 0 ? { throttling: { maxConcurrent: 4, requestsPer10Min: 10_000 } } : {};
  const { emulator, gw, inbox } = await setup(count, { latencyMs, ...limits });
  try {
    await gw.resolveFolder(mailbox, 'inbox'); // token and connection warm
    const seen = new Map<string, number>();
    const sync = new DeltaSync(gw, new InMemoryDeltaCursorStore(), { pageSize });
    const t0 = performance.now();
    await sync.round(mailbox, inbox, {
      accept: (page) => {
        for (const m of page.upserts) seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
        return Promise.resolve();
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const bound = latencyMs > 0 ? pageSize / (latencyMs / 1000) : null;
    return row(scenario, count, seen, seconds, bound, emulator, seconds);
  } finally {
    await gw.close();
    await emulator.close();
  }
}

/**
 * Delta, then per message: read it (one request) and mark it routed (a $batch of one). As in
 * mailroute, the delta round only enqueues; workers route from the queue (the gateway's limiter
 * keeps them at 4 requests in flight per mailbox).
 */
async function routeAll(gw: GraphMailboxGateway, inbox: string, seen: Map<string, number>): Promise<void> {
  const route = async (m: MessageSummary): Promise<void> => {
    const full = await gw.getMessage(mailbox, m.id);
    if (full.routedDecisionId !== null) return;
    const [outcome] = await gw.applyActions(mailbox, m.id, [{ kind: 'marker', decisionId: `bench-${m.id}` }]);
    if (!outcome?.ok) throw outcome?.error ?? new Error('no outcome');
    seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
  };
  const queue: MessageSummary[] = [];
  let done = false;
  const sleepers: (() => void)[] = [];
  const wakeAll = (): void => {
    for (const wake of sleepers.splice(0)) wake();
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = queue.shift();
      if (next) await route(next);
      else if (done) return;
      else await new Promise<void>((resolve) => sleepers.push(resolve));
    }
  };
  const workers = Array.from({ length: 8 }, () => worker());
  await new DeltaSync(gw, new InMemoryDeltaCursorStore(), { pageSize: 100 }).round(mailbox, inbox, {
    accept: (page) => {
      queue.push(...page.upserts);
      wakeAll();
      return Promise.resolve();
    },
  });
  done = true;
  wakeAll();
  await Promise.all(workers);
}

async function routeWithLatency(count: number): Promise<Row> {
  const latencyMs = 50;
  const { emulator, gw, inbox } = await setup(count, {
    throttling: { maxConcurrent: 4, requestsPer10Min: 10_000 },
  });
  try {
    await gw.resolveFolder(mailbox, 'inbox');
    emulator.faults.set(mailbox, { latencyMs });
    const seen = new Map<string, number>();
    const t0 = performance.now();
    await routeAll(gw, inbox, seen);
    const seconds = (performance.now() - t0) / 1000;
    // Mailbox requests per message (read, mark; delta pages shared), 4 at a time, 50 ms each.
    const perMessage = (emulator.stats(mailbox).requests - 1) / count;
    const bound = 4 / (perMessage * (latencyMs / 1000));
    return row('route/50ms+limits', count, seen, seconds, bound, emulator, seconds);
  } finally {
    await gw.close();
    await emulator.close();
  }
}

async function routeOnBudget(count: number): Promise<Row> {
  const window = 600_000;
  const budget = 10_000;
  let now = Date.UTC(2026, 10, 23, 8);
  const start = now;
  // Sleeping moves the shared clock to the end of the sleep: the run takes no real waiting time,
  // and both sides see the same sliding window.
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => {
      now += Math.max(0, ms);
      return Promise.resolve();
    },
  };
  const { emulator, gw, inbox } = await setup(
    count,
    { now: () => now, throttling: { maxConcurrent: 4, requestsPer10Min: budget } },
    { clock },
  );
  try {
    const seen = new Map<string, number>();
    const t0 = performance.now();
    await routeAll(gw, inbox, seen);
    const wall = (performance.now() - t0) / 1000;
    const seconds = Math.max((now - start) / 1000, 1e-3);
    const requests = emulator.stats(mailbox).requests;
    // Requests 1..10,000 may go at once, the next 10,000 ten minutes later, and so on.
    const earliest = (window / 1000) * Math.floor((requests - 1) / budget);
    const bound = earliest > 0 ? count / earliest : null;
    return row('route/budget (virtual clock)', count, seen, seconds, bound, emulator, wall);
  } finally {
    await gw.close();
    await emulator.close();
  }
}

const rows: Row[] = [];
rows.push(await ingest('ingest/no-latency', quick ? 2000 : 10_000, 0));
rows.push(await ingest('ingest/50ms+limits', quick ? 2000 : 10_000, 50));
rows.push(await routeWithLatency(quick ? 40 : 200));
rows.push(await routeOnBudget(5100));

const columns: (keyof Row)[] = [
  'scenario',
  'messages',
  'processed',
  'lost',
  'duplicates',
  'msgs_per_s',
  'bound_msgs_per_s',
  'ratio',
  'requests',
  'throttled',
  'max_concurrent',
  'wall_s',
];
const cells = rows.map((r) => columns.map((c) => (r[c] === null ? '-' : String(r[c]))));
printTable(columns, cells);
writeResults('graph', { node: process.version, date: new Date().toISOString(), quick, scenarios: rows });
