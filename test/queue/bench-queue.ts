// Queue benchmark: throughput of both adapters, the cost of the group limit, and how a backlog in
// one mailbox delays the others. Prints a table and writes bench-results/queue.json.
//   npx tsx test/queue/bench-queue.ts
// BullMQ rows run against REDIS_URL or redis://127.0.0.1:6379 (skipped, and said so, if neither answers).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobOutcome } from '../../src/queue/index.js';
import {
  dropQueueKeys,
  makeQueue,
  redisAnswers,
  redisUrl,
  sleep,
  TEST_PREFIX,
  uniqueName,
  type Kind,
} from './support.js';

interface Row {
  adapter: Kind | 'bullmq without the adapter';
  scenario: string;
  jobs: number;
  concurrency: number;
  enqueuePerS: number;
  jobsPerS: number;
  note: string;
}

const done: JobOutcome = { status: 'done' };

async function scenario(
  kind: Kind,
  name: string,
  opts: {
    jobs: number;
    concurrency: number;
    workMs: number;
    group: (n: number) => string | undefined;
    cold?: number;
  },
): Promise<Row> {
  const queueName = uniqueName(`bench-${kind}`);
  const queue = makeQueue(kind, queueName);
  let finished = 0;
  let coldFinishedAt = 0;
  let coldLeft = opts.cold ?? 0;
  const total = opts.jobs + (opts.cold ?? 0);
  let resolveAll = (): void => undefined;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const t0 = performance.now();
  for (let start = 0; start < opts.jobs; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, opts.jobs - start) }, (_, i) => {
        const group = opts.group(start + i);
        return queue.enqueue('work', { n: start + i }, group === undefined ? {} : { groupKey: group });
      }),
    );
  }
  for (let i = 0; i < (opts.cold ?? 0); i += 1) {
    await queue.enqueue('work', { n: -1 - i }, { groupKey: 'cold@kommune.dk' });
  }
  const enqueued = performance.now();
  const started = performance.now();
  await queue.start(
    {
      work: async ({ n }) => {
        if (opts.workMs > 0) await sleep(opts.workMs);
        finished += 1;
        if (n < 0 && (coldLeft -= 1) === 0) coldFinishedAt = performance.now();
        if (finished === total) resolveAll();
        return done;
      },
      other: () => Promise.resolve(done),
    },
    { concurrency: opts.concurrency },
  );
  await all;
  const elapsed = performance.now() - started;
  await queue.close({ deadlineMs: 1_000 });
  if (kind === 'bullmq') await dropQueueKeys(redisUrl, queueName);
  return {
    adapter: kind,
    scenario: name,
    jobs: total,
    concurrency: opts.concurrency,
    enqueuePerS: Math.round((total / (enqueued - t0)) * 1000),
    jobsPerS: Math.round((total / elapsed) * 1000),
    note:
      opts.cold !== undefined
        ? `${opts.cold} jobs of a second mailbox, enqueued after the backlog, all done after ${Math.round(coldFinishedAt - started)} ms of ${Math.round(elapsed)} ms`
        : `${Math.round(elapsed)} ms`,
  };
}

/** The same trivial jobs on BullMQ directly: what the adapter costs on top, under the same load. */
async function rawBullmq(jobs: number, concurrency: number): Promise<Row> {
  const queueName = uniqueName('bench-raw');
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue(queueName, { connection: producer, prefix: TEST_PREFIX });
  const t0 = performance.now();
  for (let start = 0; start < jobs; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, jobs - start) }, (_, i) =>
        queue.add('work', { payload: { n: start + i } }, { removeOnComplete: true }),
      ),
    );
  }
  const enqueued = performance.now();
  let finished = 0;
  let resolveAll = (): void => undefined;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const started = performance.now();
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueName,
    () => {
      if ((finished += 1) === jobs) resolveAll();
      return Promise.resolve();
    },
    { connection: workerConnection, prefix: TEST_PREFIX, concurrency },
  );
  await all;
  const elapsed = performance.now() - started;
  await worker.close();
  await queue.close();
  producer.disconnect();
  workerConnection.disconnect();
  await dropQueueKeys(redisUrl, queueName);
  return {
    adapter: 'bullmq without the adapter',
    scenario: 'trivial jobs, no group',
    jobs,
    concurrency,
    enqueuePerS: Math.round((jobs / (enqueued - t0)) * 1000),
    jobsPerS: Math.round((jobs / elapsed) * 1000),
    note: `${Math.round(elapsed)} ms`,
  };
}

const kinds: Kind[] = ['in-process'];
if (await redisAnswers(redisUrl)) kinds.push('bullmq');
else process.stdout.write(`BullMQ rows skipped: no Redis at ${redisUrl}\n`);

const rows: Row[] = [];
for (const kind of kinds) {
  rows.push(
    await scenario(kind, 'trivial jobs, no group', {
      jobs: 5_000,
      concurrency: 50,
      workMs: 0,
      group: () => undefined,
    }),
  );
  rows.push(
    await scenario(kind, 'trivial jobs, 150 mailboxes (limit 4)', {
      jobs: 5_000,
      concurrency: 50,
      workMs: 0,
      group: (n) => `box-${n % 150}@kommune.dk`,
    }),
  );
  rows.push(
    await scenario(kind, '5 ms jobs, one mailbox backlog (limit 4)', {
      jobs: 1_000,
      concurrency: 32,
      workMs: 5,
      group: () => 'post@kommune.dk',
      cold: 20,
    }),
  );
}

if (kinds.includes('bullmq')) rows.push(await rawBullmq(5_000, 50));

process.stdout.write(
  `queue benchmark, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}, Node ${process.version}\n`,
);
console.table(rows);
await mkdir('bench-results', { recursive: true });
await writeFile(
  'bench-results/queue.json',
  JSON.stringify(
    { at: new Date().toISOString(), node: process.version, cores: cpus().length, rows },
    null,
    2,
  ),
);
process.stdout.write('wrote bench-results/queue.json\n');
