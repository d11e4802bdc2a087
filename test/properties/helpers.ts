/** Small helpers shared by the property suites. */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { AccountState, Allocation, LedgerState } from '../../domain/index.ts';

/** Number of runs per property (override with PROPERTY_RUNS=n). */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/**
 * A JSON-safe, lossless image of any state value: bigints tagged, Maps as ordered entry lists, Sets
 * as ordered lists, undefined fields dropped. Insertion order is kept on purpose: a replay must
 * rebuild the very same state, iteration order included.
 */
export const canonicalValue = (v: unknown): unknown => {
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [canonicalValue(k), canonicalValue(x)]) };
  if (v instanceof Set) return { $set: [...v].map(canonicalValue) };
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, canonicalValue(x)]),
    );
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`non-finite number in state: ${v}`);
  return v;
};

export const canonicalJson = (v: unknown): string => {
  const text = canonicalize(canonicalValue(v));
  if (text === undefined) throw new Error('not canonicalizable');
  return text;
};

export const stateJson = (state: LedgerState): string => canonicalJson(state);

/** keccak256(JCS([[account, token, amount], …])) computed here, not with the domain's helper. */
export const independentAllocationsHash = (allocations: readonly Allocation[]): string => {
  const sorted = [...allocations].sort((x, y) =>
    x.account !== y.account ? (x.account < y.account ? -1 : 1) : x.token < y.token ? -1 : x.token > y.token ? 1 : 0,
  );
  const text = canonicalize(sorted.map((a) => [a.account, a.token, a.amountWei.toString()]))!;
  return `0x${bytesToHex(keccak_256(utf8ToBytes(text)))}`;
};

export const sum = (xs: Iterable<bigint>): bigint => {
  let t = 0n;
  for (const x of xs) t += x;
  return t;
};

/** Σ of the allocations in `token`. */
export const allocatedIn = (allocations: readonly Allocation[], token: string): bigint =>
  sum(allocations.filter((a) => a.token === token).map((a) => a.amountWei));

export const fail = (message: string, details?: unknown): never => {
  throw new Error(details === undefined ? message : `${message}\n${canonicalJson(details)}`);
};

export const check = (condition: boolean, message: string, details?: unknown): void => {
  if (!condition) fail(message, details);
};

/**
 * Active stake for epoch e, written out here: min(stake at the start of e, stake at the end of e
 * without e's slashes) minus e's slashes, floored at 0 (README: an unstake first draws on that epoch's deposits).
 */
export const referenceActiveStake = (a: AccountState, epoch: number): bigint => {
  let start = a.settledStakeWei;
  let end = a.settledStakeWei;
  let slashed = 0n;
  for (const c of a.pendingChanges) {
    if (c.epoch < epoch) start += c.deltaWei;
    if (c.epoch === epoch && c.slash) slashed -= c.deltaWei;
    else if (c.epoch <= epoch) end += c.deltaWei;
  }
  const active = (start < end ? start : end) - slashed;
  return active > 0n ? active : 0n;
};

