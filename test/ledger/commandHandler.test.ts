import { describe, expect, it } from 'vitest';
import { createMemoryEventStore, verifyStoreChain } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, RequestConflictError } from '../../adapters/ledger/index.ts';
import { cxt } from '../../domain/index.ts';
import { addr, driveHistory, historyParams, type Clock } from '../support/history.ts';

const setup = () => {
  const store = createMemoryEventStore();
  const ledger = createLedger(store);
  const clock: Clock = { nowSeconds: 0 };
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  return { store, ledger, clock, handler };
};

describe('command handling', () => {
  it('given a configured ledger, when a deposit is replayed with the same data, then the original events come back and nothing is written', async () => {
    const { store, handler, clock } = setup();
    const p = historyParams();
    clock.nowSeconds = p.genesisTimeSeconds + 5;
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
    const first = await handler.handle({ type: 'DepositStake', account: addr(1), amount: cxt(10), ref: 'tx1:0' });
    clock.nowSeconds += p.epochLengthSeconds; // a replay a day later is still the same request
    const again = await handler.handle({ type: 'DepositStake', account: addr(1), amount: cxt(10), ref: 'tx1:0' });
    expect(first.status).toBe('accepted');
    expect(again.status).toBe('duplicate');
    expect(again.status !== 'refused' && again.events).toEqual(first.status !== 'refused' && first.events);
    // genesis (ProtocolConfigured + AssetRegistered for CXT) and the deposit
    expect((await store.head()).position).toBe(3);
  });

  it('given a recorded deposit, when the same ref arrives with another amount, then it is a conflict and nothing is written', async () => {
    const { store, handler, clock } = setup();
    const p = historyParams();
    clock.nowSeconds = p.genesisTimeSeconds + 5;
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
    await handler.handle({ type: 'DepositStake', account: addr(1), amount: cxt(10), ref: 'tx1:0' });
    await expect(handler.handle({ type: 'DepositStake', account: addr(1), amount: cxt(11), ref: 'tx1:0' })).rejects.toBeInstanceOf(RequestConflictError);
    expect((await store.head()).position).toBe(3);
  });

  it('a refused command writes nothing and says why', async () => {
    const { store, handler, clock } = setup();
    const p = historyParams();
    clock.nowSeconds = p.genesisTimeSeconds + 5;
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
    const r = await handler.handle({ type: 'RequestUnstake', account: addr(1), amount: cxt(5) }, { idempotencyKey: 'u1' });
    expect(r).toMatchObject({ status: 'refused', refusal: { code: 'INSUFFICIENT_STAKE' } });
    expect((await store.head()).position).toBe(2);
  });

  it('a decision whose events would not round-trip through their codec is refused, and nothing is written', async () => {
    const { store, handler, clock } = setup();
    const p = historyParams();
    clock.nowSeconds = p.genesisTimeSeconds + 5;
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
    // A command built in code (not decoded at a boundary) can carry what no store holds: the gate catches it.
    const r = await handler.handle({ type: 'RegisterNode', nodeId: 'n', operator: addr(1), signer: addr(1), hardwareClass: 'gpu', region: 'eu\u0000' });
    expect(r).toMatchObject({ status: 'refused', refusal: { code: 'EVENT_NOT_STORABLE' } });
    const huge = await handler.handle({ type: 'DepositStake', account: addr(1), amount: 1n << 200n, ref: 'x' });
    expect(huge).toMatchObject({ status: 'refused', refusal: { code: 'EVENT_NOT_STORABLE' } });
    expect((await store.head()).position).toBe(2);
  });

  it('two handlers on one store (two processes) never interleave a decision with a stale state', async () => {
    const store = createMemoryEventStore();
    const clock: Clock = { nowSeconds: 0 };
    const a = createCommandHandler({ store, ledger: createLedger(store), clock: () => clock.nowSeconds });
    const b = createCommandHandler({ store, ledger: createLedger(store), clock: () => clock.nowSeconds });
    const p = historyParams();
    clock.nowSeconds = p.genesisTimeSeconds + 5;
    await a.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'g' });
    await a.handle({ type: 'DepositStake', account: addr(1), amount: cxt(10), ref: 'd' });
    // Both try to unstake the whole stake at once: exactly one may succeed.
    const results = await Promise.all([
      a.handle({ type: 'RequestUnstake', account: addr(1), amount: cxt(10) }, { idempotencyKey: 'ua' }),
      b.handle({ type: 'RequestUnstake', account: addr(1), amount: cxt(10) }, { idempotencyKey: 'ub' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['accepted', 'refused']);
  });

  it('the log of a full history verifies and every EpochClosed commits to the event before it', async () => {
    const { store, handler, clock } = setup();
    await driveHistory(handler, clock, { epochs: 3 });
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true });
    const all = await store.readAll({ maxCount: 100_000 });
    const closes = all.filter((e) => e.type === 'EpochClosed');
    expect(closes).toHaveLength(3);
    for (const c of closes) expect(c.data.logHead).toBe(c.prevHash);
  });
});
