import { GraphError } from './store.js';
import type { EmulatorStats, FaultSpec } from './types.js';

/** mulberry32: small, seedable, good enough to make fault sequences reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEN_MINUTES = 10 * 60_000;

interface MailboxState {
  stats: EmulatorStats;
  inFlight: number;
  /** Arrival times of requests served, for the 10-minute budget. */
  window: number[];
  fault: FaultSpec | undefined;
  /** Requests served since the fault spec was set (throttleAfter counts these). */
  servedSinceFault: number;
  /** When requests were served since the fault spec was set (for throttleWindowSeconds). */
  servedTimes: number[];
  random: () => number;
}

export interface Throttling {
  requestsPer10Min: number;
  maxConcurrent: number;
}

/** Per-mailbox request accounting, Graph's throttling limits and injected faults. */
export class FaultInjector {
  private readonly states = new Map<string, MailboxState>();

  constructor(
    private readonly now: () => number,
    private readonly throttling: Throttling | undefined,
  ) {}

  private state(mailbox: string): MailboxState {
    const key = mailbox.toLowerCase();
    let state = this.states.get(key);
    if (!state) {
      state = {
        stats: { requests: 0, maxConcurrent: 0, throttled: 0 },
        inFlight: 0,
        window: [],
        fault: undefined,
        servedSinceFault: 0,
        servedTimes: [],
        random: seededRandom(0x5eed),
      };
      this.states.set(key, state);
    }
    return state;
  }

  set(mailbox: string, spec: FaultSpec): void {
    const state = this.state(mailbox);
    state.fault = { ...spec };
    state.servedSinceFault = 0;
    state.servedTimes = [];
    state.random = seededRandom(spec.seed ?? 0x5eed);
  }

  clear(mailbox?: string): void {
    const states = mailbox === undefined ? [...this.states.values()] : [this.state(mailbox)];
    for (const state of states) {
      state.fault = undefined;
      state.servedSinceFault = 0;
      state.servedTimes = [];
    }
  }

  stats(mailbox: string): EmulatorStats {
    return { ...this.state(mailbox).stats };
  }

  fault(mailbox: string): FaultSpec | undefined {
    return this.states.get(mailbox.toLowerCase())?.fault;
  }

  /** A seeded draw for notification faults. */
  draw(mailbox: string): number {
    return this.state(mailbox).random();
  }

  latencyMs(mailbox: string): number {
    return this.states.get(mailbox.toLowerCase())?.fault?.latencyMs ?? 0;
  }

  /** Consumes the one-shot expireDeltaTokens switch. */
  takeExpiredDeltaToken(mailbox: string): boolean {
    const fault = this.states.get(mailbox.toLowerCase())?.fault;
    if (!fault?.expireDeltaTokens) return false;
    fault.expireDeltaTokens = false;
    return true;
  }

  /**
   * Admits one request for a mailbox or throws the GraphError Graph would answer with. On success
   * the caller must call `release` when the response is done.
   */
  admit(mailbox: string): void {
    const state = this.state(mailbox);
    const now = this.now();
    state.stats.requests += 1;
    // Outlook names the exceeded limit in the message and in RateLimit-Exceeded.
    const throttled = (limit: 'MailboxConcurrency' | 'RequestRate', retryAfter: number): GraphError => {
      state.stats.throttled += 1;
      return new GraphError(429, 'ApplicationThrottled', `Application is over its ${limit} limit.`, {
        'Retry-After': String(retryAfter),
        'RateLimit-Exceeded': limit,
        'RateLimit-Scope': 'Mailbox',
      });
    };
    if (this.throttling && state.inFlight >= this.throttling.maxConcurrent) {
      throw throttled('MailboxConcurrency', 1);
    }
    if (this.throttling) {
      while (state.window.length > 0 && (state.window[0] ?? 0) <= now - TEN_MINUTES) state.window.shift();
      if (state.window.length >= this.throttling.requestsPer10Min) {
        const oldest = state.window[0] ?? now;
        throw throttled('RequestRate', Math.max(1, Math.ceil((oldest + TEN_MINUTES - now) / 1000)));
      }
    }
    const fault = state.fault;
    if (fault) {
      const retryAfter = fault.retryAfterSeconds ?? 1;
      if (fault.serverErrorBurst !== undefined && fault.serverErrorBurst > 0) {
        fault.serverErrorBurst -= 1;
        throw new GraphError(503, 'serviceNotAvailable', 'Service Unavailable', {
          'Retry-After': String(retryAfter),
        });
      }
      if (fault.serverErrorRate !== undefined && state.random() < fault.serverErrorRate) {
        const pick = state.random();
        if (pick < 0.5) {
          throw new GraphError(503, 'serviceNotAvailable', 'Service Unavailable', {
            'Retry-After': String(retryAfter),
          });
        }
        if (pick < 0.8) throw new GraphError(504, 'UnknownError', 'Gateway Timeout');
        throw new GraphError(500, 'generalException', 'An internal server error occurred.');
      }
      let served = state.servedSinceFault;
      if (fault.throttleWindowSeconds !== undefined) {
        const windowStart = now - fault.throttleWindowSeconds * 1000;
        while (state.servedTimes.length > 0 && (state.servedTimes[0] ?? 0) <= windowStart)
          state.servedTimes.shift();
        served = state.servedTimes.length;
      }
      if (fault.throttleAfter !== undefined && served >= fault.throttleAfter) {
        throw throttled('RequestRate', retryAfter);
      }
      if (fault.throttleRate !== undefined && state.random() < fault.throttleRate) {
        throw throttled('RequestRate', retryAfter);
      }
    }
    state.servedSinceFault += 1;
    if (fault?.throttleWindowSeconds !== undefined) state.servedTimes.push(now);
    if (this.throttling) state.window.push(now);
    state.inFlight += 1;
    state.stats.maxConcurrent = Math.max(state.stats.maxConcurrent, state.inFlight);
  }

  release(mailbox: string): void {
    const state = this.state(mailbox);
    state.inFlight = Math.max(0, state.inFlight - 1);
  }
}
