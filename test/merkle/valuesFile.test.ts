/**
 * DESIGN §7 — the values file of `cxt merkle build`: CSV with a header in any column order, or a
 * JSON array; every refusal names the place (CSV line, header = 1; JSON index) and the field.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseValuesCsv, parseValuesJson, valuesFormatOf } from '../../adapters/cli/valuesFile.ts';
import { InputError } from '../../adapters/cli/command.ts';
import { encodedLeafValues } from '../../domain/merkle/index.ts';
import { address } from './support.ts';

const A = address(0xa1);
const B = address(0xb2);
const T = address(0x70);
const CHECKSUMMED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const BAD_CHECKSUM = '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

const csvError = async (text: string): Promise<string> => {
  try {
    await parseValuesCsv(text, 'v.csv');
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
};
const jsonError = async (data: unknown): Promise<string> => {
  try {
    await parseValuesJson(typeof data === 'string' ? data : JSON.stringify(data), 'v.json');
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
};

describe('parseValuesCsv', () => {
  it('reads columns in any order, trims whitespace and quotes, skips blank lines, lowercases addresses', async () => {
    const text = `\uFEFF amount , "token",account\r\n 5 , ${T} ,${CHECKSUMMED}\r\n\r\n"0",${T},"${B}"\n`;
    expect(encodedLeafValues(await parseValuesCsv(text, 'v.csv'))).toEqual([
      { account: CHECKSUMMED.toLowerCase(), token: T, amount: 5n },
      { account: B, token: T, amount: 0n },
    ]);
  });

  it('accepts amounts up to 2^256 - 1', async () => {
    const max = ((1n << 256n) - 1n).toString();
    expect(encodedLeafValues(await parseValuesCsv(`account,token,amount\n${A},${T},${max}\n`, 'v.csv'))[0]!.amount).toBe((1n << 256n) - 1n);
  });

  it.each([
    ['a malformed account', `${A.slice(0, -1)}`, T, '1', /^v\.csv line 2, account: must be a 0x-prefixed 20-byte hex address/],
    ['a bad checksum', BAD_CHECKSUM, T, '1', /^v\.csv line 2, account: has an invalid EIP-55 checksum/],
    ['a malformed token', A, '0xzz', '1', /^v\.csv line 2, token: /],
    ['a negative amount', A, T, '-1', /^v\.csv line 2, amount: must be a non-negative whole number/],
    ['a fractional amount', A, T, '1.5', /^v\.csv line 2, amount: /],
    ['an amount over 2^256 - 1', A, T, (1n << 256n).toString(), /^v\.csv line 2, amount: exceeds 2\^256 - 1/],
    ['an empty amount', A, T, '', /^v\.csv line 2, amount: /],
  ])('refuses %s, naming the line and the field', async (_, account, token, amount, message) => {
    expect(await csvError(`account,token,amount\n${account},${token},${amount}\n`)).toMatch(message);
  });

  it('checks a checksum on a plain line though the codecs load only then (a fresh module each time)', async () => {
    const fresh = async () => {
      vi.resetModules();
      return (await import('../../adapters/cli/valuesFile.ts')).parseValuesCsv;
    };
    const text = `account,token,amount\n${A},${T},2\n${CHECKSUMMED},${T},1\n${B},${CHECKSUMMED},3\n`;
    expect(encodedLeafValues(await (await fresh())(text, 'v.csv'))).toEqual([
      { account: A, token: T, amount: 2n },
      { account: CHECKSUMMED.toLowerCase(), token: T, amount: 1n },
      { account: B, token: CHECKSUMMED.toLowerCase(), amount: 3n },
    ]);
    await expect((await fresh())(`account,token,amount\n${BAD_CHECKSUM},${T},1\n`, 'v.csv')).rejects.toThrow(/^v\.csv line 2, account: has an invalid EIP-55 checksum/);
  });

  it('refuses a repeated (account, token) pair whatever the case, naming both lines', async () => {
    const text = `account,token,amount\n${CHECKSUMMED},${T},1\n${B},${T},1\n\n${CHECKSUMMED.toLowerCase()},${T},2\n`;
    expect(await csvError(text)).toMatch(/^v\.csv line 5: account 0x5aae\w+ with token 0x0+70 repeats line 2/);
  });

  it('refuses a header without a column, with an unknown or repeated column, and rows with missing fields', async () => {
    expect(await csvError(`account,amount\n${A},1\n`)).toMatch(/^v\.csv line 1: the header has no "token" column/);
    expect(await csvError(`account,token,amount,memo\n`)).toMatch(/^v\.csv line 1: unknown column "memo"/);
    expect(await csvError(`account,token,amount,token\n`)).toMatch(/^v\.csv line 1: the header names "token" twice/);
    expect(await csvError(`account,token,amount\n${A},${T},1\n${B},${T}\n`)).toMatch(/^v\.csv line 3, amount: is missing/);
    expect(await csvError(`account,token,amount\n${A},${T},1,2\n`)).toMatch(/^v\.csv line 2: has 4 fields/);
  });

  it('refuses an empty file and a header with no values', async () => {
    expect(await csvError('')).toMatch(/^v\.csv is empty/);
    expect(await csvError('account,token,amount\n\n')).toMatch(/^v\.csv has a header but no values/);
  });
});

describe('parseValuesJson', () => {
  it('reads {account, token, amount} objects; amounts as decimal strings or safe JSON integers', async () => {
    expect(encodedLeafValues(await parseValuesJson(JSON.stringify([{ account: CHECKSUMMED, token: T, amount: '10' }, { amount: 3, token: T, account: B }]), 'v.json'))).toEqual([
      { account: CHECKSUMMED.toLowerCase(), token: T, amount: 10n },
      { account: B, token: T, amount: 3n },
    ]);
  });

  it.each([
    ['a malformed account', { account: '0x1', token: T, amount: '1' }, /^v\.json entry \[1\], account: /],
    ['a negative amount string', { account: B, token: T, amount: '-1' }, /^v\.json entry \[1\], amount: /],
    ['a negative JSON number', { account: B, token: T, amount: -1 }, /^v\.json entry \[1\], amount: -1 is not a whole number/],
    ['a fractional JSON number', { account: B, token: T, amount: 1.5 }, /^v\.json entry \[1\], amount: 1\.5 /],
    ['an unsafe JSON integer', { account: B, token: T, amount: 2 ** 60 }, /^v\.json entry \[1\], amount: .*decimal strings/],
    ['an amount over 2^256 - 1', { account: B, token: T, amount: (1n << 256n).toString() }, /^v\.json entry \[1\], amount: exceeds/],
    ['a missing field', { account: B, amount: '1' }, /^v\.json entry \[1\], token: is required/],
    ['an unknown field', { account: B, token: T, amount: '1', memo: 'x' }, /^v\.json entry \[1\], memo: is not a known field/],
    ['a non-object', [B, T, '1'], /^v\.json entry \[1\]: must be an object/],
    ['a repeated pair', { account: A.toUpperCase().replace('0X', '0x'), token: T, amount: '2' }, /^v\.json entry \[1\]: .* repeats entry \[0\]/],
  ])('refuses %s, naming the index and the field', async (_, entry, message) => {
    expect(await jsonError([{ account: A, token: T, amount: '1' }, entry])).toMatch(message);
  });

  it('refuses an empty file, an empty array, a non-array and invalid JSON', async () => {
    expect(await jsonError('  ')).toMatch(/^v\.json is empty/);
    expect(await jsonError([])).toMatch(/^v\.json has no values/);
    expect(await jsonError({ account: A })).toMatch(/^v\.json must hold a JSON array/);
    expect(await jsonError('[{"account":')).toMatch(/^v\.json is not valid JSON/);
  });
});

describe('valuesFormatOf', () => {
  it('goes by extension, else by content', () => {
    expect(valuesFormatOf('x.CSV', '[')).toBe('csv');
    expect(valuesFormatOf('x.json', 'account')).toBe('json');
    expect(valuesFormatOf('x.txt', '  [')).toBe('json');
    expect(valuesFormatOf('x', 'account,token,amount')).toBe('csv');
  });
});
