/**
 * Amounts between decimal ASCII and 32-byte big-endian words (ABI uint256) without a BigInt: a
 * reader that parses bytes and a dump written as bytes convert 100,000s of amounts, and a BigInt
 * plus its string per amount was a large part of their time and garbage.
 *
 * Arithmetic is on 16 little-endian 16-bit limbs in a scratch array and is integer arithmetic
 * throughout: parsing takes four digits at a time, so every intermediate stays below 2^31; printing
 * divides by 10^9, whose intermediates stay below 2^53 and so are exact integers as JS numbers.
 */

const LIMBS = 16;
const limbs = new Int32Array(LIMBS);
const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000];
const DIGIT_0 = 48;

/**
 * Writes the number spelled by the ASCII digits `ascii[start..end)` as a 32-byte word at `offset`.
 * The caller has checked that they are 1 or more digits '0'–'9'. Returns false, the word then
 * unspecified, when the number exceeds 2^256 − 1.
 */
export const writeDecimalAsUint256 = (ascii: Uint8Array, start: number, end: number, out: Uint8Array, offset: number): boolean => {
  limbs.fill(0);
  let used = 1;
  // The first chunk takes the odd digits, so every later one is exactly four.
  let chunkEnd = start + ((end - start) % 4 || 4);
  for (let at = start; at < end; chunkEnd = at + 4) {
    let chunk = 0;
    const multiplier = POWERS_OF_TEN[chunkEnd - at]!;
    for (; at < chunkEnd; at++) chunk = chunk * 10 + (ascii[at]! - DIGIT_0);
    let carry = chunk;
    for (let k = 0; k < used; k++) {
      const t = limbs[k]! * multiplier + carry;
      limbs[k] = t & 0xffff;
      carry = t >>> 16;
    }
    if (carry !== 0) {
      if (used === LIMBS) return false;
      limbs[used++] = carry;
    }
  }
  for (let k = 0; k < LIMBS; k++) {
    const limb = limbs[k]!;
    out[offset + 31 - 2 * k] = limb & 0xff;
    out[offset + 30 - 2 * k] = limb >>> 8;
  }
  return true;
};

/** Base-10^9 groups of a word, least significant first: at most 9 for 78 digits. */
const groups = new Int32Array(9);
const GROUP = 1e9;

/** Exactly nine digits, with leading zeros. */
const writeNineDigits = (group: number, out: Uint8Array, at: number): number => {
  let rest = group;
  for (let i = at + 8; i >= at; i--) {
    out[i] = DIGIT_0 + (rest % 10);
    rest = (rest / 10) | 0;
  }
  return at + 9;
};

/** Writes the 32-byte word at `offset` in decimal ASCII (no leading zeros) at `at`; returns where it ends. */
export const writeUint256Decimal = (bytes: Uint8Array, offset: number, out: Uint8Array, at: number): number => {
  let used = 0;
  for (let k = 0; k < LIMBS; k++) {
    const limb = (bytes[offset + 30 - 2 * k]! << 8) | bytes[offset + 31 - 2 * k]!;
    limbs[k] = limb;
    if (limb !== 0) used = k + 1;
  }
  // Long division by 10^9 in doubles: remainder · 2^16 + limb < 10^9 · 2^16 < 2^53, so exact.
  let count = 0;
  do {
    let remainder = 0;
    for (let k = used - 1; k >= 0; k--) {
      const current = remainder * 65_536 + limbs[k]!;
      const quotient = Math.floor(current / GROUP);
      limbs[k] = quotient;
      remainder = current - quotient * GROUP;
    }
    while (used > 0 && limbs[used - 1] === 0) used--;
    groups[count++] = remainder;
  } while (used > 0);
  // The leading group without its leading zeros (but "0" for zero), then every other in full.
  let leading = groups[count - 1]!;
  let width = 1;
  for (let rest = leading; rest >= 10; rest = (rest / 10) | 0) width++;
  for (let i = at + width - 1; i >= at; i--) {
    out[i] = DIGIT_0 + (leading % 10);
    leading = (leading / 10) | 0;
  }
  at += width;
  for (let g = count - 2; g >= 0; g--) at = writeNineDigits(groups[g]!, out, at);
  return at;
};
