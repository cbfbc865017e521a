import type { Sql } from '../store/index.js';

export interface RetentionPolicy {
  /** Days the cleaned subject, text and sender of a message are kept. */
  messageTextDays: number;
  /** Days decisions, labels and audit entries are kept. */
  decisionDays: number;
}

export interface PurgeResult {
  messagesCleared: number;
  decisionsDeleted: number;
  labelsDeleted: number;
  auditEntriesDeleted: number;
}

const DAY_MS = 86_400_000;

/**
 * Removes personal data past its retention period. A message row itself stays (without content)
 * as long as its decision does: it is the key that stops a message from being routed twice.
 */
export async function purgeExpired(db: Sql, policy: RetentionPolicy, now: Date): Promise<PurgeResult> {
  const textCutoff = new Date(now.getTime() - policy.messageTextDays * DAY_MS);
  const decisionCutoff = new Date(now.getTime() - policy.decisionDays * DAY_MS);
  const cleared = await db.query(
    `UPDATE messages SET subject_masked = NULL, text_masked = NULL, sender_address = NULL
     WHERE ingested_at < $1 AND (text_masked IS NOT NULL OR subject_masked IS NOT NULL OR sender_address IS NOT NULL)`,
    [textCutoff],
  );
  const labels = await db.query(`DELETE FROM labels WHERE labelled_at < $1`, [decisionCutoff]);
  const decisions = await db.query(`DELETE FROM decisions WHERE claimed_at < $1`, [decisionCutoff]);
  const audit = await db.query(`DELETE FROM audit_log WHERE at < $1`, [decisionCutoff]);
  return {
    messagesCleared: cleared.rowCount,
    decisionsDeleted: decisions.rowCount,
    labelsDeleted: labels.rowCount,
    auditEntriesDeleted: audit.rowCount,
  };
}
