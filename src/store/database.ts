/**
 * The one small query interface both store adapters implement. Values come back with the same
 * JS types from both: int8 and integers as `number`, timestamptz as `Date`, jsonb as parsed JSON,
 * `double precision` as `number`, booleans as `boolean`.
 */
export type SqlValue = string | number | boolean | Date | null | readonly unknown[] | Record<string, unknown>;

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StoreErrorKind =
  'unique_violation' | 'foreign_key_violation' | 'check_violation' | 'unavailable' | 'other';

/** A store failure, classified by the SQLSTATE code rather than the message text. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly sqlState?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const kindBySqlState: Record<string, StoreErrorKind> = {
  '23505': 'unique_violation',
  '23503': 'foreign_key_violation',
  '23514': 'check_violation',
  '57P01': 'unavailable',
  '08000': 'unavailable',
  '08003': 'unavailable',
  '08006': 'unavailable',
};

export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  const networkCodes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'];
  const kind = code
    ? (kindBySqlState[code] ?? (networkCodes.includes(code) ? 'unavailable' : 'other'))
    : 'other';
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(kind, message, code, { cause: error });
}
