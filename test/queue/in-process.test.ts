import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueContract } from './contract.js';
import { handlers, makeQueue, sleep, uniqueName, waitFor, type TestQueue } from './support.js';

queueContract('in-process');

describe('in-process only', () => {
  let queue: TestQueue | undefined;
  afterEach(async () => {
    await queue?.close({ deadlineMs: 100 });
  });

  it('enqueues the runs of a schedule with `first` before the jobs already waiting', async () => {
    queue = makeQueue('in-process', uniqueName('schedule-first'));
    const order: string[] = [];
    await queue.start(
      {
        work: async ({ n }) => {
          order.push(`work ${n}`);
          await sleep(50);
          return { status: 'done' };
        },
        other: ({ tag }) => {
          order.push(tag);
          return Promise.resolve({ status: 'done' });
        },
      },
      { concurrency: 1 },
    );
    // A backlog of 2.5 s; the schedule fires within the first second.
    for (let n = 0; n < 50; n += 1) await queue.enqueue('work', { n });
    await queue.schedule('sync', 'other', { tag: 'scheduled' }, '* * * * * *', {
      jobId: 'sync',
      first: true,
    });
    await waitFor('the scheduled run', () => order.includes('scheduled'), 5_000);
    expect(order.indexOf('scheduled')).toBeLessThan(30);
    await queue.unschedule('sync');
  });
});

describe('in-process timers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs a deferred job that falls due between two clock readings of one pump', async () => {
    // A clock that moves on by 1 ms at every reading makes the race certain instead of rare.
    const realNow = Date.now.bind(Date);
    let readings = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + (readings += 1));
    const queue = makeQueue('in-process', uniqueName('clock-race'));
    let runs = 0;
    await queue.start(
      handlers(() => {
        runs += 1;
        // Deferred by 1 to 5 ms: one of them falls due between the readings.
        return Promise.resolve(
          runs <= 5 ? { status: 'retry', delayMs: runs, reason: 'not yet' } : { status: 'done' },
        );
      }),
    );
    await queue.enqueue('work', { n: 1 });
    try {
      await waitFor('six runs', () => runs === 6, 3_000);
    } finally {
      await queue.close({ deadlineMs: 100 });
    }
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, failed: 0 });
  });
});
