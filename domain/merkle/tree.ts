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
import { ADDRESS_MALFORMED, HEX32_CHARS, hex32Batch, writeAddress, writeHex32Ascii } from './hex.ts';
import {
  ABI_ENCODED_LEAF_BYTES,
  ACCOUNT_AT,
  TOKEN_AT,
  invalidLeafError,
  isInvalidLeaf,
  lowercaseLeaf,
  writeAbiEncodedLeaf,
  type LeafValue,
} from './leaf.ts';
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
  /** In input order, addresses lowercase. */
  readonly values: readonly LeafValue[];
  /** Position of the value's leaf in the node array (OpenZeppelin's `treeIndex`). */
  treeIndexOf(valueIndex: number): number;
  /** Input position of the (account, token) leaf; addresses in any case. */
  indexOf(account: string, token: string): number | undefined;
  /** `0x…` hash of a node; 0 ≤ treeIndex < nodeCount. */
  nodeHex(treeIndex: number): string;
  /** Writes the 66 ASCII bytes of nodeHex(treeIndex) into `out` at `at`; returns where they end. */
  writeNodeHex(treeIndex: number, out: Uint8Array, at: number): number;
  proof(valueIndex: number): string[];
  proofFor(account: string, token: string): MerkleProofResult | undefined;
}

/** A wasm32 memory holds at most 4 GiB; 2^25 leaves need 2 GiB of nodes, which is plenty. */
export const MAX_LEAVES = 2 ** 25;

/**
 * Memory layout after the kernel's own bytes: 96 bytes to encode one leaf, then node i at
 * NODES_BASE + 32·i. Leaf hashes are first computed in input order into the 32·n bytes after the
 * encoding area — the internal nodes' space plus 32 bytes before it, still free at that point —
 * so sorting them into the leaf slots needs no extra buffer.
 */
const ENCODE_AT = KERNEL_RESERVED_BYTES;
const UNSORTED_BASE = ENCODE_AT + ABI_ENCODED_LEAF_BYTES;
const NODES_BASE = UNSORTED_BASE + 32; // 640: every hash is 4-byte aligned, see the word copies below
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
const computeNodes = (input: readonly LeafValue[]) => {
  const leafCount = input.length;
  const nodeCount = nodeCountFor(leafCount);
  const kernel = createKeccakKernel(NODES_BASE + 32 * nodeCount);
  const bytes = new Uint8Array(kernel.memory.buffer);
  // Hashes are 4-byte aligned, so moving one is 8 word copies, cheaper than a copyWithin call.
  const words = new Int32Array(kernel.memory.buffer);
  const nodeAt = (treeIndex: number) => NODES_BASE + 32 * treeIndex;
  const values = new Array<LeafValue>(leafCount);
  const pairs = createPairIndex(leafCount, (a, b) => values[a]!.account === values[b]!.account && values[a]!.token === values[b]!.token);

  for (let i = 0; i < leafCount; i++) {
    const given = input[i]!;
    const status = writeAbiEncodedLeaf(given, bytes, ENCODE_AT);
    if (isInvalidLeaf(status)) throw invalidLeafError(given, status, i);
    const value = (values[i] = lowercaseLeaf(given, status));
    const earlier = pairs.add(pairKeyHash(bytes, ENCODE_AT + ACCOUNT_AT, ENCODE_AT + TOKEN_AT), i);
    if (earlier >= 0)
      throw new MerkleError(
        'DUPLICATE_LEAF',
        `value ${i} repeats account ${value.account} with token ${value.token} (already value ${earlier}): one leaf per pair`,
        i,
      );
    kernel.leafHash(ENCODE_AT, UNSORTED_BASE + 32 * i);
  }
  const order = sortHashIndices(bytes, UNSORTED_BASE, leafCount);
  const treeIndexByValue = new Uint32Array(leafCount);
  for (let position = 0; position < leafCount; position++) {
    const valueIndex = order[position]!;
    const treeIndex = leafTreeIndex(position, nodeCount);
    treeIndexByValue[valueIndex] = treeIndex;
    const from = (UNSORTED_BASE >> 2) + 8 * valueIndex;
    const to = nodeAt(treeIndex) >> 2;
    for (let w = 0; w < 8; w++) words[to + w] = words[from + w]!;
  }
  for (let i = leafCount - 2; i >= 0; i--) {
    const left = nodeAt(2 * i + 1);
    const right = nodeAt(2 * i + 2);
    if (compare32(bytes, left, right) <= 0) kernel.pairHash(left, right, nodeAt(i));
    else kernel.pairHash(right, left, nodeAt(i));
  }
  return { bytes, nodeCount, values, pairs, treeIndexByValue };
};

/** Index lookup by addresses in any case: parse them as the encoder did, hash, then compare strings. */
const createIndexOf = (values: readonly LeafValue[], pairs: PairIndex) => {
  const scratch = new Uint8Array(40);
  return (account: string, token: string): number | undefined => {
    if (writeAddress(account, scratch, 0) === ADDRESS_MALFORMED || writeAddress(token, scratch, 20) === ADDRESS_MALFORMED) return undefined;
    const a = account.toLowerCase();
    const t = token.toLowerCase();
    const index = pairs.find(pairKeyHash(scratch, 0, 20), (i) => values[i]!.account === a && values[i]!.token === t);
    return index < 0 ? undefined : index;
  };
};

/** Builds the tree. Throws MerkleError for no values, a malformed value or a repeated (account, token). */
export const buildMerkleTree = (input: readonly LeafValue[]): MerkleTree => {
  checkCount(input.length);
  const { bytes, nodeCount, values, pairs, treeIndexByValue } = computeNodes(input);

  // Hex is made per batch of nodes on first use and kept as one string per batch; nodeHex slices
  // from it, so proofs allocate only short-lived slices and the cache holds no per-node objects.
  const hexBatches: (string | undefined)[] = new Array(Math.ceil(nodeCount / HEX_BATCH_NODES));
  const nodeHex = (treeIndex: number): string => {
    if (!(treeIndex >= 0 && treeIndex < nodeCount)) throw new RangeError(`no node ${treeIndex} in a tree of ${nodeCount} nodes`);
    const batch = treeIndex >>> HEX_BATCH_SHIFT;
    const first = batch << HEX_BATCH_SHIFT;
    const text = (hexBatches[batch] ??= hex32Batch(bytes, NODES_BASE + 32 * first, Math.min(HEX_BATCH_NODES, nodeCount - first)));
    const at = (treeIndex - first) * HEX32_CHARS;
    return text.slice(at, at + HEX32_CHARS);
  };
  const writeNodeHex = (treeIndex: number, out: Uint8Array, at: number): number => {
    if (!(treeIndex >= 0 && treeIndex < nodeCount)) throw new RangeError(`no node ${treeIndex} in a tree of ${nodeCount} nodes`);
    return writeHex32Ascii(bytes, NODES_BASE + 32 * treeIndex, out, at);
  };
  const treeIndexOf = (valueIndex: number): number => {
    if (!(Number.isInteger(valueIndex) && valueIndex >= 0 && valueIndex < values.length))
      throw new RangeError(`no value ${valueIndex} in a tree of ${values.length} values`);
    return treeIndexByValue[valueIndex]!;
  };
  const proof = (valueIndex: number): string[] => {
    let i = treeIndexOf(valueIndex);
    // A node at index i sits at depth floor(log2(i + 1)): size the array once.
    const path = new Array<string>(31 - Math.clz32(i + 1));
    for (let k = 0; i > 0; k++, i = parentIndex(i)) path[k] = nodeHex(siblingIndex(i));
    return path;
  };
  const indexOf = createIndexOf(values, pairs);

  return {
    root: nodeHex(0),
    leafCount: values.length,
    nodeCount,
    values,
    treeIndexOf,
    indexOf,
    nodeHex,
    writeNodeHex,
    proof,
    proofFor(account, token) {
      const valueIndex = indexOf(account, token);
      return valueIndex === undefined ? undefined : { valueIndex, value: values[valueIndex]!, proof: proof(valueIndex) };
    },
  };
};
