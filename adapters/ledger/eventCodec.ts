/** Between the store's JSON envelopes and the domain's decoded events. */
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, encodeStorableEvents, type CorexEvent, type EncodedEvent, type Refusal, type StoredEvent } from '../../domain/index.ts';
import type { NewEvent } from '../eventStore/port.ts';

export class CorruptEventError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(`event at position ${position} cannot be decoded: ${message}`);
    this.name = 'CorruptEventError';
  }
}

export const toDomainEvent = (e: StoredEvent): CorexEvent => {
  const decoded = decodeEvent(e.type, e.data);
  if (E.isLeft(decoded)) throw new CorruptEventError(e.position, decoded.left.map((f) => `${f.field} ${f.message}`).join('; '));
  return decoded.right;
};

/**
 * The first event of a command takes its idempotency key as id; the rest are numbered after it.
 * Each event is proven to round-trip through its codec first (domain/storable.ts).
 */
export const toNewEvents = (key: string, events: readonly CorexEvent[]): E.Either<Refusal, NewEvent[]> =>
  E.map((encoded: EncodedEvent[]) => encoded.map((e, i) => ({ id: i === 0 ? key : `${key}/${i}`, type: e.type, data: e.data })))(
    encodeStorableEvents(events),
  );
