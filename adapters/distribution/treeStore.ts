/**
 * Keeps each distribution's OpenZeppelin `standard-v1` dump, so proofs can be served and the tree
 * re-read long after it was built. The dump is derived data: the log records only its hash
 * (DistributionCreated.treeHash), and every load proves the stored dump still hashes to it.
 */
import { merkleTreeHash, type StandardMerkleDump } from '../../domain/index.ts';
import type { SqlExecutor } from '../eventStore/sqlExecutor.ts';
import { migrateTables, sqlTable } from './sqlTable.ts';

export interface TreeStore {
  /** Idempotent for the same dump; a different dump for a saved seq is a TreeConflictError. */
  save(seq: number, dump: StandardMerkleDump): Promise<void>;
  /**
   * The dump of distribution `seq`, or undefined if none was saved. Throws TreeIntegrityError when
   * it no longer hashes to the tree hash saved with it, or to `expectedTreeHash` (pass the
   * DistributionCreated's: only that one is protected by the log's hash chain).
   */
  load(seq: number, expectedTreeHash?: string): Promise<StandardMerkleDump | undefined>;
}

export interface SqlTreeStore extends TreeStore {
  /** Creates the table if missing; idempotent. */
  migrate(): Promise<void>;
}

export class TreeIntegrityError extends Error {
  readonly code = 'TREE_TAMPERED';
  constructor(
    readonly seq: number,
    readonly expectedTreeHash: string,
    readonly actualTreeHash: string,
  ) {
    super(`the saved tree of distribution ${seq} hashes to ${actualTreeHash}, not to its recorded tree hash ${expectedTreeHash}: it was altered`);
    this.name = 'TreeIntegrityError';
  }
}

export class TreeConflictError extends Error {
  readonly code = 'TREE_CONFLICT';
  constructor(
    readonly seq: number,
    readonly savedTreeHash: string,
    readonly newTreeHash: string,
  ) {
    super(`distribution ${seq} already has a saved tree with hash ${savedTreeHash}; refusing to replace it with ${newTreeHash}`);
    this.name = 'TreeConflictError';
  }
}

/**
 * jsonb keeps neither key order nor formatting, and callers serve the dump byte for byte as OZ
 * writes it, so the keys are put back in OZ's order. Called only after the hash check, which
 * proves the input holds exactly these fields.
 */
const inOzOrder = (raw: StandardMerkleDump): StandardMerkleDump => ({
  format: raw.format,
  leafEncoding: raw.leafEncoding,
  tree: raw.tree,
  values: raw.values.map((v) => ({ value: v.value, treeIndex: v.treeIndex })),
});

const verified = (seq: number, raw: unknown, savedTreeHash: string, expectedTreeHash: string | undefined): StandardMerkleDump => {
  const actual = merkleTreeHash(raw as StandardMerkleDump);
  if (actual !== savedTreeHash) throw new TreeIntegrityError(seq, savedTreeHash, actual);
  if (expectedTreeHash !== undefined && actual !== expectedTreeHash.toLowerCase()) throw new TreeIntegrityError(seq, expectedTreeHash, actual);
  return inOzOrder(raw as StandardMerkleDump);
};

/** For the in-memory event store. Dumps are kept as JSON text so a caller mutating a loaded dump changes nothing here. */
export const createMemoryTreeStore = (): TreeStore => {
  const rows = new Map<number, { treeHash: string; json: string }>();
  return {
    async save(seq, dump) {
      const treeHash = merkleTreeHash(dump);
      const saved = rows.get(seq);
      if (saved !== undefined && saved.treeHash !== treeHash) throw new TreeConflictError(seq, saved.treeHash, treeHash);
      rows.set(seq, { treeHash, json: JSON.stringify(dump) });
    },
    async load(seq, expectedTreeHash) {
      const saved = rows.get(seq);
      return saved === undefined ? undefined : verified(seq, JSON.parse(saved.json), saved.treeHash, expectedTreeHash);
    },
  };
};

/** PostgreSQL or PGlite, same SQL. Usually shares the event store's executor. */
export const createSqlTreeStore = (db: SqlExecutor, options: { schema?: string } = {}): SqlTreeStore => {
  const table = sqlTable('distribution_trees', options.schema);
  return {
    migrate: () =>
      migrateTables(db, options.schema, [`create table if not exists ${table} (seq bigint primary key, tree_hash text not null, dump jsonb not null)`]),
    async save(seq, dump) {
      const treeHash = merkleTreeHash(dump);
      // Saving the same tree again rewrites its body: that also repairs a dump damaged in place.
      const written = await db.query(
        `insert into ${table} (seq, tree_hash, dump) values ($1, $2, $3::jsonb)
         on conflict (seq) do update set dump = excluded.dump where ${table}.tree_hash = excluded.tree_hash
         returning seq`,
        [seq, treeHash, JSON.stringify(dump)],
      );
      if (written.length > 0) return;
      const [row] = await db.query(`select tree_hash from ${table} where seq = $1`, [seq]);
      throw new TreeConflictError(seq, String(row?.tree_hash), treeHash);
    },
    async load(seq, expectedTreeHash) {
      const [row] = await db.query(`select tree_hash, dump from ${table} where seq = $1`, [seq]);
      if (row === undefined) return undefined;
      const raw = typeof row.dump === 'string' ? (JSON.parse(row.dump) as unknown) : row.dump;
      return verified(seq, raw, String(row.tree_hash), expectedTreeHash);
    },
  };
};
