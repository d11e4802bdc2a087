/**
 * DESIGN §7 — the CSV reader reads plain lines in place as bytes and sends every other line through
 * the io-ts codecs. Whatever the file, it must give what the reader it replaced gave: the same
 * values, or the same refusal word for word. That reader (decode the text, split lines, trim and
 * unquote fields, Address/Amount codecs, repeats by a Map) is kept here as the reference.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../adapters/cli/command.ts';
import { parseValuesCsv } from '../../adapters/cli/valuesFile.ts';
import { Address, Amount } from '../../domain/codecs.ts';
import { encodedLeafValues, type LeafValue } from '../../domain/merkle/index.ts';
import { address, UINT256_MAX } from './support.ts';

const COLUMNS = ['account', 'token', 'amount'] as const;
type Column = (typeof COLUMNS)[number];

/** The reader as it was before it worked on bytes, trimmed to what a CSV needs. */
const referenceParseValuesCsv = (text: string, file: string): LeafValue[] => {
  const unquote = (field: string): string => {
    const trimmed = field.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
  };
  const fail = (place: string, field: string, message: string, raw: unknown): never => {
    throw new InputError(`${file} ${place}, ${field}: ${message} (got ${JSON.stringify(raw) ?? String(raw)})`);
  };
  const address = (raw: string, place: string, field: Column): string => {
    const decoded = Address.decode(raw);
    return decoded._tag === 'Right' ? decoded.right : fail(place, field, decoded.left[0]?.message ?? 'is not valid', raw);
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => unquote(h).toLowerCase());
  if (header.length === 1 && header[0] === '') throw new InputError(`${file} is empty: expected a header line "account,token,amount" and one line per value`);
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw new InputError(`${file} line 1: unknown column ${JSON.stringify(unknown[0])}; the header must name account, token and amount`);
  const position = {} as Record<Column, number>;
  for (const column of COLUMNS) {
    const at = header.indexOf(column);
    if (at < 0) throw new InputError(`${file} line 1: the header has no "${column}" column; it must name account, token and amount`);
    if (header.indexOf(column, at + 1) >= 0) throw new InputError(`${file} line 1: the header names "${column}" twice`);
    position[column] = at;
  }
  const firstPlaceOfPair = new Map<string, string>();
  const values: LeafValue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = line.split(',');
    const place = `line ${i + 1}`;
    if (fields.length < header.length)
      throw new InputError(`${file} ${place}, ${header[fields.length]}: is missing (the header has ${header.length} columns: ${header.join(',')})`);
    if (fields.length > header.length)
      throw new InputError(`${file} ${place}: has ${fields.length} fields but the header has ${header.length} (${header.join(',')})`);
    const account = address(unquote(fields[position.account]!), place, 'account');
    const token = address(unquote(fields[position.token]!), place, 'token');
    const rawAmount = unquote(fields[position.amount]!);
    const decoded = Amount.decode(rawAmount);
    const amount = decoded._tag === 'Right' ? decoded.right : fail(place, 'amount', decoded.left[0]?.message ?? 'is not valid', rawAmount);
    const pair = `${account} ${token}`;
    const earlier = firstPlaceOfPair.get(pair);
    if (earlier !== undefined)
      throw new InputError(`${file} ${place}: account ${account} with token ${token} repeats ${earlier}; each (account, token) pair may appear once`);
    firstPlaceOfPair.set(pair, place);
    values.push({ account, token, amount });
  }
  if (values.length === 0) throw new InputError(`${file} has a header but no values`);
  return values;
};

type Outcome = { values: LeafValue[] } | { refused: string };
const outcome = async (parse: () => LeafValue[] | Promise<LeafValue[]>): Promise<Outcome> => {
  try {
    return { values: await parse() };
  } catch (error) {
    if (error instanceof InputError) return { refused: error.message };
    throw error;
  }
};

/** A few accounts, so pairs repeat; checksummed spellings valid and broken. */
const ACCOUNTS = [address(0xa1), address(0xb2), '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'];
const TOKENS = [address(0x70), '0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb'];
const CHECKSUMMED: Record<string, string> = {
  '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed': '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359': '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb': '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
};

const spelling = (lower: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    lower,
    lower,
    lower,
    `0x${lower.slice(2).toUpperCase()}`,
    CHECKSUMMED[lower] ?? lower,
    (CHECKSUMMED[lower] ?? `0x${lower.slice(2, -1)}A`).replace(/[a-f]/, (c) => c.toUpperCase()),
    lower.slice(0, -1),
    `${lower}0`,
    `0X${lower.slice(2)}`,
    `${lower.slice(0, 10)}g${lower.slice(11)}`,
    '',
  );

const amountText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String), weight: 6 },
  { arbitrary: fc.bigInt({ min: 0n, max: UINT256_MAX }).map(String), weight: 2 },
  {
    arbitrary: fc.constantFrom('0', '00', '007', '-1', '1.5', '1e3', '+5', '', ' ', `${UINT256_MAX}`, `${UINT256_MAX + 1n}`, '9'.repeat(78), '9'.repeat(81), '１２'),
    weight: 2,
  },
);

/** Whatever may surround a field: nothing mostly, else spaces, tabs, quotes, a no-break space. */
const dressed = (field: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constant(field), weight: 8 },
    { arbitrary: fc.constantFrom(` ${field}`, `${field} `, `\t${field}`, `"${field}"`, ` " ${field} " `, `"${field}`, `\u00a0${field}`, `${field}\uFEFF`), weight: 2 },
  );

const row = (order: readonly Column[]): fc.Arbitrary<string> =>
  fc
    .record({
      account: fc.constantFrom(...ACCOUNTS).chain(spelling).chain(dressed),
      token: fc.constantFrom(...TOKENS).chain(spelling).chain(dressed),
      amount: amountText.chain(dressed),
      shape: fc.constantFrom('full', 'full', 'full', 'full', 'full', 'full', 'short', 'long', 'blank', 'spaces', 'junk'),
    })
    .map(({ account, token, amount, shape }) => {
      const fields = order.map((c) => ({ account, token, amount })[c]);
      if (shape === 'short') return fields.slice(0, 2).join(',');
      if (shape === 'long') return [...fields, '1'].join(',');
      if (shape === 'blank') return '';
      if (shape === 'spaces') return ' \t ';
      if (shape === 'junk') return 'é,ü';
      return fields.join(',');
    });

const csvFile: fc.Arbitrary<string> = fc
  .record({
    order: fc.constantFrom<Column[]>(['account', 'token', 'amount'], ['amount', 'account', 'token'], ['token', 'amount', 'account']),
    headerStyle: fc.constantFrom('plain', 'plain', 'quoted', 'spaced', 'upper', 'missing', 'extra'),
    bom: fc.boolean(),
    newline: fc.constantFrom('\n', '\n', '\r\n', '\r\r\n'),
    ending: fc.constantFrom('', '\n', '\r', '\n\n'),
  })
  .chain(({ order, headerStyle, bom, newline, ending }) =>
    fc.array(row(order), { minLength: 0, maxLength: 25 }).map((rows) => {
      const names: string[] = headerStyle === 'missing' ? order.slice(0, 2) : headerStyle === 'extra' ? [...order, 'memo'] : [...order];
      const header = names
        .map((n) => (headerStyle === 'quoted' ? `"${n}"` : headerStyle === 'spaced' ? ` ${n} ` : headerStyle === 'upper' ? n.toUpperCase() : n))
        .join(',');
      return `${bom ? '\uFEFF' : ''}${[header, ...rows].join(newline)}${ending}`;
    }),
  );

describe('parseValuesCsv against the reader it replaced', () => {
  it('gives the same values or the same refusal for any file', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (text) => {
        const expected = await outcome(() => referenceParseValuesCsv(text, 'v.csv'));
        expect(await outcome(async () => encodedLeafValues(await parseValuesCsv(text, 'v.csv')))).toEqual(expected);
        expect(await outcome(async () => encodedLeafValues(await parseValuesCsv(Buffer.from(text, 'utf8'), 'v.csv')))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads invalid UTF-8 as the decoded text would read', async () => {
    const line = `${address(1)},${address(2)},5`;
    for (const bytes of [
      [...Buffer.from(`account,token,amount\n${line}\n`), 0xff, 0x0a],
      [...Buffer.from(`account,token,amount\n`), 0xc3, ...Buffer.from(`${line}\n`)],
      [...Buffer.from(`account,token,amount\n${line.slice(0, -1)}`), 0xe2, 0x82, 0x0a],
    ]) {
      const data = Uint8Array.from(bytes);
      const expected = await outcome(() => referenceParseValuesCsv(Buffer.from(data).toString('utf8'), 'v.csv'));
      expect(await outcome(async () => encodedLeafValues(await parseValuesCsv(data, 'v.csv')))).toEqual(expected);
    }
  });
});
