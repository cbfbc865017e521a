import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import {
  createJobQueue,
  type JobHandler,
  type JobQueue,
  type JobQueueOptions,
} from '../../src/queue/index.js';
import { dropRedisKeys } from '../support/services.js';

/** The catalogue the queue tests use: small, and with two names so "missing handler" can be tested. */
export const testCatalogue = {
  work: z.strictObject({ n: z.number().int() }),
  other: z.strictObject({ tag: z.string() }),
};
export type TestCatalogue = typeof testCatalogue;
export type TestQueue = JobQueue<TestCatalogue>;

/** Every Redis key of the queue tests starts with this, so they never touch anyone else's keys. */
export const TEST_PREFIX = 'mrtest-queue';

export const logger: Logger = pino({ level: process.env.QUEUE_TEST_LOG ?? 'silent' });

/**
 * Redis for the BullMQ suites: REDIS_URL when set (then an unreachable Redis FAILS the suite),
 * else the local default, and then the suite is skipped only when nothing answers there.
 */
export const redisUrlFromEnv = process.env.REDIS_URL;
export const redisUrl = redisUrlFromEnv ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function uniqueName(tag: string): string {
  return `${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export type Kind = 'in-process' | 'bullmq';

export function makeQueue(
  kind: Kind,
  queueName: string,
  options: Partial<Omit<JobQueueOptions<TestCatalogue>, 'catalogue' | 'logger' | 'redisUrl'>> = {},
): TestQueue {
  return createJobQueue({
    catalogue: testCatalogue,
    logger,
    redisUrl: kind === 'bullmq' ? redisUrl : undefined,
    prefix: TEST_PREFIX,
    queueName,
    backoffMs: 50,
    // High, so the group tests pass only if parked jobs are woken when a slot frees.
    groupRecheckMs: 60_000,
    ...options,
  });
}

/** Handlers for the test catalogue: `work` as given, `other` just done. */
export function handlers(work: JobHandler<{ n: number }>): {
  work: JobHandler<{ n: number }>;
  other: JobHandler<{ tag: string }>;
} {
  return { work, other: () => Promise.resolve({ status: 'done' }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(10);
  }
}

/** Deletes every key of one test queue. */
export async function dropQueueKeys(url: string, queueName: string): Promise<void> {
  await dropRedisKeys(`${TEST_PREFIX}:${queueName}:*`, url);
}

/** Tracks how many handler calls run at once, overall and per group. */
export class ConcurrencyProbe {
  private current = new Map<string, number>();
  readonly max = new Map<string, number>();
  async during<T>(group: string, work: () => Promise<T>): Promise<T> {
    const now = (this.current.get(group) ?? 0) + 1;
    this.current.set(group, now);
    this.max.set(group, Math.max(this.max.get(group) ?? 0, now));
    try {
      return await work();
    } finally {
      this.current.set(group, (this.current.get(group) ?? 1) - 1);
    }
  }
}

/** Where the worker fixture records what it ran (under the test queue's own prefix). */
export function probeKeys(queueName: string): {
  started: string;
  done: string;
  active: string;
  max: string;
  byPid: string;
} {
  const base = `${TEST_PREFIX}:${queueName}:probe`;
  return {
    started: `${base}:started`,
    done: `${base}:done`,
    active: `${base}:active`,
    max: `${base}:max`,
    byPid: `${base}:by-pid`,
  };
}
