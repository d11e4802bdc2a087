/**
 * Where chain readers remember the last block they have fully processed. Kept apart from the
 * event log on purpose: a block range with no claims must still move the checkpoint, and the log
 * records only facts about the protocol.
 */
import type { SqlExecutor } from '../eventStore/sqlExecutor.ts';
import { migrateTables, sqlTable } from './sqlTable.ts';

export interface CheckpointStore {
  /** The last block fully processed by reader `name`, or undefined before its first run. */
  load(name: string): Promise<number | undefined>;
  /** Sets it, forwards or backwards (moving it back makes the reader scan again). */
  save(name: string, block: number): Promise<void>;
}

export interface SqlCheckpointStore extends CheckpointStore {
  migrate(): Promise<void>;
}

export const createMemoryCheckpointStore = (): CheckpointStore => {
  const blocks = new Map<string, number>();
  return {
    load: async (name) => blocks.get(name),
    save: async (name, block) => void blocks.set(name, block),
  };
};

/** PostgreSQL or PGlite, same SQL: table `chain_checkpoints(name, block)`. */
export const createSqlCheckpointStore = (db: SqlExecutor, options: { schema?: string } = {}): SqlCheckpointStore => {
  const table = sqlTable('chain_checkpoints', options.schema);
  return {
    migrate: () => migrateTables(db, options.schema, [`create table if not exists ${table} (name text primary key, block bigint not null)`]),
    async load(name) {
      const [row] = await db.query(`select block from ${table} where name = $1`, [name]);
      return row === undefined ? undefined : Number(row.block);
    },
    async save(name, block) {
      await db.query(`insert into ${table} (name, block) values ($1, $2) on conflict (name) do update set block = excluded.block`, [name, block]);
    },
  };
};
