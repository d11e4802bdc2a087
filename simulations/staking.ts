/**
 * Staking behaviour: stakers aim at a staking ratio (bonded / circulating) that rises with the
 * staking APR, close part of the gap each epoch, and a small share of stake leaves regardless.
 * Deposits come only out of liquid circulating CXT (there is no other source of tokens), except the
 * optional genesis-window stake. Unbonded stake is withdrawn as soon as the domain allows.
 */
import { unbondedWei, unbondingWei, type Command, type LedgerState } from '../domain/index.ts';
import type { Prng } from './prng.ts';
import { bernoulli, pick } from './random.ts';
import type { StakingModel } from './scenario.ts';
import type { Network } from './network.ts';
import { agentAddress } from './agents.ts';
import { tokensToWei, weiToTokens } from './units.ts';

/** APRs above this (1000%) are treated as equal: early epochs with tiny stake would swamp the average. */
const APR_CAP = 10;

export interface StakingAgents {
  readonly stakers: readonly string[];
  /** Accounts that have bonded at some point, in first-deposit order (candidates for unstaking). */
  readonly bonders: Set<string>;
  /** Accounts with stake still unbonding or waiting to be withdrawn. */
  readonly unbonding: Set<string>;
  /** Exponential average of the observed staking APR; undefined until stake first earns. */
  smoothedApr: number | undefined;
}

export const createStakingAgents = (model: StakingModel): StakingAgents => ({
  stakers: Array.from({ length: model.stakers }, (_, i) => agentAddress('staker', i)),
  bonders: new Set(),
  unbonding: new Set(),
  smoothedApr: undefined,
});

/** Deposits of the genesis staking window; the run records them before genesis time. */
export const genesisDeposits = (agents: StakingAgents, model: StakingModel): Command[] => {
  const count = Math.min(model.initialStakers, agents.stakers.length);
  const each = tokensToWei(model.initialStakeCxt / count);
  if (each === 0n) return [];
  return agents.stakers.slice(0, count).map((account, i) => {
    agents.bonders.add(account);
    return { type: 'DepositStake', account, amount: each, ref: `genesis.${i}` };
  });
};

/** Feeds the APR observed at a close (undefined when no stake was active) into the average. */
export const observeApr = (agents: StakingAgents, model: StakingModel, apr: number | undefined): void => {
  if (apr === undefined) return;
  const capped = Math.min(apr, APR_CAP);
  const alpha = 2 / (model.aprSmoothingEpochs + 1);
  agents.smoothedApr = agents.smoothedApr === undefined ? capped : agents.smoothedApr + alpha * (capped - agents.smoothedApr);
};

/** No earning stake yet means whoever bonds first takes the whole staking pool: aim for the maximum. */
export const targetRatio = (agents: StakingAgents, model: StakingModel): number =>
  agents.smoothedApr === undefined
    ? model.maxRatio
    : Math.min(model.maxRatio, Math.max(0, model.baseRatio + model.aprSensitivity * (agents.smoothedApr - model.referenceApr)));

const withdrawals = (agents: StakingAgents, state: LedgerState, epoch: number): Command[] => {
  const commands: Command[] = [];
  for (const account of agents.unbonding) {
    const a = state.accounts.get(account);
    const free = a ? unbondedWei(a, epoch) : 0n;
    if (free > 0n) commands.push({ type: 'WithdrawStake', account, amount: free });
    if (!a || unbondingWei(a) === free) agents.unbonding.delete(account);
  }
  return commands;
};

/** The staking commands of one epoch: withdrawals, then deposits or unstake requests. */
export const stakingCommands = (
  agents: StakingAgents,
  model: StakingModel,
  state: LedgerState,
  net: Network,
  rng: Prng,
  epoch: number,
): Command[] => {
  const commands = withdrawals(agents, state, epoch);
  const circulating = weiToTokens(state.mintedWei - state.burnedWei);
  const bonded = weiToTokens(state.stakedWei);
  let locked = 0;
  for (const account of agents.unbonding) {
    const a = state.accounts.get(account);
    if (a) locked += weiToTokens(unbondingWei(a));
  }
  const liquid = Math.max(0, circulating - bonded - locked);
  const gap = targetRatio(agents, model) * circulating - bonded;
  const deposit = gap > 0 ? Math.min(gap * model.adjustPerEpoch, liquid) : 0;
  const unstake = (gap < 0 ? -gap * model.adjustPerEpoch : 0) + bonded * model.exitPerEpoch;
  const perAction = model.depositsPerEpoch;

  const eachDeposit = tokensToWei(deposit / perAction);
  for (let k = 0; eachDeposit > 0n && k < perAction; k++) {
    const toOperator = net.operators.length > 0 && bernoulli(rng, model.operatorShare);
    const account = toOperator ? pick(rng, net.operators).address : pick(rng, agents.stakers);
    agents.bonders.add(account);
    commands.push({ type: 'DepositStake', account, amount: eachDeposit, ref: `d${epoch}.${k}` });
  }

  const eachUnstake = tokensToWei(unstake / perAction);
  const candidates = [...agents.bonders];
  for (let k = 0; eachUnstake > 0n && candidates.length > 0 && k < perAction; k++) {
    const account = pick(rng, candidates);
    const bondedWei = state.accounts.get(account)?.bondedWei ?? 0n;
    // Several requests may hit one account in an epoch: the domain checks each against what is left.
    const alreadyRequested = commands.reduce((sum, c) => (c.type === 'RequestUnstake' && c.account === account ? sum + c.amount : sum), 0n);
    const available = bondedWei - alreadyRequested;
    const amount = eachUnstake < available ? eachUnstake : available;
    if (amount <= 0n) continue;
    agents.unbonding.add(account);
    commands.push({ type: 'RequestUnstake', account, amount });
  }
  return commands;
};
