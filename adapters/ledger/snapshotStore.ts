/**
 * Snapshots of the ledger state kept beside the log (DESIGN §10): one per close, the state at the
 * close's logHead, as its canonical JSON text. They are derived data and verified against the log
 * before use (its EpochClosed records their hash), so a lost or damaged one only costs a longer
 * fold. Old ones are pruned to a retention count.
 */
import { sqlTable, migrateTables } from '../distribution/sqlTable.ts';
import type { SqlExecutor } from '../eventStore/sqlExecutor.ts';

export interface StoredSnapshot {
  /** Position of the last event folded into it: the logHead of the EpochClosed that recorded its hash. */
  readonly position: number;
  readonly stateHash: string;
  /** Its canonical parts (domain/snapshot.ts canonicalForm): never one string, however large. */
  readonly parts: readonly string[];
}

export interface SnapshotStore {
  save(snapshot: StoredSnapshot): Promise<void>;
  /** Positions of the kept snapshots, newest first. */
  positions(): Promise<number[]>;
  load(position: number): Promise<StoredSnapshot | undefined>;
  /** Deletes all but the newest `keep`. */
  prune(keep: number): Promise<void>;
}

export interface SqlSnapshotStore extends SnapshotStore {
  migrate(): Promise<void>;
}

export const createMemorySnapshotStore = (): SnapshotStore => {
  const byPosition = new Map<number, StoredSnapshot>();
  const positions = () => [...byPosition.keys()].sort((a, b) => b - a);
  return {
    save: async (s) => void byPosition.set(s.position, s),
    positions: async () => positions(),
    load: async (position) => byPosition.get(position),
    prune: async (keep) => {
      for (const p of positions().slice(keep)) byPosition.delete(p);
    },
  };
};

/**
 * PostgreSQL or PGlite, same SQL: `ledger_snapshots(position, state_hash, parts)` and its parts in
 * `ledger_snapshot_parts(position, part, content)`, written in one transaction.
 */
export const createSqlSnapshotStore = (db: SqlExecutor, options: { schema?: string } = {}): SqlSnapshotStore => {
  const table = sqlTable('ledger_snapshots', options.schema);
  const partsTable = sqlTable('ledger_snapshot_parts', options.schema);
  return {
    migrate: () =>
      migrateTables(db, options.schema, [
        `create table if not exists ${table} (position bigint primary key, state_hash text not null, parts integer not null)`,
        `create table if not exists ${partsTable} (position bigint not null references ${table} (position) on delete cascade, part integer not null, content text not null, primary key (position, part))`,
      ]),
    async save({ position, stateHash, parts }) {
      await db.transaction(async (tx) => {
        const [inserted] = await tx.query(`insert into ${table} (position, state_hash, parts) values ($1, $2, $3) on conflict (position) do nothing returning position`, [position, stateHash, parts.length]);
        if (inserted === undefined) return;
        for (const [i, content] of parts.entries()) await tx.query(`insert into ${partsTable} (position, part, content) values ($1, $2, $3)`, [position, i, content]);
      });
    },
    async positions() {
      return (await db.query(`select position from ${table} order by position desc`)).map((r) => Number(r.position));
    },
    async load(position) {
      const [row] = await db.query(`select position, state_hash, parts from ${table} where position = $1`, [position]);
      if (row === undefined) return undefined;
      const parts = (await db.query(`select content from ${partsTable} where position = $1 order by part`, [position])).map((r) => String(r.content));
      // A part lost is a snapshot that cannot restore: verification reports it and moves on.
      return { position: Number(row.position), stateHash: String(row.state_hash), parts: parts.length === Number(row.parts) ? parts : [] };
    },
    async prune(keep) {
      await db.query(`delete from ${table} where position not in (select position from ${table} order by position desc limit $1)`, [keep]);
    },
  };
};
