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
import { ADDRESS_LOWERCASE, ADDRESS_MALFORMED, writeAddress } from '../../domain/merkle/hex.ts';
import { createPairIndex, pairKeyHash } from '../../domain/merkle/pairIndex.ts';
import { InputError } from './command.ts';

const COLUMNS = ['account', 'token', 'amount'] as const;
type Column = (typeof COLUMNS)[number];

/** Where a value came from, for messages: "line 4" or "entry [3]". */
type Place = string;

const firstMessage = (errors: t.Errors): string => errors[0]?.message ?? 'is not valid';

/**
 * Collects checked values and refuses a repeated (account, token), whichever path each value took.
 * Each value carries a place key (CSV line number, JSON index) that `placeOf` words on demand.
 * Pairs go into the tree's typed-array index keyed by the 40 address bytes, which each path
 * leaves in `pairBytes`: a Map of 100,000 string keys cost more than the rest of the read.
 */
const createValueCollector = (file: string, placeOf: (key: number) => Place) => {
  const values: LeafValue[] = [];
  const placeKeys: number[] = [];
  const pairBytes = new Uint8Array(40);
  const pairs = createPairIndex(1024, (a, b) => values[a]!.account === values[b]!.account && values[a]!.token === values[b]!.token);
  /** Checksummed addresses cost a keccak each to check and repeat a lot (a token on every row). */
  const decodedAddresses = new Map<string, string>();

  const fail = (place: Place, field: string, message: string, raw: unknown): never => {
    throw new InputError(`${file} ${place}, ${field}: ${message} (got ${JSON.stringify(raw) ?? String(raw)})`);
  };
  /** What the Address codec makes of `raw`, undefined when it refuses it. */
  const decodedAddress = (raw: unknown): string | undefined => {
    if (typeof raw === 'string') {
      const known = decodedAddresses.get(raw);
      if (known !== undefined) return known;
    }
    const decoded = Address.decode(raw);
    if (decoded._tag === 'Left') return undefined;
    decodedAddresses.set(raw as string, decoded.right);
    return decoded.right;
  };
  const address = (raw: unknown, place: Place, field: Column): string => {
    const decoded = decodedAddress(raw);
    if (decoded !== undefined) return decoded;
    const refused = Address.decode(raw);
    return fail(place, field, refused._tag === 'Left' ? firstMessage(refused.left) : 'is not valid', raw);
  };

  /** Adds a valid value whose address bytes are in pairBytes; throws on a repeated pair. */
  const add = (account: string, token: string, amount: bigint, placeKey: number): void => {
    const index = values.length;
    values.push({ account, token, amount });
    placeKeys.push(placeKey);
    const earlier = pairs.add(pairKeyHash(pairBytes, 0, 20), index);
    if (earlier >= 0)
      throw new InputError(
        `${file} ${placeOf(placeKey)}: account ${account} with token ${token} repeats ${placeOf(placeKeys[earlier]!)}; each (account, token) pair may appear once`,
      );
  };

  /** The reference path: every field through its io-ts codec, the first refusal worded by it. */
  const addRecord = (raw: Record<Column, unknown>, placeKey: number, amount: bigint | undefined): void => {
    const place = placeOf(placeKey);
    const account = address(raw.account, place, 'account');
    const token = address(raw.token, place, 'token');
    let value = amount;
    if (value === undefined) {
      const decoded = Amount.decode(raw.amount);
      value = decoded._tag === 'Right' ? decoded.right : fail(place, 'amount', firstMessage(decoded.left), raw.amount);
    }
    writeAddress(account, pairBytes, 0);
    writeAddress(token, pairBytes, 20);
    add(account, token, value, placeKey);
  };

  /**
   * The fast path for an address field that is exactly `0x` + 40 hex digits, so there is nothing
   * to trim or unquote; its bytes go to pairBytes at `bytesAt`. Undefined for anything the codec
   * would refuse, so that the caller takes the reference path, which words the refusal.
   */
  const plainAddress = (text: string, start: number, end: number, bytesAt: number): string | undefined => {
    const status = writeAddress(text, pairBytes, bytesAt, start, end);
    if (status === ADDRESS_MALFORMED) return undefined;
    const spelled = text.slice(start, end);
    return status === ADDRESS_LOWERCASE ? spelled : decodedAddress(spelled);
  };

  return { values, add, addRecord, plainAddress };
};

/**
 * The fast path for an amount field: a decimal without sign or leading zero and at most 77 digits,
 * so always below 2^256 − 1 (78 digits) and exactly what the Amount codec accepts as it is.
 */
const plainAmount = (text: string, start: number, end: number): bigint | undefined => {
  const digits = end - start;
  if (digits < 1 || digits > 77 || (digits > 1 && text.charCodeAt(start) === 48)) return undefined;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return BigInt(text.slice(start, end));
};

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

/**
 * CSV with a header naming account, token and amount in any order. Lines end at "\n" or "\r\n";
 * blank lines are skipped. Splitting, trimming and regex-checking every row cost more than building
 * the tree, so each line is first tried in place: when its three fields are already plain (see
 * plainAddress, plainAmount) the codecs would accept them unchanged and the row is taken as it is.
 * Any other line (quotes, spaces, a wrong field count, a bad value) takes the reference path,
 * which also words every refusal, so the values and the messages are the same either way.
 */
export const parseValuesCsv = (text: string, file: string): LeafValue[] => {
  const lineEndOf = (from: number): number => {
    const at = text.indexOf('\n', from);
    return at < 0 ? text.length : at;
  };
  /** Where a line's content ends: before the "\r" of a "\r\n"; a lone "\r" at the very end is content. */
  const contentEndOf = (start: number, lineEnd: number): number =>
    lineEnd > start && lineEnd < text.length && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;

  const headerStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const headerEnd = lineEndOf(headerStart);
  const { names, position } = readHeader(text.slice(headerStart, contentEndOf(headerStart, headerEnd)), file);
  const collector = createValueCollector(file, (line) => `line ${line}`);
  // Field k of the line being read spans bounds[2k] to bounds[2k + 1].
  const bounds = new Int32Array(6);

  const addPlainLine = (start: number, end: number, lineNumber: number): boolean => {
    const firstComma = text.indexOf(',', start);
    if (firstComma < 0 || firstComma >= end) return false;
    const secondComma = text.indexOf(',', firstComma + 1);
    if (secondComma < 0 || secondComma >= end) return false;
    bounds[0] = start;
    bounds[1] = firstComma;
    bounds[2] = firstComma + 1;
    bounds[3] = secondComma;
    bounds[4] = secondComma + 1;
    bounds[5] = end;
    // Each check spans its whole field, so a third comma anywhere fails one of them.
    const account = collector.plainAddress(text, bounds[2 * position.account]!, bounds[2 * position.account + 1]!, 0);
    if (account === undefined) return false;
    const token = collector.plainAddress(text, bounds[2 * position.token]!, bounds[2 * position.token + 1]!, 20);
    if (token === undefined) return false;
    const amount = plainAmount(text, bounds[2 * position.amount]!, bounds[2 * position.amount + 1]!);
    if (amount === undefined) return false;
    collector.add(account, token, amount, lineNumber);
    return true;
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

  for (let start = headerEnd + 1, lineNumber = 2; start <= text.length; lineNumber++) {
    const lineEnd = lineEndOf(start);
    const end = contentEndOf(start, lineEnd);
    if (!addPlainLine(start, end, lineNumber)) addLine(text.slice(start, end), lineNumber);
    start = lineEnd + 1;
  }
  if (collector.values.length === 0) throw new InputError(`${file} has a header but no values`);
  return collector.values;
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
  const collector = createValueCollector(file, (index) => `entry [${index}]`);
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
  return collector.values;
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
