/**
 * Finds a leaf by (account, token) and refuses a repeated pair. A Map keyed by strings cost more
 * than hashing the whole tree at a million leaves (string hashing, entry objects, GC), so this is
 * an open-addressing table of value indices in typed arrays, keyed by a 32-bit hash of the 40
 * address bytes the leaf encoding has already parsed. Colliding slots are told apart by the caller.
 */

/** murmur3-style hash of the 20 account bytes at `accountAt` and the 20 token bytes at `tokenAt`. */
export const pairKeyHash = (bytes: Uint8Array, accountAt: number, tokenAt: number): number => {
  let h = 0x9e3779b9 | 0;
  for (let part = 0; part < 2; part++) {
    const base = part === 0 ? accountAt : tokenAt;
    for (let i = 0; i < 20; i += 4) {
      let k = bytes[base + i]! | (bytes[base + i + 1]! << 8) | (bytes[base + i + 2]! << 16) | (bytes[base + i + 3]! << 24);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

export interface PairIndex {
  /** Adds value `index` under `keyHash`; returns the index of an earlier value with the same pair, or -1. */
  add(keyHash: number, index: number): number;
  /** Index of the value under `keyHash` for which `matches` holds, or -1. */
  find(keyHash: number, matches: (index: number) => boolean): number;
}

/** `samePair(a, b)` compares two added values; it is only called when their key hashes are equal. */
export const createPairIndex = (capacityValues: number, samePair: (a: number, b: number) => boolean): PairIndex => {
  let size = 2;
  while (size < 2 * capacityValues) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const keyHashes = new Int32Array(capacityValues);
  return {
    add(keyHash, index) {
      for (let slot = keyHash & mask; ; slot = (slot + 1) & mask) {
        const other = slots[slot]!;
        if (other < 0) {
          keyHashes[index] = keyHash;
          slots[slot] = index;
          return -1;
        }
        if (keyHashes[other] === keyHash && samePair(other, index)) return other;
      }
    },
    find(keyHash, matches) {
      for (let slot = keyHash & mask; ; slot = (slot + 1) & mask) {
        const index = slots[slot]!;
        if (index < 0 || (keyHashes[index] === keyHash && matches(index))) return index;
      }
    },
  };
};
