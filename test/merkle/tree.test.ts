/**
 * DESIGN §6 — the tree's edges: one leaf, address case, refusals, lookups by (account, token).
 */
import { describe, expect, it } from 'vitest';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { buildMerkleTree, buildMerkleTreeFromEncoded, leafHashBytes, MerkleError, processProof, verifyProof, type LeafValue } from '../../domain/merkle/index.ts';
import { address, ozTreeOf, UINT256_MAX } from './support.ts';

const TOKEN = address(0xc0ffee);
const CHECKSUMMED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const upper = (a: string): string => `0x${a.slice(2).toUpperCase()}`;

const catchError = (f: () => unknown): MerkleError => {
  try {
    f();
  } catch (error) {
    if (error instanceof MerkleError) return error;
    throw error;
  }
  throw new Error('expected a MerkleError');
};

describe('buildMerkleTree', () => {
  it('given one value, when built, then the root is its leaf hash and its proof is empty', () => {
    const value = { account: address(1), token: TOKEN, amount: 5n };
    const tree = buildMerkleTree([value]);
    expect(tree.root).toBe(`0x${bytesToHex(leafHashBytes(value))}`);
    expect(tree.root).toBe(ozTreeOf([value]).root);
    expect(tree.proof(0)).toEqual([]);
    expect(tree.treeIndexOf(0)).toBe(0);
    expect(verifyProof(tree.root, value, [])).toBe(true);
  });

  it('hashes the leaf as keccak256(keccak256(abi.encode(address, address, uint256)))', () => {
    const value = { account: address(0xabc), token: TOKEN, amount: 10n ** 18n };
    const encoded = new Uint8Array(96);
    encoded.set([0xa, 0xbc], 30);
    encoded.set([0xc0, 0xff, 0xee], 61);
    encoded.set([0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00], 88);
    expect(leafHashBytes(value)).toEqual(keccak_256(keccak_256(encoded)));
  });

  it('given checksummed or upper-case addresses, then stores them lowercase and builds the same tree', () => {
    const mixed = [
      { account: CHECKSUMMED, token: upper(TOKEN), amount: 1n },
      { account: address(2), token: TOKEN, amount: UINT256_MAX },
    ];
    const lower = mixed.map((v) => ({ ...v, account: v.account.toLowerCase(), token: v.token.toLowerCase() }));
    const tree = buildMerkleTree(mixed);
    expect(tree.root).toBe(buildMerkleTree(lower).root);
    expect(tree.values).toEqual(lower);
    expect(tree.indexOf(CHECKSUMMED, TOKEN)).toBe(0);
    expect(tree.indexOf(CHECKSUMMED.toLowerCase(), upper(TOKEN))).toBe(0);
  });

  it('finds a leaf by (account, token) and proves it; an unknown or malformed pair gives undefined', () => {
    const values: LeafValue[] = [];
    for (let a = 1; a <= 50; a++) for (const t of [TOKEN, address(0xbeef)]) values.push({ account: address(a), token: t, amount: BigInt(a) });
    const tree = buildMerkleTree(values);
    const found = tree.proofFor(address(7), address(0xbeef));
    expect(found?.valueIndex).toBe(13);
    expect(found?.value).toEqual({ account: address(7), token: address(0xbeef), amount: 7n });
    expect(found?.proof).toEqual(tree.proof(13));
    expect(tree.proofFor(address(51), TOKEN)).toBeUndefined();
    expect(tree.proofFor(address(7), address(0xdead))).toBeUndefined();
    expect(tree.proofFor('0x1234', TOKEN)).toBeUndefined();
  });

  it('refuses no values, a repeated (account, token) pair in any case, and malformed values', () => {
    expect(catchError(() => buildMerkleTree([])).code).toBe('EMPTY');
    const repeated = catchError(() =>
      buildMerkleTree([
        { account: CHECKSUMMED, token: TOKEN, amount: 1n },
        { account: address(3), token: TOKEN, amount: 1n },
        { account: CHECKSUMMED.toLowerCase(), token: TOKEN, amount: 2n },
      ]),
    );
    expect(repeated.code).toBe('DUPLICATE_LEAF');
    expect(repeated.valueIndex).toBe(2);
    expect(repeated.message).toContain('already value 0');

    const bad = (value: Partial<LeafValue>) => catchError(() => buildMerkleTree([{ account: address(1), token: TOKEN, amount: 1n }, { account: address(2), token: TOKEN, amount: 1n, ...value }]));
    for (const value of [{ account: '0x12' }, { account: `${address(2)}0` }, { token: 'c0ffee' }, { token: `0x${'g'.repeat(40)}` }, { amount: -1n }, { amount: UINT256_MAX + 1n }, { amount: 5 as unknown as bigint }]) {
      const error = bad(value);
      expect(error.code).toBe('INVALID_VALUE');
      expect(error.valueIndex).toBe(1);
      expect(error.message).toMatch(/^value 1: (account|token|amount) /);
    }
  });

  it('reports a repeated pair before a later malformed value, as when values went one at a time', () => {
    const error = catchError(() =>
      buildMerkleTree([
        { account: address(1), token: TOKEN, amount: 1n },
        { account: address(1), token: TOKEN, amount: 2n },
        { account: '0x12', token: TOKEN, amount: 1n },
      ]),
    );
    expect(error).toMatchObject({ code: 'DUPLICATE_LEAF', valueIndex: 1 });
  });

  it('keeps the values in input order and reports the tree index of each', () => {
    const values = [3, 1, 2].map((n) => ({ account: address(n), token: TOKEN, amount: BigInt(n) }));
    const tree = buildMerkleTree(values);
    const oz = ozTreeOf(values).dump();
    expect(tree.values).toEqual(values);
    expect(values.map((_, i) => tree.treeIndexOf(i))).toEqual(oz.values.map((v) => v.treeIndex));
    expect(() => tree.treeIndexOf(3)).toThrow(RangeError);
    expect(() => tree.nodeHex(tree.nodeCount)).toThrow(RangeError);
  });
});

describe('processProof', () => {
  it('returns undefined for a malformed proof entry and verifyProof says false instead of throwing', () => {
    const value = { account: address(1), token: TOKEN, amount: 1n };
    expect(processProof(leafHashBytes(value), ['0x1234'])).toBeUndefined();
    expect(verifyProof(`0x${'00'.repeat(32)}`, value, ['nope'])).toBe(false);
    expect(verifyProof(`0x${'00'.repeat(32)}`, { ...value, account: 'bad' }, [])).toBe(false);
  });
});

describe('buildMerkleTreeFromEncoded', () => {
  const many = Array.from({ length: 2_500 }, (_, i) => ({ account: address(0x100 + (i >> 1)), token: i % 2 ? TOKEN : address(0xbb), amount: BigInt(i) * 10n ** 20n }));

  it('builds the tree of the values the encoding holds, across encoding batches, values lowercase', () => {
    const mixed = [{ account: CHECKSUMMED, token: upper(TOKEN), amount: 7n }, ...many];
    const fromValues = buildMerkleTree(mixed);
    const encoded = fromValues.encodedValues();
    expect(encoded.bytes.length).toBe(96 * mixed.length);
    const tree = buildMerkleTreeFromEncoded(encoded);
    expect(tree.root).toBe(fromValues.root);
    expect(tree.values).toEqual(fromValues.values);
    expect(tree.values[0]!.account).toBe(CHECKSUMMED.toLowerCase());
    expect(tree.proofFor(CHECKSUMMED, TOKEN)).toEqual(fromValues.proofFor(CHECKSUMMED, TOKEN));
    expect(tree.proofFor(address(1), TOKEN)).toBeUndefined();
    expect(tree.encodedValues()).toBe(encoded);
  });

  it('refuses no values, a repeated pair, an address word with non-zero padding, and too few bytes', () => {
    const encoded = buildMerkleTree(many).encodedValues();
    expect(catchError(() => buildMerkleTreeFromEncoded({ count: 0, bytes: new Uint8Array(0) })).code).toBe('EMPTY');

    const repeated = encoded.bytes.slice();
    repeated.copyWithin(96 * 2_047, 96 * 5, 96 * 5 + 64);
    expect(catchError(() => buildMerkleTreeFromEncoded({ count: many.length, bytes: repeated }))).toMatchObject({
      code: 'DUPLICATE_LEAF',
      valueIndex: 2_047,
      message: expect.stringContaining('already value 5'),
    });

    for (const at of [0, 11, 32, 43]) {
      const padded = encoded.bytes.slice();
      padded[96 * 1_500 + at] = 1;
      expect(catchError(() => buildMerkleTreeFromEncoded({ count: many.length, bytes: padded }))).toMatchObject({ code: 'INVALID_VALUE', valueIndex: 1_500 });
    }
    expect(() => buildMerkleTreeFromEncoded({ count: many.length + 1, bytes: encoded.bytes })).toThrow(RangeError);
  });
});
