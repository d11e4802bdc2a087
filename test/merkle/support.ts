/**
 * Shared by the Merkle suites: value generators, and OpenZeppelin's StandardMerkleTree (the
 * reference implementation, a dev dependency used only under test/) built from the same values.
 */
import fc from 'fast-check';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { LEAF_ENCODING, type LeafValue } from '../../domain/merkle/index.ts';

export const UINT256_MAX = (1n << 256n) - 1n;
export const ENCODING = [...LEAF_ENCODING];

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const addressArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${hex(b)}`);

/** The n-th of a fixed family of distinct lowercase addresses. */
export const address = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

/** Edges (0, 1, 2^256 − 1), wei-sized and anything in between. */
export const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(0n, 1n, UINT256_MAX, UINT256_MAX - 1n),
  fc.bigInt({ min: 0n, max: 10n ** 27n }),
  fc.bigInt({ min: 0n, max: UINT256_MAX }),
);

/**
 * 1 to 2,000 leaves, unique per (account, token), with accounts holding several tokens. Mostly
 * small trees (where layout edge cases live), with enough large ones to exercise deep proofs.
 */
export const leafValuesArb: fc.Arbitrary<LeafValue[]> = fc
  .record({
    leafCount: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 5 },
      { arbitrary: fc.integer({ min: 41, max: 400 }), weight: 3 },
      { arbitrary: fc.integer({ min: 401, max: 2000 }), weight: 1 },
    ),
    tokens: fc.uniqueArray(addressArb, { minLength: 1, maxLength: 4 }),
    seed: fc.nat({ max: 1_000_000 }),
    amounts: fc.array(amountArb, { minLength: 1, maxLength: 64 }),
  })
  .chain(({ leafCount, tokens, seed, amounts }) =>
    fc.uniqueArray(addressArb, { minLength: Math.ceil(leafCount / tokens.length), maxLength: Math.ceil(leafCount / tokens.length) }).map((accounts) => {
      // Deterministic from the generated parts, so shrinking stays reproducible.
      const values: LeafValue[] = [];
      for (let i = 0; values.length < leafCount; i++) {
        const account = accounts[i % accounts.length]!;
        const token = tokens[Math.floor(i / accounts.length) % tokens.length]!;
        values.push({ account, token, amount: amounts[(i * 7 + seed) % amounts.length]! });
      }
      return values;
    }),
  );

export type OzLeaf = [string, string, string];
export const ozLeaf = (v: LeafValue): OzLeaf => [v.account.toLowerCase(), v.token.toLowerCase(), v.amount.toString()];
export const ozTreeOf = (values: readonly LeafValue[]) => StandardMerkleTree.of(values.map(ozLeaf), ENCODING);
export { StandardMerkleTree };
/** OpenZeppelin's own proof-by-tree-index, what `getProof` returns once it has checked the value. */
export { getProof as ozProofAt } from '@openzeppelin/merkle-tree/dist/core.js';
