import { describe, expect, it } from 'vitest';
import { createEventStoreDbEventStore } from '../../adapters/eventStore/eventStoreDbEventStore.ts';
import { verifyStoreChain } from '../../adapters/eventStore/shared.ts';
import { eventStoreContract, newEvent } from './contract.ts';
import { createFakeEventStoreDb } from './fakeEventStoreDb.ts';

const url = process.env.EVENTSTORE_URL;

describe.skipIf(!url)('EventStoreDB event store', () => {
  // A log stream of its own per store: EventStoreDB streams cannot be emptied for reuse.
  eventStoreContract('EventStoreDB', async ({ clock }) => {
    const logStream = `corex-log-test-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
    const store = createEventStoreDbEventStore({ connectionString: url!, logStream, clock });
    return { store, cleanup: () => store.close() };
  });
});

// The adapter's own logic, against an in-memory stand-in for the server (see fakeEventStoreDb.ts).
describe('EventStoreDB adapter on a fake server', () => {
  eventStoreContract('EventStoreDB adapter (fake server)', async ({ clock }) => {
    const store = createEventStoreDbEventStore({ client: createFakeEventStoreDb().client(), clock });
    return { store, cleanup: () => store.close() };
  });

  it('keeps one gap-free chain when two processes append at once, retrying the races they lose', async () => {
    const server = createFakeEventStoreDb();
    const [p1, p2] = [createEventStoreDbEventStore({ client: server.client() }), createEventStoreDbEventStore({ client: server.client() })];
    await Promise.all(
      [p1, p2].flatMap((store, p) =>
        [0, 1, 2, 3, 4].map(async (w) => {
          for (let i = 0; i < 4; i++) await store.append(`s-${w}`, [newEvent(`p${p}-w${w}-${i}`)]);
        }),
      ),
    );
    expect(server.refusedAppends()).toBeGreaterThan(0);
    const all = await p1.readAll();
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let w = 0; w < 5; w++) expect((await p2.readStream(`s-${w}`)).map((e) => e.streamVersion)).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
    expect(await verifyStoreChain(p2)).toMatchObject({ ok: true, count: 40 });
    // Each process sees the other's ids for idempotency and versions for concurrency control.
    expect(await p2.append('s-0', [newEvent('p0-w0-0')])).toMatchObject({ duplicate: true });
    await expect(p1.append('s-1', [newEvent('late')], { expectedVersion: 7 })).rejects.toMatchObject({ actual: 8 });
  });
});
