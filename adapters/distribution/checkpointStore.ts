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
  /**
   * Sets it, forwards or backwards (moving it back makes the reader scan again), with the hash the
   * chain gave that block, so the next run can tell whether the chain still holds it.
   */
  save(name: string, block: number, blockHash?: string): Promise<void>;
  /** The hash saved with the checkpoint, if this store keeps hashes and one was saved. */
  loadHash?(name: string): Promise<string | undefined>;
}

export interface SqlCheckpointStore extends CheckpointStore {
  migrate(): Promise<void>;
}

export const createMemoryCheckpointStore = (): CheckpointStore => {
  const blocks = new Map<string, { block: number; blockHash?: string }>();
  return {
    load: async (name) => blocks.get(name)?.block,
    save: async (name, block, blockHash) => void blocks.set(name, blockHash === undefined ? { block } : { block, blockHash }),
    loadHash: async (name) => blocks.get(name)?.blockHash,
  };
};

/** PostgreSQL or PGlite, same SQL: table `chain_checkpoints(name, block, block_hash)`. */
export const createSqlCheckpointStore = (db: SqlExecutor, options: { schema?: string } = {}): SqlCheckpointStore => {
  const table = sqlTable('chain_checkpoints', options.schema);
  return {
    migrate: () =>
      migrateTables(db, options.schema, [
        `create table if not exists ${table} (name text primary key, block bigint not null)`,
        // Added for reorg detection; checkpoints saved before it have none and are trusted as they are.
        `alter table ${table} add column if not exists block_hash text`,
      ]),
    async load(name) {
      const [row] = await db.query(`select block from ${table} where name = $1`, [name]);
      return row === undefined ? undefined : Number(row.block);
    },
    async save(name, block, blockHash) {
      await db.query(
        `insert into ${table} (name, block, block_hash) values ($1, $2, $3) on conflict (name) do update set block = excluded.block, block_hash = excluded.block_hash`,
        [name, block, blockHash ?? null],
      );
    },
    async loadHash(name) {
      const [row] = await db.query(`select block_hash from ${table} where name = $1`, [name]);
      return (row?.block_hash as string | null | undefined) ?? undefined;
    },
  };
};
