/**
 * The event store contract: every adapter runs exactly this suite (memory, PGlite, PostgreSQL,
 * EventStoreDB), so they are interchangeable behind the port.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_HASH, sealEnvelope, type StoredEvent } from '../../domain/hashChain.ts';
import {
  IdempotencyConflictError,
  WrongExpectedPositionError,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
} from '../../adapters/eventStore/port.ts';
import { readAllPages, verifyStoreChain, type Clock } from '../../adapters/eventStore/shared.ts';

export interface StoreUnderTest {
  readonly store: EventStore;
  readonly cleanup: () => Promise<void>;
}

/** A fresh, empty store per call, stamping events with `clock`. */
export type StoreFactory = (options: { readonly clock: Clock }) => Promise<StoreUnderTest>;

export const newEvent = (id: string, data: Record<string, unknown> = { n: id }, type = 'TestEvent'): NewEvent => ({ id, type, data });

const batch = (prefix: string, count: number): NewEvent[] => Array.from({ length: count }, (_, i) => newEvent(`${prefix}-${i}`, { i, prefix }));

/** The rejection of `promise`, failing the test when it resolves. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
};

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const allEvents = async (store: EventStore, pageSize = 1000): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(store, 1, pageSize)) events.push(...page);
  return events;
};

/** Appends `count` events through `writers` concurrent writers using expected versions, retrying on conflict. */
const appendWithRetries = async (store: EventStore, stream: string, writer: number, count: number): Promise<number> => {
  let conflicts = 0;
  for (let i = 0; i < count; i++) {
    let expected = (await store.readStream(stream)).at(-1)?.streamVersion ?? 0;
    for (;;) {
      try {
        await store.append(stream, [newEvent(`w${writer}-${i}`, { writer, i })], { expectedVersion: expected });
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        conflicts++;
        expected = error.actual;
      }
    }
  }
  return conflicts;
};

export const eventStoreContract = (name: string, factory: StoreFactory): void => {
  describe(`event store contract: ${name}`, () => {
    let now = new Date('2025-03-01T12:00:00.123Z');
    const clock: Clock = () => now;
    let subject: StoreUnderTest;
    let store: EventStore;

    beforeEach(async () => {
      now = new Date('2025-03-01T12:00:00.123Z');
      subject = await factory({ clock });
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('starts empty', async () => {
      expect(await store.head()).toEqual({ position: 0, hash: ZERO_HASH });
      expect(await store.readAll()).toEqual([]);
      expect(await store.readStream('nothing')).toEqual([]);
      expect(await verifyStoreChain(store)).toEqual({ ok: true, count: 0, head: ZERO_HASH });
    });

    it('appends and reads back the exact sealed envelopes', async () => {
      const richData = { amount: '1000000000000000000', nested: { z: 1, a: [1, 'x', null, true] }, text: 'é ✓ 😀 "quoted"\n' };
      const first = await store.append('account-a', [newEvent('a1', richData), newEvent('a2')]);
      now = new Date('2025-03-01T12:00:01.007Z');
      const second = await store.append('account-b', [newEvent('b1', { k: 'v' }, 'OtherEvent')]);
      const third = await store.append('account-a', [newEvent('a3')]);

      const e1 = sealEnvelope({ id: 'a1', type: 'TestEvent', stream: 'account-a', streamVersion: 1, recordedAt: '2025-03-01T12:00:00.123Z', data: richData, prevHash: ZERO_HASH }, 1);
      const e2 = sealEnvelope({ id: 'a2', type: 'TestEvent', stream: 'account-a', streamVersion: 2, recordedAt: '2025-03-01T12:00:00.123Z', data: { n: 'a2' }, prevHash: e1.hash }, 2);
      const e3 = sealEnvelope({ id: 'b1', type: 'OtherEvent', stream: 'account-b', streamVersion: 1, recordedAt: '2025-03-01T12:00:01.007Z', data: { k: 'v' }, prevHash: e2.hash }, 3);
      const e4 = sealEnvelope({ id: 'a3', type: 'TestEvent', stream: 'account-a', streamVersion: 3, recordedAt: '2025-03-01T12:00:01.007Z', data: { n: 'a3' }, prevHash: e3.hash }, 4);

      expect(first).toEqual({ events: [e1, e2], streamVersion: 2, lastPosition: 2, duplicate: false });
      expect(second).toEqual({ events: [e3], streamVersion: 1, lastPosition: 3, duplicate: false });
      expect(third).toEqual({ events: [e4], streamVersion: 3, lastPosition: 4, duplicate: false });
      expect(await store.readStream('account-a')).toEqual([e1, e2, e4]);
      expect(await store.readStream('account-b')).toEqual([e3]);
      expect(await store.readAll()).toEqual([e1, e2, e3, e4]);
      expect(await store.head()).toEqual({ position: 4, hash: e4.hash });
      expect(await verifyStoreChain(store)).toEqual({ ok: true, count: 4, head: e4.hash });
    });

    it('finds an event by its id however far back it lies, and nothing for an unknown id', async () => {
      const old = await store.append('account-a', [newEvent('contribution:c-1'), newEvent('contribution:c-1/1')]);
      for (let i = 0; i < 30; i++) await store.append(`s-${i}`, Array.from({ length: 50 }, (_, k) => newEvent(`filler-${i}-${k}`)));
      expect(await store.readById('contribution:c-1')).toEqual(old.events[0]);
      expect(await store.readById('contribution:c-1/1')).toEqual(old.events[1]);
      expect(await store.readById('filler-29-49')).toMatchObject({ position: 1502 });
      expect(await store.readById('contribution:c-2')).toBeUndefined();
      // And the id is still taken: the same content is a replay, other content a conflict.
      expect((await store.append('account-a', [newEvent('contribution:c-1'), newEvent('contribution:c-1/1')])).duplicate).toBe(true);
      await expect(store.append('account-z', [newEvent('contribution:c-1', { other: true })])).rejects.toBeInstanceOf(IdempotencyConflictError);
    });

    it('honours every expected-version mode and reports the actual version on failure', async () => {
      await store.append('s', [newEvent('1')], { expectedVersion: 'no_stream' });
      await store.append('s', [newEvent('2')], { expectedVersion: 'stream_exists' });
      await store.append('s', [newEvent('3')], { expectedVersion: 2 });
      await store.append('s', [newEvent('4')], { expectedVersion: 'any' });
      await store.append('s', [newEvent('5')]);
      await store.append('t', [newEvent('t1')], { expectedVersion: 0 });

      const cases = [
        { stream: 's', expected: 'no_stream', actual: 5 },
        { stream: 's', expected: 0, actual: 5 },
        { stream: 's', expected: 4, actual: 5 },
        { stream: 's', expected: 6, actual: 5 },
        { stream: 'new', expected: 'stream_exists', actual: 0 },
        { stream: 'new', expected: 1, actual: 0 },
      ] as const;
      for (const c of cases) {
        const error = await rejectionOf(store.append(c.stream, [newEvent(`x-${c.stream}-${c.expected}`)], { expectedVersion: c.expected }));
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ stream: c.stream, expected: c.expected, actual: c.actual, code: 'WRONG_EXPECTED_VERSION' });
      }
      expect((await store.head()).position).toBe(6);
      expect((await store.readStream('s')).map((e) => e.id)).toEqual(['1', '2', '3', '4', '5']);
      expect(await store.readStream('new')).toEqual([]);
    });

    it('checks expectedPosition against the log head', async () => {
      await store.append('a', [newEvent('1')], { expectedPosition: 0 });
      await store.append('b', [newEvent('2'), newEvent('3')], { expectedPosition: 1 });
      const error = await rejectionOf(store.append('c', [newEvent('4')], { expectedPosition: 1 }));
      expect(error).toBeInstanceOf(WrongExpectedPositionError);
      expect(error).toMatchObject({ expected: 1, actual: 3 });
      expect(await store.readStream('c')).toEqual([]);
      expect((await store.append('c', [newEvent('4')], { expectedPosition: 3, expectedVersion: 'no_stream' })).lastPosition).toBe(4);
    });

    it('returns the original events for an idempotent re-append and writes nothing', async () => {
      const original = await store.append('a', [newEvent('e1', { amount: '5', to: 'x' }), newEvent('e2')]);
      now = new Date('2025-03-02T00:00:00.000Z');
      await store.append('a', [newEvent('e3')]);
      await store.append('b', [newEvent('e4')]);
      const headBefore = await store.head();

      // Same content with keys in another order, and a stale expected version: still a replay.
      const replay = await store.append('a', [newEvent('e1', { to: 'x', amount: '5' }), newEvent('e2')], { expectedVersion: 'no_stream', expectedPosition: 0 });
      expect(replay).toEqual({ events: original.events, streamVersion: 2, lastPosition: 2, duplicate: true });
      expect(replay.events[0]!.recordedAt).toBe('2025-03-01T12:00:00.123Z');

      const partialReplay = await store.append('a', [newEvent('e2')]);
      expect(partialReplay).toEqual({ events: [original.events[1]], streamVersion: 2, lastPosition: 2, duplicate: true });

      expect(await store.head()).toEqual(headBefore);
      expect((await store.readAll()).map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    });

    it('refuses an existing id with different content, naming it', async () => {
      await store.append('a', [newEvent('e1', { amount: '5' })]);
      await store.append('a', [newEvent('e2')]);
      const attempts: Array<[string, NewEvent[]]> = [
        ['a', [newEvent('e1', { amount: '6' })]],
        ['a', [newEvent('e1', { amount: '5' }, 'AnotherType')]],
        ['b', [newEvent('e1', { amount: '5' })]],
        ['a', [newEvent('e2'), newEvent('e1', { amount: '6' })]],
      ];
      for (const [stream, events] of attempts) {
        const error = await rejectionOf(store.append(stream, events));
        expect(error).toBeInstanceOf(IdempotencyConflictError);
        expect(error).toMatchObject({ eventId: 'e1', position: 1, code: 'IDEMPOTENCY_CONFLICT' });
      }
      // A batch that only partly repeats an earlier one is a conflict too, and its new event is not written.
      const partial = await rejectionOf(store.append('a', [newEvent('new'), newEvent('e2')]));
      expect(partial).toMatchObject({ eventId: 'e2', position: 2 });
      expect((await store.readAll()).map((e) => e.id)).toEqual(['e1', 'e2']);
    });

    it('refuses a batch that repeats an id', async () => {
      const error = await rejectionOf(store.append('a', [newEvent('x'), newEvent('y'), newEvent('x')]));
      expect(error).toBeInstanceOf(IdempotencyConflictError);
      expect(error).toMatchObject({ eventId: 'x', position: undefined });
      expect(await store.head()).toEqual({ position: 0, hash: ZERO_HASH });
    });

    it('appends several streams in one call: consecutive positions, per-stream versions, one chain', async () => {
      await store.append('a', [newEvent('a1')]);
      const results = await store.appendMany(
        [
          { stream: 'a', events: [newEvent('a2'), newEvent('a3')], expectedVersion: 1 },
          { stream: 'b', events: [newEvent('b1')], expectedVersion: 'no_stream' },
          { stream: 'a', events: [newEvent('a4')], expectedVersion: 3 },
        ],
        { expectedPosition: 1 },
      );
      expect(results.map((r) => [r.duplicate, r.streamVersion, r.lastPosition, r.events.map((e) => e.id)])).toEqual([
        [false, 3, 3, ['a2', 'a3']],
        [false, 1, 4, ['b1']],
        [false, 4, 5, ['a4']],
      ]);
      expect((await store.readStream('a')).map((e) => [e.id, e.streamVersion, e.position])).toEqual([
        ['a1', 1, 1],
        ['a2', 2, 2],
        ['a3', 3, 3],
        ['a4', 4, 5],
      ]);
      expect(await store.readAll()).toEqual([...(await store.readStream('a')).slice(0, 3), ...results[1]!.events, ...results[2]!.events]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: 5 });
    });

    it('appendMany: a replayed write is answered from the log and the rest is written', async () => {
      const first = await store.append('a', [newEvent('k1'), newEvent('k1/1')]);
      const [replay, fresh] = await store.appendMany([
        { stream: 'a', events: [newEvent('k1'), newEvent('k1/1')] },
        { stream: 'b', events: [newEvent('k2')] },
      ]);
      expect(replay).toEqual({ ...first, duplicate: true });
      expect(fresh).toMatchObject({ duplicate: false, lastPosition: 3 });
      // Everything a replay: nothing new, so a stale expected position does not matter.
      const again = await store.appendMany([{ stream: 'b', events: [newEvent('k2')] }], { expectedPosition: 0 });
      expect(again[0]!.duplicate).toBe(true);
      expect((await store.head()).position).toBe(3);
    });

    it('appendMany is all or nothing: a conflict, a wrong version or a moved head writes none of it', async () => {
      await store.append('a', [newEvent('old', { v: 1 })]);
      const attempts: Array<[() => Promise<unknown>, unknown]> = [
        [() => store.appendMany([{ stream: 'b', events: [newEvent('x1')] }, { stream: 'a', events: [newEvent('old', { v: 2 })] }]), IdempotencyConflictError],
        [() => store.appendMany([{ stream: 'b', events: [newEvent('x1')] }, { stream: 'c', events: [newEvent('x2')], expectedVersion: 'stream_exists' }]), WrongExpectedVersionError],
        [() => store.appendMany([{ stream: 'b', events: [newEvent('x1')] }, { stream: 'b', events: [newEvent('x2')], expectedVersion: 0 }]), WrongExpectedVersionError],
        [() => store.appendMany([{ stream: 'b', events: [newEvent('x1')] }], { expectedPosition: 0 }), WrongExpectedPositionError],
        [() => store.appendMany([{ stream: 'b', events: [newEvent('x1')] }, { stream: 'c', events: [newEvent('x1')] }]), IdempotencyConflictError],
      ];
      for (const [attempt, kind] of attempts) expect(await rejectionOf(attempt())).toBeInstanceOf(kind);
      expect((await store.readAll()).map((e) => e.id)).toEqual(['old']);
    });

    it('finds many ids in one call, however old', async () => {
      await store.append('a', [newEvent('i1'), newEvent('i2')]);
      for (let i = 0; i < 5; i++) await store.append(`f-${i}`, batch(`f${i}`, 20));
      await store.append('b', [newEvent('i3')]);
      const found = await store.readByIds(['i3', 'missing', 'i1']);
      expect([...found.keys()].sort()).toEqual(['i1', 'i3']);
      expect(found.get('i1')).toEqual(await store.readById('i1'));
      expect(found.get('i3')).toMatchObject({ stream: 'b', position: 103 });
      expect((await store.readByIds([])).size).toBe(0);
    });

    it('reads a stream from a version, up to a count', async () => {
      for (let i = 1; i <= 10; i++) {
        await store.append('s', [newEvent(`s${i}`)]);
        await store.append('other', [newEvent(`o${i}`)]);
      }
      const versions = async (fromVersion?: number, maxCount?: number) =>
        (await store.readStream('s', { ...(fromVersion === undefined ? {} : { fromVersion }), ...(maxCount === undefined ? {} : { maxCount }) })).map((e) => e.streamVersion);
      expect(await versions()).toEqual(range(1, 10));
      expect(await versions(4, 3)).toEqual([4, 5, 6]);
      expect(await versions(8, 100)).toEqual([8, 9, 10]);
      expect(await versions(undefined, 2)).toEqual([1, 2]);
      expect(await versions(11)).toEqual([]);
      expect((await store.readStream('s', { fromVersion: 4, maxCount: 1 }))[0]).toMatchObject({ id: 's4', position: 7 });
    });

    it('pages through the whole log without gaps or duplicates', async () => {
      for (let b = 0; b < 25; b++) await store.append(`stream-${b % 5}`, batch(`b${b}`, 100));
      for (const pageSize of [1000, 7]) {
        const events = await allEvents(store, pageSize);
        expect(events.map((e) => e.position)).toEqual(range(1, 2500));
        expect(new Set(events.map((e) => e.id)).size).toBe(2500);
      }
      expect((await store.readAll({ fromPosition: 2499, maxCount: 10 })).map((e) => e.position)).toEqual([2499, 2500]);
      expect(await store.readAll({ fromPosition: 2501 })).toEqual([]);
      expect((await store.readAll()).length).toBe(1000);
      expect((await store.readStream('stream-3')).map((e) => e.streamVersion)).toEqual(range(1, 500));
      expect(await verifyStoreChain(store, 333)).toMatchObject({ ok: true, count: 2500 });
    });

    it('serializes 10 concurrent writers to one stream (expectedVersion any)', async () => {
      await Promise.all(
        range(1, 10).map(async (w) => {
          for (let i = 0; i < 5; i++) await store.append('shared', [newEvent(`w${w}-${i}-a`), newEvent(`w${w}-${i}-b`)], { expectedVersion: 'any' });
        }),
      );
      const events = await store.readStream('shared');
      expect(events.map((e) => e.streamVersion)).toEqual(range(1, 100));
      expect(events.map((e) => e.position)).toEqual(range(1, 100));
      expect(new Set(events.map((e) => e.id)).size).toBe(100);
      // Each batch stays contiguous: nobody can slip between the two events of one append.
      for (const e of events.filter((x) => x.id.endsWith('-a'))) expect(events[e.position]!.id).toBe(e.id.replace(/-a$/, '-b'));
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: 100 });
    });

    it('lets 10 concurrent writers with exact expected versions converge by retrying', async () => {
      await Promise.all(range(1, 10).map((w) => appendWithRetries(store, 'contended', w, 5)));
      const events = await store.readStream('contended');
      expect(events.map((e) => e.streamVersion)).toEqual(range(1, 50));
      expect(events.map((e) => e.position)).toEqual(range(1, 50));
      expect(new Set(events.map((e) => e.id))).toEqual(new Set(range(1, 10).flatMap((w) => range(0, 4).map((i) => `w${w}-${i}`))));
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: 50 });
    });

    it('keeps 10 concurrent writers to different streams gap-free and conflict-free', async () => {
      const conflicts = await Promise.all(range(1, 10).map((w) => appendWithRetries(store, `own-${w}`, w, 10)));
      expect(conflicts).toEqual(range(1, 10).map(() => 0));
      const events = await allEvents(store);
      expect(events.map((e) => e.position)).toEqual(range(1, 100));
      for (const w of range(1, 10)) expect((await store.readStream(`own-${w}`)).map((e) => e.id)).toEqual(range(0, 9).map((i) => `w${w}-${i}`));
      const last = events.at(-1)!;
      expect(await store.head()).toEqual({ position: 100, hash: last.hash });
      expect(await verifyStoreChain(store)).toEqual({ ok: true, count: 100, head: last.hash });
    });
  });
};
