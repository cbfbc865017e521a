import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledMigrations, migrate, openStore, StoreError, type Database } from '../../src/store/index.js';
import { databaseUrl, dropSchema, uniqueName } from '../support/services.js';

interface Adapter {
  name: string;
  /** Opens a fresh, migrated store; `reopen` opens a second handle on the same data. */
  open(): Promise<{ db: Database; reopen: () => Promise<Database> }>;
}

const schemas: string[] = [];
const adapters: Adapter[] = [
  {
    name: 'pglite',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-pglite-'));
      const db = await openStore({ dataDir });
      return {
        db,
        // PGlite has one connection per data directory: close before reopening.
        reopen: async () => {
          await db.close();
          return openStore({ dataDir });
        },
      };
    },
  },
];
if (databaseUrl) {
  const url = databaseUrl;
  adapters.push({
    name: 'postgres',
    async open() {
      const schema = uniqueName('store_test');
      schemas.push(schema);
      const db = await openStore({ databaseUrl: url, schema });
      return {
        db,
        reopen: async () => {
          await db.close();
          return openStore({ databaseUrl: url, schema });
        },
      };
    },
  });
}

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

async function seedRouter(db: Database): Promise<void> {
  await db.query(`INSERT INTO tenants (id, name) VALUES ('kommune', 'Kommune')`);
  await db.query(
    `INSERT INTO routers (tenant_id, id, source_mailbox, review_folder, threshold, mode)
     VALUES ('kommune', 'post', 'post@kommune.dk', 'Til manuel fordeling', 0.9, 'shadow')`,
  );
}

const allTables = [
  'audit_log',
  'subscriptions',
  'delta_tokens',
  'rules',
  'retrain_runs',
  'model_versions',
  'labels',
  'decisions',
  'messages',
  'targets',
  'routers',
  'tenants',
];

describe.each(adapters)('store contract: $name', (adapter) => {
  let db: Database;
  let reopen: () => Promise<Database>;
  beforeAll(async () => {
    ({ db, reopen } = await adapter.open());
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE ${allTables.join(', ')} CASCADE`);
  });

  it('applies every bundled migration once and records it', async () => {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(bundledMigrations().map((m) => m.id));
    expect(await migrate(db)).toEqual([]);
  });

  it('returns the same JS types for int8, timestamptz, jsonb, double and boolean', async () => {
    await seedRouter(db);
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO messages (tenant_id, router_id, graph_id, received_at)
       VALUES ('kommune', 'post', 'AAMk-1', $1) RETURNING id`,
      [new Date('2026-11-23T10:00:00.000Z')],
    );
    const id = inserted.rows[0]?.id;
    expect(typeof id).toBe('number');
    await db.query(
      `INSERT INTO decisions (tenant_id, router_id, message_id, state, scores) VALUES ('kommune', 'post', $1, 'claimed', $2)`,
      [id ?? 0, JSON.stringify([{ label: 'byggesag', probability: 0.97 }])],
    );
    const { rows } = await db.query<{
      n: number;
      received_at: Date;
      scores: unknown;
      threshold: number;
      enabled: boolean;
    }>(
      `SELECT (SELECT count(*) FROM messages) AS n, m.received_at, d.scores, r.threshold, true AS enabled
       FROM messages m JOIN decisions d ON d.message_id = m.id JOIN routers r ON r.id = m.router_id`,
    );
    const row = rows[0];
    expect(row?.n).toBe(1);
    expect(row?.received_at).toBeInstanceOf(Date);
    expect(row?.received_at.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(row?.scores).toEqual([{ label: 'byggesag', probability: 0.97 }]);
    expect(row?.threshold).toBe(0.9);
    expect(row?.enabled).toBe(true);
  });

  it('reports a second claim of the same message as a unique violation', async () => {
    await seedRouter(db);
    const insert = `INSERT INTO messages (tenant_id, router_id, graph_id, received_at) VALUES ('kommune', 'post', 'AAMk-2', now())`;
    await db.query(insert);
    const error: unknown = await db.query(insert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ kind: 'unique_violation', sqlState: '23505' });
  });

  it('rolls a transaction back when its work throws, and commits it otherwise', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO tenants (id, name) VALUES ('a', 'A')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tenants (id, name) VALUES ('b', 'B')`);
    });
    const { rows } = await db.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(['b']);
  });

  it('keeps data across reopening', async () => {
    await db.query(`INSERT INTO tenants (id, name) VALUES ('kept', 'Kept')`);
    db = await reopen();
    const { rowCount } = await db.query(`SELECT 1 FROM tenants WHERE id = 'kept'`);
    expect(rowCount).toBe(1);
  });

  it('counts affected rows of an update', async () => {
    await db.query(`INSERT INTO tenants (id, name) VALUES ('x', 'X'), ('y', 'Y')`);
    const { rowCount } = await db.query(`UPDATE tenants SET name = upper(name)`);
    expect(rowCount).toBe(2);
  });
});

describe.runIf(databaseUrl)('store on PostgreSQL', () => {
  it('lets several processes migrate the same schema at once', async () => {
    const schema = uniqueName('store_race');
    schemas.push(schema);
    const url = databaseUrl ?? '';
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore({ databaseUrl: url, schema })));
    const { rows } = await stores[0]!.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(bundledMigrations().length);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('prepares a query with parameters once per connection and reuses it', async () => {
    const schema = uniqueName('store_prepared');
    schemas.push(schema);
    const store = await openStore({ databaseUrl: databaseUrl ?? '', schema });
    const prepared = await store.transaction(async (tx) => {
      for (const id of ['a', 'b', 'c']) {
        await tx.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [id, id.toUpperCase()]);
      }
      const { rows } = await tx.query<{ statement: string; calls: number }>(
        `SELECT statement, generic_plans + custom_plans AS calls FROM pg_prepared_statements`,
      );
      return rows.filter((r) => r.statement.startsWith('INSERT INTO tenants'));
    });
    expect(prepared).toEqual([{ statement: 'INSERT INTO tenants (id, name) VALUES ($1, $2)', calls: 3 }]);
    expect((await store.query(`SELECT id FROM tenants WHERE name = $1`, ['B'])).rows).toEqual([{ id: 'b' }]);
    await store.close();
  });

  it('fails with an "unavailable" store error when PostgreSQL cannot be reached', async () => {
    const error: unknown = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'unavailable' });
  });
});
