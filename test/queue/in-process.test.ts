import { afterEach, describe, expect, it } from 'vitest';
import { queueContract } from './contract.js';
import { makeQueue, sleep, uniqueName, waitFor, type TestQueue } from './support.js';

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
