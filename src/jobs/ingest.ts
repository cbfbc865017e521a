import { DeltaSync, type DeltaSink } from '../mail/index.js';
import type { JobContext, JobOutcome, JobQueue, MailrouteCatalogue } from '../queue/index.js';
import { mailboxGroupKey, mailrouteJobIds } from '../queue/index.js';
import { deltaCursorRepository, recordIncomingMessages, type Database } from '../store/index.js';
import type { RouterRuntime } from './router-runtime.js';

export interface IngestDependencies {
  store: Database;
  queue: Pick<JobQueue<MailrouteCatalogue>, 'enqueueMany'>;
  router(tenantId: string, routerId: string): RouterRuntime | undefined;
  folderId(router: RouterRuntime, mailbox: string, name: string): Promise<string>;
  /** Graph page size for delta (Prefer: odata.maxpagesize). */
  pageSize: number;
  /** Rounds one job runs at most when notifications keep arriving during its rounds. */
  maxRounds?: number;
}

export interface SyncPayload {
  tenantId: string;
  routerId: string;
}

/** Records every new message of a delta page and enqueues its route job, before the cursor moves on. */
export function routeJobSink(deps: IngestDependencies, router: RouterRuntime): DeltaSink {
  return {
    async accept(page) {
      const fresh = page.upserts.filter((m) => !m.isDraft);
      await recordIncomingMessages(
        deps.store,
        fresh.map((m) => ({
          tenantId: router.tenantId,
          routerId: router.routerId,
          graphId: m.id,
          internetMessageId: m.internetMessageId ?? null,
          receivedAt: new Date(m.receivedDateTime ?? Date.now()),
        })),
      );
      const groupKey = mailboxGroupKey(router.tenantId, router.sourceMailbox);
      await deps.queue.enqueueMany(
        'message.route',
        fresh.map((m) => {
          const payload = { tenantId: router.tenantId, routerId: router.routerId, messageId: m.id };
          return { payload, options: { jobId: mailrouteJobIds.messageRoute(payload), groupKey } };
        }),
      );
    },
  };
}

/** Marks that a router's folder changed (a change notification arrived). */
export async function requestSync(store: Database, tenantId: string, routerId: string): Promise<void> {
  await store.query(
    `UPDATE routers SET sync_requested_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, routerId],
  );
}

/**
 * One `mailbox.sync` job: delta rounds over the router's source folder until no notification
 * arrived during the last round.
 */
export async function syncMailbox(
  deps: IngestDependencies,
  payload: SyncPayload,
  ctx: JobContext,
): Promise<JobOutcome> {
  const router = deps.router(payload.tenantId, payload.routerId);
  if (!router) return { status: 'failed', reason: `unknown router ${payload.tenantId}/${payload.routerId}` };
  const folderId = await deps.folderId(router, router.sourceMailbox, router.sourceFolder);
  const sync = new DeltaSync(router.gateway, deltaCursorRepository(deps.store, router.tenantId), {
    pageSize: deps.pageSize,
  });
  const sink = routeJobSink(deps, router);
  const maxRounds = deps.maxRounds ?? 5;
  let complete = false;
  for (let round = 1; round <= maxRounds; round++) {
    const { rows } = await deps.store.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    const startedAt = rows[0]?.now ?? new Date();
    const result = await sync.round(router.sourceMailbox, folderId, sink);
    ctx.log.debug({ round, ...result }, 'delta round done');
    const again = await deps.store.query(
      `SELECT 1 FROM routers WHERE tenant_id = $1 AND id = $2 AND sync_requested_at > $3`,
      [router.tenantId, router.routerId, startedAt],
    );
    complete = result.complete && again.rowCount === 0;
    if (complete) break;
  }
  // Mail keeps arriving faster than rounds end: hand over to a fresh job so others get a turn.
  return complete ? { status: 'done' } : { status: 'retry', delayMs: 10, reason: 'more changes arrived' };
}
