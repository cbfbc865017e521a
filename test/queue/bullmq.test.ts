import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  QueueUnavailableError,
  createJobQueue,
  mailrouteJobs,
  type JobOutcome,
} from '../../src/queue/index.js';
import { queueContract } from './contract.js';
import {
  ConcurrencyProbe,
  dropQueueKeys,
  handlers,
  logger,
  makeQueue,
  TEST_PREFIX,
  redisAnswers,
  redisUrl,
  redisUrlFromEnv,
  sleep,
  uniqueName,
  waitFor,
  type TestQueue,
} from './support.js';

// With REDIS_URL set, an unreachable Redis fails this file (beforeAll). Without it, the suite runs
// against the local default and is skipped, visibly, only if nothing answers there.
const skip = redisUrlFromEnv === undefined && !(await redisAnswers(redisUrl));
const title = skip
  ? 'BullMQ adapter (SKIPPED: REDIS_URL unset and no Redis on 127.0.0.1:6379)'
  : 'BullMQ adapter';

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    if (!(await redisAnswers(redisUrl))) throw new Error(`Redis at ${redisUrl} (REDIS_URL) does not answer`);
  });

  queueContract('bullmq');

  describe('BullMQ only', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0)) await step();
    });

    /** A queue of group post@kommune.dk, the Redis key of its parked list, and a connection to read it. */
    const openWithParkedList = (prefix: string, groupLimit: number) => {
      const name = uniqueName(prefix);
      const queue = makeQueue('bullmq', name, { groupLimit });
      const redis = new Redis(redisUrl);
      cleanup.push(async () => {
        await queue.close({ deadlineMs: 100 });
        redis.disconnect();
        await dropQueueKeys(redisUrl, name);
      });
      return { queue, parked: `${TEST_PREFIX}:${name}:parked:post@kommune.dk`, redis };
    };

    it('keeps the group limit across two queue instances with their own connections', async () => {
      const name = uniqueName('two-workers');
      const a = makeQueue('bullmq', name, { groupLimit: 3 });
      const b = makeQueue('bullmq', name, { groupLimit: 3 });
      cleanup.push(async () => {
        await a.close({ deadlineMs: 100 });
        await b.close({ deadlineMs: 100 });
        await dropQueueKeys(redisUrl, name);
      });
      const probe = new ConcurrencyProbe();
      const ranBy = { a: 0, b: 0 };
      let finished = 0;
      const work = (who: 'a' | 'b'): Parameters<TestQueue['start']>[0] =>
        handlers(() =>
          probe.during('post@kommune.dk', async () => {
            ranBy[who] += 1;
            await sleep(30);
            finished += 1;
            return { status: 'done' } satisfies JobOutcome;
          }),
        );
      await a.start(work('a'), { concurrency: 6 });
      await b.start(work('b'), { concurrency: 6 });
      await Promise.all(
        Array.from({ length: 40 }, (_, n) => a.enqueue('work', { n }, { groupKey: 'post@kommune.dk' })),
      );
      await waitFor('all finished', () => finished === 40, 20_000);
      expect(probe.max.get('post@kommune.dk')).toBe(3);
      expect(ranBy.a).toBeGreaterThan(0);
      expect(ranBy.b).toBeGreaterThan(0);
    });

    it("passes a finished job's group slot to a job waiting in the same process, without parking it", async () => {
      const { queue, parked, redis } = openWithParkedList('pass-on', 1);
      let letFirstFinish = () => {};
      const firstMayFinish = new Promise<void>((resolve) => (letFirstFinish = resolve));
      const ran: number[] = [];
      await queue.start(
        handlers(async ({ n }) => {
          ran.push(n);
          if (n === 1) await firstMayFinish;
          return { status: 'done' };
        }),
        { concurrency: 4 },
      );
      await queue.enqueue('work', { n: 1 }, { groupKey: 'post@kommune.dk' });
      await waitFor('the first job to run', () => ran.length === 1);
      await queue.enqueue('work', { n: 2 }, { groupKey: 'post@kommune.dk' });
      // The second job waits here, active, for the slot: not delayed, not on the parked list.
      await waitFor('the second job to wait', async () => (await queue.counts()).active === 2);
      expect(await queue.counts()).toMatchObject({ active: 2, delayed: 0 });
      expect(await redis.zcard(parked)).toBe(0);
      expect(ran).toEqual([1]);
      letFirstFinish();
      await waitFor('the second job to run', () => ran.length === 2);
      expect(ran).toEqual([1, 2]);
    });

    it('parks the jobs of a bulk enqueue beyond what their group can run and wait for, and wakes them all', async () => {
      const { queue, parked, redis } = openWithParkedList('park-at-enqueue', 2);
      const group = (n: number) => ({ payload: { n }, options: { groupKey: 'post@kommune.dk' } });
      await queue.enqueueMany(
        'work',
        Array.from({ length: 30 }, (_, n) => group(n)),
      );
      // Running plus waiting in one process: 2 x the group limit stay in the wait list; the rest is
      // parked, and since nothing holds a slot yet, the first parked job is woken at once.
      expect(await queue.counts()).toMatchObject({ waiting: 5, delayed: 25 });
      expect(await redis.zcard(parked)).toBe(25);
      const probe = new ConcurrencyProbe();
      const ran: number[] = [];
      await queue.start(
        handlers(({ n }) =>
          probe.during('post@kommune.dk', async () => {
            await sleep(10);
            ran.push(n);
            return { status: 'done' } satisfies JobOutcome;
          }),
        ),
        { concurrency: 8 },
      );
      // groupRecheckMs is 60 s here: only waking parked jobs as slots free gets them all done.
      await waitFor('all 30 jobs', () => ran.length === 30, 20_000);
      expect(probe.max.get('post@kommune.dk')).toBe(2);
      expect(ran.slice(0, 4).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
      expect(await redis.zcard(parked)).toBe(0);
    });

    it('parks a job waiting for its group slot as soon as the queue stops, and loses no job', async () => {
      const name = uniqueName('park-on-stop');
      const first = makeQueue('bullmq', name, { groupLimit: 1 });
      const ran: number[] = [];
      let letFirstFinish = () => {};
      const firstMayFinish = new Promise<void>((resolve) => (letFirstFinish = resolve));
      const work = handlers(async ({ n }) => {
        ran.push(n);
        if (n === 1) await firstMayFinish;
        return { status: 'done' };
      });
      await first.start(work, { concurrency: 4 });
      await first.enqueue('work', { n: 1 }, { groupKey: 'post@kommune.dk' });
      await waitFor('the first job to run', () => ran.length === 1);
      await first.enqueue('work', { n: 2 }, { groupKey: 'post@kommune.dk' });
      await waitFor('the second job to wait', async () => (await first.counts()).active === 2);
      const stopped = first.close({ deadlineMs: 10_000 });
      // Stopping ends the wait at once: the second job parks while the first one is still running.
      await waitFor('the waiting job to park', async () => (await first.counts()).delayed === 1);
      expect(ran).toEqual([1]);
      letFirstFinish();
      await stopped;
      // The second job is parked (or, woken by the first one's release, ran before the worker closed).
      const second = makeQueue('bullmq', name, { groupLimit: 1, groupRecheckMs: 200 });
      cleanup.push(async () => {
        await second.close({ deadlineMs: 100 });
        await dropQueueKeys(redisUrl, name);
      });
      await second.start(work);
      await waitFor('both jobs', () => ran.length === 2, 10_000);
      await waitFor('nothing left', async () => {
        const c = await second.counts();
        return c.waiting + c.active + c.delayed === 0;
      });
      expect(ran).toEqual([1, 2]);
    });

    it('hands jobs left by a stopped worker to a new queue instance', async () => {
      const name = uniqueName('handover');
      const producer = makeQueue('bullmq', name);
      cleanup.push(async () => {
        await producer.close();
        await dropQueueKeys(redisUrl, name);
      });
      for (let n = 0; n < 5; n += 1) await producer.enqueue('work', { n }, { jobId: `h-${n}` });
      const worker = makeQueue('bullmq', name);
      const seen: string[] = [];
      await worker.start(
        handlers((_p, ctx) => {
          seen.push(ctx.jobId);
          return Promise.resolve({ status: 'done' });
        }),
      );
      await waitFor('all five', () => seen.length === 5);
      await worker.close();
      expect(seen.sort()).toEqual(['h-0', 'h-1', 'h-2', 'h-3', 'h-4']);
    });

    it('rejects ping and start with QueueUnavailableError when Redis is unreachable', async () => {
      const down = createJobQueue({
        catalogue: mailrouteJobs,
        logger,
        redisUrl: 'redis://127.0.0.1:1',
        queueName: uniqueName('down'),
        prefix: TEST_PREFIX,
      });
      cleanup.push(() => down.close({ deadlineMs: 10 }));
      await expect(down.ping()).rejects.toThrow(QueueUnavailableError);
      const done = (): Promise<{ status: 'done' }> => Promise.resolve({ status: 'done' });
      await expect(
        down.start({
          'mailbox.sync': done,
          'message.route': done,
          'subscriptions.renew': done,
          'model.retrain': done,
          'data.purge': done,
        }),
      ).rejects.toThrow(QueueUnavailableError);
    });
  });
});
