/**
 * The smallest SQL surface the PostgreSQL adapters need, so the same SQL runs on node-postgres and on
 * PGlite, and other components (the projection runner) can share the store's connection and transactions.
 */
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import pg from 'pg';

export type SqlRow = Record<string, unknown>;

export interface QueryOptions {
  /**
   * A fixed statement run again and again (an append, a page read): prepared once per connection,
   * then only bound and executed. Never for text built per call (a multi-row VALUES list): each
   * distinct text would stay prepared on every connection.
   */
  readonly prepare?: boolean;
}

export interface SqlQueryable {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
}

export interface SqlExecutor extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Releases the connection(s): the pool, or the PGlite instance. */
  close(): Promise<void>;
}

/**
 * node-postgres type parsers are process-global and other libraries rewrite them (Emmett's dumbo turns
 * int8 into BigInt and swaps the JSON parser), so every query here brings its own for the types that
 * matter, chosen to match PGlite's defaults: both executors return the same values. int8 → number
 * (BigInt beyond 2^53, never a silently rounded number), json/jsonb → JSON.parse; numeric stays a
 * string in both; anything else uses pg's parser for it.
 */
const { INT8, JSON: JSON_OID, JSONB } = pg.types.builtins;
const parseInt8 = (text: string): number | bigint => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
};
const parseJson = (text: string): unknown => JSON.parse(text);
const ownTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? parseInt8 : oid === JSON_OID || oid === JSONB ? parseJson : pg.types.getTypeParser(oid, format ?? 'text'),
} as unknown as pg.CustomTypesConfig;

/**
 * Names of the statements callers asked to prepare (QueryOptions.prepare): saving parse and plan
 * is a fifth of a one-event append's time. One name per text, and only fixed texts ask.
 */
const statementNames = new Map<string, string>();
const nameOf = (sql: string): string => {
  let name = statementNames.get(sql);
  if (name === undefined) statementNames.set(sql, (name = `cxt_${statementNames.size}`));
  return name;
};

const pgQuery = async <R extends SqlRow>(
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[] = [],
  options: QueryOptions = {},
): Promise<R[]> => {
  const result = await client.query<R>({ text: sql, values: [...params], types: ownTypes, ...(options.prepare ? { name: nameOf(sql) } : {}) });
  return result.rows;
};

export const pgExecutor = (pool: pg.Pool): SqlExecutor => ({
  query: (sql, params, options) => pgQuery(pool, sql, params, options),
  async transaction(fn) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      const result = await fn({ query: (sql, params, options) => pgQuery(client, sql, params, options) });
      await client.query('commit');
      return result;
    } catch (error) {
      // A connection whose rollback fails is in an unknown state: destroy it rather than reuse it.
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  },
  close: () => pool.end(),
});

const pgliteQuery = async <R extends SqlRow>(db: PGlite | PgliteTransaction, sql: string, params: readonly unknown[] = []): Promise<R[]> =>
  (await db.query<R>(sql, [...params])).rows;

/**
 * PGlite is a single connection: its transaction() holds a mutex that every other query waits on, so
 * inside `fn` only `tx` may be used (the instance itself would wait for the transaction, forever).
 */
export const pgliteExecutor = (pglite: PGlite): SqlExecutor => ({
  query: (sql, params) => pgliteQuery(pglite, sql, params),
  transaction: (fn) => pglite.transaction((tx) => fn({ query: (sql, params) => pgliteQuery(tx, sql, params) })),
  close: () => pglite.close(),
});
