import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidCronError,
  InvalidJobError,
  MissingHandlerError,
  type JobContext,
  type JobOutcome,
} from '../../src/queue/index.js';
import {
  ConcurrencyProbe,
  dropQueueKeys,
  handlers,
  makeQueue,
  redisUrl,
  sleep,
  uniqueName,
  waitFor,
  type Kind,
  type TestQueue,
} from './support.js';

const done: JobOutcome = { status: 'done' };

/** The guarantees of the JobQueue port; every adapter must pass all of them. */
export function queueContract(kind: Kind): void {
  const opened: { queue: TestQueue; name: string }[] = [];
  const open = (options: Parameters<typeof makeQueue>[2] = {}): TestQueue => {
    const name = uniqueName(`contract-${kind}`);
    const queue = makeQueue(kind, name, options);
    opened.push({ queue, name });
    return queue;
  };

  afterEach(async () => {
    for (const { queue, name } of opened.splice(0)) {
      await queue.close({ deadlineMs: 100 });
      if (kind === 'bullmq') await dropQueueKeys(redisUrl, name);
    }
  });

  /** Starts the queue with concurrency 1; the returned list fills with each job's `n` as it runs. */
  const runOneAtATime = async (queue: TestQueue): Promise<number[]> => {
    const order: number[] = [];
    await queue.start(
      handlers(({ n }) => {
        order.push(n);
        return Promise.resolve(done);
      }),
      { concurrency: 1 },
    );
    return order;
  };

  describe(`JobQueue contract: ${kind}`, () => {
    it('runs each job once with its payload, id, name and first attempt', async () => {
      const queue = open();
      const seen: { n: number; ctx: Omit<JobContext, 'signal' | 'log'> }[] = [];
      await queue.start(
        handlers((payload, ctx) => {
          seen.push({ n: payload.n, ctx: { jobId: ctx.jobId, name: ctx.name, attempt: ctx.attempt } });
          return Promise.resolve(done);
        }),
      );
      const given = await queue.enqueue('work', { n: 1 }, { jobId: 'first' });
      const generated = await queue.enqueue('work', { n: 2 });
      await waitFor('both jobs', () => seen.length === 2);
      expect(given).toBe('first');
      expect(seen.map((s) => s.n).sort()).toEqual([1, 2]);
      expect(seen.find((s) => s.n === 1)?.ctx).toEqual({ jobId: 'first', name: 'work', attempt: 1 });
      expect(seen.find((s) => s.n === 2)?.ctx).toEqual({ jobId: generated, name: 'work', attempt: 1 });
      await waitFor('empty queue', async () => (await queue.counts()).active === 0);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('refuses payloads that do not match the catalogue, and unknown job names', async () => {
      const queue = open();
      // A payload carrying mail content is refused by the strict schema.
      await expect(queue.enqueue('work', { n: 1, body: 'Kære kommune' } as { n: number })).rejects.toThrow(
        InvalidJobError,
      );
      const wrongType: unknown = { n: 'one' };
      await expect(queue.enqueue('work', wrongType as { n: number })).rejects.toThrow(/n: /);
      await expect(queue.enqueue('nope' as 'work', { n: 1 })).rejects.toThrow(InvalidJobError);
      await expect(queue.enqueue('work', { n: 1 }, { delayMs: -1 })).rejects.toThrow(InvalidJobError);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('refuses to start when a job name has no handler, and takes no job', async () => {
      const queue = open();
      await queue.enqueue('work', { n: 1 });
      let ran = 0;
      const work = (): Promise<JobOutcome> => {
        ran += 1;
        return Promise.resolve(done);
      };
      // What a wiring mistake looks like at run time (TypeScript callers cannot even write it).
      const missingOther: unknown = { work };
      const incomplete = missingOther as Parameters<TestQueue['start']>[0];
      await expect(queue.start(incomplete)).rejects.toThrow(MissingHandlerError);
      await expect(queue.start(incomplete)).rejects.toThrow(/'other'/);
      await sleep(100);
      expect(ran).toBe(0);
      expect((await queue.counts()).waiting).toBe(1);
    });

    it('retries thrown errors with exponential backoff until attempts are used up, then fails', async () => {
      const queue = open({ attempts: 3, backoffMs: 80 });
      const calls: { attempt: number; at: number }[] = [];
      await queue.start(
        handlers((_p, ctx) => {
          calls.push({ attempt: ctx.attempt, at: Date.now() });
          return Promise.reject(new Error('Graph answered 503'));
        }),
      );
      await queue.enqueue('work', { n: 1 });
      await waitFor('job failed', async () => (await queue.counts()).failed === 1);
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      const [a, b, c] = calls.map((x) => x.at);
      // Lower bounds only (timers never fire early): 80 ms then 160 ms, minus at most 25 % jitter.
      expect(b! - a!).toBeGreaterThanOrEqual(60 - 5);
      expect(c! - b!).toBeGreaterThanOrEqual(120 - 5);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    });

    it('succeeds on a later attempt after a thrown error', async () => {
      const queue = open({ attempts: 2 });
      const attempts: number[] = [];
      await queue.start(
        handlers((_p, ctx) => {
          attempts.push(ctx.attempt);
          return ctx.attempt === 1 ? Promise.reject(new Error('timeout')) : Promise.resolve(done);
        }),
      );
      await queue.enqueue('work', { n: 1 });
      await waitFor('second attempt', () => attempts.length === 2);
      await waitFor('settled', async () => (await queue.counts()).active === 0);
      expect(attempts).toEqual([1, 2]);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('never retries a failed outcome', async () => {
      const queue = open({ attempts: 5 });
      let calls = 0;
      await queue.start(
        handlers(() => {
          calls += 1;
          return Promise.resolve({ status: 'failed', reason: 'target mailbox does not exist' });
        }),
      );
      await queue.enqueue('work', { n: 1 });
      await waitFor('job failed', async () => (await queue.counts()).failed === 1);
      await sleep(200);
      expect(calls).toBe(1);
    });

    it('defers a retry outcome by its delay without using up an attempt', async () => {
      // attempts: 1, so a retry that used up an attempt would fail the job.
      const queue = open({ attempts: 1 });
      const calls: { attempt: number; at: number }[] = [];
      await queue.start(
        handlers((_p, ctx) => {
          calls.push({ attempt: ctx.attempt, at: Date.now() });
          return Promise.resolve(
            calls.length <= 2 ? { status: 'retry', delayMs: 150, reason: 'Graph 429, Retry-After' } : done,
          );
        }),
      );
      await queue.enqueue('work', { n: 1 });
      await waitFor('three calls', () => calls.length === 3);
      await waitFor('settled', async () => (await queue.counts()).active === 0);
      expect(calls.map((c) => c.attempt)).toEqual([1, 1, 1]);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(150 - 5);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(150 - 5);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('fails a job permanently after maxDeferrals retry outcomes', async () => {
      const queue = open({ maxDeferrals: 2 });
      let calls = 0;
      await queue.start(
        handlers(() => {
          calls += 1;
          return Promise.resolve({ status: 'retry', delayMs: 10, reason: 'still throttled' });
        }),
      );
      await queue.enqueue('work', { n: 1 });
      await waitFor('job failed', async () => (await queue.counts()).failed === 1);
      expect(calls).toBe(3);
    });

    it('holds a delayed job back until its delay has passed', async () => {
      const queue = open();
      let ranAt = 0;
      await queue.start(
        handlers(() => {
          ranAt = Date.now();
          return Promise.resolve(done);
        }),
      );
      const enqueuedAt = Date.now();
      await queue.enqueue('work', { n: 1 }, { delayMs: 400 });
      expect(await queue.counts()).toMatchObject({ delayed: 1, waiting: 0 });
      await waitFor('delayed job ran', () => ranAt > 0);
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(400 - 5);
    });

    it('de-duplicates by job id while a job is waiting, delayed or active, and runs the id again afterwards', async () => {
      const queue = open();
      const runs: number[] = [];
      let unblock = (): void => undefined;
      const blocked = new Promise<void>((resolve) => (unblock = resolve));
      // Waiting (not started yet) and delayed: three enqueues, one job.
      expect(await queue.enqueue('work', { n: 1 }, { jobId: 'route.t1.r1.m1' })).toBe('route.t1.r1.m1');
      expect(await queue.enqueue('work', { n: 2 }, { jobId: 'route.t1.r1.m1' })).toBe('route.t1.r1.m1');
      await queue.enqueue('work', { n: 3 }, { jobId: 'later', delayMs: 200 });
      await queue.enqueue('work', { n: 4 }, { jobId: 'later', delayMs: 200 });
      expect(await queue.counts()).toMatchObject({ waiting: 1, delayed: 1 });
      await queue.start(
        handlers(async ({ n }) => {
          runs.push(n);
          if (n === 5) await blocked;
          return done;
        }),
      );
      await waitFor('both jobs ran', () => runs.length === 2);
      expect(runs.sort()).toEqual([1, 3]);
      // Active: the duplicate is dropped while the first runs.
      await queue.enqueue('work', { n: 5 }, { jobId: 'busy' });
      await waitFor('busy job active', () => runs.includes(5));
      await queue.enqueue('work', { n: 6 }, { jobId: 'busy' });
      unblock();
      await waitFor('settled', async () => (await queue.counts()).active === 0);
      await sleep(100);
      expect(runs.filter((n) => n === 6)).toEqual([]);
      // Completed: the id is free again.
      await queue.enqueue('work', { n: 7 }, { jobId: 'busy' });
      await waitFor('id reused after completion', () => runs.includes(7));
    });

    it('enqueues many jobs at once in order, de-duplicated like enqueue, and adds none when one is invalid', async () => {
      const queue = open();
      await queue.enqueue('work', { n: 0 }, { jobId: 'page.m0' });
      const invalid: unknown = { n: 'two' };
      await expect(
        queue.enqueueMany('work', [{ payload: { n: 9 } }, { payload: invalid as { n: number } }]),
      ).rejects.toThrow(InvalidJobError);
      await expect(
        queue.enqueueMany('work', [{ payload: { n: 9 }, options: { delayMs: -1 } }]),
      ).rejects.toThrow(InvalidJobError);
      expect(await queue.counts()).toMatchObject({ waiting: 1 });
      const ids = await queue.enqueueMany('work', [
        { payload: { n: 100 }, options: { jobId: 'page.m0' } },
        { payload: { n: 1 }, options: { jobId: 'page.m1' } },
        { payload: { n: 2 }, options: { jobId: 'page.m2' } },
        { payload: { n: 102 }, options: { jobId: 'page.m2' } },
        { payload: { n: 3 } },
      ]);
      expect(ids.slice(0, 4)).toEqual(['page.m0', 'page.m1', 'page.m2', 'page.m2']);
      expect(typeof ids[4]).toBe('string');
      expect(await queue.enqueueMany('work', [])).toEqual([]);
      const order = await runOneAtATime(queue);
      await waitFor('all finished', () => order.length === 4);
      await sleep(100);
      expect(order).toEqual([0, 1, 2, 3]);
    });

    it('never runs more jobs at once than its concurrency', async () => {
      const queue = open();
      const probe = new ConcurrencyProbe();
      let finished = 0;
      await queue.start(
        handlers(() =>
          probe.during('all', async () => {
            await sleep(30);
            finished += 1;
            return done;
          }),
        ),
        { concurrency: 3 },
      );
      for (let n = 0; n < 15; n += 1) await queue.enqueue('work', { n });
      await waitFor('all finished', () => finished === 15);
      expect(probe.max.get('all')).toBe(3);
    });

    it('runs a job enqueued first before the jobs already waiting', async () => {
      const queue = open();
      for (let n = 0; n < 5; n += 1) await queue.enqueue('work', { n });
      await queue.enqueue('work', { n: 99 }, { first: true });
      const order = await runOneAtATime(queue);
      await waitFor('all finished', () => order.length === 6);
      expect(order).toEqual([99, 0, 1, 2, 3, 4]);
    });

    it('never runs more jobs of one group at once than the group limit, while other groups go on', async () => {
      const queue = open({ groupLimit: 2 });
      const probe = new ConcurrencyProbe();
      let finished = 0;
      await queue.start(
        handlers(({ n }) =>
          probe.during(n < 12 ? 'post@kommune.dk' : 'byg@kommune.dk', () =>
            probe.during('all', async () => {
              await sleep(40);
              finished += 1;
              return done;
            }),
          ),
        ),
        { concurrency: 8 },
      );
      for (let n = 0; n < 16; n += 1) {
        await queue.enqueue('work', { n }, { groupKey: n < 12 ? 'post@kommune.dk' : 'byg@kommune.dk' });
      }
      await waitFor('all finished', () => finished === 16, 15_000);
      expect(probe.max.get('post@kommune.dk')).toBe(2);
      expect(probe.max.get('byg@kommune.dk')).toBe(2);
      expect(probe.max.get('all')).toBeGreaterThan(2);
      // The last handler has returned; its job is marked completed a moment later.
      await waitFor('settled', async () => (await queue.counts()).active === 0);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('runs a cron schedule repeatedly, replaces it in place, and removes it', async () => {
      const queue = open();
      const runs: { tag: string; jobId: string }[] = [];
      await queue.start({
        work: () => Promise.resolve(done),
        other: ({ tag }, ctx) => {
          runs.push({ tag, jobId: ctx.jobId });
          return Promise.resolve(done);
        },
      });
      await expect(queue.schedule('bad', 'other', { tag: 'x' }, '61 * * * *')).rejects.toThrow(
        InvalidCronError,
      );
      await expect(queue.schedule('bad:id', 'other', { tag: 'x' }, '* * * * *')).rejects.toThrow(
        InvalidJobError,
      );
      await queue.schedule('renew', 'other', { tag: 'every-second' }, '* * * * * *');
      await waitFor('two runs', () => runs.length >= 2, 6_000);
      expect(runs.every((r) => r.tag === 'every-second')).toBe(true);
      // Same id, new pattern and payload: the every-second schedule is gone, not doubled.
      await queue.schedule('renew', 'other', { tag: 'yearly' }, '0 0 3 1 1 *');
      const before = runs.length;
      await sleep(2_300);
      expect(runs.length - before).toBeLessThanOrEqual(1);
      expect(await queue.unschedule('renew')).toBe(true);
      expect(await queue.unschedule('renew')).toBe(false);
    });

    it('skips a schedule run while a job with the schedule jobId is pending or running', async () => {
      const queue = open();
      const runs: string[] = [];
      let running = 0;
      let maxRunning = 0;
      let unblock = (): void => undefined;
      const blocked = new Promise<void>((resolve) => (unblock = resolve));
      await queue.start({
        work: () => Promise.resolve(done),
        other: async ({ tag }) => {
          runs.push(tag);
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          if (tag === 'on-demand') await blocked;
          running -= 1;
          return done;
        },
      });
      await queue.enqueue('other', { tag: 'on-demand' }, { jobId: 'sync.t1.r1' });
      await waitFor('on-demand job running', () => runs.length === 1);
      await queue.schedule('sync-t1-r1', 'other', { tag: 'scheduled' }, '* * * * * *', {
        jobId: 'sync.t1.r1',
      });
      await sleep(2_200); // two or three scheduled runs fall due while the on-demand job runs
      expect(runs).toEqual(['on-demand']);
      unblock();
      await waitFor('a scheduled run', () => runs.includes('scheduled'), 6_000);
      expect(maxRunning).toBe(1);
      await queue.unschedule('sync-t1-r1');
    });

    it('drains gracefully on stop: in-flight jobs finish, none is lost, a restart runs the rest exactly once', async () => {
      const queue = open();
      const runs = new Map<number, number>();
      let aborted = 0;
      const work = handlers(async ({ n }, ctx) => {
        await sleep(5);
        if (ctx.signal.aborted) aborted += 1;
        runs.set(n, (runs.get(n) ?? 0) + 1);
        return done;
      });
      const total = 300;
      await Promise.all(
        Array.from({ length: total }, (_, n) => queue.enqueue('work', { n }, { jobId: `job-${n}` })),
      );
      await queue.start(work, { concurrency: 6 });
      await waitFor('some done', () => runs.size >= 60);
      await queue.stop({ deadlineMs: 5_000 });
      const afterStop = runs.size;
      const counts = await queue.counts();
      expect(counts.active).toBe(0);
      expect(afterStop).toBeLessThan(total);
      expect(counts.waiting + counts.delayed).toBe(total - afterStop);
      await sleep(100);
      expect(runs.size).toBe(afterStop); // nothing runs while stopped
      await queue.start(work, { concurrency: 6 });
      await waitFor('all done', () => runs.size === total, 20_000);
      await waitFor('settled', async () => (await queue.counts()).active === 0);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
      expect(aborted).toBe(0);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('releases jobs still running at the stop deadline back to the queue without using an attempt', async () => {
      const queue = open({ attempts: 1, groupLimit: 1 });
      const seen: { attempt: number; jobId: string }[] = [];
      let signalled = false;
      await queue.start(
        handlers(async (_p, ctx) => {
          seen.push({ attempt: ctx.attempt, jobId: ctx.jobId });
          ctx.signal.addEventListener('abort', () => (signalled = true));
          await sleep(5_000); // ignores its signal on purpose
          return done;
        }),
      );
      await queue.enqueue('work', { n: 1 }, { jobId: 'slow', groupKey: 'post@kommune.dk' });
      await waitFor('job active', () => seen.length === 1);
      await queue.stop({ deadlineMs: 150 });
      expect(signalled).toBe(true);
      expect(await queue.counts()).toMatchObject({ waiting: 1, active: 0, failed: 0 });
      // The job and its group slot (limit 1) went back: it runs again, on attempt 1.
      const again: number[] = [];
      await queue.start(
        handlers((_p, ctx) => {
          again.push(ctx.attempt);
          return Promise.resolve(done);
        }),
      );
      await waitFor('released job ran again', () => again.length === 1);
      expect(again).toEqual([1]);
    });

    it('answers ping and refuses use after close', async () => {
      const queue = open();
      await expect(queue.ping()).resolves.toBeUndefined();
      await queue.close();
      await expect(queue.enqueue('work', { n: 1 })).rejects.toThrow(/closed/);
    });
  });
}
