/**
 * decide(command, state, nowSeconds) → Either<Refusal, events>: the rules of DESIGN §5 as pure
 * decisions. Time is an argument; a refusal writes nothing.
 *
 * A request repeated under its natural key (a deposit's ref, a revenue or burn id, a contribution
 * id) is not decided again: ids are unique in the event store, however old (DESIGN §10), and the
 * command handler answers a repeat from there. So the state keeps no set of every id ever seen.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Command, CommandOf } from './commands.ts';
import { event, type CorexEvent } from './events.ts';
import { checkParams, IMMUTABLE_PARAMS, verificationWindow, type ProtocolParams } from './params.ts';
import {
  activeStakeFor,
  epochEndSeconds,
  genesisParams,
  latestParams,
  paramsForEpoch,
  recordingEpoch,
  unbondedWei,
  type LedgerState,
} from './state.ts';
import { epochClosedData, settleEpoch } from './settlement.ts';
import { stateHash } from './snapshot.ts';
import { refuse, type Refusal } from './errors.ts';
import { formatCxt, formatUnits, mulBps, shortAddress } from './units.ts';
import { jcs } from './hashChain.ts';
import { planDistribution, type DistributionPlan } from './distribution.ts';
import { distributionStep, recordClaim } from './distributionDecisions.ts';
import { postTask, recordTaskResult } from './tasks.ts';
import { taskCloseEvents } from './taskSettlement.ts';
import { configureChain, setPayoutChain } from './payoutDecisions.ts';

export type Decision = E.Either<Refusal, CorexEvent[]>;

const ok = (...events: CorexEvent[]): Decision => E.right(events);
const no = (code: Refusal['code'], message: string): Decision => E.left(refuse(code, message));

/**
 * Parameters in force for the epoch a decision is recorded in: a version configured for a later
 * epoch must not already govern today's unbonding, slashing or late-work window.
 */
const configured = (state: LedgerState, now: number): E.Either<Refusal, ProtocolParams> => {
  const p = paramsForEpoch(state, recordingEpoch(state, now)) ?? latestParams(state);
  return p ? E.right(p) : E.left(refuse('NOT_CONFIGURED', 'the protocol has no genesis configuration yet'));
};

/** E.chain written out: fp-ts's curried form copies its arguments on every call, and every command passes here. */
const withParams = (state: LedgerState, now: number, f: (p: ProtocolParams) => Decision): Decision => {
  const p = configured(state, now);
  return E.isLeft(p) ? p : f(p.right);
};

const configure = (c: CommandOf<'ConfigureProtocol'>, state: LedgerState, now: number): Decision => {
  const checked = checkParams(c.params);
  if (E.isLeft(checked)) return no('INVALID_CONFIG', `invalid parameters: ${checked.left.join('; ')}`);
  const genesis = genesisParams(state);
  if (!genesis) {
    if ((c.effectiveEpoch ?? 0) !== 0) return no('INVALID_CONFIG', 'the genesis configuration must take effect at epoch 0');
    // CXT is the first registered asset: its rewards are leaves like any other token's.
    return ok(
      event('ProtocolConfigured', { version: 1, effectiveEpoch: 0, params: c.params }),
      event('AssetRegistered', { asset: c.params.cxtToken, symbol: c.params.symbol, decimals: c.params.decimals }),
    );
  }
  for (const field of IMMUTABLE_PARAMS) {
    if (jcs(String(c.params[field])) !== jcs(String(genesis[field])))
      return no('INVALID_CONFIG', `${field} is fixed at genesis and cannot change (${String(genesis[field])} → ${String(c.params[field])})`);
  }
  const firstOpen = state.lastClosedEpoch + 1;
  const effectiveEpoch = c.effectiveEpoch ?? recordingEpoch(state, now) + 1;
  if (effectiveEpoch < firstOpen)
    return no('INVALID_CONFIG', `effectiveEpoch ${effectiveEpoch} is already closed; the first open epoch is ${firstOpen}`);
  return ok(event('ProtocolConfigured', { version: state.configs.length + 1, effectiveEpoch, params: c.params }));
};

const recordContribution = (c: CommandOf<'RecordContribution'>, state: LedgerState, now: number, p: ProtocolParams): Decision => {
  if (!state.nodes.has(c.nodeId)) return no('NODE_UNKNOWN', `node ${c.nodeId} is not registered`);
  if (state.contributions.has(c.contributionId)) return no('CONTRIBUTION_EXISTS', `contribution ${c.contributionId} is already recorded`);
  const current = recordingEpoch(state, now);
  if (c.epoch > current) return no('EPOCH_IN_FUTURE', `contribution epoch ${c.epoch} is in the future; the current epoch is ${current}`);
  if (c.epoch < current - p.maxLateEpochs)
    return no('EPOCH_TOO_OLD', `contribution epoch ${c.epoch} is more than ${p.maxLateEpochs} epochs before the current epoch ${current}`);
  if (c.fragmentId !== undefined) return recordTaskResult({ ...c, fragmentId: c.fragmentId }, state, current);
  const { type: _type, ...data } = c;
  return ok(event('ContributionRecorded', data));
};

const judge = (
  c: CommandOf<'VerifyContribution'> | CommandOf<'RejectContribution'>,
  state: LedgerState,
  now: number,
  p: ProtocolParams,
  facts: DecisionFacts,
): Decision => {
  const contribution = state.contributions.get(c.contributionId);
  if (!contribution)
    // Not open, but recorded once (the store knows its id) and not judged (its verdict key would have
    // answered first): its verification window closed without a verdict.
    return facts.contributionRecordedEarlier
      ? no('CONTRIBUTION_EXPIRED', `contribution ${c.contributionId} expired unjudged when its verification window of ${verificationWindow(p)} epochs closed`)
      : no('CONTRIBUTION_UNKNOWN', `contribution ${c.contributionId} is not recorded`);
  const taskResult = contribution.taskId !== undefined;
  // A task result is judged by its fragment's consensus; a verifier may only mark it fraud, while
  // it is open or as a dissent the consensus rejected.
  if (taskResult && (c.type === 'VerifyContribution' || c.reason !== 'fraud'))
    return no('JUDGED_BY_CONSENSUS', `contribution ${c.contributionId} is a result of task ${contribution.taskId}: its fragment's consensus judges it; a verifier may only reject it as fraud`);
  const fraudOnDissent = taskResult && contribution.status === 'rejected' && contribution.fraudOpenUntilEpoch !== undefined;
  if (contribution.status !== 'recorded' && !fraudOnDissent)
    return no('CONTRIBUTION_ALREADY_JUDGED', `contribution ${c.contributionId} is already ${contribution.status}`);
  if (!state.verifiers.has(c.verifier)) return no('NOT_A_VERIFIER', `${c.verifier} is not a registered verifier`);
  const node = state.nodes.get(contribution.nodeId)!;
  if (node.operator === c.verifier) return no('SELF_VERIFICATION', `verifier ${c.verifier} operates node ${node.nodeId} and cannot judge its work`);
  const epoch = recordingEpoch(state, now);
  const base = { contributionId: c.contributionId, nodeId: contribution.nodeId, verifier: c.verifier, epoch };
  if (c.type === 'VerifyContribution') return ok(event('ContributionVerified', base));
  const events: CorexEvent[] = [event('ContributionRejected', { ...base, reason: c.reason })];
  if (c.reason === 'fraud') {
    // DESIGN §5: the slash is a share of the operator's *active* stake for this epoch (a deposit made
    // in it is not at stake yet), so it can never exceed that stake nor drive it negative.
    const operator = state.accounts.get(node.operator);
    const active = operator ? activeStakeFor(operator, epoch) : 0n;
    const amount = active > 0n ? mulBps(active, p.slashBps) : 0n;
    if (amount > 0n) {
      events.push(event('StakeSlashed', { account: node.operator, amount, epoch, contributionId: c.contributionId }));
      events.push(event('TokensBurned', { burnId: `slash:${c.contributionId}`, amount, epoch, reason: 'slash' }));
    }
  }
  return E.right(events);
};

const unstake = (c: CommandOf<'RequestUnstake'>, state: LedgerState, now: number, p: ProtocolParams): Decision => {
  const bonded = state.accounts.get(c.account)?.bondedWei ?? 0n;
  if (c.amount > bonded)
    return no('INSUFFICIENT_STAKE', `unstake of ${formatCxt(c.amount)} exceeds the bonded stake ${formatCxt(bonded)} of ${shortAddress(c.account)}`);
  const epoch = recordingEpoch(state, now);
  return ok(event('UnstakeRequested', { account: c.account, amount: c.amount, epoch, releaseEpoch: epoch + p.unbondingEpochs }));
};

const withdraw = (c: CommandOf<'WithdrawStake'>, state: LedgerState, now: number): Decision => {
  const a = state.accounts.get(c.account);
  const epoch = recordingEpoch(state, now);
  const free = a ? unbondedWei(a, epoch) : 0n;
  if (c.amount > free) {
    const next = a?.unbonding.filter((u) => u.releaseEpoch > epoch).map((u) => u.releaseEpoch).sort((x, y) => x - y)[0];
    return no(
      'NOT_UNBONDED',
      `withdrawal of ${formatCxt(c.amount)} exceeds the ${formatCxt(free)} unbonded for ${shortAddress(c.account)} in epoch ${epoch}` +
        (next !== undefined ? `; more unbonds at epoch ${next}` : ''),
    );
  }
  return ok(event('StakeWithdrawn', { account: c.account, amount: c.amount, epoch }));
};

const burn = (c: CommandOf<'BurnTokens'>, state: LedgerState, now: number): Decision => {
  // Staked and unbonding CXT is locked in the staking contract: only free circulating supply can be
  // burned, which keeps burned ≤ minted even when locked stake is slashed and burned later.
  let lockedWei = state.stakedWei;
  for (const a of state.accounts.values()) for (const u of a.unbonding) lockedWei += u.amountWei;
  const free = state.mintedWei - state.burnedWei - lockedWei;
  if (c.amount > free)
    return no(
      'BURN_EXCEEDS_SUPPLY',
      `burn of ${formatCxt(c.amount)} exceeds the free supply of ${formatCxt(free > 0n ? free : 0n)} (minted, not burned, not staked or unbonding)`,
    );
  const epoch = recordingEpoch(state, now);
  if (c.reason === 'other') {
    if (c.asset !== undefined || c.spent !== undefined) return no('INVALID_CONFIG', 'asset and spent apply only to buyback burns');
    return ok(event('TokensBurned', { burnId: c.burnId, amount: c.amount, epoch, reason: 'other' }));
  }
  if (c.asset === undefined || c.spent === undefined)
    return no('BUYBACK_EXCEEDS_BUDGET', 'a buyback burn must name the asset spent and the amount spent');
  if (!state.assetRegistry.has(c.asset)) return assetUnknown(c.asset);
  const ledger = state.assets.get(c.asset);
  const available = ledger ? ledger.buybackBudgetWei - ledger.buybackSpentWei : 0n;
  if (c.spent > available)
    return no(
      'BUYBACK_EXCEEDS_BUDGET',
      `buyback spends ${formatUnits(c.spent)} of asset ${shortAddress(c.asset)} but its buyback budget has ${formatUnits(available)} left`,
    );
  return ok(event('TokensBurned', { burnId: c.burnId, amount: c.amount, epoch, reason: 'buyback', asset: c.asset, spent: c.spent }));
};

const assetUnknown = (asset: string): Decision =>
  no('ASSET_UNKNOWN', `asset ${asset} is not registered; register the ERC-20 first (POST /v1/assets or cxt asset register)`);

const registerAsset = (c: CommandOf<'RegisterAsset'>, state: LedgerState): Decision => {
  const known = state.assetRegistry.get(c.asset);
  if (known) return no('ASSET_EXISTS', `asset ${c.asset} is already registered as ${known.symbol} with ${known.decimals} decimals`);
  const { type: _type, ...data } = c;
  return ok(event('AssetRegistered', data));
};

const closeEpoch = (c: CommandOf<'CloseEpoch'>, state: LedgerState, now: number, p: ProtocolParams): Decision => {
  const next = state.lastClosedEpoch + 1;
  if (c.epoch !== next)
    return no('EPOCH_OUT_OF_ORDER', `epoch ${c.epoch} cannot close: epochs close in order and the next to close is ${next}`);
  const end = epochEndSeconds(p, c.epoch);
  if (now < end) return no('EPOCH_NOT_ENDED', `epoch ${c.epoch} ends at ${end} (unix seconds); it is now ${now}`);
  const s = settleEpoch(state, c.epoch);
  return ok(
    event('EpochClosed', epochClosedData(s, c.logHead, c.omitStateHash ? undefined : stateHash(state))),
    ...s.tierChanges.map((t) => event('TierChanged', { account: t.account, from: t.from, to: t.to, epoch: c.epoch + 1 })),
    ...taskCloseEvents(s.tasks, c.epoch, c.logHead),
  );
};

/**
 * What a decision may need to know beyond the state, supplied by whoever holds the log (the command
 * handler, from the event store's index): the state forgets closed work, the store does not.
 */
export interface DecisionFacts {
  /** For a verdict on a contribution not in the state: was it ever recorded (then it expired)? */
  readonly contributionRecordedEarlier?: boolean;
}

export const decide = (c: Command, state: LedgerState, nowSeconds: number, facts: DecisionFacts = {}): Decision => {
  if (c.type === 'ConfigureProtocol') return configure(c, state, nowSeconds);
  return withParams(state, nowSeconds, (p) => {
    const epoch = () => recordingEpoch(state, nowSeconds);
    switch (c.type) {
      case 'RegisterNode': {
        if (state.nodes.has(c.nodeId)) return no('NODE_EXISTS', `node ${c.nodeId} is already registered`);
        const { type: _type, ...data } = c;
        return ok(event('NodeRegistered', data));
      }
      case 'RecordContribution':
        return recordContribution(c, state, nowSeconds, p);
      case 'VerifyContribution':
      case 'RejectContribution':
        return judge(c, state, nowSeconds, p, facts);
      case 'RegisterVerifier':
        return state.verifiers.has(c.verifier)
          ? no('VERIFIER_EXISTS', `${c.verifier} is already a verifier`)
          : ok(event('VerifierRegistered', { verifier: c.verifier }));
      case 'RemoveVerifier':
        return state.verifiers.has(c.verifier)
          ? ok(event('VerifierRemoved', { verifier: c.verifier }))
          : no('VERIFIER_UNKNOWN', `${c.verifier} is not a verifier`);
      case 'DepositStake':
        return ok(
          event('StakeDeposited', {
            account: c.account,
            amount: c.amount,
            epoch: epoch(),
            ref: c.ref,
            // Stake deposited before genesis time (the genesis staking window) earns from epoch 0.
            ...(nowSeconds < p.genesisTimeSeconds ? { preGenesis: true as const } : {}),
          }),
        );
      case 'RequestUnstake':
        return unstake(c, state, nowSeconds, p);
      case 'WithdrawStake':
        return withdraw(c, state, nowSeconds);
      case 'ConfigureChain':
        return configureChain(c, state);
      case 'SetPayoutChain':
        return setPayoutChain(c, state, epoch());
      case 'RecordRevenue': {
        if (!state.assetRegistry.has(c.asset)) return assetUnknown(c.asset);
        const { type: _type, ...rest } = c;
        return ok(event('RevenueRecorded', { ...rest, epoch: epoch() }));
      }
      case 'BurnTokens':
        return burn(c, state, nowSeconds);
      case 'RegisterAsset':
        return registerAsset(c, state);
      case 'PostTask':
        return postTask(c, state, epoch(), p);
      case 'CloseEpoch':
        return closeEpoch(c, state, nowSeconds, p);
      case 'CreateDistribution':
        return E.map((plan: DistributionPlan): CorexEvent[] => [event('DistributionCreated', plan.data)])(
          planDistribution(state, c.throughEpoch, c.logHead),
        );
      case 'RecordDistributionPublished':
      case 'ActivateDistribution':
      case 'RevokeDistribution':
        return distributionStep(c, state);
      case 'RecordClaim':
        return recordClaim(c, state);
    }
  });
};
