import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Sql, SqlValue } from './database.js';
import { toStoreError } from './database.js';

export interface PgliteOptions {
  /** Directory of the data files; omit for an in-memory database (tests). */
  dataDir?: string;
}

export async function openPglite(options: PgliteOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});

  const run = async <Row>(
    runner: Pick<PGlite, 'query' | 'exec'>,
    text: string,
    params?: readonly SqlValue[],
  ): Promise<QueryResult<Row>> => {
    try {
      const result = await runner.query<Row>(text, params ? [...params] : undefined);
      return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    } catch (error) {
      throw toStoreError(error);
    }
  };
  const exec = async (runner: Pick<PGlite, 'exec'>, script: string): Promise<void> => {
    try {
      await runner.exec(script);
    } catch (error) {
      throw toStoreError(error);
    }
  };

  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    exec: (script) => exec(db, script),
    // PGlite has one connection: concurrent transactions queue behind each other.
    transaction: (work) =>
      db.transaction(async (tx) => {
        const sql: Sql = {
          query: (text, params) => run(tx, text, params),
          exec: (script) => exec(tx, script),
        };
        return work(sql);
      }),
    async ping() {
      await run(db, 'SELECT 1');
    },
    async close() {
      await db.close();
    },
  };
}
