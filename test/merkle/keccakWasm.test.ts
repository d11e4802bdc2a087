/**
 * The wasm Keccak kernel against @noble/hashes: same digest for the two shapes the tree hashes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createKeccakKernel, KERNEL_RESERVED_BYTES } from '../../domain/merkle/keccakWasm.ts';

const kernel = createKeccakKernel(8192);
/** Callers' data starts after the kernel's round constants and state. */
const FREE = KERNEL_RESERVED_BYTES;
const memory = () => new Uint8Array(kernel.memory.buffer);

describe('wasm keccak kernel', () => {
  it('leafHash(in) = keccak256(keccak256(in[0..96))), at any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 96, maxLength: 96 }), fc.integer({ min: 0, max: 64 }), (input, at) => {
        memory().set(input, FREE + at);
        kernel.leafHash(FREE + at, FREE + 1024);
        expect(memory().slice(FREE + 1024, FREE + 1056)).toEqual(keccak_256(keccak_256(input)));
      }),
      { numRuns: 300 },
    );
  });

  it('pairHash(a, b) = keccak256(a ‖ b) for 32-byte a and b anywhere in memory', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        memory().set(a, FREE + 200);
        memory().set(b, FREE + 7);
        kernel.pairHash(FREE + 200, FREE + 7, FREE + 2048);
        const joined = new Uint8Array(64);
        joined.set(a, 0);
        joined.set(b, 32);
        expect(memory().slice(FREE + 2048, FREE + 2080)).toEqual(keccak_256(joined));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes all-zero and all-0xff inputs, and the same input twice the same (no state leaks between calls)', () => {
    for (const fill of [0x00, 0xff]) {
      memory().fill(fill, FREE, FREE + 96);
      kernel.leafHash(FREE, FREE + 512);
      expect(memory().slice(FREE + 512, FREE + 544)).toEqual(keccak_256(keccak_256(new Uint8Array(96).fill(fill))));
      kernel.leafHash(FREE, FREE + 600);
      expect(memory().slice(FREE + 600, FREE + 632)).toEqual(memory().slice(FREE + 512, FREE + 544));
    }
  });

  it('gives each kernel its own memory, sized as asked', () => {
    const big = createKeccakKernel(5 * 65_536 + 1);
    expect(big.memory.buffer.byteLength).toBe(6 * 65_536);
    expect(big.memory.buffer).not.toBe(kernel.memory.buffer);
  });
});
