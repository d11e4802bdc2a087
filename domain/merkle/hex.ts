/**
 * Hex at the edges of the Merkle tree: parsing addresses and amounts straight into a byte buffer,
 * and turning 32-byte nodes back into `0x…` strings in bulk. Per-leaf work here runs a million
 * times per build, so it avoids intermediate strings and arrays.
 */

/**
 * Per char code: the nibble value, plus UPPERCASE_FLAG for A–F; -1 when not a hex digit.
 */
const UPPERCASE_FLAG = 16;
const NIBBLE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = (10 + i) | UPPERCASE_FLAG;
    table[97 + i] = 10 + i;
  }
  return table;
})();

const nibbleEntry = (text: string, index: number): number => {
  const code = text.charCodeAt(index);
  return code < 128 ? NIBBLE[code]! : -1;
};

/**
 * Per pair of ASCII codes (high << 7 | low): the byte they spell, plus PAIR_UPPERCASE when either
 * is A–F; -1 when either is not a hex digit. OR-ing the entries of a whole address tells in the
 * same pass whether it is malformed (negative) or needs lowercasing. One lookup per byte, not two.
 */
const PAIR_UPPERCASE = 256;
const HEX_PAIR = (() => {
  const table = new Int16Array(128 * 128).fill(-1);
  for (let high = 0; high < 128; high++)
    for (let low = 0; low < 128; low++) {
      const h = NIBBLE[high]!;
      const l = NIBBLE[low]!;
      if (h < 0 || l < 0) continue;
      table[(high << 7) | low] = (((h & 15) << 4) | (l & 15)) | ((h | l) & UPPERCASE_FLAG ? PAIR_UPPERCASE : 0);
    }
  return table;
})();

/** Outcome of writeAddress. */
export const ADDRESS_LOWERCASE = 0;
export const ADDRESS_HAS_UPPERCASE = 1;
export const ADDRESS_MALFORMED = -1;

/**
 * Parses `0x` + 40 hex digits — the whole of `text`, or its characters from `start` to `end`, so a
 * reader can check a field in place without slicing it out first — into 20 bytes at `offset`.
 * Returns ADDRESS_MALFORMED (bytes then unspecified), ADDRESS_HAS_UPPERCASE or ADDRESS_LOWERCASE.
 */
export const writeAddress = (text: string, out: Uint8Array, offset: number, start = 0, end = text.length): number => {
  if (end - start !== 42 || text.charCodeAt(start) !== 48 || text.charCodeAt(start + 1) !== 120) return ADDRESS_MALFORMED;
  let seen = 0;
  for (let i = 0; i < 20; i++) {
    const high = text.charCodeAt(start + 2 + 2 * i);
    const low = text.charCodeAt(start + 3 + 2 * i);
    const entry = (high | low) < 128 ? HEX_PAIR[(high << 7) | low]! : -1;
    seen |= entry;
    out[offset + i] = entry;
  }
  return seen < 0 ? ADDRESS_MALFORMED : seen & PAIR_UPPERCASE ? ADDRESS_HAS_UPPERCASE : ADDRESS_LOWERCASE;
};

/** writeAddress over ASCII bytes: the 42 from `start`, for a reader that never decodes its file. */
export const writeAddressFromAscii = (ascii: Uint8Array, start: number, out: Uint8Array, offset: number): number => {
  if (start + 42 > ascii.length || ascii[start] !== 48 || ascii[start + 1] !== 120) return ADDRESS_MALFORMED;
  let seen = 0;
  for (let i = 0; i < 20; i++) {
    const high = ascii[start + 2 + 2 * i]!;
    const low = ascii[start + 3 + 2 * i]!;
    const entry = (high | low) < 128 ? HEX_PAIR[(high << 7) | low]! : -1;
    seen |= entry;
    out[offset + i] = entry;
  }
  return seen < 0 ? ADDRESS_MALFORMED : seen & PAIR_UPPERCASE ? ADDRESS_HAS_UPPERCASE : ADDRESS_LOWERCASE;
};

const addressScratch = new Uint8Array(20);
/** True for `0x` followed by exactly 40 hex digits of either case. */
export const isAddressHex = (text: string): boolean => writeAddress(text, addressScratch, 0) !== ADDRESS_MALFORMED;

export const UINT256_MAX = (1n << 256n) - 1n;

/** Writes 0 ≤ amount ≤ 2^256 − 1 as a 32-byte big-endian word at `offset` (ABI uint256). */
export const writeUint256 = (amount: bigint, out: Uint8Array, offset: number): void => {
  // One toString(16) per leaf beats 32 bigint shifts, each of which allocates.
  const digits = amount.toString(16);
  let at = offset + 32;
  let i = digits.length;
  for (; i >= 2; i -= 2) out[--at] = HEX_PAIR[(digits.charCodeAt(i - 2) << 7) | digits.charCodeAt(i - 1)]!;
  if (i === 1) out[--at] = nibbleEntry(digits, 0);
  // A plain loop: a fill() call per leaf costs more than the ~20 bytes it clears.
  while (at > offset) out[--at] = 0;
};

/** Parses `0x` + 64 hex digits into 32 bytes at `offset`; false (and nothing guaranteed written) if malformed. */
export const writeHash32 = (text: string, out: Uint8Array, offset: number): boolean => {
  if (text.length !== 66 || text.charCodeAt(0) !== 48 || text.charCodeAt(1) !== 120) return false;
  for (let i = 0; i < 32; i++) {
    const high = nibbleEntry(text, 2 + 2 * i);
    const low = nibbleEntry(text, 3 + 2 * i);
    if (high < 0 || low < 0) return false;
    out[offset + i] = ((high & 15) << 4) | (low & 15);
  }
  return true;
};

/** Two lowercase hex ASCII codes per byte, packed for one 16-bit little-endian store. */
const HEX_PAIR_LE = (() => {
  const table = new Uint16Array(256);
  const digits = '0123456789abcdef';
  for (let b = 0; b < 256; b++) table[b] = digits.charCodeAt(b >> 4) | (digits.charCodeAt(b & 15) << 8);
  return table;
})();

export const HEX32_CHARS = 66;
const decoder = new TextDecoder();

/**
 * Writes `count` bytes from `offset` as `0x` + 2·count lowercase hex digits, ASCII, at `at`;
 * returns where they end. For dumps written as bytes, so no per-node string is ever made.
 */
export const writeHexAscii = (bytes: Uint8Array, offset: number, count: number, out: Uint8Array, at: number): number => {
  out[at] = 48;
  out[at + 1] = 120;
  let dst = at + 2;
  for (let i = 0; i < count; i++) {
    const pair = HEX_PAIR_LE[bytes[offset + i]!]!;
    out[dst++] = pair & 0xff;
    out[dst++] = pair >> 8;
  }
  return dst;
};

/**
 * `count` consecutive 32-byte words from `offset` as one string of `0x…` entries, 66 chars each:
 * one TextDecoder call per batch is far cheaper than building each string, and callers slice
 * entries out of it on demand, so the only long-lived allocation is this one string.
 */
export const hex32Batch = (bytes: Uint8Array, offset: number, count: number): string => {
  const ascii = new Uint8Array(count * HEX32_CHARS);
  for (let k = 0; k < count; k++) writeHexAscii(bytes, offset + 32 * k, 32, ascii, k * HEX32_CHARS);
  return decoder.decode(ascii);
};

export const hex32 = (bytes: Uint8Array, offset = 0): string => hex32Batch(bytes, offset, 1);

/** The address in the ABI word at `wordOffset` (its last 20 bytes) as `0x…` lowercase. */
export const addressHexOfWord = (bytes: Uint8Array, wordOffset: number): string => `0x${hex32(bytes, wordOffset).slice(26)}`;
