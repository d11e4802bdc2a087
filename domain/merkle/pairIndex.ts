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

const tableSizeFor = (values: number): number => {
  let size = 2;
  while (size < 2 * values) size *= 2;
  return size;
};

/**
 * `samePair(a, b)` compares two added values; it is only called when their key hashes are equal.
 * Sized for `expectedValues`; grows (doubling) when more are added, for readers that cannot count
 * their values before they have parsed them.
 */
export const createPairIndex = (expectedValues: number, samePair: (a: number, b: number) => boolean): PairIndex => {
  let keyHashes = new Int32Array(Math.max(1, expectedValues));
  let slots = new Int32Array(tableSizeFor(keyHashes.length)).fill(-1);
  let mask = slots.length - 1;
  const grow = (toFit: number) => {
    let capacity = keyHashes.length;
    while (capacity < toFit) capacity *= 2;
    const hashes = new Int32Array(capacity);
    hashes.set(keyHashes);
    keyHashes = hashes;
    const old = slots;
    slots = new Int32Array(tableSizeFor(capacity)).fill(-1);
    mask = slots.length - 1;
    for (let k = 0; k < old.length; k++) {
      const index = old[k]!;
      if (index < 0) continue;
      let slot = keyHashes[index]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = index;
    }
  };
  return {
    add(keyHash, index) {
      if (index >= keyHashes.length) grow(index + 1);
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
