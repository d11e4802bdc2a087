/**
 * io-ts → JSON Schema (draft 2020-12 subset that OpenAPI 3.1 accepts), so /docs is generated from
 * the very codecs that validate requests and cannot drift from them.
 *
 * Only the codec kinds the HTTP layer uses are supported; any other kind throws at start-up rather
 * than publishing a schema that says less than the codec checks. Custom named types (Amount,
 * Address, …) are matched by identity, not by name, so a look-alike codec is never mis-described.
 */
import * as t from 'io-ts';
import {
  Address,
  Amount,
  Bps,
  CommandAmount,
  Count,
  Epoch,
  Hash32,
  Id,
  PositiveAmount,
  PositiveCommandAmount,
  PositiveCount,
  Reason,
  Region,
  UnixSeconds,
  strictObject,
} from '../../domain/index.ts';

export type JsonSchema = { readonly [key: string]: unknown };

interface ObjectShape {
  readonly required: t.Props;
  readonly optional: t.Props;
  readonly description?: string;
}

const objectShapes = new WeakMap<t.Mixed, ObjectShape>();
const scalarSchemas = new Map<t.Mixed, JsonSchema>();

/** Registers the schema of a custom scalar codec (a t.Type with its own validate). */
export const describeScalar = <C extends t.Mixed>(codec: C, schema: JsonSchema): C => {
  scalarSchemas.set(codec, schema);
  return codec;
};

/**
 * The domain's strictObject (unknown fields refused, each named), remembered with its fields so
 * the converter can describe it: strictObject itself is an opaque t.Type. Unlike strictObject
 * alone, an unknown field does not hide the other fields' errors: the known part is validated too
 * and every error is reported, so a client fixes its request in one round trip.
 */
export const describedObject = <R extends t.Props, O extends t.Props = {}>(name: string, required: R, optional?: O, description?: string) => {
  const inner = strictObject(name, required, optional);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  const codec = new t.Type<t.TypeOf<typeof inner>, t.OutputOf<typeof inner>, unknown>(
    name,
    inner.is,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return inner.validate(u, c);
      const entries = Object.entries(u as Record<string, unknown>);
      const unknownErrors: t.ValidationError[] = entries
        .filter(([k]) => !known.has(k))
        .map(([k, v]) => ({ value: v, context: [...c, { key: k, type: t.never, actual: v }], message: 'is not a known field' }));
      if (unknownErrors.length === 0) return inner.validate(u, c);
      const knownPart = inner.validate(Object.fromEntries(entries.filter(([k]) => known.has(k))), c);
      return t.failures(knownPart._tag === 'Left' ? [...unknownErrors, ...knownPart.left] : unknownErrors);
    },
    inner.encode,
  );
  objectShapes.set(codec, { required, optional: optional ?? {}, ...(description === undefined ? {} : { description }) });
  return codec;
};

const UINT256_DIGITS = 78;
const UINT128_DIGITS = 39;
const integer = (minimum: number, maximum: number, description: string): JsonSchema => ({ type: 'integer', minimum, maximum, description });

describeScalar(Amount, {
  type: 'string',
  pattern: '^(0|[1-9][0-9]*)$',
  maxLength: UINT256_DIGITS,
  description: 'Base units as a decimal string (18 decimals for CXT), 0 to 2^256 − 1, e.g. "1000000000000000000" = 1 CXT.',
});
describeScalar(PositiveAmount, {
  type: 'string',
  pattern: '^[1-9][0-9]*$',
  maxLength: UINT256_DIGITS,
  description: 'Base units as a decimal string, greater than zero and at most 2^256 − 1.',
});
describeScalar(CommandAmount, {
  type: 'string',
  pattern: '^(0|[1-9][0-9]*)$',
  maxLength: UINT128_DIGITS,
  description: 'Base units as a decimal string (18 decimals for CXT), 0 to 2^128 − 1, e.g. "1000000000000000000" = 1 CXT.',
});
describeScalar(PositiveCommandAmount, {
  type: 'string',
  pattern: '^[1-9][0-9]*$',
  maxLength: UINT128_DIGITS,
  description: 'Base units as a decimal string, greater than zero and at most 2^128 − 1 (so no total can leave uint256).',
});
describeScalar(Address, {
  type: 'string',
  pattern: '^0x[0-9a-fA-F]{40}$',
  description: 'EVM address; mixed case must carry a valid EIP-55 checksum. Stored and returned lowercase.',
});
describeScalar(Hash32, { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$', description: '32 bytes as 0x-prefixed hex; returned lowercase.' });
describeScalar(Id, { type: 'string', pattern: '^[!-~]{1,200}$', description: 'Identifier chosen by the caller: 1 to 200 printable ASCII characters, no spaces.' });
describeScalar(Epoch, integer(0, 2 ** 40, 'Epoch number (0-based, on the genesis time grid).'));
describeScalar(Count, integer(0, Number.MAX_SAFE_INTEGER, 'Whole number.'));
describeScalar(PositiveCount, integer(1, Number.MAX_SAFE_INTEGER, 'Whole number, at least 1.'));
describeScalar(Bps, integer(0, 10_000, 'Basis points (10000 = 100%).'));
describeScalar(UnixSeconds, integer(0, 2 ** 40, 'Unix time in whole seconds.'));
describeScalar(Region, { type: 'string', minLength: 1, maxLength: 64 });
describeScalar(Reason, { type: 'string', maxLength: 500 });

/** A body that may be left out: undefined decodes to undefined; anything else must match `inner`. Described as `inner`. */
export const describeOptional = <C extends t.Mixed>(inner: C) => {
  const codec = new t.Type<t.TypeOf<C> | undefined, t.OutputOf<C> | undefined, unknown>(
    inner.name,
    (u): u is t.TypeOf<C> | undefined => u === undefined || inner.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : inner.validate(u, c)),
    (a) => (a === undefined ? undefined : inner.encode(a)),
  );
  optionalOf.set(codec, inner);
  return codec;
};
const optionalOf = new WeakMap<t.Mixed, t.Mixed>();

const tagOf = (codec: t.Mixed): string | undefined => (codec as unknown as { _tag?: string })._tag;

const objectSchema = (codec: t.Mixed, shape: ObjectShape): JsonSchema => {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, field] of Object.entries({ ...shape.required, ...shape.optional })) properties[key] = toJsonSchema(field as t.Mixed);
  return {
    type: 'object',
    title: codec.name,
    ...(shape.description === undefined ? {} : { description: shape.description }),
    properties,
    required: Object.keys(shape.required),
    additionalProperties: false,
  };
};

/** The JSON Schema of `codec`; throws for a codec kind it cannot describe faithfully. */
export const toJsonSchema = (codec: t.Mixed): JsonSchema => {
  const scalar = scalarSchemas.get(codec);
  if (scalar) return scalar;
  const shape = objectShapes.get(codec);
  if (shape) return objectSchema(codec, shape);
  const optional = optionalOf.get(codec);
  if (optional) return toJsonSchema(optional);
  switch (tagOf(codec)) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys((codec as unknown as t.KeyofC<Record<string, unknown>>).keys) };
    case 'LiteralType': {
      const value = (codec as unknown as t.LiteralC<string | number | boolean>).value;
      return { type: typeof value, const: value, enum: [value] };
    }
    case 'ArrayType':
      return { type: 'array', items: toJsonSchema((codec as unknown as t.ArrayC<t.Mixed>).type) };
    case 'UnionType':
      return { anyOf: (codec as unknown as t.UnionC<[t.Mixed, t.Mixed]>).types.map(toJsonSchema) };
    default:
      throw new Error(`cannot describe codec ${codec.name} as JSON Schema: register it with describeScalar or build it with describedObject`);
  }
};
