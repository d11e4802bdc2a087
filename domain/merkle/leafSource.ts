/**
 * Where a tree's values come from: the caller's LeafValue objects, or their ABI encodings as a
 * byte reader wrote them (encodedLeaves.ts). The tree needs each value's 96-byte encoding once to
 * hash it, pair comparisons by index, and the values themselves only when someone asks.
 */
import { encodedLeafValue, encodedLeafValues, sameEncodedPair, type EncodedLeaves } from './encodedLeaves.ts';
import { MerkleError } from './errors.ts';
import { ABI_ENCODED_LEAF_BYTES, ACCOUNT_AT, invalidLeafError, isInvalidLeaf, lowercaseLeaf, writeAbiEncodedLeaf, type LeafValue } from './leaf.ts';

export interface LeafSource {
  readonly count: number;
  /**
   * Writes the ABI encodings of values `first` to `first + count − 1`, 96 bytes each, from `offset`
   * in `out`; throws MerkleError (INVALID_VALUE, with its valueIndex) for the first that has none,
   * once the ones before it are written.
   */
  encodeBatch(first: number, count: number, out: Uint8Array, offset: number): void;
  /** Whether values a and b, both encoded already, have the same (account, token). */
  samePair(a: number, b: number): boolean;
  /** Value i with lowercase addresses; i encoded already. */
  value(i: number): LeafValue;
  /** Every value, lowercase, in input order; once all are encoded. */
  values(): readonly LeafValue[];
  /** Every value's encoding; once all are encoded. */
  encoded(): EncodedLeaves;
}

/** The caller's objects; each is checked and lowercased (the same object when it already is) as it is encoded. */
export const leafValuesSource = (input: readonly LeafValue[]): LeafSource => {
  const values = new Array<LeafValue>(input.length);
  return {
    count: input.length,
    encodeBatch(first, count, out, offset) {
      for (let i = first; i < first + count; i++) {
        const given = input[i]!;
        const status = writeAbiEncodedLeaf(given, out, offset + ABI_ENCODED_LEAF_BYTES * (i - first));
        if (isInvalidLeaf(status)) throw invalidLeafError(given, status, i);
        values[i] = lowercaseLeaf(given, status);
      }
    },
    samePair: (a, b) => values[a]!.account === values[b]!.account && values[a]!.token === values[b]!.token,
    value: (i) => values[i]!,
    values: () => values,
    encoded() {
      const bytes = new Uint8Array(ABI_ENCODED_LEAF_BYTES * values.length);
      values.forEach((value, i) => writeAbiEncodedLeaf(value, bytes, ABI_ENCODED_LEAF_BYTES * i));
      return { count: values.length, bytes };
    },
  };
};

/**
 * An encoding: any 96 bytes whose address words are zero-padded are a value, and nothing else is
 * (a hash of a non-zero padding would prove a value that its dump cannot show). Objects are made
 * on demand.
 */
export const encodedLeavesSource = (leaves: EncodedLeaves): LeafSource => {
  const { bytes } = leaves;
  if (bytes.length < ABI_ENCODED_LEAF_BYTES * leaves.count)
    throw new RangeError(`${leaves.count} encoded values need ${ABI_ENCODED_LEAF_BYTES * leaves.count} bytes, got ${bytes.length}`);
  let values: LeafValue[] | undefined;
  return {
    count: leaves.count,
    encodeBatch(first, count, out, offset) {
      let end = first;
      for (; end < first + count; end++) {
        const at = ABI_ENCODED_LEAF_BYTES * end;
        let padding = 0;
        for (let k = 0; k < ACCOUNT_AT; k++) padding |= bytes[at + k]! | bytes[at + 32 + k]!;
        if (padding !== 0) break;
      }
      out.set(bytes.subarray(ABI_ENCODED_LEAF_BYTES * first, ABI_ENCODED_LEAF_BYTES * end), offset);
      if (end < first + count) throw new MerkleError('INVALID_VALUE', `value ${end}: an address word of its encoding is not zero-padded`, end);
    },
    samePair: (a, b) => sameEncodedPair(bytes, a, b),
    value: (i) => values?.[i] ?? encodedLeafValue(leaves, i),
    values: () => (values ??= encodedLeafValues(leaves)),
    encoded: () => leaves,
  };
};
