import {
  backoffDelay,
  handlerTable,
  checkOptions,
  checkScheduleId,
  logAttempt,
  runAttempt,
  schemaOf,
  validatePayload,
  type Envelope,
} from './attempt.js';
import { parseCron, type CronSchedule } from './cron.js';
import { QueueStateError } from './errors.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_DEADLINE_MS,
  type EnqueueOptions,
  type JobCatalogue,
  type JobHandler,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobQueue,
  type QueueCounts,
  type ResolvedQueueOptions,
  type ScheduleOptions,
  type StartOptions,
  type StopOptions,
} from './port.js';

interface MemoryJob {
  id: string;
  name: string;
  envelope: Envelope;
  attempts: number;
  attemptsMade: number;
  runAt: number;
  seq: number;
}

interface Running {
  job: MemoryJob;
  release: AbortController;
  done: Promise<void>;
}

interface Schedule {
  name: string;
  payload: object;
  cron: CronSchedule;
  groupKey: string | undefined;
  jobId: string | undefined;
  first: boolean;
  timer: NodeJS.Timeout | undefined;
}

// Longest setTimeout Node accepts; longer waits re-arm.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Jobs live in this process's memory: nothing survives a crash or restart of the process (the
 * store, not the queue, is the record of work still to do). Same semantics as the BullMQ adapter
 * otherwise, with one process as the whole world: the group limit is exact here.
 */
export class InProcessJobQueue<C extends JobCatalogue> implements JobQueue<C> {
  readonly kind = 'in-process';
  private readonly pending: MemoryJob[] = []; // waiting and delayed, ordered by (runAt, seq)
  private readonly byId = new Map<string, MemoryJob>(); // pending and active jobs
  private readonly running = new Map<string, Running>();
  private readonly groupActive = new Map<string, number>();
  private readonly failed: string[] = [];
  private readonly schedules = new Map<string, Schedule>();
  private handlers: Map<string, JobHandler<object>> | undefined;
  private concurrency: number = DEFAULT_CONCURRENCY;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopping: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: ResolvedQueueOptions<C>) {}

  enqueue<N extends JobName<C>>(
    name: N,
    payload: JobPayload<C, N>,
    options: EnqueueOptions = {},
  ): Promise<string> {
    return this.enqueueMany(name, [{ payload, options }]).then((ids) => ids[0]!);
  }

  enqueueMany<N extends JobName<C>>(
    name: N,
    jobs: readonly { payload: JobPayload<C, N>; options?: EnqueueOptions }[],
  ): Promise<string[]> {
    try {
      this.assertOpen();
      const valid = jobs.map((job) => {
        checkOptions(job.options ?? {});
        return validatePayload(this.options.catalogue, name, job.payload);
      });
      return Promise.resolve(valid.map((payload, i) => this.add(name, payload, jobs[i]?.options ?? {})));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private add(name: string, payload: object, options: EnqueueOptions): string {
    if (options.jobId !== undefined && this.byId.has(options.jobId)) return options.jobId;
    this.seq += 1;
    const id = options.jobId ?? `job-${this.seq}`;
    const envelope: Envelope = { payload };
    if (options.jobId !== undefined) envelope.jobId = options.jobId;
    if (options.groupKey !== undefined) envelope.groupKey = options.groupKey;
    const job: MemoryJob = {
      id,
      name,
      envelope,
      attempts: options.attempts ?? this.options.attempts,
      attemptsMade: 0,
      // Due since forever: before every waiting job (FIFO among jobs enqueued first).
      runAt: options.first === true && !options.delayMs ? 0 : Date.now() + (options.delayMs ?? 0),
      seq: this.seq,
    };
    this.byId.set(id, job);
    this.insert(job);
    this.pump();
    return id;
  }

  private insert(job: MemoryJob): void {
    // Binary search keeps `pending` ordered without re-sorting.
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.pending[mid];
      if (other && (other.runAt < job.runAt || (other.runAt === job.runAt && other.seq < job.seq)))
        lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, job);
  }

  async schedule<N extends JobName<C>>(
    scheduleId: string,
    name: N,
    payload: JobPayload<C, N>,
    cron: string,
    options: ScheduleOptions = {},
  ): Promise<void> {
    this.assertOpen();
    checkScheduleId(scheduleId);
    checkOptions(options);
    const valid = validatePayload(this.options.catalogue, name, payload);
    const parsed = parseCron(cron);
    await this.unschedule(scheduleId);
    const schedule: Schedule = {
      name,
      payload: valid,
      cron: parsed,
      groupKey: options.groupKey,
      jobId: options.jobId,
      first: options.first === true,
      timer: undefined,
    };
    this.schedules.set(scheduleId, schedule);
    this.arm(scheduleId, schedule);
  }

  private arm(scheduleId: string, schedule: Schedule): void {
    const at = schedule.cron.next(new Date()).getTime();
    const wait = at - Date.now();
    schedule.timer = setTimeout(
      () => {
        if (this.schedules.get(scheduleId) !== schedule) return;
        if (Date.now() >= at) {
          // The de-duplication id keeps at most one run of a schedule pending or running.
          const options: EnqueueOptions = { jobId: schedule.jobId ?? `schedule.${scheduleId}` };
          if (schedule.groupKey !== undefined) options.groupKey = schedule.groupKey;
          if (schedule.first) options.first = true;
          this.add(schedule.name, schedule.payload, options);
        }
        this.arm(scheduleId, schedule);
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
  }

  unschedule(scheduleId: string): Promise<boolean> {
    const existing = this.schedules.get(scheduleId);
    if (!existing) return Promise.resolve(false);
    clearTimeout(existing.timer);
    this.schedules.delete(scheduleId);
    return Promise.resolve(true);
  }

  start(handlers: JobHandlers<C>, options: StartOptions = {}): Promise<void> {
    try {
      this.assertOpen();
      if (this.handlers) throw new QueueStateError('queue already started');
      if (this.stopping) throw new QueueStateError('queue is stopping; await stop() before start()');
      const table = handlerTable(this.options.catalogue, handlers);
      const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
      }
      this.concurrency = concurrency;
      this.handlers = table;
      this.options.logger.info(
        { queue: this.options.queueName, concurrency, kind: this.kind },
        'queue worker started',
      );
      this.pump();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Starts every job that is due and whose group has a free slot; arms a timer for the next due one. */
  private pump(): void {
    if (!this.handlers || this.stopping) return;
    const now = Date.now();
    for (let i = 0; i < this.pending.length && this.running.size < this.concurrency;) {
      const job = this.pending[i];
      if (!job || job.runAt > now) break;
      const key = job.envelope.groupKey;
      if (key !== undefined && (this.groupActive.get(key) ?? 0) >= this.options.groupLimit) {
        i += 1;
        continue;
      }
      this.pending.splice(i, 1);
      this.run(job);
    }
    this.armTimer(now);
  }

  /**
   * Arms the timer for the first job that was not yet due at `now`, the instant `pump` started from.
   * Its own clock reading could pass a job that `pump` still found not due, and leave it without a timer.
   */
  private armTimer(now: number): void {
    // `pending` is ordered by runAt: binary search for the first job not yet due.
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.pending[mid]?.runAt ?? Infinity) > now) hi = mid;
      else lo = mid + 1;
    }
    const at = this.pending[lo]?.runAt ?? Infinity;
    if (at === this.timerAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity || !this.handlers || this.stopping) {
      this.timerAt = Infinity;
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS),
    );
  }

  private run(job: MemoryJob): void {
    const handler = this.handlers?.get(job.name);
    if (!handler) return;
    const key = job.envelope.groupKey;
    if (key !== undefined) this.groupActive.set(key, (this.groupActive.get(key) ?? 0) + 1);
    const release = new AbortController();
    const log = this.options.logger.child({ jobId: job.id, job: job.name, groupKey: key });
    const entry: Running = {
      job,
      release,
      done: (async () => {
        const result = await runAttempt({
          handler,
          schema: schemaOf(this.options.catalogue, job.name),
          envelope: job.envelope,
          context: { jobId: job.id, name: job.name, attempt: job.attemptsMade + 1, log },
          release: release.signal,
          maxDeferrals: this.options.maxDeferrals,
        });
        if (key !== undefined) {
          const left = (this.groupActive.get(key) ?? 1) - 1;
          if (left > 0) this.groupActive.set(key, left);
          else this.groupActive.delete(key);
        }
        this.running.delete(job.id);
        const willRetry = result.kind === 'error' && job.attemptsMade + 1 < job.attempts;
        logAttempt(log, result, { willRetry });
        switch (result.kind) {
          case 'done':
            this.byId.delete(job.id);
            break;
          case 'failed':
            this.fail(job);
            break;
          case 'error':
            job.attemptsMade += 1;
            if (willRetry) this.requeue(job, backoffDelay(this.options.backoffMs, job.attemptsMade));
            else this.fail(job);
            break;
          case 'retry':
            job.envelope.deferrals = (job.envelope.deferrals ?? 0) + 1;
            this.requeue(job, result.delayMs);
            break;
          case 'released':
            this.requeue(job, 0);
            break;
        }
        this.pump();
      })().catch((error: unknown) => {
        // Unreachable unless the bookkeeping above throws; never leave a rejection unobserved.
        log.error({ err: error }, 'in-process queue bookkeeping failed');
      }),
    };
    this.running.set(job.id, entry);
  }

  private requeue(job: MemoryJob, delayMs: number): void {
    job.runAt = Date.now() + delayMs;
    this.insert(job);
  }

  private fail(job: MemoryJob): void {
    this.byId.delete(job.id);
    if (this.options.keepFailed === 0) return;
    this.failed.push(job.id);
    if (this.failed.length > this.options.keepFailed) this.failed.shift();
  }

  stop(options: StopOptions = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (!this.handlers) return Promise.resolve();
    const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.stopping = (async () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      const inFlight = [...this.running.values()];
      this.options.logger.info(
        { queue: this.options.queueName, inFlight: inFlight.length, deadlineMs },
        'queue stopping',
      );
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, deadlineMs);
      });
      await Promise.race([Promise.all(inFlight.map((r) => r.done)), expired]);
      clearTimeout(deadline);
      const left = [...this.running.values()];
      for (const r of left) r.release.abort();
      await Promise.all(left.map((r) => r.done));
      this.handlers = undefined;
      this.options.logger.info({ queue: this.options.queueName, released: left.length }, 'queue stopped');
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  counts(): Promise<QueueCounts> {
    const now = Date.now();
    const delayed = this.pending.filter((j) => j.runAt > now).length;
    return Promise.resolve({
      waiting: this.pending.length - delayed,
      active: this.running.size,
      delayed,
      failed: this.failed.length,
    });
  }

  ping(): Promise<void> {
    return this.closed ? Promise.reject(new QueueStateError('queue is closed')) : Promise.resolve();
  }

  async close(options: StopOptions = {}): Promise<void> {
    if (this.closed) return;
    await this.stop(options);
    for (const id of [...this.schedules.keys()]) await this.unschedule(id);
    clearTimeout(this.timer);
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueStateError('queue is closed');
  }
}
