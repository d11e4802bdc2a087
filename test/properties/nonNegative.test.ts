/**
 * DESIGN §9.4: no negative stake, balance or budget; burned ≤ minted; slash ≤ stake.
 *
 * What the domain guarantees, precisely, and what is tested:
 * (a) After every event, nothing stored in the state is negative: bonded, settled stake, the stake at
 *     the end of every open epoch, unbonding entries (> 0), cumulative and claimed balances, total
 *     staked (= Σ bonded), minted, burned, every asset ledger field, remaining buyback budget; the
 *     stake view the settlement pays on (Settlement.activeStakes) is strictly positive.
 * (b) Slash ≤ stake: a StakeSlashed takes exactly floor(active · slashBps / 10000) of the operator's
 *     active stake for the recording epoch (deposits of earlier epochs, minus unstakes and slashes up
 *     to it), with slashBps of the parameters in force for that epoch; active ≤ bonded, so it never
 *     exceeds either; there is no StakeSlashed when that amount is 0; and it is burned by a
 *     TokensBurned{slash} of the same amount.
 * (c) Manual burns (buyback, other) are bounded by minted − burned: right after each, burned ≤ minted.
 *     Slash burns are bounded by stake, not by supply, so when stake may come from outside the
 *     minted supply (the `open` economy, e.g. a deposit before anything was minted), burned > minted
 *     is reachable by slashes alone; the domain cannot and does not promise more there.
 * (d) When every deposit and every manual burn comes out of free minted CXT (minted − burned − locked,
 *     the `closed` economy), burned + locked ≤ minted after every event, hence burned ≤ minted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settleEpoch, stakeAtEndOf, type AccountState, type LedgerState, type ProtocolParams } from '../../domain/index.ts';
import { historyArb, lockedWei, runHistory, slashHeavy, type History } from '../support/arbitraries.ts';
import { check, referenceActiveStake, RUNS, sum } from './helpers.ts';

const inForce = (state: LedgerState, epoch: number): ProtocolParams => {
  let p = state.configs[0]!.params;
  for (const c of state.configs) if (c.effectiveEpoch <= epoch) p = c.params;
  return p;
};

const checkNoNegatives = (state: LedgerState): void => {
  check(state.mintedWei >= 0n && state.burnedWei >= 0n, 'minted and burned must not be negative');
  let bonded = 0n;
  for (const a of state.accounts.values()) {
    const who = { account: a.account };
    check(a.bondedWei >= 0n, 'bonded stake is negative', { ...who, bonded: a.bondedWei });
    check(a.settledStakeWei >= 0n, 'settled stake is negative', { ...who, settled: a.settledStakeWei });
    check(a.bondedWei === a.settledStakeWei + sum(a.pendingChanges.map((c) => c.deltaWei)), 'bonded ≠ settled + pending changes', who);
    for (let e = state.lastClosedEpoch + 1; e <= state.lastClosedEpoch + 11; e++)
      check(stakeAtEndOf(a, e) >= 0n, 'stake at the end of an open epoch is negative', { ...who, epoch: e });
    check(a.unbonding.every((u) => u.amountWei > 0n), 'an unbonding entry is not positive', who);
    check([...a.cumulativeWei.values()].every((v) => v > 0n), 'a cumulative balance is not positive', who);
    for (const [token, claimed] of a.claimedWei) {
      check(claimed >= 0n, 'a claimed balance is negative', who);
      // §9.5, second half: claimed ≤ cumulative per leaf (the domain refuses over-claims).
      check(claimed <= (a.cumulativeWei.get(token) ?? 0n), 'claimed exceeds cumulative', { ...who, token });
    }
    check(a.tenureEpochs >= 0 && a.settledTenureEpochs >= 0, 'tenure is negative', who);
    bonded += a.bondedWei;
  }
  check(state.stakedWei === bonded, 'stakedWei ≠ Σ bonded', { stakedWei: state.stakedWei, bonded });
  for (const [asset, l] of state.assets) {
    for (const [field, v] of Object.entries(l)) check((v as bigint) >= 0n, `asset ledger ${field} is negative`, { asset });
    check(l.buybackBudgetWei - l.buybackSpentWei >= 0n, 'remaining buyback budget is negative', { asset });
  }
};

/** Runs a history checking (a)–(c); returns how many slashes and manual burns it saw. */
const checkHistory = (h: History): { slashes: number; manualBurns: number } => {
  let slashes = 0;
  let manualBurns = 0;
  let pendingSlash: { amount: bigint; contributionId: string } | undefined;
  runHistory(h, {
    beforeEvent: (state, e) => {
      if (e.type === 'ContributionRejected' && e.data.reason === 'fraud') {
        check(pendingSlash === undefined || pendingSlash.amount === 0n, 'a positive slash was due but not recorded', pendingSlash);
        // What the slash must be, computed before any of the verdict's events is applied.
        const operator = state.nodes.get(e.data.nodeId)!.operator;
        const a = state.accounts.get(operator);
        const active = a ? referenceActiveStake(a, e.data.epoch) : 0n;
        const bps = BigInt(inForce(state, e.data.epoch).slashBps);
        const expected = active > 0n ? (active * bps) / 10_000n : 0n;
        check(expected <= (a?.bondedWei ?? 0n), 'active stake exceeds bonded stake', { operator });
        pendingSlash = { amount: expected, contributionId: e.data.contributionId };
      } else if (e.type === 'StakeSlashed') {
        slashes++;
        const bonded = state.accounts.get(e.data.account)?.bondedWei ?? 0n;
        check(pendingSlash !== undefined && pendingSlash.contributionId === e.data.contributionId, 'a slash must follow its fraud verdict', e.data);
        check(e.data.amount === pendingSlash!.amount, 'slash ≠ floor(active stake · slashBps in force / 10000)', {
          slashed: e.data.amount,
          expected: pendingSlash!.amount,
          epoch: e.data.epoch,
        });
        check(e.data.amount <= bonded, 'slash exceeds the bonded stake', { ...e.data, bonded });
      } else if (e.type === 'TokensBurned' && e.data.reason === 'slash') {
        check(pendingSlash !== undefined && pendingSlash.amount === e.data.amount, 'a slash burn must burn exactly the slashed stake', e.data);
        expect(e.data.burnId).toBe(`slash:${pendingSlash!.contributionId}`);
        pendingSlash = undefined;
      } else {
        // A fraud verdict whose slash would be 0 records no slash at all.
        check(pendingSlash === undefined || pendingSlash.amount === 0n, 'a positive slash was due but not recorded', pendingSlash);
        pendingSlash = undefined;
      }
      if (e.type === 'EpochClosed') {
        const s = settleEpoch(state, e.data.epoch);
        for (const [account, stake] of s.activeStakes) check(stake > 0n, 'settlement pays on a non-positive stake', { account });
      }
    },
    afterEvent: (state, e) => {
      checkNoNegatives(state);
      if (e.type === 'TokensBurned' && e.data.reason !== 'slash') {
        manualBurns++;
        check(state.burnedWei <= state.mintedWei, 'a manual burn took burned above minted', { burned: state.burnedWei, minted: state.mintedWei });
      }
    },
  });
  return { slashes, manualBurns };
};

describe('§9.4 no negatives, burns and slashes', () => {
  it(`nothing in the state goes negative; slash = floor(active·slashBps) ≤ stake; manual burns keep burned ≤ minted (${RUNS} runs)`, () => {
    let manualBurns = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        manualBurns += checkHistory(h).manualBurns;
      }),
      { numRuns: RUNS },
    );
    expect(manualBurns).toBeGreaterThan(0);
  });

  it(`the same with frequent frauds on staked operators (${RUNS} runs)`, () => {
    let slashes = 0;
    fc.assert(
      fc.property(historyArb().map(slashHeavy), (h) => {
        slashes += checkHistory(h).slashes;
      }),
      { numRuns: RUNS },
    );
    expect(slashes).toBeGreaterThan(RUNS / 20);
  });

  it(`closed economy (deposits and manual burns from free minted CXT): burned + locked ≤ minted at every step (${RUNS} runs)`, () => {
    let burns = 0;
    let deposits = 0;
    let slashes = 0;
    fc.assert(
      fc.property(historyArb({ economy: 'closed' }).map(slashHeavy), (h) => {
        runHistory(h, {
          afterEvent: (state, e) => {
            if (e.type === 'StakeSlashed') slashes++;
            if (e.type === 'TokensBurned') burns++;
            if (e.type === 'StakeDeposited') deposits++;
            const locked = lockedWei(state);
            check(state.burnedWei + locked <= state.mintedWei, 'burned + locked exceeds minted', {
              burned: state.burnedWei,
              locked,
              minted: state.mintedWei,
            });
            checkNoNegatives(state);
          },
        });
      }),
      { numRuns: RUNS },
    );
    expect(burns).toBeGreaterThan(0);
    expect(deposits).toBeGreaterThan(0);
    expect(slashes).toBeGreaterThan(0);
  });

  /*
   * SKIPPED — domain issue "manual burns may burn CXT that is locked as stake" (decide.ts `burn`):
   * BURN_EXCEEDS_SUPPLY compares the burn with minted − burned only, not with minted − burned − locked
   * stake. So even when every staked token came from minted CXT, a buyback/other burn can "burn"
   * tokens that are in fact locked, and a later fraud slash burns them a second time:
   * burned > minted, against DESIGN §9.4. fast-check finds it within a few dozen runs; shrunk:
   *   maxSupply 27786, H = 1 (λ = 1/2), all emission to verification, slashBps 1. Epoch 0: node 0's
   *   verified work → the close mints 13893 to the verifier. The operator stakes half of the free
   *   minted CXT, later ~44% more (all from minted CXT). In epoch 3 a burn `other` of all of
   *   minted − burned is accepted although most of it is locked as stake; a fraud verdict on node 0
   *   slashes floor(active · 1/10000) = 1 → burned = minted + 1.
   *   (Hand-built variant: mint, stake everything, burn everything, fraud → burned > minted by the
   *   whole slash.)
   * Fixed: manual burns are capped at the free supply, minted − burned − staked − unbonding.
   */
  it(`deposits from minted CXT, burns bounded only by the domain: burned ≤ minted (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(historyArb({ economy: 'closedDeposits' }).map(slashHeavy), (h) => {
        runHistory(h, {
          afterEvent: (state) => {
            check(state.burnedWei <= state.mintedWei, 'burned exceeds minted', { burned: state.burnedWei, minted: state.mintedWei });
          },
        });
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
