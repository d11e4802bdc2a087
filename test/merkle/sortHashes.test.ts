/**
 * The leaf-hash sort: byte-wise ascending like OpenZeppelin's, including crowded buckets (hashes
 * sharing their first two bytes) that a crafted set of leaves could produce.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compare32, sortHashIndices } from '../../domain/merkle/sortHashes.ts';

const referenceOrder = (bytes: Uint8Array, base: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => i).sort((a, b) => compare32(bytes, base + 32 * a, base + 32 * b) || a - b);

/** Hashes from a tiny alphabet, so prefixes collide and many hashes are equal. */
const crowdedHashes = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((h) => h.map((b) => b % 3)), { maxLength: 400 });
const uniformHashes = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 400 });

describe('sortHashIndices', () => {
  it('orders like a stable byte-wise comparison sort, crowded or uniform, at any offset', () => {
    fc.assert(
      fc.property(fc.oneof(crowdedHashes, uniformHashes), fc.integer({ min: 0, max: 40 }), (hashes, base) => {
        const bytes = new Uint8Array(base + 32 * hashes.length);
        hashes.forEach((h, i) => bytes.set(h, base + 32 * i));
        expect([...sortHashIndices(bytes, base, hashes.length)]).toEqual(referenceOrder(bytes, base, hashes.length));
      }),
      { numRuns: 300 },
    );
  });

  it('compare32 is unsigned and byte-wise (0x80 sorts after 0x7f)', () => {
    const bytes = new Uint8Array(64);
    bytes[0] = 0x80;
    bytes[32] = 0x7f;
    expect(compare32(bytes, 0, 32)).toBeGreaterThan(0);
    expect(compare32(bytes, 32, 0)).toBeLessThan(0);
    expect(compare32(bytes, 0, 0)).toBe(0);
  });
});
