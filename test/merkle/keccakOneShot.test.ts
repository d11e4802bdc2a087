import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { keccak256Bytes } from '../../domain/merkle/keccakSponge.ts';

describe('one-shot keccak256 on the shared wasm kernel (used by the hash chain)', () => {
  it('equals @noble/hashes for every length around the block boundaries and beyond one stage', () => {
    const lengths = [0, 1, 31, 32, 135, 136, 137, 271, 272, 273, 8703, 8704, 8705, 20_000];
    for (const n of lengths) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      expect(Buffer.from(keccak256Bytes(bytes)).toString('hex'), `length ${n}`).toBe(Buffer.from(keccak_256(bytes)).toString('hex'));
    }
  });

  it('equals @noble/hashes on random inputs, and calls do not leak state into each other', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        keccak256Bytes(a);
        expect(Buffer.from(keccak256Bytes(b))).toEqual(Buffer.from(keccak_256(b)));
      }),
      { numRuns: 300 },
    );
  });
});
