import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, QueryResult, Sql, SqlValue } from './database.js';
import { toStoreError } from './database.js';

const INT8_OID = 20;
// An arbitrary constant all mailroute processes agree on.
const SCHEMA_LOCK = 7_246_150;

// pg returns int8 as a string (it can exceed 2^53); PGlite returns a number. Our int8 columns are
// ids and counters that stay far below 2^53, so both adapters return numbers, and refuse loudly
// instead of silently losing precision.
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  url: string;
  /** Schema to use (created if missing); lets tests and deployments share one database. */
  schema?: string;
  poolSize?: number;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name '${name}'`);
  return `"${name}"`;
}

function asParams(params: readonly SqlValue[] | undefined): unknown[] | undefined {
  // pg serialises arrays as PostgreSQL arrays; plain objects become JSON.
  return params?.map((p) => p);
}

// Queries with parameters run as named prepared statements: each connection parses and plans a
// statement once instead of on every call (the route job's claim, save and record run once per
// mail). A loop of one CTE statement here took 0.17-0.20 ms per call named, 0.31-0.50 ms unnamed.
// Names come from the text; past a bound, further texts run unnamed.
const MAX_NAMED_STATEMENTS = 500;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined || statementNames.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `mailroute_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  statementNames.set(text, name);
  return name;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const schema = options.schema;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  // A broken idle connection must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);

  const query = async <Row>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    params?: readonly SqlValue[],
  ): Promise<QueryResult<Row>> => {
    try {
      const values = asParams(params);
      const name = values === undefined ? undefined : statementName(text);
      const result = await client.query(name === undefined ? { text, values } : { name, text, values });
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw toStoreError(error);
    }
  };

  const db: Database = {
    kind: 'postgres',
    query: (text, params) => query(pool, text, params),
    // Without parameters pg uses the simple query protocol, which runs several statements.
    async exec(script) {
      await query(pool, script);
    },
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      const tx: Sql = {
        query: (text, params) => query(client, text, params),
        exec: async (script) => {
          await query(client, script);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await query(pool, 'SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
  if (schema) {
    // CREATE SCHEMA IF NOT EXISTS is not safe when processes start together; the lock makes it so.
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    });
  }
  return db;
}
