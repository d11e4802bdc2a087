/**
 * The one-statement append of the PostgreSQL/PGlite store. The store remembers the head and the
 * stream versions its own appends left, so it can seal (hash) a batch BEFORE touching the
 * database, and then write it in a single autocommit statement that moves the head only if it is
 * still exactly where the store remembers it and every stream is still at the remembered version.
 * One round trip instead of five (begin, lock the head, look up ids and versions, write, commit),
 * and the hashing happens outside the lock.
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
import { assertDistinctIds, sealWrites, validateAppend, type Clock } from './shared.ts';
import type { SqlQueryable } from './sqlExecutor.ts';

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

/**
 * The append in one statement, or undefined when it must take the locked path: nothing
 * remembered, a head or version other than expected, another writer first, or an existing id.
 */
export const appendOptimistically = async (
  db: SqlQueryable,
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
  let sealing;
  try {
    sealing = sealWrites(writes, head, startVersions, clock().toISOString());
  } catch (error) {
    // A version other than expected, by what is remembered: the locked path says exactly.
    if (error instanceof WrongExpectedVersionError) return undefined;
    throw error;
  }
  const { sealed, results, versions } = sealing;
  const last = sealed.at(-1);
  const at: LogHead = last ? { position: last.position, hash: last.hash } : head;
  try {
    const [row] = await db.query(optimisticSql(t), [
      JSON.stringify(sealed),
      at.position,
      at.hash,
      head.position,
      head.hash,
      JSON.stringify([...startVersions].map(([stream, version]) => ({ stream, version }))),
    ], { prepare: true });
    if (Number(row?.inserted ?? 0) !== sealed.length) {
      forget(memory);
      return undefined;
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    forget(memory);
    return undefined;
  }
  remember(memory, at, versions);
  return results;
};
