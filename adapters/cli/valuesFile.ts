/**
 * Reads the `[account, token, amount]` values of a Merkle distribution from a CSV or JSON file
 * (DESIGN §7) and validates them with the domain codecs. Every problem is an InputError naming
 * the file, where (CSV line, header = line 1; JSON array index) and the field. The values come
 * out ABI-encoded (EncodedLeaves), as the tree hashes them, with no object per value.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { writeDecimalAsUint256 } from '../../domain/merkle/decimal.ts';
import type { EncodedLeaves } from '../../domain/merkle/encodedLeaves.ts';
import { ADDRESS_LOWERCASE, ADDRESS_MALFORMED, writeAddressFromAscii } from '../../domain/merkle/hex.ts';
import { ACCOUNT_AT, AMOUNT_AT, TOKEN_AT } from '../../domain/merkle/leaf.ts';
import { InputError } from './command.ts';
import { codecs, COLUMNS, createValueCollector, type Column, type Place } from './valueCollector.ts';

const unquote = (field: string): string => {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
};

/** Column names and positions from the header line; refuses unknown, missing and repeated columns. */
const readHeader = (line: string, file: string): { names: string[]; position: Record<Column, number> } => {
  const names = line.split(',').map((h) => unquote(h).toLowerCase());
  if (names.length === 1 && names[0] === '') throw new InputError(`${file} is empty: expected a header line "account,token,amount" and one line per value`);
  const unknown = names.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw new InputError(`${file} line 1: unknown column ${JSON.stringify(unknown[0])}; the header must name account, token and amount`);
  const position = {} as Record<Column, number>;
  for (const column of COLUMNS) {
    const at = names.indexOf(column);
    if (at < 0) throw new InputError(`${file} line 1: the header has no "${column}" column; it must name account, token and amount`);
    if (names.indexOf(column, at + 1) >= 0) throw new InputError(`${file} line 1: the header names "${column}" twice`);
    position[column] = at;
  }
  return { names, position };
};

const LF = 10;
const CR = 13;
const COMMA = 44;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const MIN_VALUE_LINE_BYTES = 42 + 1 + 42 + 1 + 1 + 1;

/**
 * CSV with a header naming account, token and amount in any order; UTF-8, lines ending at "\n"
 * or "\r\n", blank lines skipped. Decoding, splitting, trimming and regex-checking every row cost
 * more than building the tree, so each line is first read in place as bytes: when its fields are
 * exactly a lowercase (or already accepted) address, or a decimal without sign or leading zero up
 * to 2^256 − 1, the codecs would accept them unchanged, and they are encoded as they are. Any
 * other line (quotes, spaces, a wrong field count, a bad value, anything not ASCII) is decoded and
 * takes the reference path, which also words every refusal: the values and messages are the same.
 */
export const parseValuesCsv = async (input: string | Uint8Array, file: string): Promise<EncodedLeaves> => {
  const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const lineEndOf = (from: number): number => {
    const at = data.indexOf(LF, from);
    return at < 0 ? data.length : at;
  };
  /** Where a line's content ends: before the "\r" of a "\r\n"; a "\r" at the very end is content. */
  const contentEndOf = (start: number, lineEnd: number): number =>
    lineEnd > start && lineEnd < data.length && data[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;

  const headerStart = UTF8_BOM.every((b, i) => data[i] === b) ? UTF8_BOM.length : 0;
  const headerEnd = lineEndOf(headerStart);
  const { names, position } = readHeader(data.toString('utf8', headerStart, contentEndOf(headerStart, headerEnd)), file);
  const columnAt = [0, 1, 2].map((k) => COLUMNS.find((column) => position[column] === k)!);
  // A value's line takes 88 bytes at least (two 42-byte addresses, a digit, two commas, a line
  // end), so this bounds the count and the tables need not grow.
  const collector = createValueCollector(file, (line) => `line ${line}`, Math.ceil(data.length / MIN_VALUE_LINE_BYTES));

  /** The line at `start` read in place; where the next line starts, or -1 if it is not plain. */
  const addPlainLine = (start: number, lineNumber: number): number => {
    const at = collector.leaves.slot();
    const bytes = collector.leaves.bytes;
    let p = start;
    for (let k = 0; k < 3; k++) {
      const column = columnAt[k]!;
      if (column === 'amount') {
        const first = p;
        while (data[p]! >= DIGIT_0 && data[p]! <= DIGIT_9) p++;
        if (p === first || (p - first > 1 && data[first] === DIGIT_0)) return -1;
        if (!writeDecimalAsUint256(data, first, p, bytes, at + AMOUNT_AT)) return -1;
      } else {
        const status = writeAddressFromAscii(data, p, bytes, at + (column === 'account' ? ACCOUNT_AT : TOKEN_AT));
        if (status === ADDRESS_MALFORMED || (status !== ADDRESS_LOWERCASE && !collector.checksumHolds(data, p))) return -1;
        p += 42;
      }
      if (k < 2 && data[p++] !== COMMA) return -1;
    }
    let next: number;
    if (p === data.length || data[p] === LF) next = p + 1;
    else if (data[p] === CR && data[p + 1] === LF) next = p + 2;
    else return -1;
    collector.commit(at, lineNumber);
    return next;
  };

  const addLine = (line: string, lineNumber: number): void => {
    if (line.trim() === '') return;
    const fields = line.split(',');
    const place = `line ${lineNumber}`;
    if (fields.length < names.length)
      throw new InputError(`${file} ${place}, ${names[fields.length]}: is missing (the header has ${names.length} columns: ${names.join(',')})`);
    if (fields.length > names.length)
      throw new InputError(`${file} ${place}: has ${fields.length} fields but the header has ${names.length} (${names.join(',')})`);
    const raw = { account: unquote(fields[position.account]!), token: unquote(fields[position.token]!), amount: unquote(fields[position.amount]!) };
    collector.addRecord(raw, lineNumber, undefined);
  };

  let start = headerEnd + 1;
  let lineNumber = 2;
  /** Plain lines, as many as follow one another; the loop stays in a plain function, see dumpJson.ts. */
  const addPlainLines = (): void => {
    while (start <= data.length) {
      const next = addPlainLine(start, lineNumber);
      if (next < 0) return;
      start = next;
      lineNumber++;
    }
  };
  for (addPlainLines(); start <= data.length; addPlainLines()) {
    const lineEnd = lineEndOf(start);
    const line = data.toString('utf8', start, contentEndOf(start, lineEnd));
    if (line.trim() !== '') {
      await codecs();
      // Plain but for a checksum the codecs had to check, or not plain at all.
      if (addPlainLine(start, lineNumber) < 0) addLine(line, lineNumber);
    }
    start = lineEnd + 1;
    lineNumber++;
  }
  const leaves = collector.build();
  if (leaves.count === 0) throw new InputError(`${file} has a header but no values`);
  return leaves;
};

/** A JSON amount: a decimal string, or a plain JSON integer when it is exactly representable. */
const jsonAmount = (raw: unknown, file: string, place: Place): bigint | undefined => {
  if (typeof raw !== 'number') return undefined;
  if (Number.isSafeInteger(raw) && raw >= 0) return BigInt(raw);
  throw new InputError(
    `${file} ${place}, amount: ${raw} is not a whole number from 0 to 2^53 - 1; write amounts as decimal strings, e.g. "1000000000000000000" (got ${raw})`,
  );
};

/** A JSON array of `{account, token, amount}` objects; no other fields. */
export const parseValuesJson = async (text: string, file: string): Promise<EncodedLeaves> => {
  if (text.trim() === '') throw new InputError(`${file} is empty: expected a JSON array of {"account", "token", "amount"} objects`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(data)) throw new InputError(`${file} must hold a JSON array of {"account", "token", "amount"} objects`);
  if (data.length === 0) throw new InputError(`${file} has no values: the array is empty`);
  await codecs();
  const collector = createValueCollector(file, (index) => `entry [${index}]`, data.length);
  data.forEach((entry: unknown, i) => {
    const place = `entry [${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new InputError(`${file} ${place}: must be an object {"account", "token", "amount"}`);
    const record = entry as Record<string, unknown>;
    const extra = Object.keys(record).find((k) => !(COLUMNS as readonly string[]).includes(k));
    if (extra !== undefined) throw new InputError(`${file} ${place}, ${extra}: is not a known field (expected account, token, amount)`);
    const missing = COLUMNS.find((k) => !(k in record));
    if (missing !== undefined) throw new InputError(`${file} ${place}, ${missing}: is required`);
    collector.addRecord(record as Record<Column, unknown>, i, jsonAmount(record.amount, file, place));
  });
  return collector.build();
};

export type ValuesFormat = 'csv' | 'json';

/** As readFile(path, 'utf8') would have: invalid sequences replaced, a byte order mark kept. */
const decodeUtf8 = (content: string | Uint8Array): string =>
  typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');

/** By extension; otherwise by content (JSON starts with `[`), decoded only then. */
export const valuesFormatOf = (path: string, content: string | Uint8Array): ValuesFormat => {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return decodeUtf8(content).trimStart().startsWith('[') ? 'json' : 'csv';
};

export const parseValues = (content: string | Uint8Array, file: string, format: ValuesFormat): Promise<EncodedLeaves> =>
  format === 'csv' ? parseValuesCsv(content, file) : parseValuesJson(decodeUtf8(content), file);

export const readValuesFile = async (path: string): Promise<EncodedLeaves> => {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseValues(content, path, valuesFormatOf(path, content));
};
