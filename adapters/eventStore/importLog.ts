/**
 * Importing an exported log (`cxt import`): the envelopes are written exactly as given — ids,
 * positions, stream versions, recordedAt and hashes — never re-sealed, so the imported store holds
 * the same chain, byte for byte, as the one exported. Only an empty store accepts an import, and
 * the chain is verified while the rows are written: the first fault aborts the whole import (one
 * transaction on SQL, a store swapped in only at the end in memory), so a refused file writes nothing.
 *
 * A new file beside the adapters rather than a method on each, so the append path and its contract
 * suite stay untouched: importing is the one write that bypasses sealing.
 */
import { createChainVerifier, type StoredEvent } from '../../domain/hashChain.ts';
import { createMemoryEventStore, createMemoryEventStoreFrom, type MemoryEventStoreOptions } from './memoryEventStore.ts';
import type { EventStore, LogHead } from './port.ts';
import type { PostgresEventStore } from './postgresEventStore.ts';
import { insertSealedSql, type EventStoreTables } from './postgresSchema.ts';
import type { SqlQueryable } from './sqlExecutor.ts';

export interface LogImportResult {
  readonly count: number;
  readonly head: LogHead;
}

export interface LogImporter {
  /** Writes the envelopes in the order given; throws LogImportError (and writes nothing) on the first fault. */
  importEvents(envelopes: AsyncIterable<StoredEvent> | Iterable<StoredEvent>): Promise<LogImportResult>;
}

/** Why an import was refused; `ordinal` is the 1-based index of the offending envelope in the input (0: the store itself). */
export class LogImportError extends Error {
  constructor(
    readonly ordinal: number,
    message: string,
  ) {
    super(message);
    this.name = 'LogImportError';
  }
}

const notEmpty = (head: LogHead): LogImportError =>
  new LogImportError(0, `the store is not empty (its log ends at position ${head.position}); an import only goes into an empty store`);

/**
 * Checks each envelope as it passes: the domain's own chain verifier (positions from 1 without
 * gaps, links, hashes) and consecutive stream versions, which the chain does not cover.
 */
const createImportCheck = () => {
  const verifier = createChainVerifier();
  const streamVersions = new Map<string, number>();
  let ordinal = 0;
  return {
    check(e: StoredEvent): void {
      ordinal++;
      const fault = verifier.push(e);
      if (fault) throw new LogImportError(ordinal, fault.message);
      const expected = (streamVersions.get(e.stream) ?? 0) + 1;
      if (e.streamVersion !== expected)
        throw new LogImportError(ordinal, `event at position ${e.position} has version ${e.streamVersion} in stream ${e.stream}, expected ${expected}`);
      streamVersions.set(e.stream, expected);
    },
    result(): LogImportResult {
      const r = verifier.result();
      // Unreachable with a fault: check() has thrown on it already.
      if (!r.ok) throw new LogImportError(r.count + 1, r.fault.message);
      return { count: r.count, head: { position: r.count, hash: r.head } };
    },
  };
};

// ---------------------------------------------------------------- PostgreSQL / PGlite

/** The same row mapping as the append path's write, without moving the head (done once at the end). */
const insertSql = (t: EventStoreTables): string => insertSealedSql(t);

const lockEmptyLog = async (tx: SqlQueryable, t: EventStoreTables): Promise<void> => {
  const [head] = await tx.query(`select position, hash from ${t.head} for update`);
  if (!head) throw new Error(`the event store head row is missing in ${t.head}: run migrate() first`);
  const position = Number(head.position);
  const [rows] = await tx.query(`select count(*)::bigint as n from ${t.events}`);
  if (position !== 0 || Number(rows?.n ?? 0) !== 0) throw notEmpty({ position, hash: String(head.hash) });
};

export interface SqlImportOptions {
  /** Rows per INSERT (default 1000). */
  readonly batchSize?: number;
}

/** Import into a PostgreSQL/PGlite store: one transaction holding the append lock throughout. */
export const sqlLogImporter = (store: PostgresEventStore, { batchSize = 1000 }: SqlImportOptions = {}): LogImporter => ({
  importEvents: (envelopes) =>
    store.db.transaction(async (tx) => {
      const t = store.tables;
      await lockEmptyLog(tx, t);
      const check = createImportCheck();
      let batch: StoredEvent[] = [];
      const flush = async () => {
        if (batch.length > 0) await tx.query(insertSql(t), [JSON.stringify(batch)]);
        batch = [];
      };
      for await (const e of envelopes) {
        check.check(e);
        batch.push(e);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      const result = check.result();
      if (result.count > 0) await tx.query(`update ${t.head} set position = $1, hash = $2`, [result.head.position, result.head.hash]);
      return result;
    }),
});

// ---------------------------------------------------------------- memory

/**
 * A memory store that also takes an import: it starts empty, and a successful import replaces it
 * with a store holding exactly the imported envelopes (createMemoryEventStoreFrom).
 */
export const createImportableMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore & LogImporter => {
  let inner: EventStore = createMemoryEventStore(options);
  return {
    append: (stream, events, appendOptions) => inner.append(stream, events, appendOptions),
    appendMany: (writes, appendOptions) => inner.appendMany(writes, appendOptions),
    readStream: (stream, readOptions) => inner.readStream(stream, readOptions),
    readAll: (readOptions) => inner.readAll(readOptions),
    readById: (id) => inner.readById(id),
    readByIds: (ids) => inner.readByIds(ids),
    head: () => inner.head(),
    close: () => inner.close(),
    async importEvents(envelopes) {
      const head = await inner.head();
      if (head.position !== 0) throw notEmpty(head);
      const check = createImportCheck();
      const events: StoredEvent[] = [];
      for await (const e of envelopes) {
        check.check(e);
        events.push(e);
      }
      // An append may have slipped in while the input was read: the store must still be empty.
      const now = await inner.head();
      if (now.position !== 0) throw notEmpty(now);
      inner = createMemoryEventStoreFrom(events, options);
      return check.result();
    },
  };
};
