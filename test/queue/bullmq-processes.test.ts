import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  dropQueueKeys,
  makeQueue,
  probeKeys,
  redisAnswers,
  redisUrl,
  redisUrlFromEnv,
  uniqueName,
  waitFor,
  type TestQueue,
} from './support.js';

// Worker PROCESSES on one Redis: the group limit across processes, SIGTERM with 1,000 jobs queued,
// and a crashed worker's group slot and job coming back. Skipped (visibly) under the same rule as
// bullmq.test.ts: only when REDIS_URL is unset and nothing answers on the default port.
const skip = redisUrlFromEnv === undefined && !(await redisAnswers(redisUrl));
const title = skip
  ? 'BullMQ worker processes (SKIPPED: REDIS_URL unset and no Redis on 127.0.0.1:6379)'
  : 'BullMQ worker processes';

const fixture = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));

interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  output: () => string;
}

function startWorker(queueName: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, REDIS_URL: redisUrl, QUEUE_NAME: queueName, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = Promise.race([
    waitFor('worker process ready', () => output.includes('ready\n'), 20_000),
    exited.then((code) => {
      throw new Error(`worker exited (${code}) before it was ready:\n${output}`);
    }),
  ]);
  return { child, ready, exited, output: () => output };
}

async function exitWithin(worker: WorkerProcess, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      worker.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`worker did not exit within ${ms} ms:\n${worker.output()}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(skip)(title, () => {
  let redis: Redis;
  const workers: WorkerProcess[] = [];
  const queues: { queue: TestQueue; name: string }[] = [];

  beforeAll(async () => {
    if (!(await redisAnswers(redisUrl))) throw new Error(`Redis at ${redisUrl} (REDIS_URL) does not answer`);
    redis = new Redis(redisUrl);
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => {
    for (const w of workers.splice(0))
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    for (const { queue, name } of queues.splice(0)) {
      await queue.close();
      await dropQueueKeys(redisUrl, name);
    }
  });

  const producer = (
    tag: string,
    options: Parameters<typeof makeQueue>[2] = {},
  ): { queue: TestQueue; name: string } => {
    const name = uniqueName(tag);
    const entry = { queue: makeQueue('bullmq', name, options), name };
    queues.push(entry);
    return entry;
  };
  const worker = (name: string, env: Record<string, string>): WorkerProcess => {
    const w = startWorker(name, env);
    workers.push(w);
    return w;
  };

  it('keeps the default group limit of 4 across two worker processes', async () => {
    const { queue, name } = producer('procs-group');
    const keys = probeKeys(name);
    const a = worker(name, { CONCURRENCY: '6', WORK_MS: '25' });
    const b = worker(name, { CONCURRENCY: '6', WORK_MS: '25' });
    await Promise.all([a.ready, b.ready]);
    const total = 80;
    await Promise.all(
      Array.from({ length: total }, (_, n) => queue.enqueue('work', { n }, { groupKey: 'post@kommune.dk' })),
    );
    await waitFor('all jobs done', async () => (await redis.hlen(keys.done)) === total, 30_000);
    expect(Number(await redis.get(keys.max))).toBe(4);
    const byPid = await redis.hgetall(keys.byPid);
    expect(Object.keys(byPid)).toHaveLength(2); // both processes took part
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await exitWithin(a, 15_000)).toBe(0);
    expect(await exitWithin(b, 15_000)).toBe(0);
  }, 90_000);

  it('loses no job when a worker gets SIGTERM with 1,000 jobs queued: after a restart every job completed exactly once', async () => {
    const { queue, name } = producer('procs-sigterm');
    const keys = probeKeys(name);
    const total = 1_000;
    for (let start = 0; start < total; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          queue.enqueue('work', { n: start + i }, { jobId: `job-${start + i}` }),
        ),
      );
    }
    const first = worker(name, { CONCURRENCY: '8', WORK_MS: '10' });
    await first.ready;
    await waitFor('a quarter done', async () => (await redis.hlen(keys.done)) >= 250, 30_000);
    first.child.kill('SIGTERM');
    expect(await exitWithin(first, 15_000)).toBe(0);
    expect(first.output()).toContain('stopped');
    const doneByFirst = await redis.hlen(keys.done);
    expect(doneByFirst).toBeLessThan(total); // the stop really happened mid-run
    expect((await queue.counts()).active).toBe(0); // nothing left locked by the stopped worker

    const second = worker(name, { CONCURRENCY: '8', WORK_MS: '10' });
    await second.ready;
    await waitFor('all jobs done', async () => (await redis.hlen(keys.done)) === total, 60_000);
    await waitFor('queue empty', async () => {
      const c = await queue.counts();
      return c.waiting + c.active + c.delayed === 0;
    });
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, 15_000)).toBe(0);

    const done = await redis.hgetall(keys.done);
    const started = await redis.hgetall(keys.started);
    const expected = Array.from({ length: total }, (_, n) => `job-${n}`).sort();
    expect(Object.keys(done).sort()).toEqual(expected);
    expect(Object.values(done).every((count) => count === '1')).toBe(true);
    // Graceful: no job was even started twice.
    expect(Object.values(started).every((count) => count === '1')).toBe(true);
    expect((await queue.counts()).failed).toBe(0);
  }, 120_000);

  it('frees the group slot and re-runs the job of a worker killed mid-job', async () => {
    const { queue, name } = producer('procs-crash');
    const keys = probeKeys(name);
    // Nobody releases a dead worker's slot, so the parked job finds it free on its own recheck.
    const env = { GROUP_LIMIT: '1', GROUP_LEASE_MS: '1000', LOCK_MS: '1500', GROUP_RECHECK_MS: '1000' };
    const doomed = worker(name, { ...env, WORK_MS: '60000' });
    await doomed.ready;
    await queue.enqueue('work', { n: 1 }, { jobId: 'held', groupKey: 'post@kommune.dk' });
    await waitFor('held job started', async () => (await redis.hget(keys.started, 'held')) === '1');
    doomed.child.kill('SIGKILL');
    await exitWithin(doomed, 5_000);
    await redis.set(keys.active, 0); // the killed process never leaves the probe's count

    await queue.enqueue('work', { n: 2 }, { jobId: 'next', groupKey: 'post@kommune.dk' });
    const rescuer = worker(name, { ...env, WORK_MS: '10' });
    await rescuer.ready;
    // The dead worker's lease lapses, so the group's next job runs; its lock lapses, so its job comes back.
    await waitFor('next job done', async () => (await redis.hget(keys.done, 'next')) === '1', 20_000);
    await waitFor('held job done', async () => (await redis.hget(keys.done, 'held')) === '1', 20_000);
    expect(await redis.hget(keys.started, 'held')).toBe('2'); // at least once: it ran again
    expect(Number(await redis.get(keys.max))).toBe(1);
    rescuer.child.kill('SIGTERM');
    expect(await exitWithin(rescuer, 15_000)).toBe(0);
  }, 90_000);
});
