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
  /** The same for the tree of payout chain `chainId` in distribution `seq` (DistributionCreated.chains, issue 15). */
  saveChainTree(seq: number, chainId: number, dump: StandardMerkleDump): Promise<void>;
  loadChainTree(seq: number, chainId: number, expectedTreeHash?: string): Promise<StandardMerkleDump | undefined>;
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
  // Keyed "seq" for the primary tree, "seq:chainId" for a payout chain's.
  const rows = new Map<string, { treeHash: string; json: string }>();
  const save = async (key: string, seq: number, dump: StandardMerkleDump) => {
    const treeHash = merkleTreeHash(dump);
    const saved = rows.get(key);
    if (saved !== undefined && saved.treeHash !== treeHash) throw new TreeConflictError(seq, saved.treeHash, treeHash);
    rows.set(key, { treeHash, json: JSON.stringify(dump) });
  };
  const load = async (key: string, seq: number, expectedTreeHash: string | undefined) => {
    const saved = rows.get(key);
    return saved === undefined ? undefined : verified(seq, JSON.parse(saved.json), saved.treeHash, expectedTreeHash);
  };
  return {
    save: (seq, dump) => save(String(seq), seq, dump),
    load: (seq, expectedTreeHash) => load(String(seq), seq, expectedTreeHash),
    saveChainTree: (seq, chainId, dump) => save(`${seq}:${chainId}`, seq, dump),
    loadChainTree: (seq, chainId, expectedTreeHash) => load(`${seq}:${chainId}`, seq, expectedTreeHash),
  };
};

/** PostgreSQL or PGlite, same SQL. Usually shares the event store's executor. */
export const createSqlTreeStore = (db: SqlExecutor, options: { schema?: string } = {}): SqlTreeStore => {
  const table = sqlTable('distribution_trees', options.schema);
  // Payout chains' trees (issue 15) beside the primary ones, so the primary table stays as it was.
  const chainTable = sqlTable('distribution_chain_trees', options.schema);
  return {
    migrate: () =>
      migrateTables(db, options.schema, [
        `create table if not exists ${table} (seq bigint primary key, tree_hash text not null, dump jsonb not null)`,
        `create table if not exists ${chainTable} (seq bigint not null, chain_id bigint not null, tree_hash text not null, dump jsonb not null, primary key (seq, chain_id))`,
      ]),
    async saveChainTree(seq, chainId, dump) {
      const treeHash = merkleTreeHash(dump);
      const written = await db.query(
        `insert into ${chainTable} (seq, chain_id, tree_hash, dump) values ($1, $2, $3, $4::jsonb)
         on conflict (seq, chain_id) do update set dump = excluded.dump where ${chainTable}.tree_hash = excluded.tree_hash
         returning seq`,
        [seq, chainId, treeHash, JSON.stringify(dump)],
      );
      if (written.length > 0) return;
      const [row] = await db.query(`select tree_hash from ${chainTable} where seq = $1 and chain_id = $2`, [seq, chainId]);
      throw new TreeConflictError(seq, String(row?.tree_hash), treeHash);
    },
    async loadChainTree(seq, chainId, expectedTreeHash) {
      const [row] = await db.query(`select tree_hash, dump from ${chainTable} where seq = $1 and chain_id = $2`, [seq, chainId]);
      if (row === undefined) return undefined;
      const raw = typeof row.dump === 'string' ? (JSON.parse(row.dump) as unknown) : row.dump;
      return verified(seq, raw, String(row.tree_hash), expectedTreeHash);
    },
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
