/**
 * The JSON text of a `standard-v1` dump, `JSON.stringify(dumpMerkleTree(tree))` byte for byte,
 * written straight into byte chunks from the tree's bytes: node hashes and value encodings become
 * hex and decimal through lookup tables, with no string, object or BigInt per entry. Built as
 * strings (an object, a tuple and a string per value, a joined string per batch) it cost as much
 * as building the tree, mostly in allocation and young-generation GC.
 *
 * JSON.stringify escapes nothing in a dump (lowercase hex addresses and hashes, decimal amounts
 * and indices), so its text is ASCII and characters and bytes coincide.
 */
import { writeUint256Decimal } from './decimal.ts';
import type { EncodedLeaves } from './encodedLeaves.ts';
import { ABI_ENCODED_LEAF_BYTES, ACCOUNT_AT, AMOUNT_AT, LEAF_ENCODING, TOKEN_AT } from './leaf.ts';
import type { MerkleTree } from './tree.ts';

/** Room for the longest entry: `,{"value":["0x…40","0x…40","<78 digits>"],"treeIndex":<digits>}` is ~200 bytes. */
const ENTRY_BYTES_MAX = 256;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPENING = ascii(`{"format":"standard-v1","leafEncoding":${JSON.stringify(LEAF_ENCODING)},"tree":[`);
const BETWEEN = ascii('],"values":[');
const CLOSING = ascii(']}');
const NODE_OPEN = ascii('"0x');
const VALUE_OPEN = ascii('{"value":["0x');
const TUPLE_SEPARATOR = ascii('","0x');
const AMOUNT_OPEN = ascii('","');
const TREE_INDEX = ascii('"],"treeIndex":');
const QUOTE = 34;
const COMMA = 44;
const CLOSE_BRACE = 125;
/** Node hashes are copied out of the tree this many at a time (128 KiB). */
const NODE_BATCH = 4096;

/**
 * Four lowercase hex ASCII codes per 16-bit big-endian pair of bytes, as one little-endian 32-bit
 * store: half the stores of a byte-by-byte table. Made on first use (256 KiB).
 */
let hexQuads: Uint32Array | undefined;
const hexQuadTable = (): Uint32Array => {
  if (hexQuads) return hexQuads;
  const digits = '0123456789abcdef';
  const pairs = Uint16Array.from({ length: 256 }, (_, b) => digits.charCodeAt(b >> 4) | (digits.charCodeAt(b & 15) << 8));
  hexQuads = new Uint32Array(65_536);
  for (let high = 0; high < 256; high++) for (let low = 0; low < 256; low++) hexQuads[(high << 8) | low] = (pairs[high]! | (pairs[low]! << 16)) >>> 0;
  return hexQuads;
};

const copy = (from: Uint8Array, out: Uint8Array, at: number): number => {
  for (let i = 0; i < from.length; i++) out[at + i] = from[i]!;
  return at + from.length;
};

/** `bytes` (an even count) from `offset` as lowercase hex digits at `at`; returns where they end. */
const writeHexDigits = (bytes: Uint8Array, offset: number, count: number, out: DataView, at: number, quads: Uint32Array): number => {
  for (let i = 0; i < count; i += 2, at += 4) out.setUint32(at, quads[(bytes[offset + i]! << 8) | bytes[offset + i + 1]!]!, true);
  return at;
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

/** A chunk being filled, and where the next entry of each part starts. */
interface DumpState {
  chunk: Uint8Array;
  view: DataView;
  at: number;
  nextNode: number;
  nextValue: number;
}

/**
 * Writes node entries while ENTRY_BYTES_MAX is free. The loops live in plain functions, not in the
 * generator: V8 optimises a hot loop in a plain function while it runs, not one in a generator.
 */
const writeNodeEntries = (tree: MerkleTree, state: DumpState, hashes: Uint8Array, quads: Uint32Array): void => {
  const { chunk, view } = state;
  let { at, nextNode: i } = state;
  for (; i < tree.nodeCount && at + ENTRY_BYTES_MAX <= chunk.length; i++) {
    const inBatch = i % NODE_BATCH;
    if (inBatch === 0) tree.copyNodeHashes(i, Math.min(NODE_BATCH, tree.nodeCount - i), hashes, 0);
    if (i > 0) chunk[at++] = COMMA;
    at = copy(NODE_OPEN, chunk, at);
    at = writeHexDigits(hashes, 32 * inBatch, 32, view, at, quads);
    chunk[at++] = QUOTE;
  }
  state.at = at;
  state.nextNode = i;
};

const writeValueEntries = (tree: MerkleTree, state: DumpState, values: EncodedLeaves, quads: Uint32Array): void => {
  const { chunk, view } = state;
  const { bytes } = values;
  let { at, nextValue: i } = state;
  for (; i < tree.leafCount && at + ENTRY_BYTES_MAX <= chunk.length; i++) {
    const base = ABI_ENCODED_LEAF_BYTES * i;
    if (i > 0) chunk[at++] = COMMA;
    at = copy(VALUE_OPEN, chunk, at);
    at = writeHexDigits(bytes, base + ACCOUNT_AT, 20, view, at, quads);
    at = copy(TUPLE_SEPARATOR, chunk, at);
    at = writeHexDigits(bytes, base + TOKEN_AT, 20, view, at, quads);
    at = copy(AMOUNT_OPEN, chunk, at);
    at = writeUint256Decimal(bytes, base + AMOUNT_AT, chunk, at);
    at = copy(TREE_INDEX, chunk, at);
    at = writeDecimal(tree.treeIndexOf(i), chunk, at);
    chunk[at++] = CLOSE_BRACE;
  }
  state.at = at;
  state.nextValue = i;
};

/**
 * Chunks of about `chunkBytes` (at least ENTRY_BYTES_MAX); each a fresh buffer, so a consumer may
 * keep them. A big tree's dump exceeds what one JS string may hold, and writers stream it anyway.
 */
export function* dumpJsonChunks(tree: MerkleTree, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const size = Math.max(chunkBytes, ENTRY_BYTES_MAX);
  const fresh = (): Pick<DumpState, 'chunk' | 'view' | 'at'> => {
    const chunk = new Uint8Array(size);
    return { chunk, view: new DataView(chunk.buffer), at: 0 };
  };
  const state: DumpState = { ...fresh(), nextNode: 0, nextValue: 0 };
  /** The full chunk, if there is no room for another entry, and a fresh one in its place. */
  const fullChunk = (): Uint8Array | undefined => {
    if (state.at + ENTRY_BYTES_MAX <= size) return undefined;
    const full = state.chunk.subarray(0, state.at);
    Object.assign(state, fresh());
    return full;
  };
  const quads = hexQuadTable();
  state.at = copy(OPENING, state.chunk, 0);
  const hashes = new Uint8Array(32 * NODE_BATCH);
  for (;;) {
    writeNodeEntries(tree, state, hashes, quads);
    const full = fullChunk();
    if (full) yield full;
    if (state.nextNode === tree.nodeCount) break;
  }
  state.at = copy(BETWEEN, state.chunk, state.at);
  const values = tree.encodedValues();
  for (;;) {
    writeValueEntries(tree, state, values, quads);
    const full = fullChunk();
    if (full) yield full;
    if (state.nextValue === tree.leafCount) break;
  }
  state.at = copy(CLOSING, state.chunk, state.at);
  yield state.chunk.subarray(0, state.at);
}
