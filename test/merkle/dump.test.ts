/**
 * DESIGN §3, §6 — the `standard-v1` dump: loading checks it by recomputing, and its treeHash is
 * keccak256 of its JCS.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jcs, keccakJcs } from '../../domain/hashChain.ts';
import {
  buildMerkleTree,
  dumpJcsPieces,
  dumpJsonChunks,
  dumpMerkleTree,
  loadMerkleDump,
  merkleTreeHash,
  MerkleError,
  type StandardMerkleDump,
} from '../../domain/merkle/index.ts';
import { address, leafValuesArb, ozTreeOf, StandardMerkleTree } from './support.ts';

const TOKEN = address(0xc0ffee);
const values = Array.from({ length: 6 }, (_, i) => ({ account: address(i + 1), token: TOKEN, amount: BigInt(i) * 10n ** 18n }));
const dump = (): StandardMerkleDump => JSON.parse(JSON.stringify(dumpMerkleTree(buildMerkleTree(values))));

const loadError = (data: unknown): MerkleError => {
  try {
    loadMerkleDump(data);
  } catch (error) {
    if (error instanceof MerkleError) return error;
    throw error;
  }
  throw new Error('expected the dump to be refused');
};

describe('dumpMerkleTree / loadMerkleDump', () => {
  it('round-trips: a loaded dump re-dumps to the same JSON and proves the same', () => {
    const original = buildMerkleTree(values);
    const loaded = loadMerkleDump(dump());
    expect(JSON.stringify(dumpMerkleTree(loaded))).toBe(JSON.stringify(dumpMerkleTree(original)));
    expect(loaded.proofFor(address(3), TOKEN)?.proof).toEqual(original.proof(2));
  });

  it('loads an OpenZeppelin dump of checksummed values, lowercasing them', () => {
    const checksummed = [{ account: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', token: TOKEN, amount: 7n }, ...values];
    const oz = StandardMerkleTree.of(checksummed.map((v) => [v.account, v.token, v.amount.toString()]), ['address', 'address', 'uint256']);
    const loaded = loadMerkleDump(oz.dump());
    expect(loaded.root).toBe(oz.root);
    expect(loaded.values[0]!.account).toBe('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  });

  it('refuses a dump whose nodes, tree indices or size do not match its values', () => {
    const wrongNode = dump();
    wrongNode.tree[1] = `0x${'ab'.repeat(32)}`;
    expect(loadError(wrongNode)).toMatchObject({ code: 'INCONSISTENT_DUMP', message: expect.stringContaining('tree[1]') });

    const wrongIndex = dump();
    const [a, b] = [wrongIndex.values[0]!, wrongIndex.values[1]!];
    wrongIndex.values[0] = { ...a, treeIndex: b.treeIndex };
    expect(loadError(wrongIndex)).toMatchObject({ code: 'INCONSISTENT_DUMP', valueIndex: 0 });

    const extraNode = dump();
    extraNode.tree.push(extraNode.tree[0]!);
    expect(loadError(extraNode).code).toBe('INCONSISTENT_DUMP');

    const changedAmount = dump();
    changedAmount.values[2] = { ...changedAmount.values[2]!, value: [address(3), TOKEN, '1'] };
    expect(loadError(changedAmount).code).toBe('INCONSISTENT_DUMP');
  });

  it('refuses malformed dumps, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [null, /JSON object/],
      [{ ...dump(), format: 'standard-v2' }, /format/],
      [{ ...dump(), leafEncoding: ['address', 'uint256'] }, /leafEncoding/],
      [{ ...dump(), tree: ['0x12'] }, /tree\[0\]/],
      [{ ...dump(), values: [] }, /values must be a non-empty array/],
      [{ ...dump(), values: [{ value: [address(1), TOKEN], treeIndex: 5 }] }, /values\[0\]/],
      [{ ...dump(), values: [{ value: ['0x1', TOKEN, '1'], treeIndex: 5 }] }, /values\[0\]\.value\[0\]/],
      [{ ...dump(), values: [{ value: [address(1), TOKEN, '-1'], treeIndex: 5 }] }, /values\[0\]\.value\[2\]/],
      [{ ...dump(), values: [{ value: [address(1), TOKEN, '1'], treeIndex: '5' }] }, /values\[0\]\.treeIndex/],
    ];
    for (const [data, message] of cases) {
      const error = loadError(data);
      expect(error.code).toBe('INVALID_DUMP');
      expect(error.message).toMatch(message);
    }
    const repeated = dump();
    repeated.values.push(repeated.values[0]!);
    expect(loadError(repeated)).toMatchObject({ code: 'INVALID_DUMP', message: expect.stringContaining('repeats') });
  });

  it('writes exactly the bytes of JSON.stringify of the dump, whatever the chunk size', () => {
    const tree = buildMerkleTree(values);
    const whole = JSON.stringify(dumpMerkleTree(tree));
    for (const size of [1, 256, 300, 1000, 1 << 20]) {
      const chunks = [...dumpJsonChunks(tree, size)];
      expect(Buffer.concat(chunks).toString('latin1')).toBe(whole);
      expect(chunks.every((chunk) => chunk.length <= Math.max(size, 256))).toBe(true);
    }
    expect(whole).toBe(JSON.stringify(ozTreeOf(values).dump()));
  });
});

describe('merkleTreeHash', () => {
  it('is keccak256 of the JCS of the dump (keccakJcs from the hash chain), and changes with any amount', () => {
    const tree = buildMerkleTree(values);
    const hash = merkleTreeHash(dumpMerkleTree(tree));
    expect(hash).toBe(keccakJcs(dumpMerkleTree(tree)));
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(merkleTreeHash(dump())).toBe(hash);
    const bumped = values.map((v, i) => (i === 4 ? { ...v, amount: v.amount + 1n } : v));
    expect(merkleTreeHash(dumpMerkleTree(buildMerkleTree(bumped)))).not.toBe(hash);
  });

  it('streams exactly jcs(dump), for trees of any shape and any piece size', () => {
    fc.assert(
      fc.property(leafValuesArb.filter((v) => v.length <= 200), fc.integer({ min: 1, max: 50 }), (leaves, pieceSize) => {
        const d = dumpMerkleTree(buildMerkleTree(leaves));
        expect([...dumpJcsPieces(d, pieceSize)].join('')).toBe(jcs(d));
        expect(merkleTreeHash(d)).toBe(keccakJcs(d));
      }),
      { numRuns: 60 },
    );
  });

  it('is still keccakJcs for raw files off the expected shape (extra keys, odd entries, non-ASCII)', () => {
    const base = dump();
    const odd: unknown[] = [
      { ...base, extra: 1 },
      { ...base, values: [{ treeIndex: 1, value: [address(1), TOKEN, 5] }, { value: ['é', '\u2028', '"'], treeIndex: -0 }, { treeIndex: 2 }, null, [1]] },
      { ...base, tree: [base.tree[0], 7, null, { b: 1, a: [2, 'x'] }, 'ü'] },
      { format: 'standard-v1' },
      [],
      { values: base.values, tree: base.tree, leafEncoding: base.leafEncoding, format: base.format },
    ];
    for (const raw of odd) expect(merkleTreeHash(raw as StandardMerkleDump)).toBe(keccakJcs(raw));
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (node, entry) => {
        const raw = { ...base, tree: [...base.tree, node], values: [...base.values, entry] };
        expect(merkleTreeHash(raw as unknown as StandardMerkleDump)).toBe(keccakJcs(raw));
      }),
      { numRuns: 100 },
    );
  });
});
