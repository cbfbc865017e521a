import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/jobs/index.js';
import { openStore, type Database } from '../../src/store/index.js';

describe('retention purge', () => {
  let db: Database;
  const now = new Date('2026-11-23T12:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  beforeAll(async () => {
    db = await openStore({});
    await db.query(`INSERT INTO tenants (id, name) VALUES ('k', 'K')`);
    await db.query(
      `INSERT INTO routers (tenant_id, id, source_mailbox, review_folder, threshold, mode)
       VALUES ('k', 'post', 'post@k.dk', 'Review', 0.9, 'active')`,
    );
    for (const [graphId, age] of [
      ['old', 400],
      ['recent', 10],
      ['ancient', 800],
    ] as const) {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO messages (tenant_id, router_id, graph_id, received_at, ingested_at, sender_address, subject_masked, text_masked)
         VALUES ('k', 'post', $1, $2, $2, 'borger@example.dk', 'Byggetilladelse', 'Mit cpr er [CPR]') RETURNING id`,
        [graphId, daysAgo(age)],
      );
      const id = rows[0]?.id ?? 0;
      await db.query(
        `INSERT INTO decisions (tenant_id, router_id, message_id, state, claimed_at) VALUES ('k', 'post', $1, 'recorded', $2)`,
        [id, daysAgo(age)],
      );
      await db.query(
        `INSERT INTO labels (tenant_id, router_id, message_id, target_label, source, labelled_at) VALUES ('k', 'post', $1, 'byggesag', 'ui', $2)`,
        [id, daysAgo(age)],
      );
      await db.query(
        `INSERT INTO audit_log (tenant_id, at, actor, action, subject_type, subject_id) VALUES ('k', $1, 'system', 'routed', 'message', $2)`,
        [daysAgo(age), graphId],
      );
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it('clears message content past its period, deletes old decisions, and keeps the message key', async () => {
    const result = await purgeExpired(db, { messageTextDays: 365, decisionDays: 730 }, now);
    expect(result).toEqual({
      messagesCleared: 2,
      decisionsDeleted: 1,
      labelsDeleted: 1,
      auditEntriesDeleted: 1,
    });
    const { rows } = await db.query<{
      graph_id: string;
      text_masked: string | null;
      sender_address: string | null;
    }>(`SELECT graph_id, text_masked, sender_address FROM messages ORDER BY graph_id`);
    expect(rows).toEqual([
      { graph_id: 'ancient', text_masked: null, sender_address: null },
      { graph_id: 'old', text_masked: null, sender_address: null },
      { graph_id: 'recent', text_masked: 'Mit cpr er [CPR]', sender_address: 'borger@example.dk' },
    ]);
    const again = await purgeExpired(db, { messageTextDays: 365, decisionDays: 730 }, now);
    expect(again).toEqual({
      messagesCleared: 0,
      decisionsDeleted: 0,
      labelsDeleted: 0,
      auditEntriesDeleted: 0,
    });
  });
});
