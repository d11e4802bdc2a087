/**
 * Proof checking with @noble/hashes, independent of the wasm kernel that built the tree: what a
 * claimer or auditor runs, and what the contract's MerkleProof.verify computes on-chain.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hex32, writeHash32 } from './hex.ts';
import { ABI_ENCODED_LEAF_BYTES, invalidLeafError, isInvalidLeaf, writeAbiEncodedLeaf, type LeafValue } from './leaf.ts';

/** keccak256(keccak256(abi.encode(...))) as 32 bytes, computed with @noble/hashes (the reference path). */
export const leafHashBytes = (value: LeafValue): Uint8Array => {
  const encoded = new Uint8Array(ABI_ENCODED_LEAF_BYTES);
  const status = writeAbiEncodedLeaf(value, encoded, 0);
  if (isInvalidLeaf(status)) throw invalidLeafError(value, status, 0);
  return keccak_256(keccak_256(encoded));
};

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/**
 * Folds a proof into a root: each step hashes the running node with the next sibling, smaller
 * first (OpenZeppelin's commutative node hash). Undefined when a proof entry is not a 32-byte hex.
 */
export const processProof = (leafHash: Uint8Array, proof: readonly string[]): string | undefined => {
  if (leafHash.length !== 32) return undefined;
  const sibling = new Uint8Array(32);
  const pair = new Uint8Array(64);
  let node = leafHash;
  for (const entry of proof) {
    if (!writeHash32(entry.toLowerCase(), sibling, 0)) return undefined;
    const nodeFirst = compareBytes(node, sibling) <= 0;
    pair.set(nodeFirst ? node : sibling, 0);
    pair.set(nodeFirst ? sibling : node, 32);
    node = keccak_256(pair);
  }
  return hex32(node);
};

/** True when `proof` links `value`'s leaf to `root`. Malformed input gives false, never a throw. */
export const verifyProof = (root: string, value: LeafValue, proof: readonly string[]): boolean => {
  try {
    return processProof(leafHashBytes(value), proof) === root.toLowerCase();
  } catch {
    return false;
  }
};
