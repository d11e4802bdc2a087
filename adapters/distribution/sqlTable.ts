/** Table names and migrations for the distribution adapters' SQL (PostgreSQL and PGlite alike). */
import type { SqlExecutor } from '../eventStore/sqlExecutor.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

/** A qualified, quoted table name, ready to paste into SQL. */
export const sqlTable = (table: string, schema?: string): string => {
  if (schema !== undefined && !IDENTIFIER.test(schema)) throw new Error(`schema name ${JSON.stringify(schema)} is not a plain SQL identifier`);
  return schema === undefined ? table : `"${schema}".${table}`;
};

/** Any fixed key, the same in every process: CREATE … IF NOT EXISTS alone races on the catalog. */
const MIGRATION_LOCK_KEY = 0x64697374; // "dist"

/** Runs idempotent DDL under an advisory lock, so several processes may migrate at once. */
export const migrateTables = (db: SqlExecutor, schema: string | undefined, statements: readonly string[]): Promise<void> =>
  db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // sqlTable has already refused a schema name that is not a plain identifier.
    if (schema !== undefined) await tx.query(`create schema if not exists "${schema}"`);
    for (const sql of statements) await tx.query(sql);
  });
