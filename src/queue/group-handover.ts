import type { GroupLease } from './group-limiter.js';

// Jobs of a full group that wait inside this process for a slot, instead of being parked in
// Redis. When a job of the group finishes, its lease passes straight to the oldest waiter: no
// release, no acquire, no promote, no fetch. See docs/adr/0002-per-mailbox-concurrency.md.
//
// At most `maxWaitingPerGroup` jobs wait per group, so one busy mailbox holds at most
// limit + maxWaitingPerGroup worker slots of a process; the rest park in Redis as before.

interface Waiter {
  handOver(lease: GroupLease): void;
}

export class GroupHandover {
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly maxWaitingPerGroup: number) {}

  /** True if another job of `groupKey` may wait here. */
  hasRoom(groupKey: string): boolean {
    return (this.waiting.get(groupKey)?.length ?? 0) < this.maxWaitingPerGroup;
  }

  /** Waits up to `ms` for a finishing job of the group to hand over its lease; undefined if none came. */
  wait(groupKey: string, ms: number): Promise<GroupLease | undefined> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(groupKey) ?? [];
      this.waiting.set(groupKey, queue);
      const done = (lease: GroupLease | undefined) => {
        clearTimeout(timer);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.waiting.get(groupKey) === queue) this.waiting.delete(groupKey);
        resolve(lease);
      };
      const waiter: Waiter = { handOver: (lease) => done(lease) };
      const timer = setTimeout(() => done(undefined), ms);
      queue.push(waiter);
    });
  }

  /** Gives `lease` to the group's oldest waiter. False if nobody waits (the caller releases it). */
  handOver(groupKey: string, lease: GroupLease): boolean {
    const next = this.waiting.get(groupKey)?.[0];
    if (!next) return false;
    next.handOver(lease);
    return true;
  }
}
