/**
 * OpenZeppelin StandardMerkleTree (1.x, default options) for distribution leaves, built fast.
 *
 * Same result as `StandardMerkleTree.of(values, ['address','address','uint256'])` with lowercase
 * addresses: leaf hashes sorted ascending, laid out as a complete binary tree in one array (root at
 * 0, leaves in the last n slots in reverse order), each parent = keccak256 of its children sorted.
 *
 * All node hashes live in one wasm memory (32 bytes per node, no per-node objects); hex strings
 * are made lazily, in batches, only for nodes someone asks for.
 */
import { createKeccakKernel, KERNEL_RESERVED_BYTES } from './keccakWasm.ts';
import { ADDRESS_MALFORMED, HEX32_CHARS, hex32Batch, writeAddress } from './hex.ts';
import { ABI_ENCODED_LEAF_BYTES, ACCOUNT_AT, TOKEN_AT, type LeafValue } from './leaf.ts';
import type { EncodedLeaves } from './encodedLeaves.ts';
import { encodedLeavesSource, leafValuesSource, type LeafSource } from './leafSource.ts';
import { createPairIndex, pairKeyHash, type PairIndex } from './pairIndex.ts';
import { leafTreeIndex, nodeCountFor, parentIndex, siblingIndex } from './layout.ts';
import { compare32, sortHashIndices } from './sortHashes.ts';
import { MerkleError } from './errors.ts';

export interface MerkleProofResult {
  readonly valueIndex: number;
  readonly value: LeafValue;
  /** Sibling hashes from the leaf upwards, `0x…` lowercase, as OpenZeppelin's getProof returns them. */
  readonly proof: string[];
}

export interface MerkleTree {
  /** `0x…` lowercase. */
  readonly root: string;
  readonly leafCount: number;
  /** 2·leafCount − 1. */
  readonly nodeCount: number;
  /** In input order, addresses lowercase (made on first use when the tree was built from an encoding). */
  readonly values: readonly LeafValue[];
  /** The values ABI-encoded, 96 bytes each in input order (encoded afresh unless the tree was built from an encoding). */
  encodedValues(): EncodedLeaves;
  /** Position of the value's leaf in the node array (OpenZeppelin's `treeIndex`). */
  treeIndexOf(valueIndex: number): number;
  /** Input position of the (account, token) leaf; addresses in any case. */
  indexOf(account: string, token: string): number | undefined;
  /** `0x…` hash of a node; 0 ≤ treeIndex < nodeCount. */
  nodeHex(treeIndex: number): string;
  /** Copies the 32-byte hashes of nodes `first` to `first + count − 1` into `out` at `offset`. */
  copyNodeHashes(first: number, count: number, out: Uint8Array, offset: number): void;
  proof(valueIndex: number): string[];
  proofFor(account: string, token: string): MerkleProofResult | undefined;
}

/** A wasm32 memory holds at most 4 GiB; 2^25 leaves need 2 GiB of nodes, which is plenty. */
export const MAX_LEAVES = 2 ** 25;

/**
 * Memory layout after the kernel's own bytes: an area where a batch of values is ABI-encoded, then
 * node i at nodesAt + 32·i. Leaf hashes are first computed in input order into the 32·n bytes
 * after the encoding area — the internal nodes' space plus 32 bytes before it, still free at that
 * point — so sorting them into the leaf slots needs no extra buffer. Values are encoded a batch at
 * a time so that an encoding is moved in with one copy, not 96 byte stores per value.
 */
const ENCODE_BATCH_VALUES = 1024;
const layoutFor = (leafCount: number) => {
  const encodeAt = KERNEL_RESERVED_BYTES;
  const encodeBatch = Math.min(leafCount, ENCODE_BATCH_VALUES);
  const unsortedAt = encodeAt + ABI_ENCODED_LEAF_BYTES * encodeBatch;
  // Every hash stays 4-byte aligned (96 and 32 are multiples of 4), see the word copies below.
  const nodesAt = unsortedAt + 32;
  return { encodeAt, encodeBatch, unsortedAt, nodesAt, bytes: nodesAt + 32 * nodeCountFor(leafCount) };
};
const HEX_BATCH_SHIFT = 12;
const HEX_BATCH_NODES = 1 << HEX_BATCH_SHIFT;

const checkCount = (count: number): void => {
  if (count === 0) throw new MerkleError('EMPTY', 'a Merkle tree needs at least one value');
  if (count > MAX_LEAVES) throw new MerkleError('TOO_MANY_LEAVES', `a Merkle tree holds at most ${MAX_LEAVES} values, got ${count}`);
};

/**
 * One pass per value: validate and ABI-encode it, index its (account, token) pair, hash its leaf
 * (in input order, into the unsorted area). Then sort the leaf hashes into their slots and hash
 * the internal nodes bottom-up, each pair smaller first.
 */
const computeNodes = (source: LeafSource) => {
  const leafCount = source.count;
  const nodeCount = nodeCountFor(leafCount);
  const layout = layoutFor(leafCount);
  const { encodeAt, unsortedAt, nodesAt } = layout;
  const nodeAt = (treeIndex: number) => nodesAt + 32 * treeIndex;
  const kernel = createKeccakKernel(layout.bytes);
  const bytes = new Uint8Array(kernel.memory.buffer);
  // Hashes are 4-byte aligned, so moving one is 8 word copies, cheaper than a copyWithin call.
  const words = new Int32Array(kernel.memory.buffer);
  const pairs = createPairIndex(leafCount, source.samePair);

  for (let first = 0; first < leafCount; first += layout.encodeBatch) {
    let count = Math.min(layout.encodeBatch, leafCount - first);
    // A malformed value is reported after any repeat before it, as when values went one by one.
    let invalid: MerkleError | undefined;
    try {
      source.encodeBatch(first, count, bytes, encodeAt);
    } catch (error) {
      if (!(error instanceof MerkleError) || error.valueIndex === undefined) throw error;
      invalid = error;
      count = error.valueIndex - first;
    }
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const at = encodeAt + ABI_ENCODED_LEAF_BYTES * k;
      const earlier = pairs.add(pairKeyHash(bytes, at + ACCOUNT_AT, at + TOKEN_AT), i);
      if (earlier >= 0) {
        const value = source.value(i);
        throw new MerkleError(
          'DUPLICATE_LEAF',
          `value ${i} repeats account ${value.account} with token ${value.token} (already value ${earlier}): one leaf per pair`,
          i,
        );
      }
      kernel.leafHash(at, unsortedAt + 32 * i);
    }
    if (invalid) throw invalid;
  }
  const order = sortHashIndices(bytes, unsortedAt, leafCount);
  const treeIndexByValue = new Uint32Array(leafCount);
  for (let position = 0; position < leafCount; position++) {
    const valueIndex = order[position]!;
    const treeIndex = leafTreeIndex(position, nodeCount);
    treeIndexByValue[valueIndex] = treeIndex;
    const from = (unsortedAt >> 2) + 8 * valueIndex;
    const to = nodeAt(treeIndex) >> 2;
    for (let w = 0; w < 8; w++) words[to + w] = words[from + w]!;
  }
  for (let i = leafCount - 2; i >= 0; i--) {
    const left = nodeAt(2 * i + 1);
    const right = nodeAt(2 * i + 2);
    if (compare32(bytes, left, right) <= 0) kernel.pairHash(left, right, nodeAt(i));
    else kernel.pairHash(right, left, nodeAt(i));
  }
  return { bytes, nodeCount, nodeAt, pairs, treeIndexByValue };
};

/** Index lookup by addresses in any case: parse them as the encoder did, hash, then compare strings. */
const createIndexOf = (source: LeafSource, pairs: PairIndex) => {
  const scratch = new Uint8Array(40);
  return (account: string, token: string): number | undefined => {
    if (writeAddress(account, scratch, 0) === ADDRESS_MALFORMED || writeAddress(token, scratch, 20) === ADDRESS_MALFORMED) return undefined;
    const a = account.toLowerCase();
    const t = token.toLowerCase();
    const index = pairs.find(pairKeyHash(scratch, 0, 20), (i) => source.value(i).account === a && source.value(i).token === t);
    return index < 0 ? undefined : index;
  };
};

/** Builds the tree. Throws MerkleError for no values, a malformed value or a repeated (account, token). */
export const buildMerkleTree = (input: readonly LeafValue[]): MerkleTree => treeOf(leafValuesSource(input));

/**
 * Builds the tree from values already ABI-encoded, e.g. by a reader that parses bytes; the same
 * tree as buildMerkleTree of the values they encode. Throws MerkleError like buildMerkleTree.
 */
export const buildMerkleTreeFromEncoded = (leaves: EncodedLeaves): MerkleTree => treeOf(encodedLeavesSource(leaves));

const treeOf = (source: LeafSource): MerkleTree => {
  checkCount(source.count);
  const { bytes, nodeCount, nodeAt, pairs, treeIndexByValue } = computeNodes(source);
  const leafCount = source.count;

  // Hex is made per batch of nodes on first use and kept as one string per batch; nodeHex slices
  // from it, so proofs allocate only short-lived slices and the cache holds no per-node objects.
  const hexBatches: (string | undefined)[] = new Array(Math.ceil(nodeCount / HEX_BATCH_NODES));
  const nodeHex = (treeIndex: number): string => {
    if (!(treeIndex >= 0 && treeIndex < nodeCount)) throw new RangeError(`no node ${treeIndex} in a tree of ${nodeCount} nodes`);
    const batch = treeIndex >>> HEX_BATCH_SHIFT;
    const first = batch << HEX_BATCH_SHIFT;
    const text = (hexBatches[batch] ??= hex32Batch(bytes, nodeAt(first), Math.min(HEX_BATCH_NODES, nodeCount - first)));
    const at = (treeIndex - first) * HEX32_CHARS;
    return text.slice(at, at + HEX32_CHARS);
  };
  const copyNodeHashes = (first: number, count: number, out: Uint8Array, offset: number): void => {
    if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= nodeCount))
      throw new RangeError(`no nodes ${first} to ${first + count - 1} in a tree of ${nodeCount} nodes`);
    out.set(bytes.subarray(nodeAt(first), nodeAt(first + count)), offset);
  };
  const treeIndexOf = (valueIndex: number): number => {
    if (!(Number.isInteger(valueIndex) && valueIndex >= 0 && valueIndex < leafCount))
      throw new RangeError(`no value ${valueIndex} in a tree of ${leafCount} values`);
    return treeIndexByValue[valueIndex]!;
  };
  const proof = (valueIndex: number): string[] => {
    let i = treeIndexOf(valueIndex);
    // A node at index i sits at depth floor(log2(i + 1)): size the array once.
    const path = new Array<string>(31 - Math.clz32(i + 1));
    for (let k = 0; i > 0; k++, i = parentIndex(i)) path[k] = nodeHex(siblingIndex(i));
    return path;
  };
  const indexOf = createIndexOf(source, pairs);

  return {
    root: nodeHex(0),
    leafCount,
    nodeCount,
    get values() {
      return source.values();
    },
    encodedValues: source.encoded,
    treeIndexOf,
    indexOf,
    nodeHex,
    copyNodeHashes,
    proof,
    proofFor(account, token) {
      const valueIndex = indexOf(account, token);
      return valueIndex === undefined ? undefined : { valueIndex, value: source.value(valueIndex), proof: proof(valueIndex) };
    },
  };
};
