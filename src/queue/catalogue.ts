import { z } from 'zod';
import type { JobOf, JobPayload } from './port.js';

// mailroute's jobs. Payloads carry ids only, never mail content: Redis keeps job data in plain
// text. The schemas are strict, so a payload with any extra field (a subject, a body) is refused
// at enqueue.

const id = z.string().min(1).max(512);

export const mailrouteJobs = {
  /** One delta round over a router's source folder. */
  'mailbox.sync': z.strictObject({ tenantId: id, routerId: id }),
  /** Route one message: messageId is the store's message id or Graph's immutable id. */
  'message.route': z.strictObject({ tenantId: id, routerId: id, messageId: id }),
  /** Renew Graph change-notification subscriptions that expire soon. */
  'subscriptions.renew': z.strictObject({}),
  /** Train, evaluate and maybe promote a new model version for one router. */
  'model.retrain': z.strictObject({ tenantId: id, routerId: id }),
  /** Delete mail text and records past their retention period. */
  'data.purge': z.strictObject({}),
};

export type MailrouteCatalogue = typeof mailrouteJobs;
/** `{ name, payload }` for every mailroute job: the discriminated union. */
export type MailrouteJob = JobOf<MailrouteCatalogue>;
export type MailrouteJobName = MailrouteJob['name'];
export type MailroutePayload<N extends MailrouteJobName> = JobPayload<MailrouteCatalogue, N>;

/**
 * Deterministic de-duplication ids: the same work enqueued twice while pending runs once.
 * Note for `mailbox.sync`: a sync enqueued while the same router's sync is ACTIVE is dropped too;
 * the scheduled delta round picks up whatever that running round missed.
 */
export const mailrouteJobIds = {
  mailboxSync: (p: MailroutePayload<'mailbox.sync'>): string => `sync.${p.tenantId}.${p.routerId}`,
  messageRoute: (p: MailroutePayload<'message.route'>): string =>
    `route.${p.tenantId}.${p.routerId}.${p.messageId}`,
  modelRetrain: (p: MailroutePayload<'model.retrain'>): string => `retrain.${p.tenantId}.${p.routerId}`,
  subscriptionsRenew: (): string => 'subscriptions.renew',
  dataPurge: (): string => 'data.purge',
};

/**
 * The groupKey of a source mailbox: Graph's concurrency limit is per app (one per tenant) and
 * mailbox, and addresses compare case-insensitively.
 */
export function mailboxGroupKey(tenantId: string, mailbox: string): string {
  return `${tenantId}/${mailbox.trim().toLowerCase()}`;
}
