/**
 * The values of a values file as they are checked (adapters/cli/valuesFile.ts): ABI-encoded into
 * an EncodedLeaves builder, with a repeated (account, token) refused wherever it was read from,
 * and every refusal an InputError naming the file, the place and the field.
 */
import type * as t from 'io-ts';
import type * as DomainCodecs from '../../domain/codecs.ts';
import { createEncodedLeavesBuilder, sameEncodedPair } from '../../domain/merkle/encodedLeaves.ts';
import { addressHexOfWord } from '../../domain/merkle/hex.ts';
import { ACCOUNT_AT, TOKEN_AT, writeAbiEncodedLeaf } from '../../domain/merkle/leaf.ts';
import { createPairIndex, pairKeyHash } from '../../domain/merkle/pairIndex.ts';
import { InputError } from './command.ts';

export const COLUMNS = ['account', 'token', 'amount'] as const;
export type Column = (typeof COLUMNS)[number];

/** Where a value came from, for messages: "line 4" or "entry [3]". */
export type Place = string;

const firstMessage = (errors: t.Errors): string => errors[0]?.message ?? 'is not valid';

/**
 * io-ts, fp-ts and the checksum's keccak take ~40 ms to load, more than reading a plain 100,000-row
 * file: they are loaded only when a line or an entry needs the codecs.
 */
let loadedCodecs: typeof DomainCodecs | undefined;
export const codecs = async (): Promise<typeof DomainCodecs> => (loadedCodecs ??= await import('../../domain/codecs.ts'));

/**
 * Collects checked values as ABI encodings and refuses a repeated (account, token), whichever path
 * each value took. Each value carries a place key (CSV line number, JSON index) that `placeOf`
 * words on demand. Pairs go into the tree's typed-array index keyed by the encoded address bytes:
 * a Map of 100,000 string keys cost more than the rest of the read.
 */
export const createValueCollector = (file: string, placeOf: (key: number) => Place, expectedValues: number) => {
  const leaves = createEncodedLeavesBuilder(expectedValues);
  const placeKeys: number[] = [];
  const pairs = createPairIndex(expectedValues, (a, b) => sameEncodedPair(leaves.bytes, a, b));
  /** Checksummed addresses cost a keccak each to check and repeat a lot (a token on every row). */
  const decodedAddresses = new Map<string, string>();

  const fail = (place: Place, field: string, message: string, raw: unknown): never => {
    throw new InputError(`${file} ${place}, ${field}: ${message} (got ${JSON.stringify(raw) ?? String(raw)})`);
  };
  /** What the Address codec makes of `raw`, undefined when it refuses it; the codecs must be loaded. */
  const decodedAddress = (raw: unknown): string | undefined => {
    if (typeof raw === 'string') {
      const known = decodedAddresses.get(raw);
      if (known !== undefined) return known;
    }
    const decoded = loadedCodecs!.Address.decode(raw);
    if (decoded._tag === 'Left') return undefined;
    decodedAddresses.set(raw as string, decoded.right);
    return decoded.right;
  };
  const address = (raw: unknown, place: Place, field: Column): string => {
    const decoded = decodedAddress(raw);
    if (decoded !== undefined) return decoded;
    const refused = loadedCodecs!.Address.decode(raw);
    return fail(place, field, refused._tag === 'Left' ? firstMessage(refused.left) : 'is not valid', raw);
  };

  /** Keeps the value written at `at` (the current slot); throws on a repeated pair. */
  const commit = (at: number, placeKey: number): void => {
    const { bytes } = leaves;
    const earlier = pairs.add(pairKeyHash(bytes, at + ACCOUNT_AT, at + TOKEN_AT), leaves.count);
    if (earlier >= 0)
      throw new InputError(
        `${file} ${placeOf(placeKey)}: account ${addressHexOfWord(bytes, at)} with token ${addressHexOfWord(bytes, at + 32)} ` +
          `repeats ${placeOf(placeKeys[earlier]!)}; each (account, token) pair may appear once`,
      );
    placeKeys.push(placeKey);
    leaves.commit();
  };

  /** The reference path: every field through its io-ts codec, the first refusal worded by it; the codecs must be loaded. */
  const addRecord = (raw: Record<Column, unknown>, placeKey: number, amount: bigint | undefined): void => {
    const place = placeOf(placeKey);
    const account = address(raw.account, place, 'account');
    const token = address(raw.token, place, 'token');
    let value = amount;
    if (value === undefined) {
      const decoded = loadedCodecs!.Amount.decode(raw.amount);
      value = decoded._tag === 'Right' ? decoded.right : fail(place, 'amount', firstMessage(decoded.left), raw.amount);
    }
    const at = leaves.slot();
    writeAbiEncodedLeaf({ account, token, amount: value }, leaves.bytes, at);
    commit(at, placeKey);
  };

  /**
   * Whether the Address codec accepts the mixed- or upper-case address spelled by the 42 ASCII bytes
   * at `start`; false while the codecs are not loaded, so that the caller loads them and asks again.
   */
  const checksumHolds = (ascii: Buffer, start: number): boolean =>
    loadedCodecs !== undefined && decodedAddress(ascii.toString('latin1', start, start + 42)) !== undefined;

  return { leaves, commit, addRecord, checksumHolds, build: () => leaves.build() };
};

