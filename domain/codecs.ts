/**
 * io-ts building blocks shared by events, commands and every boundary (HTTP, CLI, files).
 * Each codec decodes the JSON form and encodes back to it, so `encode(decode(x))` is canonical.
 */
import * as t from 'io-ts';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const UINT256_MAX = (1n << 256n) - 1n;
/**
 * The largest amount a command may carry (DESIGN §2): with every record at most 2^128 − 1, no
 * realistic number of records can push a total (per-asset sums, cumulative leaves, supply) out of
 * uint256, so a request that passes validation can never make a later close or tree unencodable.
 */
export const MAX_COMMAND_AMOUNT = (1n << 128n) - 1n;

const amountCodec = (name: string, max: bigint, maxText: string, positive: boolean) =>
  new t.Type<bigint, string, unknown>(
    name,
    (u): u is bigint => typeof u === 'bigint' && u >= (positive ? 1n : 0n) && u <= max,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'must be a decimal string of base units, e.g. "1000000000000000000"');
      if (!/^(0|[1-9][0-9]*)$/.test(u)) return t.failure(u, c, 'must be a non-negative whole number written as a decimal string');
      if (u.length > 80) return t.failure(u, c, `exceeds ${maxText}`);
      const v = BigInt(u);
      if (v > max) return t.failure(u, c, `exceeds ${maxText}`);
      if (positive && v === 0n) return t.failure(u, c, 'must be greater than zero');
      return t.success(v);
    },
    (v) => v.toString(),
  );

/** Non-negative integer amount in base units up to uint256; JSON form is a decimal string without sign or leading zeros. */
export const Amount = amountCodec('Amount', UINT256_MAX, '2^256 - 1', false);
/** Amount that must be > 0. */
export const PositiveAmount = amountCodec('PositiveAmount', UINT256_MAX, '2^256 - 1', true);
/** An amount a command (and the single record it writes) may carry: at most 2^128 − 1. */
export const CommandAmount = amountCodec('CommandAmount', MAX_COMMAND_AMOUNT, '2^128 - 1', false);
export const PositiveCommandAmount = amountCodec('PositiveCommandAmount', MAX_COMMAND_AMOUNT, '2^128 - 1', true);

export const intCodec = (name: string, min: number, max: number) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `must be a whole number from ${min} to ${max}`),
    (v) => v,
  );

export const Epoch = intCodec('Epoch', 0, 2 ** 40);
export const Bps = intCodec('Bps', 0, 10_000);
export const Count = intCodec('Count', 0, Number.MAX_SAFE_INTEGER);
export const PositiveCount = intCodec('PositiveCount', 1, Number.MAX_SAFE_INTEGER);
/** Unix time in whole seconds. */
export const UnixSeconds = intCodec('UnixSeconds', 0, 2 ** 40);

/** EIP-55: mixed case must carry a valid checksum; all-lower and all-upper are accepted as is. */
const checksumOk = (hex40: string): boolean => {
  if (hex40 === hex40.toLowerCase() || hex40 === hex40.toUpperCase()) return true;
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex40.toLowerCase())));
  for (let i = 0; i < 40; i++) {
    const ch = hex40[i]!;
    if (/[a-f]/i.test(ch)) {
      const upper = parseInt(hash[i]!, 16) >= 8;
      if (upper !== (ch === ch.toUpperCase())) return false;
    }
  }
  return true;
};

/** An EVM address, stored lowercase. */
export const Address = new t.Type<string, string, unknown>(
  'Address',
  (u): u is string => typeof u === 'string' && /^0x[0-9a-f]{40}$/.test(u),
  (u, c) => {
    if (typeof u !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(u))
      return t.failure(u, c, 'must be a 0x-prefixed 20-byte hex address');
    if (!checksumOk(u.slice(2))) return t.failure(u, c, 'has an invalid EIP-55 checksum');
    return t.success(u.toLowerCase());
  },
  (v) => v,
);

/** 32-byte hash as 0x-prefixed lowercase hex. */
export const Hash32 = new t.Type<string, string, unknown>(
  'Hash32',
  (u): u is string => typeof u === 'string' && /^0x[0-9a-f]{64}$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^0x[0-9a-fA-F]{64}$/.test(u)
      ? t.success(u.toLowerCase())
      : t.failure(u, c, 'must be a 0x-prefixed 32-byte hex hash'),
  (v) => v,
);

/** Identifier chosen by a caller: 1–200 printable characters, no whitespace. */
export const Id = new t.Type<string, string, unknown>(
  'Id',
  (u): u is string => typeof u === 'string' && /^[\x21-\x7e]{1,200}$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^[\x21-\x7e]{1,200}$/.test(u)
      ? t.success(u)
      : t.failure(u, c, 'must be 1 to 200 printable characters without spaces'),
  (v) => v,
);

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const textProblem = (u: unknown, minLength: number, maxLength: number): string | undefined => {
  if (typeof u !== 'string' || u.length < minLength || u.length > maxLength)
    return minLength === 0 ? `must be at most ${maxLength} characters` : `must be ${minLength} to ${maxLength} characters`;
  if (CONTROL_CHARACTER.test(u)) return 'must not contain control characters (U+0000 to U+001F, U+007F to U+009F)';
  if (LONE_SURROGATE.test(u)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
};

/**
 * Free text a caller chooses (a region, a reason, a symbol), `minLength` to `maxLength` UTF-16
 * units. Control characters and unpaired surrogates are refused: PostgreSQL's jsonb cannot store
 * U+0000 or a lone surrogate (an accepted command would fail at append), and control characters
 * would reach logs, reports and terminals verbatim.
 */
export const text = (name: string, minLength: number, maxLength: number) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => textProblem(u, minLength, maxLength) === undefined,
    (u, c) => {
      const problem = textProblem(u, minLength, maxLength);
      return problem === undefined ? t.success(u as string) : t.failure(u, c, problem);
    },
    (v) => v,
  );

export const literalUnion = <const L extends readonly [string, string, ...string[]]>(name: string, values: L) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as { [K in L[number]]: null }, name);

/**
 * Object codec that refuses unknown fields (naming them) instead of silently dropping them:
 * a typo in a field name must not turn into a missing optional value.
 */
export const strictObject = <R extends t.Props, O extends t.Props = {}>(name: string, required: R, optional?: O) => {
  const inner = t.intersection([t.type(required), t.partial(optional ?? ({} as O))]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  type A = t.TypeOf<typeof inner>;
  type O2 = t.OutputOf<typeof inner>;
  return new t.Type<A, O2, unknown>(
    name,
    (u): u is A => inner.is(u),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'must be a JSON object');
      const unknownKeys = Object.keys(u).filter((k) => !known.has(k));
      const unknownErrors: t.Errors = unknownKeys.map((k) => ({
        value: (u as Record<string, unknown>)[k],
        context: [...c, { key: k, type: t.never, actual: (u as Record<string, unknown>)[k] }],
        message: 'is not a known field',
      }));
      // Validate under a context whose last entry is the intersection itself, so the branch index
      // it adds ("0", "1") is recognised as such and left out of field paths (errors.ts pathOf).
      const last = c[c.length - 1];
      const innerContext: t.Context = last ? [...c.slice(0, -1), { ...last, type: inner }] : [{ key: '', type: inner, actual: u }];
      const result = inner.validate(u, innerContext);
      // Every problem is reported at once: unknown fields and the known fields' own errors.
      if (unknownErrors.length === 0) return result;
      return t.failures(result._tag === 'Left' ? [...unknownErrors, ...result.left] : unknownErrors);
    },
    (a) => {
      const out = inner.encode(a) as Record<string, unknown>;
      for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
      return out as O2;
    },
  );
};

/** An array of `min` to `max` items, each decoded by `item` (problems named by index, e.g. fragments.3.units). */
export const boundedArray = <C extends t.Mixed>(name: string, item: C, min: number, max: number) => {
  const inner = t.array(item);
  return new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
    name,
    (u): u is Array<t.TypeOf<C>> => inner.is(u) && u.length >= min && u.length <= max,
    (u, c) =>
      Array.isArray(u) && (u.length < min || u.length > max) ? t.failure(u, c, `must hold ${min} to ${max} items, not ${u.length}`) : inner.validate(u, c),
    (a) => inner.encode(a),
  );
};
