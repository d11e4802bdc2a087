/**
 * Issue 15, the domain rule: an account's rewards are payable on one chain at a time. A switch
 * freezes the old chain's leaf and new allocations accrue on the new one; the leaves add up to the
 * cumulative allocation; chains map assets additively; a signed change counts once.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, PRIMARY_CHAIN, chainLeafWei, claimedOnWei, distributionOn, latestLiveOn, payoutSplitMismatch } from '../../domain/index.ts';
import { address, hash32, scenario, type Scenario } from './scenario.ts';

const OP = address(0x1);
const USDC = address(0xa55e7);
const BSC = 56;
const CXT_ON_BSC = address(0xb5c);
const USDC_ON_BSC = address(0xb5d);

const leaf = (s: Scenario, chain: string, token = s.params.cxtToken) => chainLeafWei(s.state, s.state.accounts.get(OP)!, chain, token);
const cumulative = (s: Scenario, token = s.params.cxtToken) => s.state.accounts.get(OP)!.cumulativeWei.get(token) ?? 0n;
const earn = (s: Scenario, epoch: number) => s.at(epoch).work(`c${epoch}`, 'n1', 10).close(epoch);

const withBsc = () => {
  const s = scenario().asset(USDC).at(0).node('n1', OP);
  s.run({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: s.params.cxtToken, address: CXT_ON_BSC }] });
  return s;
};

describe('payout chains', () => {
  it('a switch freezes the old leaf; later allocations accrue on the new chain; switching back freezes that one', () => {
    const s = withBsc();
    earn(s, 0);
    const x0 = cumulative(s);
    expect(x0).toBeGreaterThan(0n);
    expect(leaf(s, PRIMARY_CHAIN)).toBe(x0);

    s.at(1).run({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 1 });
    expect([leaf(s, PRIMARY_CHAIN), leaf(s, String(BSC))]).toEqual([x0, 0n]);
    earn(s, 1);
    const x1 = cumulative(s);
    expect([leaf(s, PRIMARY_CHAIN), leaf(s, String(BSC))]).toEqual([x0, x1 - x0]);

    s.at(2).run({ type: 'SetPayoutChain', account: OP, chainId: null, sequence: 2 });
    earn(s, 2);
    const x2 = cumulative(s);
    // The chain left keeps its leaf; the primary one resumes from its frozen amount.
    expect([leaf(s, PRIMARY_CHAIN), leaf(s, String(BSC))]).toEqual([x0 + (x2 - x1), x1 - x0]);
    expect(leaf(s, PRIMARY_CHAIN) + leaf(s, String(BSC))).toBe(x2);
    expect(payoutSplitMismatch(s.state)).toBeUndefined();
  });

  it('a token the payout chain does not map accrues on the primary chain until the chain maps it', () => {
    const s = withBsc();
    s.run({ type: 'RecordRevenue', revenueId: 'r0', source: 'api', asset: USDC, gross: 1_000_000n, provider: OP });
    earn(s, 0);
    const u0 = cumulative(s, USDC);
    expect(u0).toBeGreaterThan(0n);
    s.at(1).run({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 1 });
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'api', asset: USDC, gross: 1_000_000n, provider: OP });
    earn(s, 1);
    const u1 = cumulative(s, USDC);
    // USDC has no address on chain 56 yet: all of it stays payable on the primary chain.
    expect([leaf(s, PRIMARY_CHAIN, USDC), leaf(s, String(BSC), USDC)]).toEqual([u1, 0n]);
    s.at(2).run({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: USDC, address: USDC_ON_BSC }] });
    s.run({ type: 'RecordRevenue', revenueId: 'r2', source: 'api', asset: USDC, gross: 1_000_000n, provider: OP });
    earn(s, 2);
    const u2 = cumulative(s, USDC);
    expect([leaf(s, PRIMARY_CHAIN, USDC), leaf(s, String(BSC), USDC)]).toEqual([u1, u2 - u1]);
    expect(payoutSplitMismatch(s.state)).toBeUndefined();
  });

  it('refuses an unknown chain, a sequence that is not the next one, and a switch to the chain already in use', () => {
    const s = withBsc();
    expect(s.refused({ type: 'SetPayoutChain', account: OP, chainId: 97, sequence: 1 }).code).toBe('CHAIN_UNKNOWN');
    expect(s.refused({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 2 }).code).toBe('PAYOUT_SEQUENCE');
    expect(s.refused({ type: 'SetPayoutChain', account: OP, chainId: null, sequence: 1 }).code).toBe('PAYOUT_CHAIN_UNCHANGED');
    s.run({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 1 });
    // The same signed change again is not a second change.
    expect(s.refused({ type: 'SetPayoutChain', account: OP, chainId: null, sequence: 1 }).code).toBe('PAYOUT_SEQUENCE');
  });

  it('maps assets additively: an unregistered asset, a changed address and a request adding nothing are refused', () => {
    const s = withBsc();
    const cxt = s.params.cxtToken;
    expect(s.refused({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: address(0xdead), address: address(0xbeef) }] }).code).toBe('ASSET_UNKNOWN');
    expect(s.refused({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: cxt, address: address(0xbeef) }] }).code).toBe('CHAIN_ASSET_FIXED');
    expect(s.refused({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: cxt, address: CXT_ON_BSC }] }).code).toBe('CHAIN_UNCHANGED');
    // One address per asset on a chain: two leaves for one (account, token) cannot share a tree.
    expect(s.refused({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: USDC, address: CXT_ON_BSC }] }).code).toBe('INVALID_CONFIG');
    const added = s.run({ type: 'ConfigureChain', chainId: BSC, assets: [{ asset: cxt, address: CXT_ON_BSC }, { asset: USDC, address: USDC_ON_BSC }] });
    // Only what is new is recorded.
    expect(added).toEqual([{ type: 'ChainConfigured', data: { chainId: BSC, assets: [{ asset: USDC, address: USDC_ON_BSC }] } }]);
  });

  it('a distribution holds one tree per chain: the primary one keeps the frozen leaf, the payout chain the increments at its token address', () => {
    const s = withBsc();
    earn(s, 0);
    const x0 = cumulative(s);
    s.at(1).run({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 1 });
    earn(s, 1);
    const x1 = cumulative(s);
    const [created] = s.at(2).run({ type: 'CreateDistribution', throughEpoch: 1, logHead: hash32(7) });
    if (created?.type !== 'DistributionCreated') throw new Error('no DistributionCreated');
    const cxt = s.params.cxtToken;
    expect(created.data.totals.find((t) => t.token === cxt)?.cumulative).toBeGreaterThanOrEqual(x0);
    expect(created.data.chains).toEqual([
      expect.objectContaining({ chainId: BSC, leafCount: 1, totals: [{ token: CXT_ON_BSC, cumulative: x1 - x0 }] }),
    ]);
    // The primary tree holds OP's leaf frozen at the switch.
    expect(s.state.liveLeaves.get(created.data.seq)?.get(`${OP}|${cxt}`)).toBe(x0);
    expect(s.state.distributions.at(-1)?.chains?.[0]?.root).toBe(created.data.chains![0]!.root);
  });

  it('given every account switched before its first reward, a distribution goes out on the payout chain with an empty primary tree, which nothing can publish', () => {
    const s = withBsc();
    // The operator and the verifier are everyone paid in epoch 0.
    for (const account of [OP, s.defaultVerifier]) s.at(0).run({ type: 'SetPayoutChain', account, chainId: BSC, sequence: 1 });
    earn(s, 0);
    const [created] = s.at(1).run({ type: 'CreateDistribution', throughEpoch: 0, logHead: hash32(7) });
    if (created?.type !== 'DistributionCreated') throw new Error('no DistributionCreated');
    expect(created.data).toMatchObject({ root: EMPTY_ROOT, leafCount: 0, totals: [], treeHash: EMPTY_ROOT });
    const paid = [...s.state.accounts.values()].reduce((sum, a) => sum + (a.cumulativeWei.get(s.params.cxtToken) ?? 0n), 0n);
    expect(created.data.chains).toEqual([expect.objectContaining({ chainId: BSC, leafCount: 2, totals: [{ token: CXT_ON_BSC, cumulative: paid }] })]);
    const whole = s.state.distributions[0]!;
    expect(distributionOn(whole, PRIMARY_CHAIN)).toBeUndefined();
    expect(latestLiveOn(s.state, PRIMARY_CHAIN)).toBeUndefined();
    expect(latestLiveOn(s.state, String(BSC))?.seq).toBe(1);
    const proposal = { seq: 1, contract: address(0xd15), txHash: hash32(0x201), blockNumber: 1, validAt: 10 } as const;
    expect(s.refused({ type: 'RecordDistributionPublished', chainId: 31337, ...proposal }).code).toBe('DISTRIBUTION_UNKNOWN');
    s.run({ type: 'RecordDistributionPublished', chainId: BSC, ...proposal });
    expect(distributionOn(s.state.distributions[0]!, String(BSC))?.status).toBe('published');
    // Once an account earns on the primary chain, the next distribution has a primary tree again.
    s.at(1).node('n2', address(0x2));
    s.at(1).work('c1b', 'n2', 10).close(1);
    const [next] = s.at(2).run({ type: 'CreateDistribution', throughEpoch: 1, logHead: hash32(8) });
    expect(next?.type === 'DistributionCreated' && next.data.leafCount).toBeGreaterThan(0);
  });

  describe('each chain publishes its own tree (chainDistributions.ts)', () => {
    const TX = (n: number) => hash32(0x100 + n);
    const publish = (seq: number, chainId: number, n: number) =>
      ({ type: 'RecordDistributionPublished', seq, chainId, contract: address(0xd15), txHash: TX(n), blockNumber: n, validAt: 10 }) as const;
    const switched = () => {
      const s = withBsc();
      earn(s, 0);
      s.at(1).run({ type: 'SetPayoutChain', account: OP, chainId: BSC, sequence: 1 });
      earn(s, 1);
      s.at(2).run({ type: 'CreateDistribution', throughEpoch: 1, logHead: hash32(7) });
      return s;
    };
    const onBsc = (s: Scenario, seq: number) => distributionOn(s.state.distributions.find((d) => d.seq === seq)!, String(BSC))!;

    it('given a distribution with a tree on chain 56, its stages there move without the primary one, and a newer accepted tree supersedes the older one there only', () => {
      const s = switched();
      s.run(publish(1, BSC, 1));
      expect([s.state.distributions[0]!.status, onBsc(s, 1).status]).toEqual(['created', 'published']);
      s.run({ type: 'ActivateDistribution', seq: 1, chainId: BSC, txHash: TX(2) });
      expect([s.state.distributions[0]!.status, onBsc(s, 1).status]).toEqual(['created', 'active']);
      // The primary one goes its own way on its chain.
      s.run(publish(1, 31337, 3));
      s.run({ type: 'ActivateDistribution', seq: 1, txHash: TX(4) });
      expect(s.state.distributions[0]!.status).toBe('active');
      earn(s, 2);
      s.at(3).run({ type: 'CreateDistribution', throughEpoch: 2, logHead: hash32(8) });
      s.run(publish(2, BSC, 5));
      s.run({ type: 'ActivateDistribution', seq: 2, chainId: BSC, txHash: TX(6) });
      expect([onBsc(s, 1).status, onBsc(s, 2).status]).toEqual(['superseded', 'active']);
      expect(s.state.distributions.map((d) => d.status)).toEqual(['active', 'created']);
      expect(latestLiveOn(s.state, String(BSC))?.root).toBe(s.state.distributions[1]!.chains![0]!.root);
    });

    it('refuses a stage on a chain the distribution has no tree on, one for an unconfigured chain, and revoking whole once a tree is on its chain', () => {
      const s = withBsc();
      earn(s, 0);
      s.at(1).run({ type: 'CreateDistribution', throughEpoch: 0, logHead: hash32(7) });
      expect(s.refused(publish(1, BSC, 1)).code).toBe('DISTRIBUTION_UNKNOWN');
      expect(s.refused({ type: 'ActivateDistribution', seq: 1, chainId: 97 }).code).toBe('CHAIN_UNKNOWN');
      const t = switched();
      t.run(publish(1, BSC, 1));
      expect(t.refused({ type: 'RevokeDistribution', seq: 1 }).code).toBe('DISTRIBUTION_STATE');
      // The guardian of chain 56 revoked the proposal there: that tree alone is revoked.
      t.run({ type: 'RevokeDistribution', seq: 1, chainId: BSC, txHash: TX(2), reason: 'guardian' });
      expect([t.state.distributions[0]!.status, onBsc(t, 1).status]).toEqual(['created', 'revoked']);
    });

    it('refuses to configure the primary chain as a payout chain', () => {
      const s = switched();
      s.run(publish(1, 31337, 1));
      const refusal = s.refused({ type: 'ConfigureChain', chainId: 31337, assets: [{ asset: s.params.cxtToken, address: CXT_ON_BSC }] });
      expect([refusal.code, refusal.message]).toEqual(['INVALID_CONFIG', expect.stringContaining('is the primary chain')]);
    });

    it('claims on each chain are bounded by that chain\'s leaf; the frozen primary leaf cannot be claimed twice; the claimed total adds both', () => {
      const s = switched();
      const cxt = s.params.cxtToken;
      const [frozen, onChain] = [leaf(s, PRIMARY_CHAIN), leaf(s, String(BSC))];
      const claim = (amount: bigint, n: number, chainId?: number, token = cxt) =>
        ({ type: 'RecordClaim', account: OP, token, amount, txHash: TX(n), logIndex: 0, blockNumber: n, ...(chainId === undefined ? {} : { chainId }) }) as const;
      // Nothing is published on chain 56 yet.
      expect(s.refused(claim(1n, 1, BSC, CXT_ON_BSC)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
      s.run(publish(1, BSC, 2));
      s.run(publish(1, 31337, 3));
      // On chain 56 the token is its address there; the primary chain's address is not a token of chain 56.
      expect(s.refused(claim(1n, 4, BSC, cxt)).message).toContain('maps no asset');
      s.run(claim(onChain, 5, BSC, CXT_ON_BSC));
      expect(s.refused(claim(1n, 6, BSC, CXT_ON_BSC)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
      // The claim on chain 56 does not use up the primary chain's frozen leaf, nor more.
      s.run(claim(frozen, 7));
      expect(s.refused(claim(1n, 8)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
      const a = s.state.accounts.get(OP)!;
      expect([a.claimedWei.get(cxt), claimedOnWei(a, PRIMARY_CHAIN, cxt), claimedOnWei(a, String(BSC), cxt)]).toEqual([frozen + onChain, frozen, onChain]);
      expect(a.claimedWei.get(cxt)).toBe(cumulative(s));
      expect(s.refused(claim(1n, 9, 97, CXT_ON_BSC)).code).toBe('CHAIN_UNKNOWN');
    });
  });
});

