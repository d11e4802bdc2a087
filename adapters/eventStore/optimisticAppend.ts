/**
 * The one-statement append of the PostgreSQL/PGlite store. The store remembers the head and the
 * stream versions its own appends left, so it can seal (hash) a batch BEFORE touching the
 * database, and then write it in a single autocommit statement that moves the head only if it is
 * still exactly where the store remembers it and every stream is still at the remembered version.
 * One round trip instead of five (begin, lock the head, look up ids and versions, write, commit),
 * and the hashing happens outside the lock. An append of more than PART_EVENTS events is one
 * transaction of such statements, one per part, each part sealed while the previous is written.
 *
 * The head row stays the global lock: the UPDATE takes its row lock, and a writer racing for it
 * waits, re-reads the row (READ COMMITTED) and finds the head moved, so nothing of its batch is
 * written. Any write moves the head, so a matching head also means the versions read by the same
 * statement are current. Whenever the statement writes nothing (another writer got in first) or
 * an id already exists (a replay or a conflict: the unique index says so), the caller falls back
 * to the locked path, which decides idempotency exactly and refreshes what is remembered.
 */
import { insertSealedSql, type EventStoreTables } from './postgresSchema.ts';
import { WrongExpectedVersionError, type AppendManyOptions, type AppendResult, type LogHead, type StreamAppend } from './port.ts';
import type { StoredEvent } from '../../domain/hashChain.ts';
import { assertDistinctIds, createSealer, validateAppend, type Clock, type Sealer } from './shared.ts';
import type { SqlExecutor, SqlQueryable } from './sqlExecutor.ts';

/** Stream versions remembered: bounded (least recently used go first), whatever the number of streams. */
const MAX_REMEMBERED_STREAMS = 100_000;

export interface AppendMemory {
  head: LogHead | undefined;
  readonly versions: Map<string, number>;
}

export const createAppendMemory = (): AppendMemory => ({ head: undefined, versions: new Map() });

/** What the store learned from a committed append (or a locked read): the head and these streams' versions. */
export const remember = (memory: AppendMemory, head: LogHead, versions: Iterable<readonly [string, number]>): void => {
  memory.head = head;
  for (const [stream, version] of versions) {
    memory.versions.delete(stream);
    memory.versions.set(stream, version);
  }
  for (const stream of memory.versions.keys()) {
    if (memory.versions.size <= MAX_REMEMBERED_STREAMS) break;
    memory.versions.delete(stream);
  }
};

export const forget = (memory: AppendMemory): void => {
  memory.head = undefined;
};

const optimisticSql = (t: EventStoreTables): string => `
  with head as (
    update ${t.head} set position = $2, hash = $3
    where position = $4 and hash = $5
      and (select coalesce(bool_and(coalesce((select max(stream_version) from ${t.events} where stream = s.stream), 0) = s.version), true)
           from jsonb_to_recordset($6::jsonb) as s(stream text, version bigint))
    returning 1
  ), inserted as (${insertSealedSql(t, 'where exists (select 1 from head) returning 1')}
  )
  select count(*)::int as inserted from inserted`;

const versionsSql = (t: EventStoreTables): string => `
  select s.stream, coalesce((select max(stream_version) from ${t.events} where stream = s.stream), 0) as version
  from jsonb_array_elements_text($1::jsonb) as s(stream)`;

const UNIQUE_VIOLATION = '23505';

/** Events per statement of a large append (see writeInParts); smaller appends are one statement. */
const PART_EVENTS = 250;

/**
 * The append in one statement, or undefined when it must take the locked path: nothing
 * remembered, a head or version other than expected, another writer first, or an existing id.
 */
export const appendOptimistically = async (
  db: SqlExecutor,
  t: EventStoreTables,
  memory: AppendMemory,
  writes: readonly StreamAppend[],
  options: AppendManyOptions,
  clock: Clock,
): Promise<AppendResult[] | undefined> => {
  const head = memory.head;
  if (head === undefined || (options.expectedPosition !== undefined && options.expectedPosition !== head.position)) return undefined;
  for (const w of writes) validateAppend(w.stream, w.events, { expectedVersion: w.expectedVersion, expectedPosition: options.expectedPosition });
  assertDistinctIds(writes.flatMap((w) => w.events));
  if (writes.every((w) => w.events.length === 0)) return undefined;
  const streams = [...new Set(writes.map((w) => w.stream))];
  const unknown = streams.filter((s) => !memory.versions.has(s));
  // Versions read now are at least as new as the remembered head; if they are newer, the head moved and the write below does nothing.
  if (unknown.length > 0)
    remember(memory, head, (await db.query(versionsSql(t), [JSON.stringify(unknown)], { prepare: true })).map((r) => [String(r.stream), Number(r.version)] as const));
  const startVersions = new Map(streams.map((s) => [s, memory.versions.get(s) ?? 0]));
  let sealer: Sealer;
  try {
    sealer = createSealer(writes, head, startVersions, clock().toISOString());
  } catch (error) {
    // A version other than expected, by what is remembered: the locked path says exactly.
    if (error instanceof WrongExpectedVersionError) return undefined;
    throw error;
  }
  const versionsJson = JSON.stringify([...startVersions].map(([stream, version]) => ({ stream, version })));
  const eventCount = writes.reduce((n, w) => n + w.events.length, 0);
  let at: LogHead;
  try {
    at = eventCount <= PART_EVENTS ? await writeInOneStatement(db, t, sealer, head, versionsJson) : await writeInParts(db, t, sealer, head, versionsJson);
  } catch (error) {
    if (error !== HEAD_MOVED && (error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    forget(memory);
    return undefined;
  }
  remember(memory, at, sealer.versions);
  return sealer.results();
};

/** Thrown (and caught above) when the statement wrote nothing: another writer moved the head first. */
const HEAD_MOVED = new Error('the log head moved');

/**
 * Writes `part` onto `from` if the head is still there; `versionsJson` holds the stream versions
 * the part was sealed on ('[]' once this transaction holds the head lock).
 */
const writePart = async (db: SqlQueryable, t: EventStoreTables, part: readonly StoredEvent[], from: LogHead, versionsJson: string): Promise<LogHead> => {
  const last = part[part.length - 1]!;
  const [row] = await db.query(optimisticSql(t), [JSON.stringify(part), last.position, last.hash, from.position, from.hash, versionsJson], {
    prepare: true,
  });
  if (Number(row?.inserted ?? 0) !== part.length) throw HEAD_MOVED;
  return { position: last.position, hash: last.hash };
};

const writeInOneStatement = async (db: SqlQueryable, t: EventStoreTables, sealer: Sealer, head: LogHead, versionsJson: string): Promise<LogHead> => {
  const sealed = sealer.next(Number.POSITIVE_INFINITY);
  return sealed.length === 0 ? head : writePart(db, t, sealed, head, versionsJson);
};

/**
 * A large append as one transaction of parts: while the database inserts one part, the next is
 * sealed (hashing is about a third of a 1,000-event append, the insert the rest), so the two
 * overlap instead of adding up. The first part's statement takes the head lock; the rest of the
 * transaction holds it, so later parts need no version check.
 */
const writeInParts = (db: SqlExecutor, t: EventStoreTables, sealer: Sealer, head: LogHead, versionsJson: string): Promise<LogHead> =>
  db.transaction(async (tx) => {
    let from = head;
    let part = sealer.next(PART_EVENTS);
    let check = versionsJson;
    while (part.length > 0) {
      const writing = writePart(tx, t, part, from, check);
      let nextPart: StoredEvent[];
      try {
        nextPart = sealer.next(PART_EVENTS);
      } catch (error) {
        await writing.catch(() => undefined);
        throw error;
      }
      from = await writing;
      part = nextPart;
      check = '[]';
    }
    return from;
  });
