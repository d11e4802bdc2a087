/**
 * Read-model tables on PostgreSQL/PGlite. Amounts are numeric(78,0) (any uint256) and come back as
 * strings; the checkpoint row lives beside them so both change in one transaction.
 */
import type { SqlQueryable } from '../eventStore/sqlExecutor.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

export const readModelTables = (schema?: string) => {
  if (schema !== undefined && !IDENTIFIER.test(schema)) throw new Error(`schema name ${JSON.stringify(schema)} is not a plain SQL identifier`);
  const q = (table: string) => (schema === undefined ? table : `"${schema}".${table}`);
  return {
    supply: q('rm_supply'),
    accounts: q('rm_accounts'),
    accountTokens: q('rm_account_tokens'),
    epochs: q('rm_epochs'),
    assets: q('rm_assets'),
    checkpoint: q('rm_checkpoint'),
    tasks: q('rm_tasks'),
    receipts: q('rm_receipts'),
  };
};
export type ReadModelTables = ReturnType<typeof readModelTables>;

/**
 * Creates what is missing. Returns the tables it created: a table added by a newer version to
 * read models that already stand at some checkpoint must be filled from the start of the log.
 */
export const migrateReadModels = async (db: SqlQueryable, schema?: string): Promise<string[]> => {
  const t = readModelTables(schema);
  if (schema !== undefined) await db.query(`create schema if not exists "${schema}"`);
  const existing = async (table: string) => (await db.query<{ found: string | null }>(`select to_regclass($1)::text as found`, [table]))[0]?.found != null;
  const before = new Map<string, boolean>();
  for (const table of Object.values(t)) before.set(table, await existing(table));
  const amount = 'numeric(78,0) not null';
  for (const sql of [
    `create table if not exists ${t.supply} (singleton boolean primary key default true check (singleton),
      max_supply ${amount}, minted ${amount}, burned ${amount}, circulating numeric(78,0) not null, remaining ${amount},
      staked ${amount}, last_closed_epoch bigint not null)`,
    `create table if not exists ${t.accounts} (address text primary key, active_stake ${amount}, unbonding ${amount},
      tier text not null, tenure_epochs bigint not null, governance_weight ${amount}, node_count bigint not null)`,
    `create table if not exists ${t.accountTokens} (address text not null, token text not null, cumulative ${amount},
      claimed ${amount}, primary key (address, token))`,
    `create table if not exists ${t.epochs} (epoch bigint primary key, position bigint not null, recorded_at text not null,
      budget ${amount}, minted ${amount}, allocations_hash text not null, recipients bigint not null, log_head text not null,
      pools jsonb not null, revenue jsonb not null)`,
    `create table if not exists ${t.assets} (asset text primary key, gross ${amount}, fees ${amount}, provider ${amount},
      stakers ${amount}, buyback_budget ${amount}, buyback_spent ${amount})`,
    `create table if not exists ${t.checkpoint} (name text primary key, position bigint not null, hash text not null)`,
    `create table if not exists ${t.tasks} (task_id text primary key, status text not null, doc jsonb not null)`,
    `create table if not exists ${t.receipts} (address text not null, epoch bigint not null, doc jsonb not null, primary key (address, epoch))`,
    // An epoch's receipts in address order (GET /v1/epochs/:epoch/receipts).
    `create index if not exists rm_receipts_by_epoch on ${t.receipts} (epoch, address)`,
  ])
    await db.query(sql);
  return [...before].filter(([, was]) => !was).map(([table]) => table);
};

/**
 * Upsert many rows in chunks, one statement per chunk. The rows travel as one JSON parameter that
 * json_populate_recordset turns into the table's own row type (each value through its column's
 * input function: amounts as decimal strings, jsonb columns as JSON values), rather than as one
 * parameter per value: a VALUES list of thousands of rows with a placeholder per value costs
 * PostgreSQL more to parse and plan than to write, and the client more to bind.
 */
const ROWS_PER_STATEMENT = 10_000;

export const upsertRows = async (
  db: SqlQueryable,
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> => {
  const updates = columns.filter((c) => !keyColumns.includes(c)).map((c) => `${c} = excluded.${c}`);
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const records = rows.slice(start, start + ROWS_PER_STATEMENT).map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    await db.query(
      `insert into ${table} (${columns.join(', ')})
       select ${columns.join(', ')} from json_populate_recordset(null::${table}, $1::json)
       on conflict (${keyColumns.join(', ')}) do update set ${updates.join(', ')}`,
      [JSON.stringify(records)],
    );
  }
};
