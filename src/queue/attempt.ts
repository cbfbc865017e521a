import type { Logger } from 'pino';
import type { z } from 'zod';
import { InvalidJobError, MissingHandlerError } from './errors.js';
import type { JobCatalogue, JobContext, JobHandler, JobOutcome } from './port.js';

// What both adapters share: payload checks, running one attempt of a handler, reading its outcome.

/**
 * What is stored per job, in Redis as plain JSON: ids only. `payload` has passed the catalogue
 * schema; `jobId` is the caller's de-duplication id; `deferrals` counts `retry` outcomes.
 */
export interface Envelope {
  payload: object;
  jobId?: string;
  groupKey?: string;
  deferrals?: number;
  /** BullMQ schedule runs with a `jobId`: the run only enqueues the real job under this id. */
  enqueueAs?: string;
  /** ... and enqueues it `first`. */
  enqueueFirst?: boolean;
}

export function schemaOf(catalogue: JobCatalogue, name: string): z.ZodType<object> {
  const schema = Object.hasOwn(catalogue, name) ? catalogue[name] : undefined;
  if (!schema) throw new InvalidJobError(`'${name}' is not a job of this queue's catalogue`);
  return schema;
}

function describeIssues(error: z.ZodError): string {
  // Paths and messages only: zod messages name keys and types, never the offending values.
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

export function validatePayload(catalogue: JobCatalogue, name: string, payload: unknown): object {
  const parsed = schemaOf(catalogue, name).safeParse(payload);
  if (!parsed.success) {
    throw new InvalidJobError(
      `payload of job '${name}' does not match the catalogue: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The handler of every catalogue name, or `MissingHandlerError` naming those without one. The
 * table erases each handler's payload type: sound, because a handler is only ever called with the
 * output of its own job's schema.
 */
export function handlerTable(catalogue: JobCatalogue, handlers: object): Map<string, JobHandler<object>> {
  const table = new Map<string, JobHandler<object>>();
  const missing: string[] = [];
  for (const name of Object.keys(catalogue)) {
    const handler: unknown = Object.hasOwn(handlers, name) ? Reflect.get(handlers, name) : undefined;
    if (typeof handler === 'function') table.set(name, handler as JobHandler<object>);
    else missing.push(name);
  }
  if (missing.length > 0) throw new MissingHandlerError(missing);
  return table;
}

export function checkOptions(options: {
  jobId?: string;
  delayMs?: number;
  groupKey?: string;
  attempts?: number;
  first?: boolean;
}): void {
  if (options.jobId !== undefined && options.jobId.length === 0)
    throw new InvalidJobError('jobId must not be empty');
  if (options.groupKey !== undefined && options.groupKey.length === 0) {
    throw new InvalidJobError('groupKey must not be empty');
  }
  if (options.delayMs !== undefined && !(Number.isFinite(options.delayMs) && options.delayMs >= 0)) {
    throw new InvalidJobError(`delayMs must be a finite number >= 0, got ${options.delayMs}`);
  }
  if (options.attempts !== undefined && !(Number.isInteger(options.attempts) && options.attempts >= 1)) {
    throw new InvalidJobError(`attempts must be an integer >= 1, got ${options.attempts}`);
  }
}

export function checkScheduleId(scheduleId: string): void {
  // BullMQ builds job ids as `repeat:<scheduleId>:<millis>` and refuses ids with more colons.
  if (!/^[A-Za-z0-9._/@-]+$/.test(scheduleId)) {
    throw new InvalidJobError(`schedule id '${scheduleId}' may only contain letters, digits and . _ / @ -`);
  }
}

/** BullMQ's exponential backoff with jitter, so both adapters wait alike: base * 2^(n-1), minus up to 25 %. */
export const BACKOFF_JITTER = 0.25;
export function backoffDelay(baseMs: number, attemptsMade: number): number {
  const max = Math.round(2 ** (attemptsMade - 1) * baseMs);
  return Math.floor(Math.random() * max * BACKOFF_JITTER + max * (1 - BACKOFF_JITTER));
}

/** Delay before a parked job checks its group again on its own: spread out so parked jobs do not wake in lockstep. */
export function groupRecheckDelay(baseMs: number): number {
  return Math.round(baseMs * (0.5 + Math.random()));
}

export type AttemptResult =
  | { kind: 'done' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'error'; error: Error }
  | { kind: 'released' };

export interface AttemptInput {
  handler: JobHandler<object>;
  schema: z.ZodType<object>;
  envelope: Envelope;
  context: Omit<JobContext, 'signal'>;
  /** Aborted when the stop deadline passes: the attempt ends at once as `released`. */
  release: AbortSignal;
  /** Aborted when the adapter lost the job (BullMQ lock lost). Only forwarded to the handler. */
  lost?: AbortSignal | undefined;
  maxDeferrals: number;
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function readOutcome(value: unknown): JobOutcome | undefined {
  if (typeof value !== 'object' || value === null || !('status' in value)) return undefined;
  const o = value as { status: unknown; delayMs?: unknown; reason?: unknown };
  if (o.status === 'done') return { status: 'done' };
  const reason = typeof o.reason === 'string' ? o.reason : undefined;
  if (o.status === 'failed') return { status: 'failed', reason: reason ?? 'failed' };
  if (o.status === 'retry' && typeof o.delayMs === 'number' && Number.isFinite(o.delayMs) && o.delayMs >= 0) {
    return { status: 'retry', delayMs: o.delayMs, reason: reason ?? 'retry' };
  }
  return undefined;
}

/** Runs one attempt. Never rejects: every way it can end is an `AttemptResult`. */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const { envelope, context, release } = input;
  const parsed = input.schema.safeParse(envelope.payload);
  if (!parsed.success) {
    return {
      kind: 'failed',
      reason: `stored payload does not match the catalogue: ${describeIssues(parsed.error)}`,
    };
  }
  if (release.aborted) return { kind: 'released' };

  const controller = new AbortController();
  const onLost = (): void => controller.abort(input.lost?.reason);
  input.lost?.addEventListener('abort', onLost, { once: true });
  let onRelease = (): void => undefined;
  const released = new Promise<'released'>((resolve) => {
    onRelease = () => {
      controller.abort(new Error('worker stopping: job released back to the queue'));
      resolve('released');
    };
    release.addEventListener('abort', onRelease, { once: true });
  });

  let value: unknown;
  try {
    // The race lets a handler that ignores its signal be released anyway; its promise is still
    // observed by the race, so a late rejection is not an unhandled one.
    value = await Promise.race([
      input.handler(parsed.data, { ...context, signal: controller.signal }),
      released,
    ]);
  } catch (error) {
    if (release.aborted) return { kind: 'released' };
    return { kind: 'error', error: toError(error) };
  } finally {
    release.removeEventListener('abort', onRelease);
    input.lost?.removeEventListener('abort', onLost);
  }
  if (value === 'released') return { kind: 'released' };

  const outcome = readOutcome(value);
  if (!outcome)
    return { kind: 'error', error: new Error(`handler of '${context.name}' returned no valid outcome`) };
  switch (outcome.status) {
    case 'done':
      return { kind: 'done' };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
    case 'retry': {
      const deferrals = envelope.deferrals ?? 0;
      if (deferrals >= input.maxDeferrals) {
        return {
          kind: 'failed',
          reason: `deferred ${deferrals} times, giving up; last reason: ${outcome.reason}`,
        };
      }
      return { kind: 'retry', delayMs: outcome.delayMs, reason: outcome.reason };
    }
  }
}

/** One log line per attempt, ids only. */
export function logAttempt(log: Logger, result: AttemptResult, extra: { willRetry?: boolean } = {}): void {
  switch (result.kind) {
    case 'done':
      log.debug('job done');
      return;
    case 'retry':
      log.info({ delayMs: result.delayMs, reason: result.reason }, 'job deferred');
      return;
    case 'failed':
      log.warn({ reason: result.reason }, 'job failed permanently');
      return;
    case 'error':
      log.warn({ err: result.error, willRetry: extra.willRetry }, 'job attempt failed');
      return;
    case 'released':
      log.info('job released back to the queue at shutdown');
      return;
  }
}
