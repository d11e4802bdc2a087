/**
 * The JSON body parser: JSON.parse, then one linear scan of the text for what JSON.parse lets
 * through silently but this service must not accept (I-JSON, RFC 7493):
 *
 * - a key twice in one object: JSON.parse keeps the last one, so a signed
 *   `"kind":"training","kind":"compute"` would be recorded as whatever a proxy, a log reader or the
 *   signer's library took it to be — ambiguous input is refused, not guessed;
 * - U+0000 or an unpaired surrogate in any string, key or value: PostgreSQL's jsonb cannot store
 *   either, so an accepted request would fail at append;
 * - a `__proto__` or `constructor` key anywhere: a prototype-pollution payload for any code that
 *   merges bodies into objects, and never a field of this API.
 *
 * Every problem is named by its path (`contribution.kind`, `items.0.region`; `body` for the root).
 * The scan relies on the text being valid JSON (it runs after JSON.parse), so it only tracks
 * nesting, keys and string boundaries. Strings with no backslash and no surrogate (nearly all) are
 * taken as they stand; only the others are decoded, each once.
 */
import type { FieldError } from '../../domain/index.ts';

const MAX_REPORTED = 20;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const RESERVED_KEYS = new Set(['__proto__', 'constructor']);

/** A body refused before any route sees it: not JSON, or JSON this service does not accept. */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'CXT_INVALID_JSON_BODY';
  constructor(
    message: string,
    readonly errors: readonly FieldError[],
  ) {
    super(message);
    this.name = 'JsonBodyError';
  }
}

interface Frame {
  /** Keys seen so far (objects only): a list while small, a set beyond that. */
  keys: string[] | Set<string> | undefined;
  /** The current member: the last key read, or the array index. */
  member: string | number;
}

const SMALL_OBJECT_KEYS = 16;

/** Adds `key`; false when it was already there. */
const addKey = (frame: Frame, key: string): boolean => {
  const keys = frame.keys!;
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > SMALL_OBJECT_KEYS) frame.keys = new Set(keys);
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
};

/** Path segments are shown with control characters and lone surrogates escaped, so a field name is always printable. */
const segment = (member: string | number): string =>
  typeof member === 'number'
    ? String(member)
    : member === ''
      ? '""'
      : member.replace(UNPRINTABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Built only when something is reported: the members of every open frame, e.g. "contribution.kind". */
const pathOf = (stack: readonly Frame[]): string => (stack.length === 0 ? 'body' : stack.map((f) => segment(f.member)).join('.'));

/** Escapes must be decoded to see the text; a raw surrogate must be checked for its pair. */
const NEEDS_DECODING = /[\\\ud800-\udfff]/;

/** Index of the quote that ends the string starting at `from`: the first one not escaped by an odd run of backslashes. */
const closingQuote = (text: string, from: number): number => {
  for (let q = text.indexOf('"', from); ; q = text.indexOf('"', q + 1)) {
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
  }
};

const stringProblem = (value: string): string | undefined => {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which no text field accepts';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate, which is not Unicode text';
  return undefined;
};

/** Every field problem of a text already known to be valid JSON, in document order (at most MAX_REPORTED). */
export const scanJson = (text: string): FieldError[] => {
  const errors: FieldError[] = [];
  const report = (message: string) => {
    if (errors.length < MAX_REPORTED) errors.push({ field: pathOf(stack), message });
  };
  const stack: Frame[] = [];
  let top: Frame | undefined;
  let expectKey = false;
  // Most bodies have no escape and no non-BMP character at all: then no string needs decoding,
  // and values need no look (raw NUL is not valid JSON), only keys for uniqueness.
  const anyEscapes = NEEDS_DECODING.test(text);
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (!expectKey && !anyEscapes) {
        i = end;
        continue;
      }
      const raw = text.slice(i + 1, end);
      const plain = !anyEscapes || !NEEDS_DECODING.test(raw);
      const value = plain ? raw : (JSON.parse(text.slice(i, end + 1)) as string);
      if (expectKey) {
        expectKey = false;
        const frame = top!;
        frame.member = value;
        const problem = plain ? undefined : stringProblem(value);
        if (problem) report(`is a key that ${problem}`);
        else if (!addKey(frame, value)) report('appears more than once in its object: every key must be unique (I-JSON, RFC 7493)');
        else if (RESERVED_KEYS.has(value)) report('is a reserved key: __proto__ and constructor are refused anywhere in a body');
      } else if (!plain) {
        const problem = stringProblem(value);
        if (problem) report(problem);
      }
      i = end;
    } else if (ch === 0x7b /* { */) {
      stack.push((top = { keys: [], member: '' }));
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      stack.push((top = { keys: undefined, member: 0 }));
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      top = stack[stack.length - 1];
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      if (top!.keys) expectKey = true;
      else top!.member = (top!.member as number) + 1;
    }
  }
  return errors;
};

/** The body as a value, or a JsonBodyError naming what is wrong. */
export const parseJsonBody = (raw: string): unknown => {
  // A UTF-8 byte order mark is tolerated, as fastify's own parser did.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text === '') throw new JsonBodyError('the body is empty but the content type says JSON', [{ field: 'body', message: 'is empty' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new JsonBodyError(`the body is not valid JSON: ${reason}`, [{ field: 'body', message: `is not valid JSON (${reason})` }]);
  }
  const errors = scanJson(text);
  if (errors.length > 0)
    throw new JsonBodyError(`the body is not acceptable JSON: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  return value;
};
