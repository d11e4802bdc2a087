/**
 * Event store on EventStoreDB.
 *
 * EventStoreDB has neither a gap-free global position ($all positions are byte offsets with holes)
 * nor atomic writes across streams, and our chain needs both. So the whole log is ONE EventStoreDB
 * stream (`corex-log`): position = revision + 1, gap-free by construction, and an append is one
 * `appendToStream` with expectedRevision = the head we built on. That expected revision is the global
 * lock: a competing writer (another process) gets WrongExpectedVersion from the server, catches up
 * and retries. In-process appends are also queued on a mutex so they do not race each other for nothing.
 * Our logical stream and stream version live inside the event body.
 *
 * Costs of that choice, accepted for an adapter whose job is to pass the same contract:
 * - `readStream` scans the whole log and filters by stream: O(log), because EventStoreDB cannot index
 *   a field of the body, and writing each event also to its own stream would need the atomic
 *   multi-stream write it lacks (system projections like $by-category are asynchronous, so they would
 *   break read-your-writes).
 * - Idempotency needs "which ids exist?": each store instance keeps an id → position and
 *   stream → version index in memory, caught up from the log before every append (O(log) on the first
 *   append after opening, then only the new events).
 * - Server limits apply to one append (1 MiB by default), so very large batches may be refused.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  jsonEvent,
  type ReadStreamOptions as EsdbReadOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { StoredEvent } from '../../domain/hashChain.ts';
import { createMutex } from './mutex.ts';
import type { EventStore, LogHead, ReadAllOptions, ReadStreamOptions } from './port.ts';
import { DEFAULT_PAGE_SIZE, EMPTY_HEAD, appendManyToLockedLog, systemClock, type Clock, type LockedLog } from './shared.ts';

/** A connection string, or a client (the store owns it either way: `close()` disposes it). */
export type EventStoreDbConnection = { readonly connectionString: string } | { readonly client: EventStoreDBClient };

export type EventStoreDbEventStoreOptions = EventStoreDbConnection & {
  /** The EventStoreDB stream that holds the whole log. */
  readonly logStream?: string;
  readonly clock?: Clock;
  /** How many races against other writers one append may lose before giving up. */
  readonly maxAttempts?: number;
};

export const DEFAULT_LOG_STREAM = 'corex-log';

/** The envelope minus what EventStoreDB already carries: the type (event type) and the position (revision + 1). */
interface LogBody {
  readonly id: string;
  readonly stream: string;
  readonly streamVersion: number;
  readonly recordedAt: string;
  readonly data: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

const toEventData = (e: StoredEvent) => {
  const body: LogBody = { id: e.id, stream: e.stream, streamVersion: e.streamVersion, recordedAt: e.recordedAt, data: e.data, prevHash: e.prevHash, hash: e.hash };
  return jsonEvent({ type: e.type, data: { ...body } });
};

const toStoredEvent = (resolved: ResolvedEvent): StoredEvent => {
  const event = resolved.event;
  if (!event || !event.isJson) throw new Error(`the log holds a non-JSON event at revision ${String(event?.revision)}`);
  const body = event.data as unknown as LogBody;
  return {
    id: body.id,
    type: event.type,
    stream: body.stream,
    streamVersion: body.streamVersion,
    position: Number(event.revision) + 1,
    recordedAt: body.recordedAt,
    data: body.data,
    prevHash: body.prevHash,
    hash: body.hash,
  };
};

/** Another process appended between our catch-up and our write: catch up again and redo the decision. */
class LostRaceError extends Error {}

interface LogIndex {
  head: LogHead;
  readonly positionById: Map<string, number>;
  readonly versionByStream: Map<string, number>;
}

const indexEvent = (index: LogIndex, e: StoredEvent): void => {
  index.positionById.set(e.id, e.position);
  index.versionByStream.set(e.stream, e.streamVersion);
  index.head = { position: e.position, hash: e.hash };
};

/** Consecutive runs of sorted positions, so n duplicates of one batch cost one read, not n. */
const runsOf = (positions: readonly number[]): Array<{ from: number; count: number }> => {
  const runs: Array<{ from: number; count: number }> = [];
  for (const p of [...positions].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last.from + last.count === p) last.count++;
    else runs.push({ from: p, count: 1 });
  }
  return runs;
};

export const createEventStoreDbEventStore = (options: EventStoreDbEventStoreOptions): EventStore => {
  const { logStream = DEFAULT_LOG_STREAM, clock = systemClock, maxAttempts = 100 } = options;
  const client = 'client' in options ? options.client : EventStoreDBClient.connectionString(options.connectionString);
  const mutex = createMutex();
  const index: LogIndex = { head: EMPTY_HEAD, positionById: new Map(), versionByStream: new Map() };

  async function* readLog(readOptions: EsdbReadOptions): AsyncGenerator<StoredEvent> {
    try {
      for await (const resolved of client.readStream(logStream, readOptions)) yield toStoredEvent(resolved);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  const readRange = async (fromPosition: number, maxCount: number): Promise<StoredEvent[]> => {
    if (maxCount <= 0) return [];
    const events: StoredEvent[] = [];
    for await (const e of readLog({ fromRevision: BigInt(Math.max(fromPosition, 1) - 1), maxCount })) events.push(e);
    return events;
  };

  const catchUp = async (): Promise<void> => {
    const fromRevision = index.head.position === 0 ? START : BigInt(index.head.position);
    for await (const e of readLog({ fromRevision })) indexEvent(index, e);
  };

  const eventsWithIds = async (ids: readonly string[]): Promise<StoredEvent[]> => {
    const positions = ids.flatMap((id) => index.positionById.get(id) ?? []);
    return (await Promise.all(runsOf(positions).map((run) => readRange(run.from, run.count)))).flat();
  };

  const lockedLog: LockedLog = {
    head: async () => {
      await catchUp();
      return index.head;
    },
    lookup: async (streams, ids) => ({
      streamVersions: new Map(streams.map((stream) => [stream, index.versionByStream.get(stream) ?? 0])),
      existing: await eventsWithIds(ids),
    }),
    write: async (events) => {
      const first = events[0]!;
      const expectedRevision = first.position === 1 ? NO_STREAM : BigInt(first.position - 2);
      try {
        await client.appendToStream(logStream, events.map(toEventData), { expectedRevision });
      } catch (error) {
        if (error instanceof EsdbWrongExpectedVersionError) throw new LostRaceError(`${logStream} moved past revision ${String(expectedRevision)}`);
        throw error;
      }
      for (const e of events) indexEvent(index, e);
    },
  };

  const appendWithRetry: EventStore['appendMany'] = async (writes, options = {}) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await appendManyToLockedLog(lockedLog, writes, options, clock);
      } catch (error) {
        if (!(error instanceof LostRaceError)) throw error;
        if (attempt >= maxAttempts) throw new Error(`an append lost ${attempt} races against other writers of ${logStream}; giving up`);
      }
    }
  };

  return {
    append: async (stream, events, options = {}) =>
      (await mutex.run(() => appendWithRetry([{ stream, events, expectedVersion: options.expectedVersion }], options)))[0]!,
    appendMany: (writes, options) => mutex.run(() => appendWithRetry(writes, options)),
    readStream: async (stream, { fromVersion = 1, maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions = {}) => {
      const found: StoredEvent[] = [];
      if (maxCount <= 0) return found;
      for await (const e of readLog({ fromRevision: START })) {
        if (e.stream !== stream || e.streamVersion < fromVersion) continue;
        found.push(e);
        if (found.length >= maxCount) break;
      }
      return found;
    },
    readAll: ({ fromPosition = 1, maxCount = DEFAULT_PAGE_SIZE }: ReadAllOptions = {}) => readRange(fromPosition, maxCount),
    // EventStoreDB keeps event ids unique only within a window, so the adapter's id index (kept
    // current from the log under the append lock) is what finds an old id; it grows with the log.
    readById: async (id) => {
      await mutex.run(catchUp);
      const position = index.positionById.get(id);
      return position === undefined ? undefined : (await readRange(position, 1))[0];
    },
    readByIds: async (ids) => {
      await mutex.run(catchUp);
      return new Map((await eventsWithIds(ids)).map((e) => [e.id, e]));
    },
    head: async () => {
      for await (const e of readLog({ fromRevision: END, direction: BACKWARDS, maxCount: 1 })) return { position: e.position, hash: e.hash };
      return EMPTY_HEAD;
    },
    close: () => client.dispose(),
  };
};
