import {
  DelayedError,
  Queue,
  UnrecoverableError,
  WaitingError,
  Worker,
  type Job,
  type JobsOptions,
} from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import {
  BACKOFF_JITTER,
  handlerTable,
  checkOptions,
  checkScheduleId,
  groupRecheckDelay,
  logAttempt,
  runAttempt,
  schemaOf,
  validatePayload,
  type Envelope,
} from './attempt.js';
import { parseCron } from './cron.js';
import { QueueStateError, QueueUnavailableError } from './errors.js';
import { GroupHandover } from './group-handover.js';
import { RedisGroupLimiter, type GroupLease } from './group-limiter.js';
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

const PING_TIMEOUT_MS = 2_000;

function readEnvelope(data: unknown): Envelope | undefined {
  if (typeof data !== 'object' || data === null || !('payload' in data)) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.payload !== 'object' || d.payload === null) return undefined;
  const envelope: Envelope = { payload: d.payload };
  if (typeof d.jobId === 'string') envelope.jobId = d.jobId;
  if (typeof d.groupKey === 'string') envelope.groupKey = d.groupKey;
  if (typeof d.deferrals === 'number') envelope.deferrals = d.deferrals;
  if (typeof d.enqueueAs === 'string') envelope.enqueueAs = d.enqueueAs;
  if (d.enqueueFirst === true) envelope.enqueueFirst = true;
  return envelope;
}

function connect(
  url: string,
  name: string,
  options: RedisOptions,
  onError: (e: Error) => void,
  onReady: () => void,
): Redis {
  const client = new Redis(url, { connectionName: name, ...options });
  client.on('error', onError);
  client.on('ready', onReady);
  return client;
}

async function disconnect(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** The id `enqueue` resolves with: the de-duplication id if one was given, else BullMQ's. */
function idOf(job: { id?: string | undefined }, options: EnqueueOptions): string {
  if (options.jobId !== undefined) return options.jobId;
  if (job.id === undefined) throw new QueueUnavailableError('BullMQ returned no job id');
  return job.id;
}

/**
 * BullMQ on Redis. Any number of processes may share one queue: jobs survive restarts and crashes
 * (a crashed worker's jobs come back after `lockDurationMs`), and the group limit holds across all
 * of them through `RedisGroupLimiter`.
 */
export class BullJobQueue<C extends JobCatalogue> implements JobQueue<C> {
  readonly kind = 'bullmq';
  private readonly client: Redis;
  private readonly queue: Queue<Envelope, void, string>;
  private readonly limiter: RedisGroupLimiter;
  private readonly handover: GroupHandover;
  private readonly inFlight = new Set<AbortController>();
  private worker: Worker<Envelope, void, string> | undefined;
  private workerClient: Redis | undefined;
  private stopping: Promise<void> | undefined;
  private closed = false;
  private lastConnectionError = '';

  constructor(
    private readonly redisUrl: string,
    private readonly options: ResolvedQueueOptions<C>,
  ) {
    const { queueName, prefix, logger } = options;
    // Producer connection: a few retries, then enqueue() rejects instead of hanging forever.
    this.client = connect(
      redisUrl,
      `${queueName}-producer`,
      { maxRetriesPerRequest: 3 },
      (e) => this.connectionError(e),
      () => this.connected(),
    );
    this.queue = new Queue<Envelope, void, string>(queueName, {
      connection: this.client,
      prefix,
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs, jitter: BACKOFF_JITTER },
        removeOnComplete: true,
        removeOnFail: options.keepFailed === 0 ? true : { count: options.keepFailed },
      },
    });
    this.queue.on('error', (e) => this.connectionError(e));
    this.limiter = new RedisGroupLimiter(
      this.client,
      `${prefix}:${queueName}`,
      options.groupLimit,
      options.groupLeaseMs,
      4 * options.groupRecheckMs + options.groupLeaseMs,
      logger,
    );
    this.handover = new GroupHandover(options.groupLimit);
  }

  private connected(): void {
    if (this.lastConnectionError !== '')
      this.options.logger.info({ queue: this.options.queueName }, 'queue reconnected');
    this.lastConnectionError = '';
  }

  private connectionError(error: Error): void {
    // ioredis reports every failed reconnect; log each distinct message once.
    if (error.message === this.lastConnectionError) return;
    this.lastConnectionError = error.message;
    this.options.logger.warn({ err: error, queue: this.options.queueName }, 'queue connection error');
  }

  async enqueue<N extends JobName<C>>(
    name: N,
    payload: JobPayload<C, N>,
    options: EnqueueOptions = {},
  ): Promise<string> {
    this.assertOpen();
    checkOptions(options);
    return this.enqueueValid(name, payload, options);
  }

  async enqueueMany<N extends JobName<C>>(
    name: N,
    jobs: readonly { payload: JobPayload<C, N>; options?: EnqueueOptions }[],
  ): Promise<string[]> {
    this.assertOpen();
    // A job beyond what its group can run and keep waiting in one process would only be fetched
    // to be parked (four round trips each, while the jobs of other groups wait behind it): it is
    // parked at once instead, delayed first and then on the group's parked list, in order.
    const inGroup = new Map<string, number>();
    const parkedIn: (string | undefined)[] = [];
    const bulk = jobs.map(({ payload, options = {} }) => {
      checkOptions(options);
      const { data, opts } = this.jobOf(name, payload, options);
      const { groupKey } = options;
      let parks: string | undefined;
      if (groupKey !== undefined && options.delayMs === undefined && options.first !== true) {
        const n = (inGroup.get(groupKey) ?? 0) + 1;
        inGroup.set(groupKey, n);
        if (n > 2 * this.options.groupLimit) {
          parks = groupKey;
          opts.delay = groupRecheckDelay(this.options.groupRecheckMs);
        }
      }
      parkedIn.push(parks);
      return { name, data, opts };
    });
    if (bulk.length === 0) return [];
    const added = await this.queue.addBulk(bulk);
    const toPark = new Map<string, string[]>();
    added.forEach((job, i) => {
      const groupKey = parkedIn[i];
      if (groupKey === undefined || job.id === undefined) return;
      const ids = toPark.get(groupKey);
      if (ids) ids.push(job.id);
      else toPark.set(groupKey, [job.id]);
    });
    for (const [groupKey, ids] of toPark) {
      const wake = await this.limiter.park(groupKey, ids);
      if (wake !== undefined) await this.wake(groupKey, wake, this.options.logger);
    }
    return added.map((job, i) => idOf(job, jobs[i]?.options ?? {}));
  }

  private async enqueueValid(name: string, payload: unknown, options: EnqueueOptions): Promise<string> {
    const { data, opts } = this.jobOf(name, payload, options);
    return idOf(await this.queue.add(name, data, opts), options);
  }

  /** The envelope and BullMQ options of one job (the payload validated against the catalogue). */
  private jobOf(
    name: string,
    payload: unknown,
    options: EnqueueOptions,
  ): { data: Envelope; opts: JobsOptions } {
    const envelope: Envelope = { payload: validatePayload(this.options.catalogue, name, payload) };
    const jobOptions: JobsOptions = {};
    if (options.jobId !== undefined) {
      envelope.jobId = options.jobId;
      // BullMQ's de-duplication (not a custom job id): the id is held while the job is waiting,
      // delayed or active and freed when it completes or fails, so a kept failed job never blocks
      // a later enqueue of the same work.
      jobOptions.deduplication = { id: options.jobId };
    }
    if (options.groupKey !== undefined) envelope.groupKey = options.groupKey;
    if (options.delayMs !== undefined) jobOptions.delay = options.delayMs;
    if (options.attempts !== undefined) jobOptions.attempts = options.attempts;
    if (options.first === true) jobOptions.lifo = true;
    return { data: envelope, opts: jobOptions };
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
    const envelope: Envelope = { payload: validatePayload(this.options.catalogue, name, payload) };
    if (options.groupKey !== undefined) envelope.groupKey = options.groupKey;
    // BullMQ's schedulers take no de-duplication option, so such a run enqueues the real job itself.
    if (options.jobId !== undefined) envelope.enqueueAs = options.jobId;
    if (options.first === true) envelope.enqueueFirst = true;
    parseCron(cron); // same patterns as the in-process adapter, checked the same way
    await this.queue.upsertJobScheduler(scheduleId, { pattern: cron, tz: 'UTC' }, { name, data: envelope });
  }

  async unschedule(scheduleId: string): Promise<boolean> {
    this.assertOpen();
    return this.queue.removeJobScheduler(scheduleId);
  }

  async start(handlers: JobHandlers<C>, options: StartOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.worker) throw new QueueStateError('queue already started');
    if (this.stopping) throw new QueueStateError('queue is stopping; await stop() before start()');
    const table = handlerTable(this.options.catalogue, handlers);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    // Fail fast on a Redis that is not there (a wrong URL, say) instead of waiting for it forever.
    await this.ping();
    const { queueName, prefix, logger } = this.options;
    // Worker connections must retry forever (BullMQ blocks on them); see shared/NOTES.md.
    const workerClient = connect(
      this.redisUrl,
      `${queueName}-worker`,
      { maxRetriesPerRequest: null },
      (e) => this.connectionError(e),
      () => this.connected(),
    );
    const worker = new Worker<Envelope, void, string>(
      queueName,
      (job, token, signal) => this.process(table, job, token, signal),
      {
        connection: workerClient,
        prefix,
        concurrency,
        lockDuration: this.options.lockDurationMs,
        // Look for jobs of dead workers as often as a lock lasts (BullMQ's defaults: both 30 s).
        stalledInterval: this.options.lockDurationMs,
        // A job is put back twice after its worker died; the third time (a crash loop, say) it fails.
        maxStalledCount: 2,
        autorun: false,
      },
    );
    worker.on('error', (e) => this.connectionError(e));
    this.worker = worker;
    this.workerClient = workerClient;
    try {
      await worker.waitUntilReady();
    } catch (error) {
      this.worker = undefined;
      this.workerClient = undefined;
      await worker.close(true).catch(() => undefined);
      await disconnect(workerClient);
      throw new QueueUnavailableError(`cannot start worker on queue '${queueName}'`, { cause: error });
    }
    worker.run().catch((e: unknown) => this.connectionError(e instanceof Error ? e : new Error(String(e))));
    logger.info({ queue: queueName, concurrency, kind: this.kind }, 'queue worker started');
  }

  private async process(
    handlers: Map<string, JobHandler<object>>,
    job: Job<Envelope, void, string>,
    token: string | undefined,
    lost: AbortSignal | undefined,
  ): Promise<void> {
    const queueJobId = job.id ?? 'unknown';
    const envelope = readEnvelope(job.data);
    const log = this.options.logger.child({
      jobId: envelope?.jobId ?? queueJobId,
      queueJobId,
      job: job.name,
      groupKey: envelope?.groupKey,
    });
    const handler = handlers.get(job.name);
    if (!envelope || !handler || !Object.hasOwn(this.options.catalogue, job.name)) {
      log.warn('job is not in this catalogue or has no readable data; failing it');
      throw new UnrecoverableError(
        `job '${job.name}' is not in this queue's catalogue or its data is unreadable`,
      );
    }
    if (token === undefined) throw new UnrecoverableError('BullMQ gave no lock token');
    if (envelope.enqueueAs !== undefined) {
      const options: EnqueueOptions = { jobId: envelope.enqueueAs };
      if (envelope.groupKey !== undefined) options.groupKey = envelope.groupKey;
      if (envelope.enqueueFirst === true) options.first = true;
      await this.enqueueValid(job.name, envelope.payload, options);
      log.debug({ enqueued: envelope.enqueueAs }, 'schedule run enqueued its job');
      return;
    }

    const groupKey = envelope.groupKey;
    const holder = `${queueJobId}:${token}`;
    let lease = groupKey === undefined ? undefined : await this.limiter.acquire(groupKey, queueJobId, holder);
    if (groupKey !== undefined && !lease && this.handover.hasRoom(groupKey)) {
      lease = await this.waitForSlot(groupKey, queueJobId, holder);
    }
    if (groupKey !== undefined && !lease) {
      // Group full: park the job in delayed (moveToDelayed does not use up an attempt) until a
      // slot frees. Delayed first, then parked, so a job handed out for waking is always promotable.
      await job.moveToDelayed(Date.now() + groupRecheckDelay(this.options.groupRecheckMs), token);
      const wake = await this.limiter.park(groupKey, [queueJobId]);
      if (wake !== undefined) await this.wake(groupKey, wake, log);
      log.trace('group full; job parked');
      throw new DelayedError();
    }

    const release = new AbortController();
    this.inFlight.add(release);
    try {
      const result = await runAttempt({
        handler,
        schema: schemaOf(this.options.catalogue, job.name),
        envelope,
        context: { jobId: envelope.jobId ?? queueJobId, name: job.name, attempt: job.attemptsMade + 1, log },
        release: release.signal,
        lost,
        maxDeferrals: this.options.maxDeferrals,
      });
      const attempts = job.opts.attempts ?? this.options.attempts;
      logAttempt(log, result, { willRetry: job.attemptsMade + 1 < attempts });
      switch (result.kind) {
        case 'done':
          return;
        case 'failed':
          throw new UnrecoverableError(result.reason);
        case 'error':
          throw result.error;
        case 'retry':
          await job.updateData({ ...envelope, deferrals: (envelope.deferrals ?? 0) + 1 });
          await job.moveToDelayed(Date.now() + result.delayMs, token);
          throw new DelayedError();
        case 'released':
          // To the front of the wait list, attempt untouched: it was running, so it goes next.
          await job.moveToWait(token);
          throw new WaitingError();
      }
    } finally {
      this.inFlight.delete(release);
      if (lease && groupKey !== undefined) await this.passOn(groupKey, lease, log);
    }
  }

  /**
   * The group is full: waits in this process for a finishing job's lease (handed over, no Redis
   * round trip), trying Redis now and then (at most a second apart) for a slot another process
   * freed. Undefined after about `groupRecheckMs`, or within a second of the queue stopping: the
   * job then parks.
   */
  private async waitForSlot(
    groupKey: string,
    jobId: string,
    holder: string,
  ): Promise<GroupLease | undefined> {
    const deadline = Date.now() + this.options.groupRecheckMs;
    for (let pollMs = 50; !this.stopping && Date.now() < deadline; pollMs = Math.min(2 * pollMs, 1_000)) {
      const handed = await this.handover.wait(groupKey, Math.min(pollMs, deadline - Date.now()));
      if (handed) {
        // It may have parked in an earlier attempt; it holds a slot now.
        await this.limiter.unpark(groupKey, jobId);
        return handed;
      }
      if (this.stopping) return undefined;
      const lease = await this.limiter.acquire(groupKey, jobId, holder);
      if (lease) return lease;
    }
    return undefined;
  }

  /**
   * A job of the group is done with its slot: the slot goes to a job waiting here, and a parked job
   * is promoted to take that waiter's place; with nobody waiting, the slot is released and the
   * longest-parked job woken.
   */
  private async passOn(groupKey: string, lease: GroupLease, log: Logger): Promise<void> {
    try {
      // While stopping, slots are released, not handed to jobs that are about to park.
      if (!this.stopping && this.handover.handOver(groupKey, lease)) {
        const parked = await this.limiter.popParked(groupKey);
        if (parked !== undefined) await this.wake(groupKey, parked, log, false);
        return;
      }
      const wake = await lease.release();
      if (wake !== undefined) await this.wake(groupKey, wake, log);
    } catch (error) {
      // The lease lapses on its own and parked jobs recheck after groupRecheckMs.
      log.warn({ err: error }, 'group lease hand-over or release failed');
    }
  }

  /**
   * Promotes a parked job to waiting; if it is gone (already woken, removed), wakes the next one
   * (only if a slot is free, unless `slotFree` is false: then it only refills the waiters).
   */
  private async wake(groupKey: string, first: string, log: Logger, slotFree = true): Promise<void> {
    let next: string | undefined = first;
    for (let tries = 0; next !== undefined && tries < 5; tries += 1) {
      const parked = await this.queue.getJob(next);
      if (parked) {
        try {
          await parked.promote();
          return;
        } catch {
          // Not delayed any more: it woke up on its own. Try the next parked job.
        }
      }
      next = slotFree ? await this.limiter.wakeNext(groupKey) : await this.limiter.popParked(groupKey);
    }
    if (next !== undefined) log.debug({ groupKey }, 'no parked job could be woken');
  }

  stop(options: StopOptions = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    const worker = this.worker;
    const workerClient = this.workerClient;
    if (!worker || !workerClient) return Promise.resolve();
    const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const { logger, queueName } = this.options;
    this.stopping = (async () => {
      logger.info({ queue: queueName, inFlight: this.inFlight.size, deadlineMs }, 'queue stopping');
      let released = 0;
      const deadline = setTimeout(() => {
        released = this.inFlight.size;
        for (const r of this.inFlight) r.abort();
      }, deadlineMs);
      try {
        // close() stops fetching and waits for the running jobs, which end by the deadline at the latest.
        await worker.close();
      } finally {
        clearTimeout(deadline);
        await disconnect(workerClient);
        this.worker = undefined;
        this.workerClient = undefined;
      }
      logger.info({ queue: queueName, released }, 'queue stopped');
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async ping(): Promise<void> {
    this.assertOpen();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)),
            PING_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      throw new QueueUnavailableError(`Redis for queue '${this.options.queueName}' is unreachable`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(options: StopOptions = {}): Promise<void> {
    if (this.closed) return;
    await this.stop(options);
    this.closed = true;
    await this.queue.close().catch(() => undefined);
    await disconnect(this.client);
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueStateError('queue is closed');
  }
}
