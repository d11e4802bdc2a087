/**
 * DESIGN §10 — uniqueness of ids older than anything the state keeps is the event store's job: a
 * deposit ref, a revenue id, a burn id or a contribution id reused years later is still a replay
 * (same request: the original events) or a conflict (other content), on every store, while the
 * ledger state holds no set of the ids it has seen.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandHandler, createLedger, RequestConflictError } from '../../adapters/ledger/index.ts';
import { cxt, type Command } from '../../domain/index.ts';
import { addr, h32, historyParams } from '../support/history.ts';
import { storesUnderTest } from '../support/stores.ts';

const { factories: stores, closeStores } = await storesUnderTest('ids');
afterAll(closeStores);

const YEAR = 365 * 86_400;

describe.each(Object.keys(stores))('ids reused years later on %s', (name) => {
  it('are still a replay with the original events, or a conflict, for every natural key', async () => {
    const store = await stores[name]!();
    const p = historyParams();
    const clock = { nowSeconds: p.genesisTimeSeconds + 10 };
    const ledger = createLedger(store);
    const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'genesis' });
    await handler.handle({ type: 'RegisterAsset', asset: addr(7), symbol: 'USDC', decimals: 6 });
    await handler.handle({ type: 'RegisterNode', nodeId: 'n', operator: addr(1), signer: addr(1), hardwareClass: 'edge' });
    const originals: Array<[Command, Command]> = [
      [{ type: 'DepositStake', account: addr(1), amount: cxt(5), ref: 'tx:1' }, { type: 'DepositStake', account: addr(2), amount: cxt(5), ref: 'tx:1' }],
      [
        { type: 'RecordRevenue', revenueId: 'inv-1', source: 'api', asset: addr(7), gross: 100n },
        { type: 'RecordRevenue', revenueId: 'inv-1', source: 'api', asset: addr(7), gross: 101n },
      ],
      [
        { type: 'RecordContribution', contributionId: 'c-1', nodeId: 'n', epoch: 0, kind: 'data', units: 3, proofHash: h32(1) },
        { type: 'RecordContribution', contributionId: 'c-1', nodeId: 'n', epoch: 0, kind: 'data', units: 4, proofHash: h32(1) },
      ],
    ];
    const first = [];
    for (const [command] of originals) {
      const r = await handler.handle(command);
      expect(r.status).toBe('accepted');
      first.push(r);
    }

    // Three years on, from a process that has just started (nothing in memory but the fold).
    clock.nowSeconds += 3 * YEAR;
    const later = createCommandHandler({ store, ledger: createLedger(store), clock: () => clock.nowSeconds });
    for (const [i, [same, other]] of originals.entries()) {
      const again = await later.handle(same);
      expect(again.status).toBe('duplicate');
      expect(again.status !== 'refused' && again.events).toEqual(first[i]!.status !== 'refused' && first[i]!.events);
      await expect(later.handle(other)).rejects.toBeInstanceOf(RequestConflictError);
    }
  });

  it('answer a verdict on work that expired, which the state has forgotten, with CONTRIBUTION_EXPIRED', async () => {
    const store = await stores[name]!();
    const p = historyParams({ verificationWindowEpochs: 1 });
    const clock = { nowSeconds: p.genesisTimeSeconds + 10 };
    const ledger = createLedger(store);
    const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
    await handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'genesis' });
    await handler.handle({ type: 'RegisterVerifier', verifier: addr(9) }, { idempotencyKey: 'v' });
    await handler.handle({ type: 'RegisterNode', nodeId: 'n', operator: addr(1), signer: addr(1), hardwareClass: 'edge' });
    await handler.handle({ type: 'RecordContribution', contributionId: 'late', nodeId: 'n', epoch: 0, kind: 'compute', units: 1, proofHash: h32(2) });
    for (const epoch of [0, 1]) {
      clock.nowSeconds = p.genesisTimeSeconds + (epoch + 1) * p.epochLengthSeconds;
      expect((await handler.handle({ type: 'CloseEpoch', epoch, logHead: h32(0) })).status).toBe('accepted');
    }
    expect(ledger.state.contributions.has('late')).toBe(false);
    const expired = await handler.handle({ type: 'VerifyContribution', contributionId: 'late', verifier: addr(9) });
    expect(expired).toMatchObject({ status: 'refused', refusal: { code: 'CONTRIBUTION_EXPIRED' } });
    const unknown = await handler.handle({ type: 'VerifyContribution', contributionId: 'never', verifier: addr(9) });
    expect(unknown).toMatchObject({ status: 'refused', refusal: { code: 'CONTRIBUTION_UNKNOWN' } });
  });
});
