import type { Sql } from './database.js';

/*
 * Repositories behind the mail module's ports (DeltaCursorStore, SubscriptionStore). Each is scoped
 * to one tenant: no query crosses tenants.
 */

export function deltaCursorRepository(db: Sql, tenantId: string) {
  return {
    async load(key: string): Promise<string | null> {
      const { rows } = await db.query<{ link: string }>(
        'SELECT link FROM delta_tokens WHERE tenant_id = $1 AND cursor_key = $2',
        [tenantId, key],
      );
      return rows[0]?.link ?? null;
    },
    async save(key: string, link: string): Promise<void> {
      await db.query(
        `INSERT INTO delta_tokens (tenant_id, cursor_key, link) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, cursor_key) DO UPDATE SET link = excluded.link, updated_at = now()`,
        [tenantId, key, link],
      );
    },
    async clear(key: string): Promise<void> {
      await db.query('DELETE FROM delta_tokens WHERE tenant_id = $1 AND cursor_key = $2', [tenantId, key]);
    },
  };
}

export interface SubscriptionRecord {
  id: string;
  mailbox: string;
  folderId: string;
  expirationDateTime: string;
}

interface SubscriptionRow {
  id: string;
  mailbox: string;
  folder_id: string;
  expires_at: Date;
}

const toRecord = (r: SubscriptionRow): SubscriptionRecord => ({
  id: r.id,
  mailbox: r.mailbox,
  folderId: r.folder_id,
  expirationDateTime: r.expires_at.toISOString(),
});

export function subscriptionRepository(db: Sql, tenantId: string) {
  const select = 'SELECT id, mailbox, folder_id, expires_at FROM subscriptions WHERE tenant_id = $1';
  return {
    async list(): Promise<SubscriptionRecord[]> {
      const { rows } = await db.query<SubscriptionRow>(`${select} ORDER BY expires_at`, [tenantId]);
      return rows.map(toRecord);
    },
    async get(id: string): Promise<SubscriptionRecord | null> {
      const { rows } = await db.query<SubscriptionRow>(`${select} AND id = $2`, [tenantId, id]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async findByFolder(mailbox: string, folderId: string): Promise<SubscriptionRecord | null> {
      const { rows } = await db.query<SubscriptionRow>(
        `${select} AND lower(mailbox) = lower($2) AND folder_id = $3 ORDER BY expires_at DESC LIMIT 1`,
        [tenantId, mailbox, folderId],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async put(s: SubscriptionRecord): Promise<void> {
      await db.query(
        `INSERT INTO subscriptions (id, tenant_id, mailbox, folder_id, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET mailbox = excluded.mailbox, folder_id = excluded.folder_id,
           expires_at = excluded.expires_at, updated_at = now()`,
        [s.id, tenantId, s.mailbox, s.folderId, new Date(s.expirationDateTime)],
      );
    },
    async delete(id: string): Promise<void> {
      await db.query('DELETE FROM subscriptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    },
  };
}
