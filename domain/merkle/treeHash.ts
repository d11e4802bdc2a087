/**
 * treeHash (DESIGN §3, DistributionCreated): keccak256 of the RFC 8785 canonical JSON of a
 * `standard-v1` dump — by definition `keccakJcs(dump)` from domain/hashChain.ts.
 *
 * A million-leaf dump is ~290 MB of JCS: one canonicalize() string plus @noble/hashes take ~25 s
 * here and sit near the JS string limit. So the JCS text is produced in pieces and hashed as it
 * goes. Strings and finite numbers serialise in JCS exactly as JSON.stringify does, and the
 * dump's keys sorted are format < leafEncoding < tree < values and treeIndex < value; anything
 * off that shape (a raw file being checked, say) goes through jcs() itself, so the result is
 * always keccakJcs(dump).
 */
import { jcs } from '../hashChain.ts';
import { createKeccak256Sponge } from './keccakSponge.ts';
import type { StandardMerkleDump } from './dump.ts';

const DUMP_KEYS = ['format', 'leafEncoding', 'tree', 'values'];
const ENTRY_KEYS = ['treeIndex', 'value'];

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const hasExactly = (record: Record<string, unknown>, keys: readonly string[]): boolean => {
  const own = Object.keys(record);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(record, k));
};

/** JCS of an array item, with jcs's own rules for the odd ones (undefined becomes null in an array). */
const itemJcs = (item: unknown): string => jcs([item]).slice(1, -1);
const nodeJcs = (node: unknown): string => (typeof node === 'string' ? JSON.stringify(node) : itemJcs(node));
const allStrings = (items: readonly unknown[]): boolean => {
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'string') return false;
  return true;
};

const entryJcs = (entry: unknown): string => {
  if (
    isPlainObject(entry) &&
    hasExactly(entry, ENTRY_KEYS) &&
    typeof entry.treeIndex === 'number' &&
    Number.isFinite(entry.treeIndex) &&
    Array.isArray(entry.value) &&
    allStrings(entry.value)
  )
    return JSON.stringify({ treeIndex: entry.treeIndex, value: entry.value });
  return itemJcs(entry);
};

function* arrayPieces(items: readonly unknown[], itemJcs: (item: unknown) => string, itemsPerPiece: number): Generator<string> {
  yield '[';
  for (let first = 0; first < items.length; first += itemsPerPiece) {
    const parts: string[] = [];
    for (let i = first; i < Math.min(first + itemsPerPiece, items.length); i++) parts.push(itemJcs(items[i]));
    yield (first > 0 ? ',' : '') + parts.join(',');
  }
  yield ']';
}

/** `jcs(dump)`, in pieces of about `itemsPerPiece` array items. */
export function* dumpJcsPieces(dump: StandardMerkleDump, itemsPerPiece = 65_536): Generator<string> {
  const record: unknown = dump;
  if (!isPlainObject(record) || !hasExactly(record, DUMP_KEYS) || !Array.isArray(record.tree) || !Array.isArray(record.values)) {
    yield jcs(record);
    return;
  }
  yield `{"format":${jcs(record.format)},"leafEncoding":${jcs(record.leafEncoding)},"tree":`;
  yield* arrayPieces(record.tree, nodeJcs, itemsPerPiece);
  yield ',"values":';
  yield* arrayPieces(record.values, entryJcs, itemsPerPiece);
  yield '}';
}

export const merkleTreeHash = (dump: StandardMerkleDump): string => {
  const sponge = createKeccak256Sponge();
  for (const piece of dumpJcsPieces(dump)) sponge.update(piece);
  return sponge.digestHex();
};
