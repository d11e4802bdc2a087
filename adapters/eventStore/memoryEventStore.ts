/**
 * In-memory event store: the reference adapter for tests, simulations and audits of an exported log.
 * One mutex serializes appends, so concurrent callers behave as with the database adapters.
 */
import type { StoredEvent } from '../../domain/hashChain.ts';
import { createMutex } from './mutex.ts';
import type { EventStore, LogHead, ReadAllOptions, ReadStreamOptions } from './port.ts';
import { DEFAULT_PAGE_SIZE, EMPTY_HEAD, appendManyToLockedLog, appendToLockedLog, systemClock, type Clock, type LockedLog } from './shared.ts';

export interface MemoryEventStoreOptions {
  readonly clock?: Clock;
}

/** First index whose key is ≥ `key`, in an array sorted by that key. */
const lowerBound = <T>(items: readonly T[], key: number, keyOf: (item: T) => number): number => {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const sliceFrom = <T>(items: readonly T[], from: number, keyOf: (item: T) => number, maxCount: number | undefined): T[] => {
  const start = lowerBound(items, from, keyOf);
  return items.slice(start, maxCount === undefined ? undefined : start + maxCount);
};

interface MemoryLog {
  readonly log: StoredEvent[];
  readonly byId: Map<string, StoredEvent>;
  readonly byStream: Map<string, StoredEvent[]>;
}

const indexEvent = (state: MemoryLog, e: StoredEvent): void => {
  state.log.push(e);
  state.byId.set(e.id, e);
  const stream = state.byStream.get(e.stream);
  if (stream) stream.push(e);
  else state.byStream.set(e.stream, [e]);
};

const headOf = (log: readonly StoredEvent[]): LogHead => {
  const last = log[log.length - 1];
  return last ? { position: last.position, hash: last.hash } : EMPTY_HEAD;
};

const lockedLog = (state: MemoryLog): LockedLog => ({
  head: async () => headOf(state.log),
  lookup: async (streams, ids) => ({
    streamVersions: new Map(streams.map((stream) => [stream, state.byStream.get(stream)?.at(-1)?.streamVersion ?? 0])),
    existing: ids.flatMap((id) => state.byId.get(id) ?? []),
  }),
  write: async (events) => events.forEach((e) => indexEvent(state, e)),
});

const storeOver = (state: MemoryLog, options: MemoryEventStoreOptions): EventStore => {
  const mutex = createMutex();
  const clock = options.clock ?? systemClock;
  return {
    append: (stream, events, appendOptions = {}) =>
      mutex.run(() => appendToLockedLog(lockedLog(state), stream, events, appendOptions, clock)),
    appendMany: (writes, appendOptions = {}) => mutex.run(() => appendManyToLockedLog(lockedLog(state), writes, appendOptions, clock)),
    readStream: async (stream, { fromVersion = 1, maxCount }: ReadStreamOptions = {}) =>
      sliceFrom(state.byStream.get(stream) ?? [], fromVersion, (e) => e.streamVersion, maxCount),
    readAll: async ({ fromPosition = 1, maxCount = DEFAULT_PAGE_SIZE }: ReadAllOptions = {}) =>
      sliceFrom(state.log, fromPosition, (e) => e.position, maxCount),
    readById: async (id) => state.byId.get(id),
    readByIds: async (ids) => new Map(ids.flatMap((id) => state.byId.get(id) ?? []).map((e) => [e.id, e])),
    head: async () => headOf(state.log),
    close: async () => undefined,
  };
};

export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore =>
  storeOver({ log: [], byId: new Map(), byStream: new Map() }, options);

/**
 * A store holding `events` exactly as given (no re-sealing, no verification), so an audit can run
 * `verifyStoreChain` over an imported log and see any tampering. Events are ordered by position; a
 * position or id that appears twice cannot be held by any store (they are unique keys) and is refused.
 */
export const createMemoryEventStoreFrom = (events: Iterable<StoredEvent>, options: MemoryEventStoreOptions = {}): EventStore => {
  const sorted = [...events].sort((a, b) => a.position - b.position);
  const state: MemoryLog = { log: [], byId: new Map(), byStream: new Map() };
  for (const e of sorted) {
    if (state.byId.has(e.id)) throw new Error(`cannot load the log: event id ${e.id} appears twice`);
    const previous = state.log.at(-1);
    if (previous?.position === e.position) throw new Error(`cannot load the log: position ${e.position} appears twice`);
    indexEvent(state, e);
  }
  for (const stream of state.byStream.values()) stream.sort((a, b) => a.streamVersion - b.streamVersion);
  return storeOver(state, options);
};
