import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, startWithClient, type TestClient } from './helpers.js';

const box = 'post@emu-faults.example';
const other = 'other@emu-faults.example';
let emulator: GraphEmulator;
let client: TestClient;

beforeAll(async () => {
  ({ emulator, client } = await startWithClient({
    throttling: { maxConcurrent: 4, requestsPer10Min: 10_000 },
  }));
  emulator.addMailbox(box);
  emulator.addMailbox(other);
  for (let i = 0; i < 3; i++) emulator.deliver(box, { subject: `m${i}`, body: 'b', from: 'x@example.org' });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

type BatchResponse = {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
};
const batchResponses = (body: Record<string, unknown>): Map<string, BatchResponse> =>
  new Map((body['responses'] as BatchResponse[]).map((r) => [r.id, r]));

describe('emulator $batch', () => {
  it('runs inner requests, honours dependsOn and answers 424 for a failed dependency', async () => {
    const [m] = emulator.listMessages(box);
    const res = await client.graph('POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${box}/messages/AAMkAmissing` },
        { id: '2', method: 'GET', url: `/users/${box}/messages?$top=2`, dependsOn: [] },
        {
          id: '3',
          method: 'PATCH',
          url: `/users/${box}/messages/${m?.id ?? ''}`,
          headers: { 'Content-Type': 'application/json' },
          body: { categories: ['batched'] },
          dependsOn: ['2'],
        },
        { id: '4', method: 'GET', url: `users/${box}/mailFolders/inbox`, dependsOn: ['1'] },
        { id: '5', method: 'PATCH', url: `/users/${box}/messages/${m?.id ?? ''}`, body: { isRead: true } },
      ],
    });
    expect(res.status).toBe(200);
    const r = batchResponses(res.body);
    expect(r.get('1')?.status).toBe(404);
    expect(r.get('2')?.status).toBe(200);
    expect((r.get('2')?.body?.['value'] as unknown[]).length).toBe(2);
    expect(r.get('3')?.status).toBe(200);
    expect(r.get('4')?.status).toBe(424);
    expect(r.get('5')?.status).toBe(400);
    expect(emulator.listMessages(box).find((x) => x.id === m?.id)?.categories).toEqual(['batched']);
  });

  it('runs up to 4 inner requests at once, which counts against the mailbox concurrency limit', async () => {
    emulator.faults.set(box, { latencyMs: 400 });
    const six = Array.from({ length: 6 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${box}` }));
    const alone = batchResponses((await client.graph('POST', '/$batch', { requests: six })).body);
    expect([...alone.values()].map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(emulator.stats(box).maxConcurrent).toBe(4);

    // Two requests of the app already in flight leave two slots for the batch.
    emulator.faults.set(box, { latencyMs: 1000 });
    const before = emulator.stats(box).requests;
    const direct = [client.graph('GET', `/users/${box}`), client.graph('GET', `/users/${box}`)];
    while (emulator.stats(box).requests < before + 2) await new Promise((r) => setTimeout(r, 10));
    const four = six.slice(0, 4);
    const squeezed = batchResponses((await client.graph('POST', '/$batch', { requests: four })).body);
    await Promise.all(direct);
    emulator.faults.clear(box);
    const statuses = [...squeezed.values()].map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429]);
    const throttled = [...squeezed.values()].find((r) => r.status === 429);
    expect(throttled?.headers['RateLimit-Exceeded']).toBe('MailboxConcurrency');
  });

  it('refuses more than 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${box}`,
    }));
    const res = await client.graph('POST', '/$batch', { requests });
    expect(res.status).toBe(400);
  });

  it('throttles inner requests on their own, with Retry-After inside the batch response', async () => {
    emulator.faults.set(box, { throttleAfter: 2, retryAfterSeconds: 7 });
    const requests = Array.from({ length: 4 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${box}/messages?$top=1`,
    }));
    requests.push({ id: 'other', method: 'GET', url: `/users/${other}/messages` });
    const res = await client.graph('POST', '/$batch', { requests });
    emulator.faults.clear(box);
    const r = batchResponses(res.body);
    expect([1, 2, 3, 4].map((i) => r.get(String(i))?.status)).toEqual([200, 200, 429, 429]);
    expect(r.get('3')?.headers['Retry-After']).toBe('7');
    expect((r.get('3')?.body?.['error'] as Record<string, unknown>)['code']).toBe('ApplicationThrottled');
    expect(r.get('other')?.status).toBe(200);
  });
});

describe('emulator faults', () => {
  it('throttleAfter: 429 with Retry-After once N requests were served, counted in stats', async () => {
    const before = emulator.stats(box);
    emulator.faults.set(box, { throttleAfter: 3, retryAfterSeconds: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await client.graph('GET', `/users/${box}/mailFolders/inbox`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    emulator.faults.clear(box);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(retryAfter).toBe('2');
    const after = emulator.stats(box);
    expect(after.requests - before.requests).toBe(5);
    expect(after.throttled - before.throttled).toBe(2);
    expect((await client.graph('GET', `/users/${box}/mailFolders/inbox`)).status).toBe(200);
  });

  it('throttleAfter with throttleWindowSeconds lets a client that waits Retry-After through', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const { emulator: timed, client: c } = await startWithClient({ now: () => clock });
    try {
      timed.addMailbox(box);
      timed.faults.set(box, { throttleAfter: 2, throttleWindowSeconds: 5, retryAfterSeconds: 5 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await c.graph('GET', `/users/${box}`)).status);
      clock += 5_001;
      for (let i = 0; i < 3; i++) statuses.push((await c.graph('GET', `/users/${box}`)).status);
      expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    } finally {
      await c.close();
      await timed.close();
    }
  });

  it('throttleRate and serverErrorRate are deterministic for a seed', async () => {
    const run = async (): Promise<number[]> => {
      emulator.faults.set(box, { throttleRate: 0.3, serverErrorRate: 0.2, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await client.graph('GET', `/users/${box}`)).status);
      emulator.faults.clear(box);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(429);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(first).toContain(200);
  });

  it('serverErrorBurst fails the next N requests with 503, only for that mailbox', async () => {
    emulator.faults.set(box, { serverErrorBurst: 2 });
    const a = await client.graph('GET', `/users/${box}`);
    expect(a.status).toBe(503);
    expect(errorCode(a)).toBe('serviceNotAvailable');
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await client.graph('GET', `/users/${other}`)).status).toBe(200);
    expect((await client.graph('GET', `/users/${box}`)).status).toBe(503);
    expect((await client.graph('GET', `/users/${box}`)).status).toBe(200);
    emulator.faults.clear(box);
  });

  it('enforces 4 concurrent requests per mailbox (latency holds the slot) and records maxConcurrent', async () => {
    emulator.faults.set(box, { latencyMs: 300 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => client.graph('GET', `/users/${box}/mailFolders/inbox`)),
    );
    emulator.faults.clear(box);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const throttled = results.find((r) => r.status === 429);
    expect(String((throttled?.body['error'] as Record<string, unknown>)['message'])).toContain(
      'MailboxConcurrency',
    );
    expect(throttled?.headers.get('ratelimit-exceeded')).toBe('MailboxConcurrency');
    expect(emulator.stats(box).maxConcurrent).toBe(4);
  });

  it('enforces the per-10-minute budget on the fake clock', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const { emulator: small, client: c } = await startWithClient({
      now: () => clock,
      throttling: { requestsPer10Min: 3 },
    });
    try {
      small.addMailbox(box);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await c.graph('GET', `/users/${box}`)).status);
      const over = await c.graph('GET', `/users/${box}`);
      statuses.push(over.status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(over.headers.get('ratelimit-exceeded')).toBe('RequestRate');
      expect(Number(over.headers.get('retry-after'))).toBe(600);
      clock += 10 * 60_000 + 1;
      expect((await c.graph('GET', `/users/${box}`)).status).toBe(200);
    } finally {
      await c.close();
      await small.close();
    }
  });
});
