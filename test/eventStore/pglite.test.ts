import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, openPgliteEventStore } from '../../adapters/eventStore/postgresEventStore.ts';
import { pgliteExecutor } from '../../adapters/eventStore/sqlExecutor.ts';
import { verifyStoreChain, type Clock } from '../../adapters/eventStore/shared.ts';
import { eventStoreContract, newEvent } from './contract.ts';
import { tamperSuite } from './tamper.ts';

/**
 * Starting PGlite takes seconds, so the suites share one in-memory instance and each store gets a
 * schema of its own (the same isolation the PostgreSQL suite has), dropped afterwards.
 */
let shared: Promise<PGlite> | undefined;
let storeCount = 0;
afterAll(async () => {
  if (shared) await (await shared).close();
});

const openStore = async (clock?: Clock) => {
  const pglite = await (shared ??= PGlite.create());
  const schema = `store_${++storeCount}`;
  // The instance outlives each store, so closing a store must not close it.
  const db = { ...pgliteExecutor(pglite), close: async () => undefined };
  const store = createPostgresEventStore({ db, schema, ...(clock ? { clock } : {}) });
  await store.migrate();
  return { store, cleanup: async () => void (await pglite.query(`drop schema ${schema} cascade`)) };
};

eventStoreContract('PGlite (in memory)', ({ clock }) => openStore(clock));
tamperSuite('PGlite', () => openStore());

describe('PGlite event store in memory', () => {
  it('opens migrated and empty, and closes', async () => {
    const store = await openPgliteEventStore(undefined);
    expect(await store.head()).toEqual({ position: 0, hash: `0x${'00'.repeat(32)}` });
    await store.append('a', [newEvent('e1')]);
    expect(await store.readAll()).toHaveLength(1);
    await store.close();
  });
});

describe('PGlite event store on disk', () => {
  it('keeps the log across a restart and continues the chain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxt-pglite-'));
    try {
      const first = await openPgliteEventStore(dir);
      await first.append('a', [newEvent('e1'), newEvent('e2')]);
      await first.append('b', [newEvent('e3', { amount: '7' })]);
      const before = await first.readAll();
      const headBefore = await first.head();
      await first.close();

      const reopened = await openPgliteEventStore(dir);
      expect(await reopened.readAll()).toEqual(before);
      expect(await reopened.head()).toEqual(headBefore);
      expect(await reopened.append('b', [newEvent('e3', { amount: '7' })])).toMatchObject({ duplicate: true, lastPosition: 3 });
      const next = await reopened.append('a', [newEvent('e4')], { expectedVersion: 2, expectedPosition: 3 });
      expect(next.events[0]).toMatchObject({ position: 4, streamVersion: 3, prevHash: headBefore.hash });
      expect(await verifyStoreChain(reopened)).toMatchObject({ ok: true, count: 4 });
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
