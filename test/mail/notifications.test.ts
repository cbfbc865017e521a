import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions, GraphEmulator } from '../../src/emulator/index.js';
import { graphWebhookPlugin } from '../../src/http/index.js';
import {
  DeltaRoundRunner,
  DeltaSync,
  InMemoryDeltaCursorStore,
  InMemorySubscriptionStore,
  notificationHandlers,
  SubscriptionManager,
  type GraphMailboxGateway,
} from '../../src/mail/index.js';
import { gatewayFor, RecordingSink, source, startEmulator, waitFor, webhookTls } from './support.js';

/*
 * Change notifications end to end: the emulator validates and POSTs to mailroute's webhook plugin
 * over HTTPS; a notification triggers a delta round; lost notifications are caught by the periodic
 * round; subscriptions are renewed ahead of expiry (fake clock) and lifecycle events handled.
 */

const clientState = 'mailroute-test-client-state-0123456789';

interface Rig {
  emulator: GraphEmulator;
  gateway: GraphMailboxGateway;
  app: FastifyInstance;
  sink: RecordingSink;
  runner: DeltaRoundRunner;
  manager: SubscriptionManager;
  store: InMemorySubscriptionStore;
  inbox: string;
  webhookCalls: { changes: number; lifecycle: string[] };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function rig(options: EmulatorOptions = {}, now?: () => number): Promise<Rig> {
  const tls = await webhookTls();
  const emulator = await startEmulator({ notificationCa: [tls.cert], ...options });
  cleanup.push(() => emulator.close());
  const gateway = gatewayFor(emulator);
  cleanup.push(() => gateway.close());
  const sink = new RecordingSink();
  const runner = new DeltaRoundRunner(
    new DeltaSync(gateway, new InMemoryDeltaCursorStore()),
    sink,
    (error) => {
      throw error;
    },
  );
  cleanup.push(async () => {
    runner.stopPeriodic();
    await runner.idle();
  });
  const app = Fastify({ https: { key: tls.key, cert: tls.cert } });
  const webhookCalls = { changes: 0, lifecycle: [] as string[] };
  const store = new InMemorySubscriptionStore();
  // The manager needs the webhook's address, the webhook needs the manager: wire it after listen.
  const wired: { manager?: SubscriptionManager } = {};
  await app.register(graphWebhookPlugin, {
    clientState,
    onChanges: async (changes) => {
      webhookCalls.changes += changes.length;
      if (wired.manager) await notificationHandlers(wired.manager, runner).onChanges(changes);
    },
    onLifecycle: async (events) => {
      webhookCalls.lifecycle.push(...events.map((e) => e.lifecycleEvent));
      if (wired.manager) await notificationHandlers(wired.manager, runner).onLifecycle(events);
    },
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const manager = new SubscriptionManager(gateway, store, {
    notificationUrl: `${address}/graph/notifications`,
    lifecycleNotificationUrl: `${address}/graph/lifecycle`,
    clientState,
    ...(now ? { now } : {}),
  });
  wired.manager = manager;
  const inbox = emulator.folderId(source, 'inbox');
  return { emulator, gateway, app, sink, runner, manager, store, inbox, webhookCalls };
}

describe('change notifications', () => {
  it('a webhook notification leads to a delta round that hands the new message over', async () => {
    const r = await rig();
    await r.runner.trigger(source, r.inbox); // the first round sets the cursor
    await r.manager.ensure(source, r.inbox);
    expect(r.emulator.subscriptions()).toHaveLength(1);
    const id = r.emulator.deliver(source, { subject: 'Parkering', body: 'p-tilladelse', from: 'a@b.dk' });
    await waitFor(() => r.sink.seen.has(id));
    expect(r.webhookCalls.changes).toBe(1);
    expect(r.sink.duplicates).toBe(0);
  });

  it('duplicated notifications coalesce: each message is handed over once', async () => {
    const r = await rig();
    await r.runner.trigger(source, r.inbox);
    await r.manager.ensure(source, r.inbox);
    r.emulator.faults.set(source, { duplicateNotificationRate: 1, seed: 3 });
    const ids = [0, 1, 2, 3, 4].map((i) =>
      r.emulator.deliver(source, { subject: `S${i}`, body: 'x', from: 'a@b.dk' }),
    );
    await waitFor(() => ids.every((id) => r.sink.seen.has(id)));
    await r.emulator.flushNotifications();
    await r.runner.idle();
    expect(r.webhookCalls.changes).toBe(10);
    expect(r.sink.duplicates).toBe(0);
  });

  it('a dropped notification is caught by the periodic delta round', async () => {
    const r = await rig();
    await r.runner.trigger(source, r.inbox);
    await r.manager.ensure(source, r.inbox);
    r.emulator.faults.set(source, { dropNotificationRate: 1, seed: 1 });
    const id = r.emulator.deliver(source, { subject: 'Tabt', body: 'x', from: 'a@b.dk' });
    await r.emulator.flushNotifications();
    expect(r.webhookCalls.changes).toBe(0);
    expect(r.sink.seen.has(id)).toBe(false);
    r.runner.startPeriodic(100, () => [{ mailbox: source, folderId: r.inbox }]);
    await waitFor(() => r.sink.seen.has(id));
    expect(r.webhookCalls.changes).toBe(0);
  });

  it('rejects notifications with a wrong clientState', async () => {
    const r = await rig();
    const response = await r.app.inject({
      method: 'POST',
      url: '/graph/notifications',
      payload: { value: [{ subscriptionId: 'x', changeType: 'created', clientState: 'forged' }] },
    });
    expect(response.statusCode).toBe(202);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.webhookCalls.changes).toBe(0);
  });
});

describe('subscriptions', () => {
  it('renews ahead of expiry with a fake clock, recreates an expired one, and handles lifecycle events', async () => {
    let now = Date.UTC(2026, 10, 2, 12, 0, 0);
    const clock = () => now;
    const r = await rig({ now: clock }, clock);
    const created = await r.manager.ensure(source, r.inbox);
    expect(Date.parse(created.expirationDateTime) - now).toBe(10_000 * 60_000);
    expect(await r.manager.renewDue()).toEqual({ renewed: [], recreated: [], failed: [] });

    // 23 hours before expiry: inside the 24 h renewal window.
    now = Date.parse(created.expirationDateTime) - 23 * 3600_000;
    const renewal = await r.manager.renewDue();
    expect(renewal.renewed).toEqual([created.id]);
    const atGraph = r.emulator.subscriptions().find((s) => s.id === created.id);
    expect(Date.parse(atGraph?.expirationDateTime ?? '')).toBe(now + 10_000 * 60_000);

    // The renew job did not run in time: Graph dropped it; the manager creates a new one.
    now += 10_001 * 60_000;
    expect(r.emulator.subscriptions()).toHaveLength(0);
    const late = await r.manager.renewDue();
    expect(late.recreated).toHaveLength(1);
    const current = (await r.store.list())[0];
    expect(current?.id).toBe(late.recreated[0]);
    expect(r.emulator.subscriptions().map((s) => s.id)).toEqual([current?.id]);

    // reauthorizationRequired -> renewed; subscriptionRemoved -> recreated; missed -> delta round.
    now += 3600_000;
    await r.emulator.triggerLifecycle(current!.id, 'reauthorizationRequired');
    await waitFor(() => r.webhookCalls.lifecycle.length === 1);
    await waitFor(
      () => Date.parse(r.emulator.subscriptions()[0]?.expirationDateTime ?? '') === now + 10_000 * 60_000,
    );
    await r.runner.idle();

    const id = r.emulator.deliver(source, { subject: 'Efter', body: 'x', from: 'a@b.dk' });
    r.emulator.faults.set(source, { dropNotificationRate: 1 });
    await r.emulator.triggerLifecycle(current!.id, 'missed');
    await waitFor(() => r.sink.seen.has(id));

    await r.emulator.triggerLifecycle(current!.id, 'subscriptionRemoved');
    await waitFor(
      async () => r.emulator.subscriptions().length === 1 && (await r.store.list())[0]?.id !== current?.id,
    );
    expect(r.webhookCalls.lifecycle).toEqual(['reauthorizationRequired', 'missed', 'subscriptionRemoved']);
    await r.runner.idle();
  });
});
