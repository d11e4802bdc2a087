/**
 * Group commit in the command handler: commands submitted together are decided together and their
 * accepted events appended in ONE transaction; a refused command, a replay and a conflict in the
 * group are answered on their own and cost the others nothing. On memory, PGlite and PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { verifyStoreChain, type EventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, RequestConflictError, type HandleResult } from '../../adapters/ledger/index.ts';
import type { Command } from '../../domain/index.ts';
import { addr, h32, historyParams, type Clock } from '../support/history.ts';
import { storesUnderTest } from '../support/stores.ts';

const { factories, closeStores } = await storesUnderTest('group');
afterAll(closeStores);

/** The store, counting its appendMany calls and the writes in each. */
const counting = (store: EventStore) => {
  const groups: number[] = [];
  const counted: EventStore = { ...store, appendMany: (writes, options) => (groups.push(writes.length), store.appendMany(writes, options)) };
  return { store: counted, groups };
};

const contribution = (id: string, nodeId: string, units = 10): Command => ({
  type: 'RecordContribution',
  contributionId: id,
  nodeId,
  epoch: 0,
  kind: 'compute',
  units,
  proofHash: h32(units),
});

const started = async (raw: EventStore) => {
  const { store, groups } = counting(raw);
  const clock: Clock = { nowSeconds: 0 };
  const ledger = createLedger(store);
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const p = historyParams();
  clock.nowSeconds = p.genesisTimeSeconds + 5;
  await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
  for (const n of [1, 2]) await handler.handle({ type: 'RegisterNode', nodeId: `n${n}`, operator: addr(n), signer: addr(10 + n), hardwareClass: 'gpu' });
  await handler.handle(contribution('c0', 'n1'));
  await handler.handle(contribution('c9', 'n2'));
  groups.length = 0;
  return { store, groups, handler, ledger };
};

type Settled = PromiseSettledResult<HandleResult>;
const settled = (promises: Array<Promise<HandleResult>>) => Promise.allSettled(promises);

describe.each(Object.keys(factories))('group commit on %s', (name) => {
  it('a group with a refused command, a replay and a conflict commits the rest in one append', async () => {
    const { store, groups, handler, ledger } = await started(await factories[name]!());
    const head = (await store.head()).position;
    const original = (await store.readById('contribution:c0'))!;
    const outcomes = await settled([
      handler.handle(contribution('c1', 'n1')),
      handler.handle(contribution('c2', 'n2')),
      handler.handle(contribution('c-ghost', 'nobody')), // refused: NODE_UNKNOWN
      handler.handle(contribution('c0', 'n1')), // the same request again: a replay
      handler.handle(contribution('c3', 'n1')),
      handler.handle(contribution('c9', 'n2', 99)), // c9 with other content: a conflict
      handler.handle(contribution('c4', 'n2')),
    ]);
    const [c1, c2, ghost, replay, c3, conflict, c4] = outcomes as [Settled, Settled, Settled, Settled, Settled, Settled, Settled];
    for (const accepted of [c1, c2, c3, c4]) expect(accepted).toMatchObject({ status: 'fulfilled', value: { status: 'accepted' } });
    expect(ghost).toMatchObject({ status: 'fulfilled', value: { status: 'refused', refusal: { code: 'NODE_UNKNOWN' } } });
    expect(replay).toMatchObject({ status: 'fulfilled', value: { status: 'duplicate', events: [original] } });
    expect(conflict.status === 'rejected' ? conflict.reason : conflict).toBeInstanceOf(RequestConflictError);

    // One transaction held all four, at consecutive positions in submission order.
    expect(groups).toEqual([4]);
    const positions = [c1, c2, c3, c4].map((o: Settled) => (o.status === 'fulfilled' && o.value.status === 'accepted' ? o.value.events[0]!.position : -1));
    expect(positions).toEqual([head + 1, head + 2, head + 3, head + 4]);
    expect((await store.head()).position).toBe(head + 4);
    expect(ledger.position).toBe(head + 4);
    expect([...ledger.state.contributions.keys()].sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c9']);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: head + 4 });
  });

  it('a contribution and its verdict in one burst: the verdict waits for the next group and sees it', async () => {
    const { store, groups, handler } = await started(await factories[name]!());
    await handler.handle({ type: 'RegisterVerifier', verifier: addr(50) });
    groups.length = 0;
    const [recorded, verified, other] = await Promise.all([
      handler.handle(contribution('c1', 'n1')),
      handler.handle({ type: 'VerifyContribution', contributionId: 'c1', verifier: addr(50) }),
      handler.handle(contribution('c2', 'n2')),
    ]);
    expect([recorded.status, verified.status, other.status]).toEqual(['accepted', 'accepted', 'accepted']);
    expect(groups).toEqual([1, 2]);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });

  it('two handlers on one store (two processes): a group that lost the race is decided again, nothing twice', async () => {
    const { store, handler } = await started(await factories[name]!());
    const other = createCommandHandler({ store, ledger: createLedger(store), clock: () => historyParams().genesisTimeSeconds + 5 });
    const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
    const results = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? handler : other).handle(contribution(id, i % 3 === 0 ? 'n1' : 'n2'))));
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    const log = await store.readAll({ maxCount: 10_000 });
    expect(log.filter((e) => e.type === 'ContributionRecorded').map((e) => e.id).sort()).toEqual(['contribution:c0', 'contribution:c9', ...ids.map((id) => `contribution:${id}`)].sort());
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
  });
});
