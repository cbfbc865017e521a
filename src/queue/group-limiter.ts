import type { Redis, Result } from 'ioredis';
import type { Logger } from 'pino';

// A counting semaphore per group key, shared by every process on one Redis, plus a parking lot
// for the jobs that found their group full. See docs/adr/0002-per-mailbox-concurrency.md.
//
// - `<base>:group:<key>`   sorted set of lease holders scored by lease expiry (ms, Redis clock).
// - `<base>:parked:<key>`  sorted set of queue job ids waiting for a slot, scored by when they first parked.
//
// Every script reads the clock with Redis' own TIME, so the workers' clocks never enter a
// comparison (no clock skew between hosts). A holder that dies stops renewing; its lease runs
// out and the next script call removes it, so a crash frees its slot after at most one lease.
// When a slot frees (release, or a park that finds one free) the script hands back the id of the
// longest-parked job, and the caller promotes that job from delayed to waiting.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)`;

// Returns the longest-parked job id if the group has a free slot (popping it), else false.
const WAKE_IF_FREE = `if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  local p = redis.call('ZPOPMIN', KEYS[2])
  if p[1] then return p[1] end
end
return false`;

// KEYS: group, parked. ARGV: limit, holder, lease ms, job id. Returns 1 if acquired.
const ACQUIRE = `${NOW}
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
  redis.call('ZREM', KEYS[2], ARGV[4])
  return 1
end
return 0`;

// KEYS: group. ARGV: holder, lease ms. Returns 0 if the lease was already reclaimed.
const RENEW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[2]))
return 1`;

// KEYS: group, parked. ARGV: limit, holder. Releases, then maybe hands back a job to wake.
const RELEASE = `redis.call('ZREM', KEYS[1], ARGV[2])
${NOW}
${WAKE_IF_FREE}`;

// KEYS: group, parked. ARGV: limit, parked-set ttl ms, job ids... Parks the jobs in the given order
// (a millisecond apart; a job's first park time is kept, for fairness), then closes the race with
// a release that happened before the park: if a slot is free now, hands back a job to wake
// (possibly one of these).
const PARK = `${NOW}
for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'NX', now + i - 3, ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
${WAKE_IF_FREE}`;

// KEYS: group, parked. ARGV: limit.
const WAKE = `${NOW}
${WAKE_IF_FREE}`;

export interface GroupLease {
  /** Gives the slot back; resolves with a parked job id to wake, if any. Safe to call twice. */
  release(): Promise<string | undefined>;
}

function asJobId(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// The scripts are defined on the connection (`defineCommand`): sent once, then called by their SHA
// (ioredis re-sends one that Redis forgot). Declared here so that the calls are typed.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    mailrouteGroupAcquire(...keysThenArgs: (string | number)[]): Result<unknown, Context>;
    mailrouteGroupRenew(...keysThenArgs: (string | number)[]): Result<unknown, Context>;
    mailrouteGroupRelease(...keysThenArgs: (string | number)[]): Result<unknown, Context>;
    mailrouteGroupPark(...keysThenArgs: (string | number)[]): Result<unknown, Context>;
    mailrouteGroupWake(...keysThenArgs: (string | number)[]): Result<unknown, Context>;
  }
}

export class RedisGroupLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyBase: string,
    private readonly limit: number,
    private readonly leaseMs: number,
    private readonly parkTtlMs: number,
    private readonly log: Logger,
  ) {
    redis.defineCommand('mailrouteGroupAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand('mailrouteGroupRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('mailrouteGroupRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('mailrouteGroupPark', { numberOfKeys: 2, lua: PARK });
    redis.defineCommand('mailrouteGroupWake', { numberOfKeys: 2, lua: WAKE });
  }

  private keys(groupKey: string): [string, string] {
    return [`${this.keyBase}:group:${groupKey}`, `${this.keyBase}:parked:${groupKey}`];
  }

  /**
   * Takes a slot for `holder` (unique per attempt) on behalf of queue job `jobId`, or resolves
   * undefined when the group is full.
   */
  async acquire(groupKey: string, jobId: string, holder: string): Promise<GroupLease | undefined> {
    const [group, parked] = this.keys(groupKey);
    const got = await this.redis.mailrouteGroupAcquire(
      group,
      parked,
      this.limit,
      holder,
      this.leaseMs,
      jobId,
    );
    if (got !== 1) return undefined;

    let released = false;
    // Renew at a third of the lease so two renewals can fail (a slow Redis) before the lease lapses.
    const timer = setInterval(
      () => {
        this.redis.mailrouteGroupRenew(group, holder, this.leaseMs).then(
          (ok) => {
            if (ok !== 1 && !released) {
              this.log.warn(
                { groupKey, holder },
                'group lease lapsed while the job ran; the group limit may be exceeded',
              );
            }
          },
          (error: unknown) => this.log.warn({ err: error, groupKey }, 'group lease renewal failed'),
        );
      },
      Math.floor(this.leaseMs / 3),
    );
    timer.unref();

    return {
      release: async () => {
        if (released) return undefined;
        released = true;
        clearInterval(timer);
        return asJobId(await this.redis.mailrouteGroupRelease(group, parked, this.limit, holder));
      },
    };
  }

  /**
   * Records that queue jobs (already delayed) wait for a slot, in order: one that found its group
   * full, or a bulk enqueue's jobs parked without being fetched first. Resolves with a job id to
   * wake if a slot is free now.
   */
  async park(groupKey: string, jobIds: readonly string[]): Promise<string | undefined> {
    const [group, parked] = this.keys(groupKey);
    return asJobId(await this.redis.mailrouteGroupPark(group, parked, this.limit, this.parkTtlMs, ...jobIds));
  }

  /** Takes `jobId` off the group's parked list (it got a slot another way). */
  async unpark(groupKey: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys(groupKey)[1], jobId);
  }

  /** Longest-parked job id of the group, taken off the list, whether or not a slot is free. */
  async popParked(groupKey: string): Promise<string | undefined> {
    const [id] = await this.redis.zpopmin(this.keys(groupKey)[1]);
    return id;
  }

  /** Next parked job id to wake if the group has a free slot (used when a wake-up found its job gone). */
  async wakeNext(groupKey: string): Promise<string | undefined> {
    const [group, parked] = this.keys(groupKey);
    return asJobId(await this.redis.mailrouteGroupWake(group, parked, this.limit));
  }
}
