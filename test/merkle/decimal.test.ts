/**
 * Amounts between decimal ASCII and 32-byte words without BigInt (domain/merkle/decimal.ts), checked
 * against BigInt's own parsing and printing over the whole uint256 range and its edges.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeDecimalAsUint256, writeUint256Decimal } from '../../domain/merkle/decimal.ts';
import { writeUint256 } from '../../domain/merkle/hex.ts';
import { amountArb, UINT256_MAX } from './support.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const wordOf = (amount: bigint): Uint8Array => {
  const word = new Uint8Array(32);
  writeUint256(amount, word, 0);
  return word;
};

/** Parses `digits` placed at an offset inside a larger buffer, into a word at an offset of another. */
const parsed = (digits: string): Uint8Array | undefined => {
  const input = ascii(`x,${digits},y`);
  const out = new Uint8Array(40).fill(0xee);
  return writeDecimalAsUint256(input, 2, 2 + digits.length, out, 5) ? out.slice(5, 37) : undefined;
};
const printed = (word: Uint8Array): string => {
  const at = 3;
  const padded = new Uint8Array(40);
  padded.set(word, at);
  const out = new Uint8Array(100).fill(0x2a);
  const end = writeUint256Decimal(padded, at, out, 7);
  expect(out[6]).toBe(0x2a);
  expect(out[end]).toBe(0x2a);
  return String.fromCharCode(...out.subarray(7, end));
};

const edges = [0n, 1n, 9n, 10n, 9999n, 10_000n, 999_999_999n, 10n ** 9n, 2n ** 16n - 1n, 2n ** 16n, 2n ** 53n, 10n ** 18n, 10n ** 77n - 1n, 10n ** 77n, UINT256_MAX - 1n, UINT256_MAX];

describe('decimal ⇄ uint256 words', () => {
  it('parses what BigInt parses and prints what toString prints, at the edges', () => {
    for (const amount of edges) {
      expect(parsed(amount.toString()), amount.toString()).toEqual(wordOf(amount));
      expect(printed(wordOf(amount))).toBe(amount.toString());
    }
  });

  it('agrees with BigInt over the whole range', () => {
    fc.assert(
      fc.property(amountArb, (amount) => {
        expect(parsed(amount.toString())).toEqual(wordOf(amount));
        expect(printed(wordOf(amount))).toBe(amount.toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('reads leading zeros as BigInt does, and refuses anything above 2^256 − 1', () => {
    expect(parsed('000123')).toEqual(wordOf(123n));
    expect(parsed(`000${UINT256_MAX}`)).toEqual(wordOf(UINT256_MAX));
    expect(parsed((UINT256_MAX + 1n).toString())).toBeUndefined();
    expect(parsed('9'.repeat(78))).toBeUndefined();
    expect(parsed('9'.repeat(200))).toBeUndefined();
  });
});
