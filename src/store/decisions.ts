import type { Database, Sql, SqlValue } from './database.js';
import { StoreError } from './database.js';

export type DecisionState = 'claimed' | 'decided' | 'acted' | 'recorded';

export interface MessageKey {
  tenantId: string;
  routerId: string;
  /** Graph immutable id in the source mailbox. */
  graphId: string;
}

export interface DecisionRecord {
  id: number;
  messageId: number;
  state: DecisionState;
  outcome: 'routed' | 'review' | 'failed' | null;
  decidedBy: string | null;
  targetLabel: string | null;
  acted: boolean;
  action: string | null;
  modelVersion: string | null;
  scores: { label: string; probability: number }[] | null;
  ruleHits: Record<string, unknown>;
  explanation: unknown;
  reason: string | null;
  attempts: number;
  receivedAt: Date;
  claimedAt: Date;
  decidedAt: Date | null;
  actedAt: Date | null;
  recordedAt: Date | null;
}

interface DecisionRow {
  id: number;
  message_id: number;
  state: DecisionState;
  outcome: DecisionRecord['outcome'];
  decided_by: string | null;
  target_label: string | null;
  acted: boolean;
  action: string | null;
  model_version: string | null;
  scores: DecisionRecord['scores'];
  rule_hits: Record<string, unknown>;
  explanation: unknown;
  reason: string | null;
  attempts: number;
  received_at: Date;
  claimed_at: Date;
  decided_at: Date | null;
  acted_at: Date | null;
  recorded_at: Date | null;
}

const columns = `d.id, d.message_id, d.state, d.outcome, d.decided_by, d.target_label, d.acted, d.action,
  d.model_version, d.scores, d.rule_hits, d.explanation, d.reason, d.attempts, m.received_at,
  d.claimed_at, d.decided_at, d.acted_at, d.recorded_at`;

function toRecord(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    messageId: r.message_id,
    state: r.state,
    outcome: r.outcome,
    decidedBy: r.decided_by,
    targetLabel: r.target_label,
    acted: r.acted,
    action: r.action,
    modelVersion: r.model_version,
    scores: r.scores,
    ruleHits: r.rule_hits,
    explanation: r.explanation,
    reason: r.reason,
    attempts: r.attempts,
    receivedAt: r.received_at,
    claimedAt: r.claimed_at,
    decidedAt: r.decided_at,
    actedAt: r.acted_at,
    recordedAt: r.recorded_at,
  };
}

export interface IncomingMessage extends MessageKey {
  internetMessageId?: string | null;
  receivedAt: Date;
}

/** Records messages a delta round reported. Idempotent; returns how many were new. */
export async function recordIncomingMessages(db: Database, messages: IncomingMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO messages (tenant_id, router_id, graph_id, internet_message_id, received_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (tenant_id, router_id, graph_id) DO NOTHING`,
    [
      messages.map((m) => m.tenantId),
      messages.map((m) => m.routerId),
      messages.map((m) => m.graphId),
      messages.map((m) => m.internetMessageId ?? null),
      messages.map((m) => m.receivedAt.toISOString()),
    ],
  );
  return rowCount;
}

export type ClaimResult =
  | { status: 'claimed'; decision: DecisionRecord }
  | { status: 'done'; decision: DecisionRecord }
  | { status: 'busy'; leaseUntil: Date }
  | { status: 'unknown' };

/** Another worker took over the decision (our lease ran out): stop, do nothing more. */
export class LeaseLostError extends StoreError {
  constructor(decisionId: number) {
    super('other', `decision ${decisionId}: lease lost to another worker`);
  }
}

/**
 * The claim: one decision per message, driven by one worker at a time under a lease. A retry of
 * the same worker, or any worker after the lease ran out, resumes the decision where it stands.
 *
 * One statement on the common path (a hot path: once per mail): create the decision row with our
 * lease if there is none (the unique key on the message makes a second one impossible), or else take
 * the lease of the existing row if it is free, ours, or ran out. Two workers racing on a new
 * message: the second one's insert waits for the first one's and does nothing, and its update does
 * not see the new row, so it takes nothing. Only when nothing was taken does a second statement
 * find out why.
 */
export async function claimMessage(
  db: Database,
  key: MessageKey,
  owner: string,
  leaseMs: number,
): Promise<ClaimResult> {
  const message = [key.tenantId, key.routerId, key.graphId];
  const lease = new Date(Date.now() + leaseMs);
  const taken = await db.query<DecisionRow>(
    `WITH m AS (
       SELECT id, tenant_id, router_id, received_at FROM messages
       WHERE tenant_id = $1 AND router_id = $2 AND graph_id = $3),
     created AS (
       INSERT INTO decisions (tenant_id, router_id, message_id, state, attempts, lease_owner, lease_until)
       SELECT m.tenant_id, m.router_id, m.id, 'claimed', 1, $4, $5 FROM m
       ON CONFLICT (message_id) DO NOTHING
       RETURNING *),
     resumed AS (
       UPDATE decisions d SET lease_owner = $4, lease_until = $5, attempts = d.attempts + 1
       FROM m
       WHERE d.message_id = m.id AND NOT EXISTS (SELECT 1 FROM created)
         AND d.state <> 'recorded'
         AND (d.lease_owner = $4 OR d.lease_until IS NULL OR d.lease_until < now())
       RETURNING d.*)
     SELECT ${columns} FROM (SELECT * FROM created UNION ALL SELECT * FROM resumed) d JOIN m ON m.id = d.message_id`,
    [...message, owner, lease],
  );
  const claimed = taken.rows[0];
  if (claimed) return { status: 'claimed', decision: toRecord(claimed) };
  const { rows } = await db.query<DecisionRow & { lease_until: Date | null }>(
    `SELECT ${columns}, d.lease_until FROM decisions d JOIN messages m ON m.id = d.message_id
     WHERE m.tenant_id = $1 AND m.router_id = $2 AND m.graph_id = $3`,
    message,
  );
  const row = rows[0];
  if (!row) return { status: 'unknown' };
  if (row.state === 'recorded') return { status: 'done', decision: toRecord(row) };
  return { status: 'busy', leaseUntil: row.lease_until ?? new Date() };
}

export interface DecidedFields {
  outcome: 'routed' | 'review' | 'failed';
  decidedBy: 'override-rule' | 'model' | 'fallback-rule' | 'review' | 'error';
  targetLabel: string | null;
  acted: boolean;
  action: string | null;
  modelVersion: string | null;
  scores: { label: string; probability: number }[] | null;
  ruleHits: Record<string, unknown>;
  explanation: unknown;
  reason: string;
}

async function advance(
  db: Sql,
  decisionId: number,
  owner: string,
  sql: string,
  params: readonly SqlValue[],
): Promise<void> {
  const { rowCount } = await db.query(sql, [decisionId, owner, ...params]);
  if (rowCount !== 1) throw new LeaseLostError(decisionId);
}

/**
 * claimed -> decided: what will be done, saved before anything is done; with the message's cleaned,
 * masked content (kept for training) in the same statement.
 */
export function saveDecided(
  db: Sql,
  decisionId: number,
  owner: string,
  f: DecidedFields,
  content?: MessageContent,
): Promise<void> {
  const values: SqlValue[] = [
    f.outcome,
    f.decidedBy,
    f.targetLabel,
    f.acted,
    f.action,
    f.modelVersion,
    f.scores === null ? null : JSON.stringify(f.scores),
    JSON.stringify(f.ruleHits),
    f.explanation === undefined || f.explanation === null ? null : JSON.stringify(f.explanation),
    f.reason,
  ];
  const saveContent = content
    ? `WITH content AS (
         UPDATE messages SET sender_address = $13, subject_masked = $14, text_masked = $15
         WHERE id = (SELECT message_id FROM decisions WHERE id = $1))
       `
    : '';
  if (content) values.push(content.senderAddress, content.subjectMasked, content.textMasked);
  return advance(
    db,
    decisionId,
    owner,
    `${saveContent}UPDATE decisions SET state = 'decided', decided_at = now(), outcome = $3, decided_by = $4,
       target_label = $5, acted = $6, action = $7, model_version = $8, scores = $9, rule_hits = $10,
       explanation = $11, reason = $12
     WHERE id = $1 AND lease_owner = $2 AND state = 'claimed'`,
    values,
  );
}

/** The audit entry written with a recorded decision. */
export interface RecordedAudit {
  tenantId: string;
  actor: string;
  details: Record<string, unknown>;
}

/**
 * decided -> acted -> recorded once the action through Graph is complete: one statement sets both
 * times and writes the audit entry (so all or nothing), and releases the lease. A crash before it
 * leaves the decision at `decided`, whose retry finds the action done (docs/adr/0003). A decision an
 * earlier version left at `acted` is recorded the same way.
 */
export async function markRecorded(
  db: Sql,
  decisionId: number,
  owner: string,
  audit: RecordedAudit,
): Promise<void> {
  const { rowCount } = await db.query(
    `WITH recorded AS (
       UPDATE decisions SET state = 'recorded', acted_at = coalesce(acted_at, now()), recorded_at = now(),
         lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2 AND state IN ('decided', 'acted')
       RETURNING id)
     INSERT INTO audit_log (tenant_id, actor, action, subject_type, subject_id, details)
     SELECT $3, $4, 'decision.recorded', 'decision', recorded.id::text, $5 FROM recorded`,
    [decisionId, owner, audit.tenantId, audit.actor, JSON.stringify(audit.details)],
  );
  if (rowCount !== 1) throw new LeaseLostError(decisionId);
}

/** Messages recorded but not finished: re-enqueued at start-up (the in-process queue forgets). */
export async function unfinishedMessages(db: Sql, limit = 10_000): Promise<MessageKey[]> {
  const { rows } = await db.query<{ tenant_id: string; router_id: string; graph_id: string }>(
    `SELECT m.tenant_id, m.router_id, m.graph_id FROM messages m
     LEFT JOIN decisions d ON d.message_id = m.id
     WHERE d.id IS NULL OR d.state <> 'recorded'
     ORDER BY m.received_at LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, routerId: r.router_id, graphId: r.graph_id }));
}

export async function decisionForMessage(db: Sql, key: MessageKey): Promise<DecisionRecord | null> {
  const { rows } = await db.query<DecisionRow>(
    `SELECT ${columns} FROM decisions d JOIN messages m ON m.id = d.message_id
     WHERE m.tenant_id = $1 AND m.router_id = $2 AND m.graph_id = $3`,
    [key.tenantId, key.routerId, key.graphId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export interface MessageContent {
  senderAddress: string | null;
  /** Cleaned and PII-masked; cleared after the retention period. */
  subjectMasked: string;
  textMasked: string;
}

/** A decision as the audit API shows it: what was decided for which message of which router. */
export interface DecisionView extends DecisionRecord {
  tenantId: string;
  routerId: string;
  graphId: string;
}

export interface DecisionFilter {
  tenantId?: string;
  routerId?: string;
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
  target?: string;
  outcome?: 'routed' | 'review' | 'failed';
  /** Keyset paging: decisions with a smaller id than this (newest first). */
  before?: number;
  limit: number;
}

/** Decisions newest first, filtered by router, received time, target and outcome. */
export async function listDecisions(db: Sql, filter: DecisionFilter): Promise<DecisionView[]> {
  const where: string[] = [];
  const values: SqlValue[] = [];
  const add = (condition: string, value: SqlValue) => {
    values.push(value);
    where.push(condition.replace('?', `$${values.length}`));
  };
  if (filter.tenantId !== undefined) add('d.tenant_id = ?', filter.tenantId);
  if (filter.routerId !== undefined) add('d.router_id = ?', filter.routerId);
  if (filter.from !== undefined) add('m.received_at >= ?', filter.from);
  if (filter.to !== undefined) add('m.received_at < ?', filter.to);
  if (filter.target !== undefined) add('d.target_label = ?', filter.target);
  if (filter.outcome !== undefined) add('d.outcome = ?', filter.outcome);
  if (filter.before !== undefined) add('d.id < ?', filter.before);
  values.push(filter.limit);
  const { rows } = await db.query<DecisionRow & { tenant_id: string; router_id: string; graph_id: string }>(
    `SELECT ${columns}, d.tenant_id, d.router_id, m.graph_id
     FROM decisions d JOIN messages m ON m.id = d.message_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY d.id DESC LIMIT $${values.length}`,
    values,
  );
  return rows.map((r) => ({
    ...toRecord(r),
    tenantId: r.tenant_id,
    routerId: r.router_id,
    graphId: r.graph_id,
  }));
}
