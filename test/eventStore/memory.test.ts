import { describe, expect, it } from 'vitest';
import { createMemoryEventStore, createMemoryEventStoreFrom } from '../../adapters/eventStore/memoryEventStore.ts';
import { verifyStoreChain } from '../../adapters/eventStore/shared.ts';
import { eventStoreContract, newEvent } from './contract.ts';

eventStoreContract('memory', async ({ clock }) => {
  const store = createMemoryEventStore({ clock });
  return { store, cleanup: () => store.close() };
});

describe('memory event store loaded from a log', () => {
  const original = async () => {
    const store = createMemoryEventStore();
    for (let i = 1; i <= 6; i++) await store.append(`s${i % 2}`, [newEvent(`e${i}`, { amount: String(i) })]);
    return store.readAll();
  };

  it('holds the events as given and keeps appending onto them', async () => {
    const events = await original();
    const loaded = createMemoryEventStoreFrom([...events].reverse());
    expect(await loaded.readAll()).toEqual(events);
    expect(await loaded.readStream('s1', { fromVersion: 2 })).toEqual(events.filter((e) => e.stream === 's1').slice(1));
    const next = await loaded.append('s1', [newEvent('e7')], { expectedVersion: 3 });
    expect(next.events[0]).toMatchObject({ position: 7, streamVersion: 4, prevHash: events[5]!.hash });
    expect(await loaded.append('s0', [newEvent('e2', { amount: '2' })])).toMatchObject({ duplicate: true, lastPosition: 2 });
    expect(await verifyStoreChain(loaded)).toMatchObject({ ok: true, count: 7 });
  });

  it('lets an audit find an altered event', async () => {
    const events = await original();
    const altered = events.map((e) => (e.position === 3 ? { ...e, data: { amount: '300' } } : e));
    expect(await verifyStoreChain(createMemoryEventStoreFrom(altered))).toMatchObject({ ok: false, fault: { position: 3, kind: 'hash-mismatch' } });
  });

  it('refuses a log with a repeated position or id', async () => {
    const events = await original();
    expect(() => createMemoryEventStoreFrom([...events, { ...events[2]!, id: 'other' }])).toThrow(/position 3 appears twice/);
    expect(() => createMemoryEventStoreFrom([...events, { ...events[2]!, position: 99 }])).toThrow(/event id e3 appears twice/);
  });
});
