/**
 * The one-statement append (adapters/eventStore/optimisticAppend.ts) on PostgreSQL: after the first
 * append a store writes with ONE query and no transaction; two stores on one database (two
 * processes) whose memories go stale still interleave gap-free, with one chain, each id once; and
 * a replayed or conflicting id that the statement trips over is still answered exactly. An append
 * larger than a part (250 events) is one transaction of several statements, sealing the next part
 * while the previous one is written; it keeps the same guarantees.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from '../../adapters/eventStore/postgresEventStore.ts';
import { IdempotencyConflictError, type NewEvent } from '../../adapters/eventStore/port.ts';
import { verifyStoreChain } from '../../adapters/eventStore/shared.ts';
import { pgExecutor, type SqlExecutor } from '../../adapters/eventStore/sqlExecutor.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';

const ok = await postgresAvailable();
const schema = freshSchemaName('optimistic');
const opened: PostgresEventStore[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  if (ok) await dropSchema(schema);
});

/** A store on the shared schema, counting the statements and transactions it sends. */
const openCounted = async () => {
  const inner = pgExecutor(createPool(schema, 4));
  const counts = { queries: 0, transactions: 0 };
  const db: SqlExecutor = {
    query: (sql, params) => (counts.queries++, inner.query(sql, params)),
    transaction: (fn) => (counts.transactions++, inner.transaction(fn)),
    close: () => inner.close(),
  };
  const store = createPostgresEventStore({ db, schema });
  opened.push(store);
  await store.migrate();
  return { store, counts };
};

const event = (id: string, data: Record<string, unknown> = { id }): NewEvent => ({ id, type: 'TestEvent', data });

describe.skipIf(!ok)('one-statement append on PostgreSQL', () => {
  it('writes with one query and no transaction once the head is known, in order, one chain', async () => {
    const { store, counts } = await openCounted();
    await store.append('warm', [event('warm-1')]);
    counts.queries = 0;
    counts.transactions = 0;
    for (let i = 0; i < 20; i++) await store.append(`s-${i % 3}`, [event(`one-${i}`), event(`one-${i}/1`)]);
    await store.appendMany([
      { stream: 's-0', events: [event('many-1')] },
      { stream: 'fresh-stream', events: [event('many-2')], expectedVersion: 'no_stream' },
    ]);
    // One statement per append (21), plus one read of its version for each stream it never saw (s-0..2, fresh-stream).
    expect(counts).toEqual({ queries: 21 + 4, transactions: 0 });
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });

  it('two stores on one database interleave gap-free however stale their memories are', async () => {
    const a = await openCounted();
    const b = await openCounted();
    const before = (await a.store.head()).position;
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        const { store } = w % 2 === 0 ? a : b;
        for (let i = 0; i < 20; i++)
          if (i % 4 === 0)
            await store.appendMany([
              { stream: `w-${w}`, events: [event(`w${w}-${i}-a`)] },
              { stream: 'shared', events: [event(`w${w}-${i}-b`)], expectedVersion: 'any' },
            ]);
          else await store.append(i % 2 === 0 ? 'shared' : `w-${w}`, [event(`w${w}-${i}`)]);
      }),
    );
    const log = await a.store.readAll({ fromPosition: before + 1, maxCount: 10_000 });
    expect(log).toHaveLength(10 * 25);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => before + 1 + i));
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    const shared = await b.store.readStream('shared');
    expect(shared.map((e) => e.streamVersion)).toEqual(shared.map((_, i) => i + 1));
    expect(await verifyStoreChain(b.store)).toMatchObject({ ok: true });
    // Both fell back to the locked path when the other got in first, and went on in one statement.
    expect(a.counts.transactions + b.counts.transactions).toBeGreaterThan(0);
  });

  it('an id the statement trips over is a replay with the original events, or a conflict', async () => {
    const { store } = await openCounted();
    const original = await store.append('r', [event('r-1', { v: 1 })]);
    await store.append('r', [event('r-2')]);
    expect(await store.append('r', [event('r-1', { v: 1 })])).toEqual({ ...original, duplicate: true });
    await expect(store.append('other', [event('r-1', { v: 2 })])).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect((await store.append('r', [event('r-3')])).streamVersion).toBe(3);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });

  const many = (prefix: string, count: number): NewEvent[] => Array.from({ length: count }, (_, i) => event(`${prefix}-${i}`));

  it('an append of several parts is one transaction: consecutive versions and positions, one chain, replayed whole', async () => {
    const { store, counts } = await openCounted();
    await store.append('warm', [event('parts-warm')]);
    const before = await store.head();
    counts.transactions = 0;
    const first = await store.append('parts', many('parts', 700));
    expect(counts.transactions).toBe(1);
    expect(first.events.map((e) => e.position)).toEqual(first.events.map((_, i) => before.position + 1 + i));
    expect(first.events[0]!.prevHash).toBe(before.hash);
    expect((await store.readStream('parts')).map((e) => e.streamVersion)).toEqual(first.events.map((_, i) => i + 1));
    const mixed = await store.appendMany([
      { stream: 'parts', events: many('parts-b', 300), expectedVersion: 700 },
      { stream: 'parts-empty', events: [] },
      { stream: 'parts-c', events: many('parts-c', 300), expectedVersion: 'no_stream' },
    ]);
    expect(mixed.map((r) => [r.streamVersion, r.lastPosition])).toEqual([
      [1000, first.lastPosition + 300],
      [0, first.lastPosition + 300],
      [300, first.lastPosition + 600],
    ]);
    expect(await store.append('parts', many('parts', 700))).toEqual({ ...first, duplicate: true });
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });

  it('an existing id in a later part writes nothing of the append and is answered exactly', async () => {
    const { store } = await openCounted();
    await store.append('late', [event('late-taken', { v: 1 })]);
    const before = await store.head();
    const clashing = many('late', 600);
    clashing[520] = event('late-taken', { v: 2 });
    await expect(store.append('late-2', clashing)).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await store.head()).toEqual(before);
    expect((await store.append('late-2', many('late-ok', 400))).streamVersion).toBe(400);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });

  it('two stores racing with appends of several parts and single events interleave gap-free', async () => {
    const a = await openCounted();
    const b = await openCounted();
    const before = (await a.store.head()).position;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        const { store } = w % 2 === 0 ? a : b;
        for (let i = 0; i < 4; i++) {
          await store.append(`race-${w}`, many(`race-${w}-${i}`, 400));
          await store.append('race-shared', [event(`race-${w}-${i}-single`)]);
        }
      }),
    );
    const log = await a.store.readAll({ fromPosition: before + 1, maxCount: 10_000 });
    expect(log).toHaveLength(4 * 4 * 401);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => before + 1 + i));
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    for (let w = 0; w < 4; w++) {
      const stream = await b.store.readStream(`race-${w}`);
      expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i + 1));
    }
    expect(await verifyStoreChain(b.store)).toMatchObject({ ok: true });
  });
});
