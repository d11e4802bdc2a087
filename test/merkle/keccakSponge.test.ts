/**
 * The streaming keccak256 (used for treeHash) against @noble/hashes, across block boundaries,
 * piece splits and non-ASCII text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { createKeccak256Sponge } from '../../domain/merkle/index.ts';

const reference = (text: string): string => `0x${bytesToHex(keccak_256(utf8ToBytes(text)))}`;
const streamed = (pieces: readonly string[]): string => {
  const sponge = createKeccak256Sponge();
  for (const piece of pieces) sponge.update(piece);
  return sponge.digestHex();
};

describe('createKeccak256Sponge', () => {
  it('hashes every length around the 136-byte block boundaries like noble', () => {
    for (const length of [0, 1, 134, 135, 136, 137, 271, 272, 273, 1000]) {
      const text = 'x'.repeat(length);
      expect(streamed([text])).toBe(reference(text));
    }
  });

  it('gives the same digest however the text is split, including multi-byte characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 8 }), (pieces) => {
        expect(streamed(pieces)).toBe(reference(pieces.join('')));
      }),
      { numRuns: 200 },
    );
  });

  it('handles text larger than its staging buffer (~1.1 MB) and a character straddling it', () => {
    const big = `${'a'.repeat(1_114_110)}€${'b'.repeat(300_000)}`;
    expect(streamed([big])).toBe(reference(big));
    expect(streamed([big.slice(0, 700_000), big.slice(700_000)])).toBe(reference(big));
  });

  it('refuses to be used after its digest', () => {
    const sponge = createKeccak256Sponge();
    sponge.digestHex();
    expect(() => sponge.update('x')).toThrow(/already digested/);
    expect(() => sponge.digestHex()).toThrow(/already digested/);
  });
});
