import { describe, expect, it } from 'vitest';
import { scenario, address, hash32 } from './scenario.ts';
import { cxt, epochBudget } from '../../domain/index.ts';

describe('a first epoch end to end through decide and evolve', () => {
  it('pays verified compute, stake and verification, and mints exactly the allocations', () => {
    const s = scenario().at(0);
    s.run({ type: 'RegisterNode', nodeId: 'n1', operator: address(1), signer: address(11), hardwareClass: 'gpu' });
    s.run({ type: 'RegisterVerifier', verifier: address(9) });
    s.run({ type: 'DepositStake', account: address(2), amount: cxt(1000), ref: 'r1' });
    s.run({ type: 'RecordContribution', contributionId: 'c1', nodeId: 'n1', epoch: 0, kind: 'compute', units: 100, proofHash: hash32(1) });
    s.run({ type: 'VerifyContribution', contributionId: 'c1', verifier: address(9) });
    const [closed] = s.close(0);
    expect(closed?.type).toBe('EpochClosed');
    if (closed?.type !== 'EpochClosed') return;
    const budget = epochBudget(s.params.maxSupply, s.params.halfLifeEpochs);
    expect(closed.data.budget).toBe(budget);
    // Stake made in epoch 0 earns nothing for epoch 0: the staking pool is not minted.
    expect(closed.data.pools.staking.minted).toBe(0n);
    expect(closed.data.pools.compute.minted).toBe(closed.data.pools.compute.budget);
    expect(closed.data.minted).toBe(closed.data.pools.compute.minted + closed.data.pools.verification.minted);
    expect(s.state.mintedWei).toBe(closed.data.minted);
  });
});
