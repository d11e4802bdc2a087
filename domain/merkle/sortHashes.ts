/**
 * Orders n 32-byte hashes stored back to back, as OpenZeppelin sorts leaves (unsigned big-endian,
 * i.e. byte-wise lexicographic). A comparison sort of a million hashes through a JS comparator
 * costs seconds; keccak output is uniform, so a counting sort on the first two bytes leaves
 * buckets of ~n/65536 that an insertion sort finishes. Crafted leaves can crowd one bucket, so
 * large buckets fall back to the engine's O(n log n) sort.
 */

const BUCKETS = 65_536;
const INSERTION_SORT_MAX = 32;

/** Byte-wise comparison of the 32-byte words at offsets a and b. */
export const compare32 = (bytes: Uint8Array, a: number, b: number): number => {
  for (let i = 0; i < 32; i++) {
    const d = bytes[a + i]! - bytes[b + i]!;
    if (d !== 0) return d;
  }
  return 0;
};

const sortBucket = (order: Uint32Array, from: number, to: number, bytes: Uint8Array, base: number): void => {
  if (to - from > INSERTION_SORT_MAX) {
    order.subarray(from, to).sort((x, y) => compare32(bytes, base + 32 * x, base + 32 * y));
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const item = order[i]!;
    let j = i - 1;
    while (j >= from && compare32(bytes, base + 32 * order[j]!, base + 32 * item) > 0) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = item;
  }
};

/** Indices 0..count-1 of the hashes at `base + 32·i`, smallest hash first; equal hashes keep input order. */
export const sortHashIndices = (bytes: Uint8Array, base: number, count: number): Uint32Array => {
  const starts = new Uint32Array(BUCKETS + 1);
  for (let i = 0; i < count; i++) {
    const at = base + 32 * i;
    starts[((bytes[at]! << 8) | bytes[at + 1]!) + 1]!++;
  }
  for (let k = 0; k < BUCKETS; k++) starts[k + 1]! += starts[k]!;
  const next = starts.slice(0, BUCKETS);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const at = base + 32 * i;
    order[next[(bytes[at]! << 8) | bytes[at + 1]!]!++] = i;
  }
  for (let k = 0; k < BUCKETS; k++) if (starts[k + 1]! - starts[k]! > 1) sortBucket(order, starts[k]!, starts[k + 1]!, bytes, base);
  return order;
};
