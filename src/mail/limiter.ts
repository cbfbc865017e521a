/*
 * Graph limits Outlook requests per app AND mailbox: 4 concurrent requests and about 10,000
 * requests per 10 minutes. The limiter keeps one process under both, so mailroute slows itself
 * down before Graph throttles it. (The limit across worker processes is the queue's job.)
 */

export interface MailboxLimits {
  /** Concurrent requests per mailbox (Graph: 4). */
  maxConcurrent: number;
  /** Requests per mailbox per window (Graph: 10,000 per 10 minutes). */
  requestsPerWindow: number;
  windowMs: number;
}

export const graphMailboxLimits: MailboxLimits = {
  maxConcurrent: 4,
  requestsPerWindow: 10_000,
  windowMs: 600_000,
};

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Releases what `acquire` took; call exactly once. */
export type Release = () => void;

class MailboxState {
  active = 0;
  readonly waiters: { slots: number; wake: () => void }[] = [];
  /** Sliding log of [time, cost] of the requests sent in the current window. */
  readonly sent: { at: number; cost: number }[] = [];
  head = 0;
  spent = 0;
  pausedUntil = 0;
  maxActiveSeen = 0;
}

export class MailboxLimiter {
  private readonly boxes = new Map<string, MailboxState>();

  constructor(
    readonly limits: MailboxLimits = graphMailboxLimits,
    private readonly clock: Clock = systemClock,
  ) {
    if (limits.maxConcurrent < 1 || limits.requestsPerWindow < 1) throw new RangeError('limits must be >= 1');
  }

  /**
   * Waits for `slots` concurrency slots (a `$batch` of n requests takes min(n, max) slots) and for
   * `cost` requests of budget, then records them as sent.
   */
  async acquire(mailbox: string, cost = 1, slots = 1): Promise<Release> {
    const box = this.box(mailbox);
    const wanted = Math.min(Math.max(1, slots), this.limits.maxConcurrent);
    if (box.active + wanted > this.limits.maxConcurrent || box.waiters.length > 0) {
      await new Promise<void>((wake) => box.waiters.push({ slots: wanted, wake }));
    } else {
      box.active += wanted;
    }
    box.maxActiveSeen = Math.max(box.maxActiveSeen, box.active);
    let released = false;
    const release: Release = () => {
      if (released) return;
      released = true;
      box.active -= wanted;
      this.wakeWaiters(box);
    };
    try {
      await this.waitForBudget(box, Math.min(cost, this.limits.requestsPerWindow));
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Graph said Retry-After: hold every request to this mailbox until then. */
  pause(mailbox: string, ms: number): void {
    const box = this.box(mailbox);
    box.pausedUntil = Math.max(box.pausedUntil, this.clock.now() + ms);
  }

  /** Highest number of requests this process had in flight to the mailbox at once. */
  maxConcurrentSeen(mailbox: string): number {
    return this.boxes.get(mailbox.toLowerCase())?.maxActiveSeen ?? 0;
  }

  private box(mailbox: string): MailboxState {
    const key = mailbox.toLowerCase();
    let box = this.boxes.get(key);
    if (!box) {
      box = new MailboxState();
      this.boxes.set(key, box);
    }
    return box;
  }

  private wakeWaiters(box: MailboxState): void {
    // FIFO: a waiting batch is not overtaken by single requests.
    while (box.waiters.length > 0) {
      const next = box.waiters[0];
      if (!next || box.active + next.slots > this.limits.maxConcurrent) return;
      box.waiters.shift();
      box.active += next.slots;
      next.wake();
    }
  }

  private async waitForBudget(box: MailboxState, cost: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (box.pausedUntil > now) {
        await this.clock.sleep(box.pausedUntil - now);
        continue;
      }
      const windowStart = now - this.limits.windowMs;
      while (box.head < box.sent.length) {
        const oldest = box.sent[box.head];
        if (!oldest || oldest.at > windowStart) break;
        box.spent -= oldest.cost;
        box.head += 1;
      }
      if (box.head > 1024 && box.head * 2 > box.sent.length) {
        box.sent.splice(0, box.head);
        box.head = 0;
      }
      if (box.spent + cost <= this.limits.requestsPerWindow) {
        box.sent.push({ at: now, cost });
        box.spent += cost;
        return;
      }
      const oldest = box.sent[box.head];
      const waitMs = oldest ? oldest.at + this.limits.windowMs - now + 1 : 1;
      await this.clock.sleep(Math.max(1, waitMs));
    }
  }
}
