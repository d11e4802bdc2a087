/**
 * Reads the `[account, token, amount]` values of a Merkle distribution from a CSV or JSON file
 * (DESIGN §7) and validates them with the domain codecs. Every problem is an InputError naming
 * the file, where (CSV line, header = line 1; JSON array index) and the field.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type * as t from 'io-ts';
import { Address, Amount } from '../../domain/codecs.ts';
import type { LeafValue } from '../../domain/merkle/index.ts';
import { InputError } from './command.ts';

const COLUMNS = ['account', 'token', 'amount'] as const;
type Column = (typeof COLUMNS)[number];

/** Where a value came from, for messages: "line 4" or "entry [3]". */
type Place = string;

const firstMessage = (errors: t.Errors): string => errors[0]?.message ?? 'is not valid';

/**
 * Checks one value and refuses a repeated (account, token). Checksummed addresses cost a keccak
 * each to check and repeat a lot (a token on every row), so decoded addresses are memoised.
 */
const createValueChecker = (file: string) => {
  const addresses = new Map<string, string>();
  const firstPlaceOfPair = new Map<string, Place>();
  const fail = (place: Place, field: string, message: string, raw: unknown): never => {
    throw new InputError(`${file} ${place}, ${field}: ${message} (got ${JSON.stringify(raw) ?? String(raw)})`);
  };
  const address = (raw: unknown, place: Place, field: Column): string => {
    if (typeof raw === 'string') {
      const known = addresses.get(raw);
      if (known !== undefined) return known;
    }
    const decoded = Address.decode(raw);
    if (decoded._tag === 'Left') return fail(place, field, firstMessage(decoded.left), raw);
    addresses.set(raw as string, decoded.right);
    return decoded.right;
  };
  return (raw: Record<Column, unknown>, place: Place, amount: bigint | undefined): LeafValue => {
    const account = address(raw.account, place, 'account');
    const token = address(raw.token, place, 'token');
    let value = amount;
    if (value === undefined) {
      const decoded = Amount.decode(raw.amount);
      value = decoded._tag === 'Right' ? decoded.right : fail(place, 'amount', firstMessage(decoded.left), raw.amount);
    }
    const pair = `${account} ${token}`;
    const earlier = firstPlaceOfPair.get(pair);
    if (earlier !== undefined)
      throw new InputError(`${file} ${place}: account ${account} with token ${token} repeats ${earlier}; each (account, token) pair may appear once`);
    firstPlaceOfPair.set(pair, place);
    return { account, token, amount: value };
  };
};

const unquote = (field: string): string => {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
};

/** CSV with a header naming account, token and amount in any order. Blank lines are skipped. */
export const parseValuesCsv = (text: string, file: string): LeafValue[] => {
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
  const check = createValueChecker(file);
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
    const raw = { account: unquote(fields[position.account]!), token: unquote(fields[position.token]!), amount: unquote(fields[position.amount]!) };
    values.push(check(raw, place, undefined));
  }
  if (values.length === 0) throw new InputError(`${file} has a header but no values`);
  return values;
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
export const parseValuesJson = (text: string, file: string): LeafValue[] => {
  if (text.trim() === '') throw new InputError(`${file} is empty: expected a JSON array of {"account", "token", "amount"} objects`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(data)) throw new InputError(`${file} must hold a JSON array of {"account", "token", "amount"} objects`);
  if (data.length === 0) throw new InputError(`${file} has no values: the array is empty`);
  const check = createValueChecker(file);
  return data.map((entry: unknown, i) => {
    const place = `entry [${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new InputError(`${file} ${place}: must be an object {"account", "token", "amount"}`);
    const record = entry as Record<string, unknown>;
    const extra = Object.keys(record).find((k) => !(COLUMNS as readonly string[]).includes(k));
    if (extra !== undefined) throw new InputError(`${file} ${place}, ${extra}: is not a known field (expected account, token, amount)`);
    const missing = COLUMNS.find((k) => !(k in record));
    if (missing !== undefined) throw new InputError(`${file} ${place}, ${missing}: is required`);
    return check(record as Record<Column, unknown>, place, jsonAmount(record.amount, file, place));
  });
};

export type ValuesFormat = 'csv' | 'json';

/** By extension; otherwise by content (JSON starts with `[`). */
export const valuesFormatOf = (path: string, text: string): ValuesFormat => {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return text.trimStart().startsWith('[') ? 'json' : 'csv';
};

export const parseValues = (text: string, file: string, format: ValuesFormat): LeafValue[] =>
  format === 'csv' ? parseValuesCsv(text, file) : parseValuesJson(text, file);

export const readValuesFile = async (path: string): Promise<LeafValue[]> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseValues(text, path, valuesFormatOf(path, text));
};
