import { afterEach, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import {
  DeltaSync,
  InMemoryDeltaCursorStore,
  type GraphMailboxGateway,
  type MessageSummary,
} from '../../src/mail/index.js';
import { deliverMany, gatewayFor, RecordingSink, source, startEmulator } from './support.js';

/*
 * The "done when" ingest scenarios against the emulator over HTTPS, with in-memory ports
 * for the cursor store and the routing sink.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function setup(options: Parameters<typeof startEmulator>[0] = {}): Promise<GraphEmulator> {
  const emulator = await startEmulator(options);
  cleanup.push(() => emulator.close());
  return emulator;
}

function gateway(
  emulator: GraphEmulator,
  options: Parameters<typeof gatewayFor>[1] = {},
): GraphMailboxGateway {
  const gw = gatewayFor(emulator, options);
  cleanup.push(() => gw.close());
  return gw;
}

/** A stand-in for the router: reads the message, skips it if marked, else marks it (one decision each). */
class FakeRouter {
  readonly routed = new Map<string, number>();
  constructor(private readonly gw: GraphMailboxGateway) {}
  async route(message: MessageSummary): Promise<void> {
    const full = await this.gw.getMessage(source, message.id);
    if (full.routedDecisionId !== null) return;
    this.routed.set(message.id, (this.routed.get(message.id) ?? 0) + 1);
    const [outcome] = await this.gw.applyActions(source, message.id, [
      { kind: 'marker', decisionId: `d-${message.id}` },
    ]);
    if (!outcome?.ok) throw outcome?.error ?? new Error('no outcome');
  }
}

describe('delta sync', () => {
  it('syncs 10,000 messages across pages, persists the cursor per page and resumes after a restart without re-reading', async () => {
    const emulator = await setup();
    const ids = deliverMany(emulator, 10_000);
    const inbox = emulator.folderId(source, 'inbox');
    const cursors = new InMemoryDeltaCursorStore();
    const sink = new RecordingSink();

    // The first process stops after 3 pages (shut down between two pages).
    const first = gateway(emulator);
    const partial = await new DeltaSync(first, cursors, { pageSize: 1000, maxPages: 3 }).round(
      source,
      inbox,
      sink,
    );
    expect(partial).toMatchObject({ pages: 3, upserts: 3000, complete: false });
    expect(cursors.saves).toBe(3);

    // The "restarted process": a new gateway (new token, new limiter) with the same cursor store.
    const second = gateway(emulator);
    const result = await new DeltaSync(second, cursors, { pageSize: 1000 }).round(source, inbox, sink);
    expect(result).toMatchObject({ pages: 7, upserts: 7000, resynced: false, complete: true });
    expect(second.stats.requests).toBe(7);
    expect(sink.seen.size).toBe(10_000);
    expect(sink.duplicates).toBe(0);
    expect([...sink.seen.keys()].sort()).toEqual([...ids].sort());

    // Nothing new: one request, nothing handed over.
    const third = await new DeltaSync(second, cursors, { pageSize: 1000 }).round(source, inbox, sink);
    expect(third).toMatchObject({ pages: 1, upserts: 0, removed: 0 });

    // A new message and one moved away show up in the next round.
    const fresh = emulator.deliver(source, { subject: 'Ny', body: 'ny', from: 'a@b.dk' });
    await second.move(source, ids[0]!, emulator.folderId(source, 'archive'));
    const fourth = await new DeltaSync(second, cursors, { pageSize: 1000 }).round(source, inbox, sink);
    expect(fourth).toMatchObject({ upserts: 1, removed: 1 });
    expect(sink.seen.get(fresh)).toBe(1);
    expect(sink.removed).toEqual([ids[0]]);
  });

  it('a crash while a page is being routed routes every message exactly once after the restart', async () => {
    const emulator = await setup();
    deliverMany(emulator, 50);
    const inbox = emulator.folderId(source, 'inbox');
    const cursors = new InMemoryDeltaCursorStore();
    const first = gateway(emulator);
    const router = new FakeRouter(first);
    let pages = 0;
    await expect(
      new DeltaSync(first, cursors, { pageSize: 10 }).round(source, inbox, {
        accept: async (page) => {
          pages += 1;
          // Page 3: two messages routed, then the process dies.
          if (pages === 3) {
            await router.route(page.upserts[0]!);
            await router.route(page.upserts[1]!);
            throw new Error('simulated crash');
          }
          for (const m of page.upserts) await router.route(m);
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(router.routed.size).toBe(22);

    const second = gateway(emulator);
    const again = new FakeRouter(second);
    await new DeltaSync(second, cursors, { pageSize: 10 }).round(source, inbox, {
      accept: async (page) => void (await Promise.all(page.upserts.map((m) => again.route(m)))),
    });
    const all = new Map([...router.routed]);
    for (const [id, n] of again.routed) all.set(id, (all.get(id) ?? 0) + n);
    expect(all.size).toBe(50);
    expect([...all.values()].every((n) => n === 1)).toBe(true);
  });

  it('after 410 Gone resyncs the folder and re-routes nothing already routed', async () => {
    const emulator = await setup();
    const inbox = emulator.folderId(source, 'inbox');
    deliverMany(emulator, 30);
    const gw = gateway(emulator);
    const router = new FakeRouter(gw);
    const cursors = new InMemoryDeltaCursorStore();
    const sync = new DeltaSync(gw, cursors, { pageSize: 7 });
    const sink = {
      accept: async (page: { upserts: MessageSummary[] }) =>
        void (await Promise.all(page.upserts.map((m) => router.route(m)))),
    };
    await sync.round(source, inbox, sink);
    expect(router.routed.size).toBe(30);

    deliverMany(emulator, 5, 'Efter');
    emulator.faults.set(source, { expireDeltaTokens: true });
    const result = await sync.round(source, inbox, sink);
    expect(result.resynced).toBe(true);
    expect(result.upserts + result.skippedRouted).toBe(35);
    expect(router.routed.size).toBe(35);
    expect([...router.routed.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('throttling and failures', () => {
  async function routeAll(emulator: GraphEmulator, gw: GraphMailboxGateway): Promise<FakeRouter> {
    const router = new FakeRouter(gw);
    const sync = new DeltaSync(gw, new InMemoryDeltaCursorStore(), { pageSize: 10 });
    await sync.round(source, emulator.folderId(source, 'inbox'), {
      accept: async (page) => void (await Promise.all(page.upserts.map((m) => router.route(m)))),
    });
    return router;
  }

  function markedCount(emulator: GraphEmulator): number {
    return emulator.listMessages(source).filter((m) => m.singleValueExtendedProperties.length > 0).length;
  }

  it('rides out a 429 storm (Retry-After 2 s), inside $batch responses too, and processes every message once', async () => {
    const emulator = await setup();
    deliverMany(emulator, 20);
    const gw = gateway(emulator);
    emulator.faults.set(source, { throttleAfter: 8, retryAfterSeconds: 2 });
    const calm = setTimeout(() => emulator.faults.clear(source), 2500);
    cleanup.push(() => Promise.resolve(clearTimeout(calm)));
    const router = await routeAll(emulator, gw);
    expect(emulator.stats(source).throttled).toBeGreaterThan(0);
    expect(gw.stats.throttled).toBeGreaterThan(0);
    expect(router.routed.size).toBe(20);
    expect([...router.routed.values()].every((n) => n === 1)).toBe(true);
    expect(markedCount(emulator)).toBe(20);
  });

  it('rides out 5xx bursts and random 5xx and processes every message once', async () => {
    const emulator = await setup();
    deliverMany(emulator, 20);
    const gw = gateway(emulator);
    emulator.faults.set(source, { serverErrorBurst: 3, serverErrorRate: 0.1, retryAfterSeconds: 1, seed: 7 });
    const router = await routeAll(emulator, gw);
    expect(gw.stats.retries).toBeGreaterThanOrEqual(3);
    expect(router.routed.size).toBe(20);
    expect([...router.routed.values()].every((n) => n === 1)).toBe(true);
    expect(markedCount(emulator)).toBe(20);
  });

  it('never has more than 4 requests in flight per mailbox, so Graph never throttles it', async () => {
    const emulator = await setup({ throttling: { maxConcurrent: 4, requestsPer10Min: 10_000 } });
    const ids = deliverMany(emulator, 40);
    emulator.faults.set(source, { latencyMs: 15 });
    const gw = gateway(emulator);
    await Promise.all([
      ...ids.map((id) => gw.getRoutedMarker(source, id)),
      ...ids.slice(0, 10).map((id) => gw.getMessage(source, id)),
    ]);
    expect(emulator.stats(source).maxConcurrent).toBeLessThanOrEqual(4);
    expect(emulator.stats(source).throttled).toBe(0);
    expect(gw.limiter.maxConcurrentSeen(source)).toBe(4);
  });

  it('lets four chained $batch requests (update -> move) run side by side: a chain holds one slot', async () => {
    const emulator = await setup({ throttling: { maxConcurrent: 4, requestsPer10Min: 10_000 } });
    const ids = deliverMany(emulator, 8);
    const gw = gateway(emulator);
    const archive = (await gw.resolveFolder(source, 'archive')).id;
    emulator.faults.set(source, { latencyMs: 30 });
    const outcomes = await Promise.all(
      ids.map((id) =>
        gw.applyActions(source, id, [
          { kind: 'marker', decisionId: `d-${id}` },
          { kind: 'move', destinationFolderId: archive },
        ]),
      ),
    );
    expect(outcomes.flat().every((o) => o.ok)).toBe(true);
    // Four batches in flight, each with one inner request at a time: 4 at Graph, never more.
    expect(emulator.stats(source).maxConcurrent).toBe(4);
    expect(emulator.stats(source).throttled).toBe(0);
  });

  it('slows itself down to the configured request budget instead of being throttled', async () => {
    let now = Date.UTC(2026, 10, 1);
    const emulator = await setup({ throttling: { maxConcurrent: 4, requestsPer10Min: 30 }, now: () => now });
    const ids = deliverMany(emulator, 40);
    const gw = gateway(emulator, {
      limits: { requestsPerWindow: 30 },
      // The gateway's clock is the emulator's: sleeping moves both, so the test runs in no time.
      clock: { now: () => now, sleep: (ms) => Promise.resolve(void (now += ms)) },
    });
    for (const id of ids) await gw.getRoutedMarker(source, id);
    expect(emulator.stats(source).throttled).toBe(0);
    expect(emulator.stats(source).requests).toBe(40);
  });
});
