/**
 * importEvents (adapters/eventStore/importLog.ts) on every store that takes an import: the log is
 * re-created exactly (same envelopes, same head, appends continue the chain), a broken chain or a
 * stream-version gap is refused with the offending envelope's ordinal and nothing is written, and a
 * store that already holds events refuses any import.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { hashEnvelope, type StoredEvent } from '../../domain/hashChain.ts';
import { createImportableMemoryEventStore, LogImportError, sqlLogImporter, type LogImporter } from '../../adapters/eventStore/importLog.ts';
import { createMemoryEventStore, createPostgresEventStore, pgExecutor, pgliteExecutor, readAllPages, verifyStoreChain, type EventStore } from '../../adapters/eventStore/index.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';

const postgresOk = await postgresAvailable();

/** A real log to import: appended through a memory store, so it is sealed by the store itself. */
const sourceLog = async (count: number): Promise<StoredEvent[]> => {
  const store = createMemoryEventStore({ clock: () => new Date('2025-03-01T12:00:00.000Z') });
  for (let i = 1; i <= count; i++) await store.append(`account-${i % 4}`, [{ id: `e${i}`, type: 'StakeDeposited', data: { amount: `${i}000`, nested: { z: 1, a: [i] } } }]);
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(store)) events.push(...page);
  return events;
};

const allOf = async (store: EventStore): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(store, 1, 7)) events.push(...page);
  return events;
};

const refusal = async (p: Promise<unknown>): Promise<LogImportError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof LogImportError) return error;
    throw error;
  }
  throw new Error('the import was expected to be refused');
};

type Subject = () => Promise<{ store: EventStore & LogImporter; cleanup: () => Promise<void> }>;

let pglite: Promise<PGlite> | undefined;
let schemas = 0;
afterAll(async () => {
  if (pglite) await (await pglite).close();
});

const subjects: Record<string, Subject> = {
  memory: async () => ({ store: createImportableMemoryEventStore(), cleanup: async () => undefined }),
  PGlite: async () => {
    const db = await (pglite ??= PGlite.create());
    const schema = `import_${++schemas}`;
    const store = createPostgresEventStore({ db: { ...pgliteExecutor(db), close: async () => undefined }, schema });
    await store.migrate();
    return { store: Object.assign(store, sqlLogImporter(store, { batchSize: 4 })), cleanup: async () => void (await db.query(`drop schema ${schema} cascade`)) };
  },
  ...(postgresOk
    ? {
        PostgreSQL: async () => {
          const schema = freshSchemaName('import');
          const pool: pg.Pool = createPool(schema, 2);
          const store = createPostgresEventStore({ db: pgExecutor(pool), schema });
          await store.migrate();
          return { store: Object.assign(store, sqlLogImporter(store, { batchSize: 4 })), cleanup: async () => { await store.close(); await dropSchema(schema); } };
        },
      }
    : {}),
};

describe.each(Object.entries(subjects))('importEvents: %s', (_name, open) => {
  it('re-creates the log exactly, and appends continue its chain', async () => {
    const { store, cleanup } = await open();
    try {
      const log = await sourceLog(11);
      expect(await store.importEvents(log)).toEqual({ count: 11, head: { position: 11, hash: log[10]!.hash } });
      expect(await allOf(store)).toEqual(log);
      expect(await store.head()).toEqual({ position: 11, hash: log[10]!.hash });
      const next = await store.append('account-3', [{ id: 'e12', type: 'StakeDeposited', data: { amount: '1' } }], { expectedVersion: 3, expectedPosition: 11 });
      expect(next.events[0]).toMatchObject({ position: 12, streamVersion: 4, prevHash: log[10]!.hash });
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: 12 });
      expect(await refusal(store.importEvents(log))).toMatchObject({ ordinal: 0, message: expect.stringContaining('not empty') });
    } finally {
      await cleanup();
    }
  });

  it('refuses a broken chain at the first bad envelope and writes nothing', async () => {
    const { store, cleanup } = await open();
    try {
      const log = await sourceLog(11);
      const tampered = log.map((e) => (e.position === 9 ? { ...e, data: { amount: '1' } } : e));
      const error = await refusal(store.importEvents(tampered));
      expect(error).toMatchObject({ ordinal: 9, message: expect.stringContaining('position 9 was altered') });
      expect(await store.head()).toMatchObject({ position: 0 });
      expect(await store.readAll()).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it('refuses a stream-version gap that the chain itself does not cover', async () => {
    const { store, cleanup } = await open();
    try {
      const log = await sourceLog(6);
      const bumped = { ...log[4]!, streamVersion: 5 };
      const resealed = log.slice(0, 4).concat({ ...bumped, hash: hashEnvelope(bumped) });
      expect(await refusal(store.importEvents(resealed))).toMatchObject({ ordinal: 5, message: expect.stringContaining('expected 2') });
      expect(await store.readAll()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
