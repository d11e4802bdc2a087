/**
 * The tree store on every backend: a dump comes back byte for byte as OpenZeppelin writes it,
 * saving is idempotent, a different tree for a saved seq is refused, and a dump altered in the
 * database is rejected on load — against its own column and against the log's tree hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { pgExecutor, pgliteExecutor, type SqlExecutor } from '../../adapters/eventStore/index.ts';
import {
  createMemoryCheckpointStore,
  createMemoryTreeStore,
  createSqlCheckpointStore,
  createSqlTreeStore,
  TreeConflictError,
  TreeIntegrityError,
  type CheckpointStore,
  type TreeStore,
} from '../../adapters/distribution/index.ts';
import { buildMerkleTree, dumpMerkleTree, merkleTreeHash, type LeafValue, type StandardMerkleDump } from '../../domain/index.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import { addr } from '../support/history.ts';

const TOKEN = addr(0xc0de);
const leaves = (n: number, bump = 0n): LeafValue[] => Array.from({ length: n }, (_, i) => ({ account: addr(1000 + i), token: TOKEN, amount: 10n ** 18n * BigInt(i + 1) + 7n + bump }));
const dumpOf = (values: LeafValue[]): StandardMerkleDump => dumpMerkleTree(buildMerkleTree(values));
const ozJson = (values: LeafValue[]): string =>
  JSON.stringify(StandardMerkleTree.of(values.map((l) => [l.account, l.token, l.amount.toString()]), ['address', 'address', 'uint256']).dump());

interface Backend {
  readonly trees: TreeStore;
  readonly checkpoints: CheckpointStore;
  /** Rewrites a stored row behind the store's back (undefined for the memory store). */
  readonly tamper?: (sql: string, params: unknown[]) => Promise<void>;
}

const storeContract = (name: string, open: () => Promise<Backend>, close: () => Promise<void>, sql = true) =>
  describe(`tree and checkpoint stores: ${name}`, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await open();
    });
    afterAll(close);

    it('gives back a saved dump byte-identical to OpenZeppelin’s, and undefined for an unknown seq', async () => {
      const values = leaves(7);
      await b.trees.save(1, dumpOf(values));
      const loaded = await b.trees.load(1, merkleTreeHash(dumpOf(values)));
      expect(JSON.stringify(loaded)).toBe(ozJson(values));
      expect(StandardMerkleTree.load(loaded as never).root).toBe(buildMerkleTree(values).root);
      expect(await b.trees.load(99)).toBeUndefined();
    });

    it('saves the same tree again without complaint and refuses a different one for the same seq', async () => {
      await b.trees.save(2, dumpOf(leaves(3)));
      await b.trees.save(2, dumpOf(leaves(3)));
      const attempt = b.trees.save(2, dumpOf(leaves(3, 1n)));
      await expect(attempt).rejects.toBeInstanceOf(TreeConflictError);
      await expect(attempt).rejects.toThrow(/distribution 2 already has a saved tree/);
      expect(JSON.stringify(await b.trees.load(2))).toBe(ozJson(leaves(3)));
    });

    it('rejects a load whose tree hash is not the one the log recorded', async () => {
      await b.trees.save(3, dumpOf(leaves(4)));
      const recordedElsewhere = merkleTreeHash(dumpOf(leaves(4, 5n)));
      await expect(b.trees.load(3, recordedElsewhere)).rejects.toBeInstanceOf(TreeIntegrityError);
    });

    it('keeps a payout chain\u2019s tree apart from the primary tree of the same seq, with the same rules', async () => {
      await b.trees.save(10, dumpOf(leaves(2)));
      await b.trees.saveChainTree(10, 56, dumpOf(leaves(3)));
      await b.trees.saveChainTree(10, 97, dumpOf(leaves(4)));
      expect(JSON.stringify(await b.trees.load(10))).toBe(ozJson(leaves(2)));
      expect(JSON.stringify(await b.trees.loadChainTree(10, 56, merkleTreeHash(dumpOf(leaves(3)))))).toBe(ozJson(leaves(3)));
      expect(JSON.stringify(await b.trees.loadChainTree(10, 97))).toBe(ozJson(leaves(4)));
      expect(await b.trees.loadChainTree(10, 1)).toBeUndefined();
      await b.trees.saveChainTree(10, 56, dumpOf(leaves(3)));
      await expect(b.trees.saveChainTree(10, 56, dumpOf(leaves(3, 1n)))).rejects.toBeInstanceOf(TreeConflictError);
      await expect(b.trees.loadChainTree(10, 56, merkleTreeHash(dumpOf(leaves(4))))).rejects.toBeInstanceOf(TreeIntegrityError);
    });

    it('remembers checkpoints per reader and lets them move back', async () => {
      expect(await b.checkpoints.load('claims:a')).toBeUndefined();
      await b.checkpoints.save('claims:a', 120);
      await b.checkpoints.save('claims:b', 7);
      await b.checkpoints.save('claims:a', 95);
      expect(await b.checkpoints.load('claims:a')).toBe(95);
      expect(await b.checkpoints.load('claims:b')).toBe(7);
      // With the block's hash (reorg detection), which a save without one clears.
      await b.checkpoints.save('claims:c', 12, `0x${'ab'.repeat(32)}`);
      expect([await b.checkpoints.load('claims:c'), await b.checkpoints.loadHash?.('claims:c')]).toEqual([12, `0x${'ab'.repeat(32)}`]);
      await b.checkpoints.save('claims:c', 11);
      expect(await b.checkpoints.loadHash?.('claims:c')).toBeUndefined();
    });

    it.runIf(sql)('rejects a dump altered in the database, even with its hash column rewritten to match', async () => {
      const values = leaves(5);
      const recorded = merkleTreeHash(dumpOf(values));
      await b.trees.save(4, dumpOf(values));
      // An amount raised by one base unit in place: the stored hash no longer matches.
      await b.tamper!(`update distribution_trees set dump = jsonb_set(dump, '{values,0,value,2}', to_jsonb($1::text)) where seq = 4`, [
        (values[0]!.amount + 1n).toString(),
      ]);
      await expect(b.trees.load(4)).rejects.toThrow(/saved tree of distribution 4 hashes to 0x[0-9a-f]{64}, not to its recorded tree hash/);
      // A careful forger also rewrites tree_hash: only the log's hash still catches it.
      const forged = dumpOf(leaves(5, 1n));
      await b.tamper!(`update distribution_trees set dump = $1::jsonb, tree_hash = $2 where seq = 4`, [JSON.stringify(forged), merkleTreeHash(forged)]);
      await expect(b.trees.load(4)).resolves.toBeDefined();
      await expect(b.trees.load(4, recorded)).rejects.toBeInstanceOf(TreeIntegrityError);
    });

    it.runIf(sql)('repairs a damaged body when the right dump is saved again', async () => {
      const values = leaves(2);
      await b.trees.save(5, dumpOf(values));
      await b.tamper!(`update distribution_trees set dump = jsonb_set(dump, '{tree,0}', to_jsonb($1::text)) where seq = 5`, [`0x${'ab'.repeat(32)}`]);
      await expect(b.trees.load(5)).rejects.toBeInstanceOf(TreeIntegrityError);
      await b.trees.save(5, dumpOf(values));
      expect(JSON.stringify(await b.trees.load(5, merkleTreeHash(dumpOf(values))))).toBe(ozJson(values));
    });
  });

storeContract(
  'memory',
  async () => ({ trees: createMemoryTreeStore(), checkpoints: createMemoryCheckpointStore() }),
  async () => undefined,
  false,
);

let pglite: SqlExecutor | undefined;
storeContract(
  'PGlite',
  async () => {
    pglite = pgliteExecutor(await PGlite.create());
    const trees = createSqlTreeStore(pglite);
    const checkpoints = createSqlCheckpointStore(pglite);
    for (let i = 0; i < 2; i++) await Promise.all([trees.migrate(), checkpoints.migrate()]); // idempotent
    const db = pglite;
    return { trees, checkpoints, tamper: async (sql, params) => void (await db.query(sql, params)) };
  },
  async () => pglite?.close(),
);

const pgUp = await postgresAvailable();
const schema = freshSchemaName('dist_trees');
let pgDb: SqlExecutor | undefined;
(pgUp ? storeContract : describe.skip)(
  'PostgreSQL',
  async () => {
    pgDb = pgExecutor(createPool(schema, 4));
    const trees = createSqlTreeStore(pgDb, { schema });
    const checkpoints = createSqlCheckpointStore(pgDb, { schema });
    await Promise.all([trees.migrate(), checkpoints.migrate(), trees.migrate()]);
    const db = pgDb;
    return { trees, checkpoints, tamper: async (sql, params) => void (await db.query(sql.replace('distribution_trees', `"${schema}".distribution_trees`), params)) };
  },
  async () => {
    await pgDb?.close();
    await dropSchema(schema);
  },
);
