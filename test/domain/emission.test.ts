/**
 * DESIGN §4 — emission: B(e) = floor(R(e)·λ), λ = 1 − 2^(−1/H), pools by basis points, what is not
 * allocated stays in R; and the long-horizon claim (half of maxSupply after H epochs).
 */
import { describe, expect, it } from 'vitest';
import { address, scenario } from './scenario.ts';
import { cxt, epochBudget, splitBudget, defaultParams } from '../../domain/index.ts';

/**
 * Independent check that `budget` = floor(R·λ) without computing λ:
 * B ≤ R·λ < B+1  ⟺  R−B−1 < R·2^(−1/H) ≤ R−B  ⟺  2·(R−B−1)^H < R^H ≤ 2·(R−B)^H  (exact bigint math).
 */
const isFloorOfRLambda = (remaining: bigint, budget: bigint, halfLife: number): boolean => {
  const h = BigInt(halfLife);
  const rh = remaining ** h;
  return 2n * (remaining - budget - 1n) ** h < rh && rh <= 2n * (remaining - budget) ** h;
};

const OPERATOR = address(1);
const STAKER = address(2);
const VERIFIER = address(9);

describe('epoch budget B(e) = floor(R(e)·λ)', () => {
  it('the independent floor check itself rejects a budget one base unit off', () => {
    const R = cxt(1_000_000_000);
    const B = epochBudget(R, 1461);
    expect(isFloorOfRLambda(R, B, 1461)).toBe(true);
    expect(isFloorOfRLambda(R, B + 1n, 1461)).toBe(false);
    expect(isFloorOfRLambda(R, B - 1n, 1461)).toBe(false);
  });

  it('EpochClosed.budget is floor(R·λ) of the remaining supply, split 70/10/20 with staking taking the remainder', () => {
    const s = scenario().at(0).node('n1', OPERATOR).verifier(VERIFIER).stake(STAKER, cxt(1000));
    for (let e = 0; e < 4; e++) {
      s.at(e).work(`c${e}`, 'n1', 100, { verifier: VERIFIER });
      const R = s.params.maxSupply - s.state.mintedWei;
      s.close(e);
      const closed = s.closed(e);
      expect(isFloorOfRLambda(R, closed.budget, 1461)).toBe(true);
      const B = closed.budget;
      expect(closed.pools.compute.budget).toBe((B * 7000n) / 10000n);
      expect(closed.pools.verification.budget).toBe((B * 1000n) / 10000n);
      expect(closed.pools.staking.budget).toBe(B - (B * 7000n) / 10000n - (B * 1000n) / 10000n);
      // minted(e+1) = minted(e) + Σ allocations(e), each pool ≤ its budget.
      const allocated = s.allocations().reduce((sum, a) => sum + a.amountWei, 0n);
      expect(closed.minted).toBe(allocated);
      expect(s.state.mintedWei).toBe(s.params.maxSupply - R + allocated);
      expect(closed.minted).toBe(closed.pools.compute.minted + closed.pools.staking.minted + closed.pools.verification.minted);
    }
  });

  it('the first budget of the default schedule is 474,320.86… CXT (1e9 CXT · (1 − 2^(−1/1461)))', () => {
    const s = scenario();
    s.close(0);
    expect(s.closed(0).budget).toBe(474_320_862_749_585_192_032_442n);
  });

  it('an epoch with no weight in any pool mints nothing and leaves the next budget unchanged', () => {
    const s = scenario();
    s.close(0);
    s.close(1);
    expect(s.closed(0).minted).toBe(0n);
    expect(s.closed(0).pools).toEqual({
      compute: { budget: s.closed(0).pools.compute.budget, minted: 0n },
      staking: { budget: s.closed(0).pools.staking.budget, minted: 0n },
      verification: { budget: s.closed(0).pools.verification.budget, minted: 0n },
    });
    expect(s.state.mintedWei).toBe(0n);
    expect(s.closed(1).budget).toBe(s.closed(0).budget);
  });

  it('what a pool with no weight does not mint stays in R and flows into the next, larger budget', () => {
    // Epoch 0: compute and verification weight, but nobody has active stake (a stake made in 0 earns from 1).
    const s = scenario().at(0).node('n1', OPERATOR).verifier(VERIFIER).stake(STAKER, cxt(1000));
    s.work('c0', 'n1', 10, { verifier: VERIFIER });
    s.close(0);
    const c0 = s.closed(0);
    expect(c0.pools.staking.minted).toBe(0n);
    expect(c0.pools.verification.minted).toBe(c0.pools.verification.budget);
    expect(c0.pools.compute.minted).toBe(c0.pools.compute.budget);
    expect(c0.minted).toBe((c0.budget * 7000n) / 10000n + (c0.budget * 1000n) / 10000n);

    s.close(1);
    const R1 = s.params.maxSupply - c0.minted;
    expect(isFloorOfRLambda(R1, s.closed(1).budget, 1461)).toBe(true);
    // Had the whole budget been minted, R would be maxSupply − B(0) and the next budget smaller.
    const fullyMintedNext = epochBudget(s.params.maxSupply - c0.budget, 1461);
    expect(s.closed(1).budget).toBeGreaterThan(fullyMintedNext);
    expect(s.closed(1).budget).toBe(epochBudget(R1, 1461));
  });

  it('the budget uses halfLifeEpochs in force for the epoch', () => {
    const s = scenario({ halfLifeEpochs: 10 });
    s.close(0);
    expect(isFloorOfRLambda(s.params.maxSupply, s.closed(0).budget, 10)).toBe(true);
    // 1 − 2^(−1/10) ≈ 6.7%
    expect(s.closed(0).budget / cxt(1_000_000)).toBe(66n);
  });
});

describe('long horizon: H epochs of emission mint half of maxSupply', () => {
  const H = 1461;

  it('with every pool fully allocated from epoch 0, minted after H epochs is maxSupply/2 within 1 CXT (design claim)', () => {
    const p = defaultParams();
    let minted = 0n;
    for (let e = 0; e < H; e++) {
      const budget = epochBudget(p.maxSupply - minted, H);
      const pools = splitBudget(budget, p);
      // One recipient per pool: floor(pool·w/w) = pool, so every pool is minted in full.
      minted += pools.compute + pools.verification + pools.staking;
    }
    const half = p.maxSupply / 2n;
    expect(minted).toBeLessThanOrEqual(half);
    expect(half - minted).toBeLessThan(cxt(1));
  });

  it('through the ledger with full participation from epoch 0, minted after H epochs is maxSupply/2 within 1 CXT', () => {
    // Full participation: one node with verified work and one verifier in every epoch, and one staker
    // who staked in the genesis window (before genesis time), so the staking pool has weight in epoch 0
    // too. Every epoch then mints its whole budget but for floors.
    const s = scenario();
    s.now = s.params.genesisTimeSeconds - 3600;
    s.node('n1', OPERATOR).verifier(VERIFIER).stake(STAKER, cxt(1000));
    expect(s.state.accounts.get(STAKER)?.settledStakeWei).toBe(cxt(1000));
    for (let e = 0; e < H; e++) {
      s.at(e).work(`c${e}`, 'n1', 100, { verifier: VERIFIER });
      s.close(e);
      const closed = s.closed(e);
      // One recipient per pool: every pool is minted in full.
      if (closed.minted !== closed.budget) expect.fail(`epoch ${e}: minted ${closed.minted} ≠ budget ${closed.budget}`);
    }
    const half = s.params.maxSupply / 2n;
    expect(s.state.mintedWei).toBeLessThanOrEqual(half);
    expect(half - s.state.mintedWei).toBeLessThan(cxt(1));
  });

  it('a stake deposited at or after genesis time earns from the next epoch only: epoch 0 then leaves its staking pool unminted', () => {
    const s = scenario();
    s.now = s.params.genesisTimeSeconds;
    s.node('n1', OPERATOR).verifier(VERIFIER).stake(STAKER, cxt(1000));
    s.at(0).work('c0', 'n1', 100, { verifier: VERIFIER });
    s.close(0);
    expect(s.closed(0).pools.staking.minted).toBe(0n);
    expect(s.closed(0).minted).toBe(s.closed(0).budget - s.closed(0).pools.staking.budget);
  });
});
