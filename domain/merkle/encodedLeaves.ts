/**
 * Leaf values held as their ABI encodings, 96 bytes each in input order, instead of one object,
 * two strings and a BigInt per value. A reader that parses its file as bytes writes them straight
 * here and the tree hashes them as they are: at 100,000 values the objects and their garbage cost
 * more than the hashing. Addresses are bytes, so they have no case; values made from an encoding
 * are lowercase.
 */
import { addressHexOfWord, hex32 } from './hex.ts';
import { ABI_ENCODED_LEAF_BYTES, ACCOUNT_AT, AMOUNT_AT, TOKEN_AT, type LeafValue } from './leaf.ts';

export interface EncodedLeaves {
  readonly count: number;
  /** abi.encode(account, token, amount) of value i at 96·i (at least 96·count bytes). */
  readonly bytes: Uint8Array;
}

/** Value i of an encoding, as the tree and its dump show it (lowercase addresses). */
export const encodedLeafValue = (leaves: EncodedLeaves, i: number): LeafValue => {
  const at = ABI_ENCODED_LEAF_BYTES * i;
  return {
    account: addressHexOfWord(leaves.bytes, at),
    token: addressHexOfWord(leaves.bytes, at + 32),
    amount: BigInt(hex32(leaves.bytes, at + AMOUNT_AT)),
  };
};

export const encodedLeafValues = (leaves: EncodedLeaves): LeafValue[] =>
  Array.from({ length: leaves.count }, (_, i) => encodedLeafValue(leaves, i));

/** Whether values a and b of an encoding have the same account and token (40 byte compares). */
export const sameEncodedPair = (bytes: Uint8Array, a: number, b: number): boolean => {
  const x = ABI_ENCODED_LEAF_BYTES * a;
  const y = ABI_ENCODED_LEAF_BYTES * b;
  for (let i = 0; i < 20; i++) if (bytes[x + ACCOUNT_AT + i] !== bytes[y + ACCOUNT_AT + i] || bytes[x + TOKEN_AT + i] !== bytes[y + TOKEN_AT + i]) return false;
  return true;
};

/**
 * Grows an encoding one value at a time for a reader that cannot count its values up front.
 * `slot()` gives the offset of the next value's 96 bytes in `bytes` (fresh ones are zeroed, so
 * the ABI padding is in place); `commit()` keeps them, otherwise the next slot() reuses them. `bytes` is replaced when it grows: read it afresh.
 */
export const createEncodedLeavesBuilder = (expectedValues = 1024) => {
  let bytes = new Uint8Array(ABI_ENCODED_LEAF_BYTES * Math.max(1, expectedValues));
  let count = 0;
  return {
    get bytes() {
      return bytes;
    },
    get count() {
      return count;
    },
    slot(): number {
      const at = ABI_ENCODED_LEAF_BYTES * count;
      if (at + ABI_ENCODED_LEAF_BYTES > bytes.length) {
        const larger = new Uint8Array(2 * bytes.length);
        larger.set(bytes.subarray(0, at));
        bytes = larger;
      }
      return at;
    },
    commit(): void {
      count++;
    },
    build(): EncodedLeaves {
      return { count, bytes: bytes.subarray(0, ABI_ENCODED_LEAF_BYTES * count) };
    },
  };
};
export type EncodedLeavesBuilder = ReturnType<typeof createEncodedLeavesBuilder>;
