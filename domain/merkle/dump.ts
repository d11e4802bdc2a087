/**
 * OpenZeppelin's `standard-v1` dump: what `StandardMerkleTree.dump()` writes and `.load()` reads.
 * Field and key order follow OZ's so `JSON.stringify` of our dump is byte-identical to theirs.
 */
import { Amount } from '../codecs.ts';
import { isAddressHex } from './hex.ts';
import { LEAF_ENCODING, leafTuple, type LeafTuple, type LeafValue } from './leaf.ts';
import { buildMerkleTree, type MerkleTree } from './tree.ts';
import { MerkleError } from './errors.ts';

export interface StandardMerkleDump {
  readonly format: 'standard-v1';
  readonly leafEncoding: string[];
  /** Every node, `0x…`, root first. */
  readonly tree: string[];
  /** In input order; amounts as decimal strings, addresses lowercase. */
  readonly values: { readonly value: LeafTuple; readonly treeIndex: number }[];
}

export const dumpMerkleTree = (tree: MerkleTree): StandardMerkleDump => {
  const nodes = new Array<string>(tree.nodeCount);
  for (let i = 0; i < tree.nodeCount; i++) nodes[i] = tree.nodeHex(i);
  return {
    format: 'standard-v1',
    leafEncoding: [...LEAF_ENCODING],
    tree: nodes,
    values: tree.values.map((value, i) => ({ value: leafTuple(value), treeIndex: tree.treeIndexOf(i) })),
  };
};

const invalid = (message: string, valueIndex?: number): MerkleError => new MerkleError('INVALID_DUMP', message, valueIndex);
const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const HASH_HEX = /^0x[0-9a-fA-F]{64}$/;

const readValue = (entry: unknown, i: number): { value: LeafValue; treeIndex: number } => {
  if (!isRecord(entry) || !Array.isArray(entry.value) || entry.value.length !== 3)
    throw invalid(`values[${i}] must be {"value": [account, token, amount], "treeIndex": n}`, i);
  const [account, token, amountText] = entry.value as unknown[];
  if (typeof account !== 'string' || !isAddressHex(account)) throw invalid(`values[${i}].value[0] (account) must be a 0x-prefixed 20-byte hex address`, i);
  if (typeof token !== 'string' || !isAddressHex(token)) throw invalid(`values[${i}].value[1] (token) must be a 0x-prefixed 20-byte hex address`, i);
  const amount = Amount.decode(amountText);
  if (amount._tag === 'Left') throw invalid(`values[${i}].value[2] (amount) must be a decimal string from 0 to 2^256 - 1`, i);
  if (typeof entry.treeIndex !== 'number' || !Number.isSafeInteger(entry.treeIndex))
    throw invalid(`values[${i}].treeIndex must be a whole number`, i);
  return { value: { account, token, amount: amount.right }, treeIndex: entry.treeIndex };
};

const readDump = (input: unknown): { tree: string[]; values: { value: LeafValue; treeIndex: number }[] } => {
  if (!isRecord(input)) throw invalid('a Merkle tree dump must be a JSON object');
  if (input.format !== 'standard-v1') throw invalid(`unknown format ${JSON.stringify(input.format)}: expected "standard-v1"`);
  const encoding = input.leafEncoding;
  if (!Array.isArray(encoding) || encoding.length !== LEAF_ENCODING.length || encoding.some((t, i) => t !== LEAF_ENCODING[i]))
    throw invalid(`leafEncoding must be ${JSON.stringify(LEAF_ENCODING)}, got ${JSON.stringify(encoding)}`);
  const { tree, values } = input;
  if (!Array.isArray(tree)) throw invalid('tree must be an array of 0x-prefixed 32-byte hashes');
  tree.forEach((node, i) => {
    if (typeof node !== 'string' || !HASH_HEX.test(node)) throw invalid(`tree[${i}] must be a 0x-prefixed 32-byte hash`);
  });
  if (!Array.isArray(values) || values.length === 0) throw invalid('values must be a non-empty array');
  return { tree: tree as string[], values: values.map(readValue) };
};

/**
 * Reads a dump and proves it consistent by rebuilding the tree from its values: every node and
 * every treeIndex must match. Addresses come back lowercase, so re-dumping a dump written from
 * checksummed values changes their case (and nothing else). Throws MerkleError.
 */
export const loadMerkleDump = (input: unknown): MerkleTree => {
  const dump = readDump(input);
  let tree: MerkleTree;
  try {
    tree = buildMerkleTree(dump.values.map((v) => v.value));
  } catch (error) {
    if (error instanceof MerkleError) throw invalid(`values: ${error.message}`, error.valueIndex);
    throw error;
  }
  const inconsistent = (message: string, valueIndex?: number) => new MerkleError('INCONSISTENT_DUMP', message, valueIndex);
  if (dump.tree.length !== tree.nodeCount)
    throw inconsistent(`tree has ${dump.tree.length} nodes but ${tree.leafCount} values need ${tree.nodeCount}`);
  for (let i = 0; i < tree.nodeCount; i++)
    if (dump.tree[i]!.toLowerCase() !== tree.nodeHex(i))
      throw inconsistent(`tree[${i}] is ${dump.tree[i]} but the values give ${tree.nodeHex(i)}`);
  dump.values.forEach(({ treeIndex }, i) => {
    if (treeIndex !== tree.treeIndexOf(i))
      throw inconsistent(`values[${i}].treeIndex is ${treeIndex} but its leaf is at ${tree.treeIndexOf(i)}`, i);
  });
  return tree;
};
