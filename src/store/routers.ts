import type { Config } from '../config/index.js';
import type { Sql } from './database.js';

/**
 * Makes the store's tenants, routers and targets match the configuration. A router whose mode
 * changes gets a new `mode_changed_at`: in active mode only mail received after it is acted on.
 * Targets that left the configuration are disabled, not deleted (decisions refer to them).
 */
export async function syncConfiguredRouters(
  db: Sql,
  config: Pick<Config, 'tenants' | 'routers' | 'source'>,
): Promise<void> {
  for (const tenant of config.tenants) {
    await db.query(
      `INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
      [tenant.id, tenant.name],
    );
  }
  for (const router of config.routers) {
    await db.query(
      `INSERT INTO routers (tenant_id, id, source_mailbox, source_folder, review_folder, threshold, mode)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, id) DO UPDATE SET
         source_mailbox = excluded.source_mailbox, source_folder = excluded.source_folder,
         review_folder = excluded.review_folder, threshold = excluded.threshold, mode = excluded.mode,
         mode_changed_at = CASE WHEN routers.mode = excluded.mode THEN routers.mode_changed_at ELSE now() END,
         updated_at = now()`,
      [
        router.tenant,
        router.id,
        router.source.mailbox.toLowerCase(),
        router.source.folder,
        router.review.folder,
        router.threshold,
        router.mode,
      ],
    );
    for (const target of router.targets) {
      await db.query(
        `INSERT INTO targets (tenant_id, router_id, label, name, action, mailbox, folder, threshold, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
         ON CONFLICT (tenant_id, router_id, label) DO UPDATE SET name = excluded.name, action = excluded.action,
           mailbox = excluded.mailbox, folder = excluded.folder, threshold = excluded.threshold, enabled = true`,
        [
          router.tenant,
          router.id,
          target.label,
          target.name,
          target.action,
          target.mailbox?.toLowerCase() ?? null,
          target.folder ?? null,
          target.threshold ?? null,
        ],
      );
    }
    await db.query(
      `UPDATE targets SET enabled = false WHERE tenant_id = $1 AND router_id = $2 AND NOT (label = ANY($3::text[]))`,
      [router.tenant, router.id, router.targets.map((t) => t.label)],
    );
    await syncRuleVersions(db, router.tenant, router.id, router.rules, `configuration ${config.source}`);
  }
}

/**
 * Rules are versioned: a rule that is new, or changed (definition, position, on/off) since its
 * latest version, gets a new version, with who (the configuration file) and when; a rule that left
 * the configuration gets a disabled version. PostgreSQL compares the definitions (as jsonb), and
 * several processes starting at once write each version once (the primary key). The rules were
 * compiled (validated) before this runs.
 */
async function syncRuleVersions(
  db: Sql,
  tenantId: string,
  routerId: string,
  rules: readonly unknown[],
  createdBy: string,
): Promise<void> {
  const newVersion = (name: string, kind: string, position: number, definition: string, enabled: boolean) =>
    db.query(
      `WITH latest AS (
         SELECT version, position, definition, enabled FROM rules
         WHERE tenant_id = $1 AND router_id = $2 AND name = $3 ORDER BY version DESC LIMIT 1)
       INSERT INTO rules (tenant_id, router_id, name, version, kind, position, definition, enabled, created_by)
       SELECT $1, $2, $3, coalesce((SELECT version FROM latest), 0) + 1, $4, $5, $6::jsonb, $7, $8
       WHERE NOT EXISTS (
         SELECT 1 FROM latest WHERE position = $5 AND definition = $6::jsonb AND enabled = $7)
       ON CONFLICT DO NOTHING`,
      [tenantId, routerId, name, kind, position, definition, enabled, createdBy],
    );
  const names: string[] = [];
  for (const [position, rule] of rules.entries()) {
    const { name, kind, enabled } = rule as { name: string; kind: string; enabled?: boolean };
    names.push(name);
    await newVersion(name, kind, position, JSON.stringify(rule), enabled !== false);
  }
  // Rules no longer configured whose latest version is still enabled: a disabled version each.
  const { rows: removed } = await db.query<{
    name: string;
    kind: string;
    position: number;
    definition: unknown;
  }>(
    `SELECT name, kind, position, definition FROM (
       SELECT DISTINCT ON (name) name, kind, position, definition, enabled FROM rules
       WHERE tenant_id = $1 AND router_id = $2 ORDER BY name, version DESC) latest
     WHERE enabled AND NOT (name = ANY($3::text[]))`,
    [tenantId, routerId, names],
  );
  for (const r of removed) await newVersion(r.name, r.kind, r.position, JSON.stringify(r.definition), false);
}

export interface RouterState {
  tenantId: string;
  id: string;
  mode: 'active' | 'shadow';
  modeChangedAt: Date;
  activeModelVersion: string | null;
}

export async function routerState(db: Sql, tenantId: string, routerId: string): Promise<RouterState | null> {
  const { rows } = await db.query<{
    mode: 'active' | 'shadow';
    mode_changed_at: Date;
    active_model_version: string | null;
  }>(`SELECT mode, mode_changed_at, active_model_version FROM routers WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    routerId,
  ]);
  const row = rows[0];
  return row
    ? {
        tenantId,
        id: routerId,
        mode: row.mode,
        modeChangedAt: row.mode_changed_at,
        activeModelVersion: row.active_model_version,
      }
    : null;
}

/**
 * routerState, remembered for `ttlMs`: the route job asks once per mail, and a router's mode only
 * changes when a process starts with a new configuration, so a switch takes effect within `ttlMs`.
 */
export function routerStateCache(db: Sql, ttlMs: number) {
  const cache = new Map<string, { at: number; state: Promise<RouterState | null> }>();
  return (tenantId: string, routerId: string): Promise<RouterState | null> => {
    const key = `${tenantId}/${routerId}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.state;
    const state = routerState(db, tenantId, routerId);
    cache.set(key, { at: Date.now(), state });
    state.catch(() => cache.delete(key));
    return state;
  };
}
