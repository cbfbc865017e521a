import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * A job catalogue: job name -> schema of its payload. The schema is the single source of the payload
 * type, gives the adapters the list of job names at run time (start-up checks every name has a
 * handler), and is applied on enqueue and again on dequeue (a payload written by an older or newer
 * deploy is rejected as a permanent failure instead of reaching a handler half-understood).
 */
export type JobCatalogue = Record<string, z.ZodType<object>>;

export type JobName<C extends JobCatalogue> = keyof C & string;
export type JobPayload<C extends JobCatalogue, N extends JobName<C>> = z.output<C[N]>;

/** One discriminated union of every `{ name, payload }` pair of a catalogue. */
export type JobOf<C extends JobCatalogue> = {
  [N in JobName<C>]: { name: N; payload: JobPayload<C, N> };
}[JobName<C>];

/**
 * What a handler says happened. Thrown errors are transient failures: retried with exponential
 * backoff until `attempts` is used up.
 * - `done`: finished.
 * - `retry`: try again after `delayMs` WITHOUT using up an attempt (how Graph's `Retry-After` is
 *   honoured); capped by `maxDeferrals` per job, after which the job fails permanently.
 * - `failed`: permanent failure, never retried (BullMQ `UnrecoverableError`).
 */
export type JobOutcome =
  | { status: 'done' }
  | { status: 'retry'; delayMs: number; reason: string }
  | { status: 'failed'; reason: string };

export interface JobContext {
  /** The job id given at enqueue (the de-duplication id), else one the queue made up. */
  jobId: string;
  name: string;
  /** 1 for the first attempt; `retry` outcomes and releases on shutdown do not count. */
  attempt: number;
  /**
   * Aborted when the worker stops and the shutdown deadline passes (the job is then put back in the
   * queue for another worker), or when the worker lost the job's lock. Pass it to every I/O call.
   */
  signal: AbortSignal;
  /** Child logger carrying jobId, job name and groupKey. */
  log: Logger;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<JobOutcome>;

export type JobHandlers<C extends JobCatalogue> = {
  [N in JobName<C>]: JobHandler<JobPayload<C, N>>;
};

export interface EnqueueOptions {
  /**
   * De-duplication id: while a job enqueued with this id is waiting, delayed or active, enqueueing
   * the same id again adds nothing and returns the existing job. Once it completed or failed, the
   * id is free again. Make it deterministic (see `mailrouteJobIds`).
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Concurrency group (the source mailbox): at most `groupLimit` jobs of one group run at the same
   * time across every worker process sharing the queue.
   */
  groupKey?: string;
  /** Overrides the queue's default number of attempts for thrown errors. */
  attempts?: number;
  /**
   * Runs before the jobs already waiting (BullMQ: LIFO). For short jobs that unlock others: a
   * mailbox sync finds the mail that a backlog of route jobs would otherwise hide for seconds.
   */
  first?: boolean;
}

export interface ScheduleOptions {
  groupKey?: string;
  /** Each run is enqueued before the jobs already waiting (see `EnqueueOptions.first`). */
  first?: boolean;
  /**
   * Each run is enqueued with this de-duplication id, so a run is skipped while a job with the same
   * id (one enqueued on demand, say) is waiting, delayed or running: the scheduled and the on-demand
   * jobs of one piece of work never run at the same time.
   */
  jobId?: string;
}

export interface StartOptions {
  /** Jobs this process runs at the same time (all groups together). Default 8. */
  concurrency?: number;
}

export interface StopOptions {
  /**
   * How long in-flight jobs may take to finish. After that their `signal` is aborted and they are
   * put back in the queue (no attempt used up) for another worker. Default 10,000 ms.
   */
  deadlineMs?: number;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** The port. Both adapters (BullMQ on Redis, in-process) give the same guarantees; see docs/queue.md. */
export interface JobQueue<C extends JobCatalogue> {
  readonly kind: 'bullmq' | 'in-process';
  /** Adds a job (validated against the catalogue). Resolves with the job id (the existing one if de-duplicated). */
  enqueue<N extends JobName<C>>(
    name: N,
    payload: JobPayload<C, N>,
    options?: EnqueueOptions,
  ): Promise<string>;
  /**
   * Adds many jobs of one name in one round trip (a delta page's route jobs), in the given order,
   * with the same de-duplication as `enqueue`. Every payload is validated before any job is added.
   * Resolves with one id per job.
   */
  enqueueMany<N extends JobName<C>>(
    name: N,
    jobs: readonly { payload: JobPayload<C, N>; options?: EnqueueOptions }[],
  ): Promise<string[]>;
  /**
   * Creates or replaces (same `scheduleId`) a repeatable job. `cron` has 5 fields (minute first) or
   * 6 (second first), evaluated in UTC. Runs of one schedule do not pile up.
   */
  schedule<N extends JobName<C>>(
    scheduleId: string,
    name: N,
    payload: JobPayload<C, N>,
    cron: string,
    options?: ScheduleOptions,
  ): Promise<void>;
  /** Removes a schedule; resolves false if there was none. */
  unschedule(scheduleId: string): Promise<boolean>;
  /**
   * Starts taking jobs. Rejects with `MissingHandlerError` (and takes nothing) if a job name of the
   * catalogue has no handler, and with `QueueUnavailableError` if Redis does not answer.
   */
  start(handlers: JobHandlers<C>, options?: StartOptions): Promise<void>;
  /** Graceful drain: take no new jobs, let in-flight ones finish until the deadline, release the rest. */
  stop(options?: StopOptions): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Rejects with `QueueUnavailableError` when the backing service is unreachable. */
  ping(): Promise<void>;
  /** `stop()` if started, then release every connection and timer. The queue is unusable afterwards. */
  close(options?: StopOptions): Promise<void>;
}

export interface JobQueueOptions<C extends JobCatalogue> {
  catalogue: C;
  logger: Logger;
  /** BullMQ on this Redis when set; the in-process adapter otherwise. */
  redisUrl?: string | undefined;
  /** Queue name (default `mailroute`). Tests use unique names. */
  queueName?: string;
  /** Redis key prefix (default `mailroute`). Every key of this queue starts with it. */
  prefix?: string;
  /** Attempts for thrown errors (default 5). */
  attempts?: number;
  /** Base of the exponential backoff between attempts: base * 2^(attempt-1), ±25 % jitter (default 2,000 ms). */
  backoffMs?: number;
  /** Jobs of one groupKey running at once across all processes (default 4: Graph's per-mailbox limit). */
  groupLimit?: number;
  /** A group slot is held under a lease this long, renewed while the job runs (default 30,000 ms). */
  groupLeaseMs?: number;
  /**
   * BullMQ: a job that finds its group full is parked and woken when a slot frees; this is the
   * longest it waits before it checks again on its own, in case a wake-up was lost (a worker died
   * between releasing its slot and waking the next job). Default 5,000 ms, ±50 % jitter.
   */
  groupRecheckMs?: number;
  /** `retry` outcomes allowed per job before it fails permanently (default 100). */
  maxDeferrals?: number;
  /** How many permanently failed jobs are kept for inspection (default 5,000). */
  keepFailed?: number;
  /** BullMQ: how long a worker's lock on a job lasts without renewal; a crashed worker's jobs come back after it (default 30,000 ms). */
  lockDurationMs?: number;
}

const DEFAULTS = {
  queueName: 'mailroute',
  prefix: 'mailroute',
  attempts: 5,
  backoffMs: 2_000,
  groupLimit: 4,
  groupLeaseMs: 30_000,
  groupRecheckMs: 5_000,
  maxDeferrals: 100,
  keepFailed: 5_000,
  lockDurationMs: 30_000,
  concurrency: 8,
  deadlineMs: 10_000,
} as const;

export type ResolvedQueueOptions<C extends JobCatalogue> = Required<
  Omit<JobQueueOptions<C>, 'redisUrl' | 'catalogue' | 'logger'>
> &
  Pick<JobQueueOptions<C>, 'catalogue' | 'logger'>;

export function resolveOptions<C extends JobCatalogue>(options: JobQueueOptions<C>): ResolvedQueueOptions<C> {
  const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < min)
      throw new RangeError(`queue option ${name} must be >= ${min}, got ${v}`);
    return v;
  };
  const names = Object.keys(options.catalogue);
  if (names.length === 0) throw new RangeError('queue catalogue has no job names');
  return {
    catalogue: options.catalogue,
    logger: options.logger,
    queueName: options.queueName ?? DEFAULTS.queueName,
    prefix: options.prefix ?? DEFAULTS.prefix,
    attempts: positive('attempts', options.attempts, DEFAULTS.attempts),
    backoffMs: positive('backoffMs', options.backoffMs, DEFAULTS.backoffMs, 0),
    groupLimit: positive('groupLimit', options.groupLimit, DEFAULTS.groupLimit),
    groupLeaseMs: positive('groupLeaseMs', options.groupLeaseMs, DEFAULTS.groupLeaseMs, 1_000),
    groupRecheckMs: positive('groupRecheckMs', options.groupRecheckMs, DEFAULTS.groupRecheckMs),
    maxDeferrals: positive('maxDeferrals', options.maxDeferrals, DEFAULTS.maxDeferrals, 0),
    keepFailed: positive('keepFailed', options.keepFailed, DEFAULTS.keepFailed, 0),
    lockDurationMs: positive('lockDurationMs', options.lockDurationMs, DEFAULTS.lockDurationMs, 1_000),
  };
}

export const DEFAULT_CONCURRENCY = DEFAULTS.concurrency;
export const DEFAULT_DEADLINE_MS = DEFAULTS.deadlineMs;
