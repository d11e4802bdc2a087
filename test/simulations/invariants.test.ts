/**
 * domain/invariants.ts: a sound close passes, and each invariant catches a one-base-unit fault in
 * the numbers it guards (the close data or the snapshots are tampered with, never the domain).
 */
import { describe, expect, it } from 'vitest';
import { cxt, paramsForEpoch, type EventData } from '../../domain/index.ts';
import { checkDistributionCumulative, checkEpochClose, snapshotLedger, type CloseCheckInput, type LedgerSnapshot } from '../../domain/invariants.ts';
import { createSimLedger } from '../../simulations/ledger.ts';
import { subsetOf } from './support.ts';

const ASSET = '0x55d398326f99059ff775485246999027b3197955';
const OPERATOR = `0x1${'0'.repeat(39)}`;
const STAKER = `0x2${'0'.repeat(39)}`;
const VERIFIER = `0x3${'0'.repeat(39)}`;

/** One close with compute work, stake, verdicts and revenue, as the check inputs; `payoutChain`: the operator is paid on chain 97. */
const closeOf = (payoutChain = false) => {
  const { params } = subsetOf({});
  const ledger = createSimLedger(params);
  const run = (c: Parameters<typeof ledger.attempt>[0]) => {
    const d = ledger.attempt(c);
    if (d._tag === 'Left') throw new Error(d.left.message);
  };
  ledger.now = params.genesisTimeSeconds - 10;
  run({ type: 'ConfigureProtocol', params });
  run({ type: 'RegisterAsset', asset: ASSET, symbol: 'USDT', decimals: 18 });
  run({ type: 'RegisterVerifier', verifier: VERIFIER });
  run({ type: 'RegisterNode', nodeId: 'n0', operator: OPERATOR, signer: OPERATOR, hardwareClass: 'gpu' });
  run({ type: 'DepositStake', account: STAKER, amount: cxt(1000), ref: 'g0' });
  ledger.now = params.genesisTimeSeconds + 5;
  run({ type: 'RecordContribution', contributionId: 'c0', nodeId: 'n0', epoch: 0, kind: 'compute', units: 7, proofHash: `0x${'5'.repeat(64)}` });
  run({ type: 'VerifyContribution', contributionId: 'c0', verifier: VERIFIER });
  run({ type: 'RecordRevenue', revenueId: 'r0', source: 'api', asset: ASSET, gross: 1_000_003n, provider: OPERATOR });
  if (payoutChain) {
    run({ type: 'ConfigureChain', chainId: 97, assets: [{ asset: params.cxtToken, address: `0x9${'7'.repeat(39)}` }] });
    run({ type: 'SetPayoutChain', account: OPERATOR, chainId: 97, sequence: 1 });
  }
  const before = snapshotLedger(ledger.state);
  const closed = ledger.close(0);
  if (closed._tag === 'Left') throw new Error(closed.left.message);
  const input: CloseCheckInput = { params: paramsForEpoch(ledger.state, 0)!, before, after: snapshotLedger(ledger.state), closed: closed.right, allocations: ledger.state.lastAllocations };
  return { input, ledger, cxtToken: params.cxtToken };
};
const soundClose = (): CloseCheckInput => closeOf().input;

const names = (input: CloseCheckInput) => [...new Set(checkEpochClose(input).map((v) => v.invariant))];

const withAfter = (input: CloseCheckInput, change: Partial<LedgerSnapshot>): CloseCheckInput => ({ ...input, after: { ...input.after, ...change } });
const withClosed = (input: CloseCheckInput, change: (c: EventData<'EpochClosed'>) => EventData<'EpochClosed'>): CloseCheckInput => ({
  ...input,
  closed: change(input.closed),
});

describe('checkEpochClose', () => {
  it('finds nothing wrong with a sound close', () => {
    const input = soundClose();
    expect(input.closed.minted).toBeGreaterThan(0n);
    expect(input.closed.revenue).toHaveLength(1);
    expect(checkEpochClose(input)).toEqual([]);
  });

  it('supply-cap: minted above maxSupply', () => {
    const input = soundClose();
    expect(names(withAfter(input, { mintedWei: input.params.maxSupply + 1n }))).toContain('supply-cap');
  });

  it('budget: a budget one base unit off floor(R·λ), and minted that does not match the allocations', () => {
    const input = soundClose();
    expect(names(withClosed(input, (c) => ({ ...c, budget: c.budget + 1n })))).toContain('budget');
    expect(names(withClosed(input, (c) => ({ ...c, minted: c.minted - 1n })))).toEqual(['budget']);
  });

  it('revenue-conservation: one base unit of revenue unaccounted for', () => {
    const input = soundClose();
    const tampered = withClosed(input, (c) => ({ ...c, revenue: c.revenue.map((r) => ({ ...r, buyback: r.buyback + 1n })) }));
    const violations = checkEpochClose(tampered);
    expect(violations.map((v) => v.invariant)).toContain('revenue-conservation');
    expect(violations.find((v) => v.invariant === 'revenue-conservation')!.message).toMatch(/gross 1000003 ≠/);
  });

  it('non-negative: a negative stake', () => {
    const input = soundClose();
    expect(names(withAfter(input, { bondedWei: new Map([[STAKER, -1n]]), stakedWei: -1n }))).toEqual(['non-negative']);
  });

  it('burned-le-minted: one base unit more burned than minted', () => {
    const input = soundClose();
    expect(names(withAfter(input, { burnedWei: input.after.mintedWei + 1n }))).toEqual(['burned-le-minted']);
  });

  it('cumulative-monotonic: a cumulative amount that shrinks', () => {
    const input = soundClose();
    const [account, tokens] = [...input.after.cumulativeWei][0]!;
    const [token, value] = [...tokens][0]!;
    const before = new Map(input.before.cumulativeWei);
    before.set(account, new Map([...(before.get(account) ?? []), [token, value + 1n]]));
    expect(names({ ...input, before: { ...input.before, cumulativeWei: before } })).toContain('cumulative-monotonic');
  });

  it('cumulative-monotonic: a leaf the close did not allocate to appears, or one grows by more than its allocation', () => {
    const input = soundClose();
    const appeared = new Map(input.after.cumulativeWei);
    appeared.set('0x00000000000000000000000000000000000000aa', new Map([['0xtoken', 5n]]));
    expect(names(withAfter(input, { cumulativeWei: appeared }))).toEqual(['cumulative-monotonic']);
    const [account, tokens] = [...input.after.cumulativeWei][0]!;
    const [token, value] = [...tokens][0]!;
    const grown = new Map(input.after.cumulativeWei);
    grown.set(account, new Map([...tokens, [token, value + 1n]]));
    expect(names(withAfter(input, { cumulativeWei: grown }))).toEqual(['cumulative-monotonic']);
  });

  it('claimed-le-cumulative: a claim above the cumulative amount', () => {
    const input = soundClose();
    const [account, tokens] = [...input.after.cumulativeWei][0]!;
    const [token, value] = [...tokens][0]!;
    expect(names(withAfter(input, { claimedWei: new Map([[account, new Map([[token, value + 1n]])]]) }))).toEqual(['claimed-le-cumulative']);
  });
});

describe('checkEpochClose across payout chains', () => {
  it('payout-split: sound with an account paid on another chain; a frozen leaf one base unit above the cumulative is caught', () => {
    const { input, ledger, cxtToken } = closeOf(true);
    expect(checkEpochClose(input)).toEqual([]);
    const operator = ledger.state.accounts.get(OPERATOR)!;
    const cumulative = operator.cumulativeWei.get(cxtToken)!;
    expect(cumulative).toBeGreaterThan(0n);
    // As if a switch had frozen more on the primary chain than was ever allocated: chain 97's leaf would be −1.
    operator.frozenLeavesWei = new Map([['primary', new Map([[cxtToken, cumulative + 1n]])]]);
    expect(names(withAfter(input, { payoutSplit: snapshotLedger(ledger.state).payoutSplit }))).toEqual(['payout-split']);
  });
});

describe('checkDistributionCumulative', () => {
  it('flags a leaf that falls or disappears between distributions', () => {
    const previous = new Map([['a|t', 10n], ['b|t', 5n]]);
    expect(checkDistributionCumulative(previous, new Map([['a|t', 10n], ['b|t', 6n]]))).toEqual([]);
    expect(checkDistributionCumulative(previous, new Map([['a|t', 9n]])).map((v) => v.message)).toEqual([
      'leaf a|t fell from 10 to 9',
      'leaf b|t (5) disappeared',
    ]);
  });
});
