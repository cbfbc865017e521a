import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface StoreOptions {
  /** PostgreSQL connection URL; without it the embedded PGlite store is used. */
  databaseUrl?: string;
  /** PGlite data directory; omitted = in memory. */
  dataDir?: string;
  /** PostgreSQL schema (tests use one each). */
  schema?: string;
  poolSize?: number;
}

/** Opens the store chosen by the options and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgres({
        url: options.databaseUrl,
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      })
    : await openPglite(options.dataDir ? { dataDir: options.dataDir } : {});
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
