/**
 * The JSON text of a `standard-v1` dump, `JSON.stringify(dumpMerkleTree(tree))` byte for byte,
 * written straight into byte chunks. Building it as strings (an object, a tuple and a string per
 * value, a joined string per batch) cost as much as building the tree, mostly in allocation and
 * young-generation GC; here each value costs one string (its amount in decimal) and nothing else.
 *
 * The text is all ASCII: the tree holds only validated lowercase hex addresses and decimal amounts,
 * none of which JSON.stringify escapes, so characters and bytes coincide.
 */
import { LEAF_ENCODING } from './leaf.ts';
import type { MerkleTree } from './tree.ts';

/** Room for the longest entry: `,{"value":["0x…40","0x…40","<78 digits>"],"treeIndex":<digits>}` is ~200 bytes. */
const ENTRY_BYTES_MAX = 256;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPENING = ascii(`{"format":"standard-v1","leafEncoding":${JSON.stringify(LEAF_ENCODING)},"tree":[`);
const BETWEEN = ascii('],"values":[');
const CLOSING = ascii(']}');
const VALUE_OPEN = ascii('{"value":["');
const TUPLE_SEPARATOR = ascii('","');
const TREE_INDEX = ascii('"],"treeIndex":');

const QUOTE = 34;
const COMMA = 44;
const CLOSE_BRACE = 125;

const copy = (from: Uint8Array, out: Uint8Array, at: number): number => {
  for (let i = 0; i < from.length; i++) out[at + i] = from[i]!;
  return at + from.length;
};

/** Copies an ASCII string; a plain loop beats a TextEncoder call for ~40 characters. */
const writeAscii = (text: string, out: Uint8Array, at: number): number => {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
};

/** A non-negative safe integer in decimal, as JSON.stringify writes it. */
const writeDecimal = (n: number, out: Uint8Array, at: number): number => {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = n;
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
};

/**
 * Chunks of about `chunkBytes` (at least ENTRY_BYTES_MAX); each a fresh buffer, so a consumer may
 * keep them. A big tree's dump exceeds what one JS string may hold, and writers stream it anyway.
 */
export function* dumpJsonChunks(tree: MerkleTree, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const size = Math.max(chunkBytes, ENTRY_BYTES_MAX);
  let chunk = new Uint8Array(size);
  let at = copy(OPENING, chunk, 0);
  for (let i = 0; i < tree.nodeCount; i++) {
    if (at + ENTRY_BYTES_MAX > size) {
      yield chunk.subarray(0, at);
      chunk = new Uint8Array(size);
      at = 0;
    }
    if (i > 0) chunk[at++] = COMMA;
    chunk[at++] = QUOTE;
    at = tree.writeNodeHex(i, chunk, at);
    chunk[at++] = QUOTE;
  }
  at = copy(BETWEEN, chunk, at);
  for (let i = 0; i < tree.leafCount; i++) {
    if (at + ENTRY_BYTES_MAX > size) {
      yield chunk.subarray(0, at);
      chunk = new Uint8Array(size);
      at = 0;
    }
    const value = tree.values[i]!;
    if (i > 0) chunk[at++] = COMMA;
    at = copy(VALUE_OPEN, chunk, at);
    at = writeAscii(value.account, chunk, at);
    at = copy(TUPLE_SEPARATOR, chunk, at);
    at = writeAscii(value.token, chunk, at);
    at = copy(TUPLE_SEPARATOR, chunk, at);
    at = writeAscii(value.amount.toString(), chunk, at);
    at = copy(TREE_INDEX, chunk, at);
    at = writeDecimal(tree.treeIndexOf(i), chunk, at);
    chunk[at++] = CLOSE_BRACE;
  }
  // Every entry started with ENTRY_BYTES_MAX free and took less, so the closing fits.
  at = copy(CLOSING, chunk, at);
  yield chunk.subarray(0, at);
}
