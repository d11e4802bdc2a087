/**
 * The last gate before the log (DESIGN §2): every decided event is encoded, decoded again with its
 * own codec and re-encoded, and must come back byte for byte, with nothing a JSON store cannot hold
 * (a NUL or a lone surrogate, which jsonb refuses). A decision that fails this is refused, so the
 * log only ever holds events that decode: a total beyond uint256, say, becomes a refusal instead of
 * an EpochClosed that no later restart could read.
 */
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, encodeEventData, type CorexEvent } from './events.ts';
import { jcs } from './hashChain.ts';
import { refuse, type Refusal } from './errors.ts';

export interface EncodedEvent {
  readonly type: CorexEvent['type'];
  /** JSON form, exactly as it will be stored and hashed. */
  readonly data: Record<string, unknown>;
}

const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (key or value) a JSON store cannot hold, or undefined. */
const unstorablePath = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') return UNSTORABLE_TEXT.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (UNSTORABLE_TEXT.test(k)) return `${path}.${k}`;
      const found = unstorablePath(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
};

const notStorable = (e: CorexEvent, why: string): Refusal =>
  refuse('EVENT_NOT_STORABLE', `the ${e.type} this request leads to cannot be recorded: ${why}; nothing was written`);

/** Encodes one event for the log after proving it round-trips through its codec. */
export const encodeStorable = (e: CorexEvent): E.Either<Refusal, EncodedEvent> => {
  let data: Record<string, unknown>;
  try {
    data = encodeEventData(e);
  } catch (error) {
    return E.left(notStorable(e, `it does not encode (${(error as Error).message})`));
  }
  const bad = unstorablePath(data, 'data');
  if (bad) return E.left(notStorable(e, `${bad} holds a NUL or a lone surrogate`));
  const decoded = decodeEvent(e.type, data);
  if (E.isLeft(decoded)) return E.left(notStorable(e, decoded.left.map((f) => `${f.field} ${f.message}`).join('; ')));
  const original = jcs(data);
  if (jcs(encodeEventData(decoded.right)) !== original) return E.left(notStorable(e, 'it does not decode to itself'));
  return E.right({ type: e.type, data });
};

/** Every event of a decision, or the first refusal. */
export const encodeStorableEvents = (events: readonly CorexEvent[]): E.Either<Refusal, EncodedEvent[]> => {
  const out: EncodedEvent[] = [];
  for (const e of events) {
    const r = encodeStorable(e);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  return E.right(out);
};
