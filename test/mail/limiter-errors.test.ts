import { describe, expect, it } from 'vitest';
import type { MailGatewayError } from '../../src/mail/index.js';
import {
  AccessDeniedError,
  AuthenticationError,
  classifyGraphFailure,
  InvalidRequestError,
  MailboxLimiter,
  NotFoundError,
  parseRetryAfter,
  SyncStateGoneError,
  ThrottledError,
  TransientGraphError,
  type Clock,
  type GraphFailure,
} from '../../src/mail/index.js';

/** A clock that only moves when someone sleeps on it. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

describe('MailboxLimiter', () => {
  it('never lets more than maxConcurrent requests run for one mailbox, and serves waiters in order', async () => {
    const limiter = new MailboxLimiter(
      { maxConcurrent: 4, requestsPerWindow: 1000, windowMs: 1000 },
      fakeClock(),
    );
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await limiter.acquire('Post@Kommune.dk');
        active += 1;
        peak = Math.max(peak, active);
        order.push(i);
        await new Promise((r) => setTimeout(r, 1));
        active -= 1;
        release();
      }),
    );
    expect(peak).toBe(4);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(limiter.maxConcurrentSeen('post@kommune.dk')).toBe(4);
  });

  it('keeps mailboxes independent', async () => {
    const limiter = new MailboxLimiter(
      { maxConcurrent: 1, requestsPerWindow: 10, windowMs: 1000 },
      fakeClock(),
    );
    const a = await limiter.acquire('a@x.dk');
    const b = await limiter.acquire('b@x.dk');
    a();
    b();
    expect(limiter.maxConcurrentSeen('a@x.dk')).toBe(1);
  });

  it('spends the request budget per window and waits for the window to move', async () => {
    const clock = fakeClock();
    const limiter = new MailboxLimiter({ maxConcurrent: 4, requestsPerWindow: 5, windowMs: 1000 }, clock);
    const sentAt: number[] = [];
    for (let i = 0; i < 12; i++) {
      const release = await limiter.acquire('post@kommune.dk');
      sentAt.push(clock.now());
      release();
    }
    // At most 5 requests in any 1000 ms window.
    for (let i = 5; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(sentAt[11]).toBeGreaterThanOrEqual(2000);
  });

  it('counts a $batch as its inner requests and holds every request after a Retry-After pause', async () => {
    const clock = fakeClock();
    const limiter = new MailboxLimiter({ maxConcurrent: 4, requestsPerWindow: 20, windowMs: 60_000 }, clock);
    (await limiter.acquire('post@kommune.dk', 20, 20))();
    limiter.pause('post@kommune.dk', 0);
    const before = clock.now();
    (await limiter.acquire('post@kommune.dk'))();
    expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
    limiter.pause('post@kommune.dk', 2000);
    const paused = clock.now();
    (await limiter.acquire('post@kommune.dk'))();
    expect(clock.now() - paused).toBeGreaterThanOrEqual(2000);
  });
});

describe('Graph failure classification', () => {
  it.each<[GraphFailure, typeof MailGatewayError]>([
    [{ status: 429, retryAfterMs: 2000 }, ThrottledError],
    [{ status: 503, retryAfterMs: 1000 }, ThrottledError],
    [{ status: 503 }, TransientGraphError],
    [{ status: 504, code: 'UnknownError' }, TransientGraphError],
    [{ status: 500, code: 'generalException' }, TransientGraphError],
    [{ status: 401, code: 'InvalidAuthenticationToken' }, AuthenticationError],
    [{ status: 403, code: 'ErrorAccessDenied' }, AccessDeniedError],
    [{ status: 404, code: 'ErrorItemNotFound' }, NotFoundError],
    [{ status: 400, code: 'ErrorInvalidIdMalformed' }, InvalidRequestError],
    [{ status: 410, code: 'SyncStateNotFound' }, SyncStateGoneError],
    [{ status: 400, code: 'syncStateInvalid' }, SyncStateGoneError],
    [{}, TransientGraphError],
  ])('%j -> %o', (failure, expected) => {
    const error = classifyGraphFailure('x', failure);
    expect(error).toBeInstanceOf(expected);
    expect(error.status).toBe(failure.status);
  });

  it('keeps Retry-After on throttling errors and marks what may be retried', () => {
    const throttled = classifyGraphFailure('x', { status: 429, retryAfterMs: 7000 });
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect(throttled instanceof ThrottledError && throttled.retryAfterMs).toBe(7000);
    expect(throttled.retryable).toBe(true);
    expect(classifyGraphFailure('x', { status: 404 }).retryable).toBe(false);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
