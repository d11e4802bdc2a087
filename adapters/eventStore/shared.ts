/**
 * The append rules every adapter shares, so memory, PostgreSQL/PGlite and EventStoreDB cannot drift
 * apart: batch validation, idempotency, expected version and position, and sealing into the chain.
 * An adapter only supplies the reads and the write of `LockedLog`, run under its global append lock.
 */
import {
  ZERO_HASH,
  createChainVerifier,
  jcs,
  sealEnvelope,
  type ChainFault,
  type ChainVerification,
  type StoredEvent,
} from '../../domain/hashChain.ts';
import {
  IdempotencyConflictError,
  WrongExpectedPositionError,
  WrongExpectedVersionError,
  type AppendManyOptions,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type LogHead,
  type NewEvent,
  type StreamAppend,
} from './port.ts';

/** Time is an argument (DESIGN §1): stores take a clock so tests can pin `recordedAt`. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const EMPTY_HEAD: LogHead = { position: 0, hash: ZERO_HASH };
export const DEFAULT_PAGE_SIZE = 1000;

const isNonNegativeInteger = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** `no_stream` is version 0; a number must match exactly; `stream_exists` needs version ≥ 1. */
export const expectedVersionMatches = (expected: ExpectedVersion, actual: number): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return expected === actual;
  }
};

export const checkExpectedVersion = (stream: string, expected: ExpectedVersion | undefined, actual: number): void => {
  if (expected !== undefined && !expectedVersionMatches(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
};

export const checkExpectedPosition = (expected: number | undefined, actual: number): void => {
  if (expected !== undefined && expected !== actual) throw new WrongExpectedPositionError(expected, actual);
};

/** An existing id is a replay when type, stream and the canonical JSON of data are all equal. */
export const isSameContent = (existing: StoredEvent, stream: string, candidate: NewEvent): boolean =>
  existing.type === candidate.type && existing.stream === stream && jcs(existing.data) === jcs(candidate.data);

/** Programming errors, not concurrency outcomes: reject them before touching the log. */
export const validateAppend = (stream: string, events: readonly NewEvent[], options: AppendOptions): void => {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream must be a non-empty string');
  for (const e of events) {
    if (typeof e.id !== 'string' || e.id.length === 0) throw new TypeError(`every event needs a non-empty string id (stream ${stream})`);
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${e.id} needs a non-empty type`);
    if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) throw new TypeError(`event ${e.id} data must be a JSON object`);
  }
  const { expectedVersion, expectedPosition } = options;
  if (typeof expectedVersion === 'number' && !isNonNegativeInteger(expectedVersion))
    throw new RangeError(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
  if (expectedPosition !== undefined && !isNonNegativeInteger(expectedPosition))
    throw new RangeError(`expectedPosition must be a non-negative integer, got ${expectedPosition}`);
};

export const assertDistinctIds = (events: readonly NewEvent[]): void => {
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) throw new IdempotencyConflictError(e.id, undefined);
    seen.add(e.id);
  }
};

/**
 * Given the stored events that share an id with the batch: the originals in batch order when the whole
 * batch is a replay, undefined when no id exists yet. Anything in between is a conflict: a changed event,
 * or a batch that only partly overlaps an earlier one (writing the rest would split one command in two).
 */
export const resolveReplay = (
  stream: string,
  events: readonly NewEvent[],
  existing: readonly StoredEvent[],
): StoredEvent[] | undefined => {
  if (existing.length === 0) return undefined;
  const byId = new Map(existing.map((e) => [e.id, e]));
  const originals: StoredEvent[] = [];
  let firstFound: StoredEvent | undefined;
  for (const candidate of events) {
    const original = byId.get(candidate.id);
    if (!original) continue;
    if (!isSameContent(original, stream, candidate)) throw new IdempotencyConflictError(original.id, original.position);
    firstFound ??= original;
    originals.push(original);
  }
  if (!firstFound) return undefined;
  if (originals.length !== events.length) throw new IdempotencyConflictError(firstFound.id, firstFound.position);
  return originals;
};

export const duplicateResult = (originals: readonly StoredEvent[]): AppendResult => ({
  events: originals,
  streamVersion: originals.reduce((max, e) => Math.max(max, e.streamVersion), 0),
  lastPosition: originals.reduce((max, e) => Math.max(max, e.position), 0),
  duplicate: true,
});

/** Sealing in progress: `next(n)` seals up to n more events, in order, across the writes. */
export interface Sealer {
  /** The next up to `maxEvents` events chained onto the last one sealed; empty when all are. */
  readonly next: (maxEvents: number) => StoredEvent[];
  /** Per write, once every event is sealed: its events or its replayed originals. */
  readonly results: () => AppendResult[];
  /** Each stream's version after the whole append. */
  readonly versions: ReadonlyMap<string, number>;
}

/**
 * The writes of one append chained onto `head`: consecutive positions, each stream's versions
 * counted on from `versions`, each event linked to the one before. A write that `replays` marks as
 * an idempotent replay is answered by its originals and not sealed. Every expected version is
 * checked before the first event is sealed (throws WrongExpectedVersionError), so a caller may
 * start writing the first part while the rest is still being sealed.
 */
export const createSealer = (
  writes: readonly StreamAppend[],
  head: LogHead,
  versions: ReadonlyMap<string, number>,
  recordedAt: string,
  replays: ReadonlyArray<readonly StoredEvent[] | undefined> = [],
): Sealer => {
  const after = new Map(versions);
  const startVersions = writes.map((w, i) => {
    if (replays[i]) return 0;
    const version = after.get(w.stream) ?? 0;
    checkExpectedVersion(w.stream, w.expectedVersion, version);
    after.set(w.stream, version + w.events.length);
    return version;
  });
  const sealedPerWrite: StoredEvent[][] = writes.map(() => []);
  const startPositions: number[] = [];
  let at = head;
  let write = 0;
  let index = 0;
  const next = (maxEvents: number): StoredEvent[] => {
    const part: StoredEvent[] = [];
    while (part.length < maxEvents && write < writes.length) {
      const w = writes[write]!;
      startPositions[write] ??= at.position;
      if (replays[write] || index >= w.events.length) {
        write++;
        index = 0;
        continue;
      }
      const e = w.events[index]!;
      const event = sealEnvelope(
        { id: e.id, type: e.type, stream: w.stream, streamVersion: startVersions[write]! + index + 1, recordedAt, data: e.data, prevHash: at.hash },
        at.position + 1,
      );
      sealedPerWrite[write]!.push(event);
      part.push(event);
      at = { position: event.position, hash: event.hash };
      index++;
    }
    return part;
  };
  const results = (): AppendResult[] =>
    writes.map((w, i): AppendResult => {
      const originals = replays[i];
      if (originals) return duplicateResult(originals);
      const events = sealedPerWrite[i]!;
      if (events.length < w.events.length) throw new Error('createSealer: results() asked before every event was sealed');
      if (events.length === 0) return { events: [], streamVersion: startVersions[i]!, lastPosition: startPositions[i] ?? at.position, duplicate: false };
      const last = events[events.length - 1]!;
      return { events, streamVersion: last.streamVersion, lastPosition: last.position, duplicate: false };
    });
  return { next, results, versions: after };
};

/** The whole append sealed at once (see createSealer). */
export const sealWrites = (
  writes: readonly StreamAppend[],
  head: LogHead,
  versions: ReadonlyMap<string, number>,
  recordedAt: string,
  replays: ReadonlyArray<readonly StoredEvent[] | undefined> = [],
): { sealed: StoredEvent[]; results: AppendResult[]; versions: Map<string, number> } => {
  const sealer = createSealer(writes, head, versions, recordedAt, replays);
  const sealed = sealer.next(Number.POSITIVE_INFINITY);
  return { sealed, results: sealer.results(), versions: new Map(sealer.versions) };
};

/** What an adapter exposes while it holds its global append lock (a transaction, a mutex, …). */
export interface LockedLog {
  /** Called first, so a backend that locks on read (SELECT … FOR UPDATE) holds the lock for the rest. */
  readonly head: () => Promise<LogHead>;
  /**
   * The current version of each of `streams` (absent: 0) and the stored events having any of `ids`
   * (one call: one round trip for SQL).
   */
  readonly lookup: (
    streams: readonly string[],
    ids: readonly string[],
  ) => Promise<{ streamVersions: ReadonlyMap<string, number>; existing: StoredEvent[] }>;
  /** Stores the sealed events and moves the head to the last one. */
  readonly write: (events: readonly StoredEvent[]) => Promise<void>;
}

/**
 * The whole append decision, for one write or a group of them. Idempotency comes before the
 * expected version and position, so a retried command that already succeeded gets its original
 * result.
 */
export const appendManyToLockedLog = async (
  log: LockedLog,
  writes: readonly StreamAppend[],
  options: AppendManyOptions,
  clock: Clock,
): Promise<AppendResult[]> => {
  for (const w of writes) validateAppend(w.stream, w.events, { expectedVersion: w.expectedVersion, expectedPosition: options.expectedPosition });
  const allEvents = writes.flatMap((w) => w.events);
  assertDistinctIds(allEvents);
  const head = await log.head();
  const { streamVersions, existing } = await log.lookup([...new Set(writes.map((w) => w.stream))], allEvents.map((e) => e.id));
  const replays = writes.map((w) => resolveReplay(w.stream, w.events, existing));
  const { sealed, results } = sealWrites(writes, head, streamVersions, clock().toISOString(), replays);
  if (replays.some((r) => r === undefined)) checkExpectedPosition(options.expectedPosition, head.position);
  if (sealed.length > 0) await log.write(sealed);
  return results;
};

/** One stream's append: `appendManyToLockedLog` with one write. */
export const appendToLockedLog = async (
  log: LockedLog,
  stream: string,
  events: readonly NewEvent[],
  options: AppendOptions,
  clock: Clock,
): Promise<AppendResult> => {
  const [result] = await appendManyToLockedLog(log, [{ stream, events, expectedVersion: options.expectedVersion }], options, clock);
  return result!;
};

/** The log in pages of `pageSize`, from `fromPosition` on, in bounded memory. */
export async function* readAllPages(
  store: Pick<EventStore, 'readAll'>,
  fromPosition = 1,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<StoredEvent[]> {
  let from = fromPosition;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    from = page[page.length - 1]!.position + 1;
  }
}

const headFault = (recorded: LogHead, count: number, hashAtHead: string | undefined): ChainFault | undefined => {
  if (count < recorded.position)
    return {
      position: count + 1,
      kind: 'position-gap',
      message: `the log ends at position ${count} but its head records ${recorded.position}: events at the end were deleted`,
    };
  if (recorded.position > 0 && hashAtHead !== recorded.hash)
    return {
      position: recorded.position,
      kind: 'hash-mismatch',
      message: `event at position ${recorded.position} hashes to ${String(hashAtHead)} but the recorded head is ${recorded.hash}`,
    };
  return undefined;
};

/**
 * Streams the whole log through the chain verifier. The chain alone cannot see its tail cut off, so the
 * head as recorded before reading must also be reached, with the same hash (appends during the walk only add).
 */
export const verifyStoreChain = async (store: Pick<EventStore, 'readAll' | 'head'>, pageSize = DEFAULT_PAGE_SIZE): Promise<ChainVerification> => {
  const recorded = await store.head();
  const verifier = createChainVerifier();
  let hashAtHead: string | undefined;
  walk: for await (const page of readAllPages(store, 1, pageSize)) {
    for (const e of page) {
      if (verifier.push(e)) break walk;
      if (e.position === recorded.position) hashAtHead = e.hash;
    }
  }
  const result = verifier.result();
  if (!result.ok) return result;
  const fault = headFault(recorded, result.count, hashAtHead);
  return fault ? { ok: false, count: result.count, fault } : result;
};
