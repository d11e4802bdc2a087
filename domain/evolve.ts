/**
 * evolve(state, event) → state: folds one event into the ledger state (in place; see state.ts).
 * EpochClosed is applied by re-running the settlement from the state, so allocations are always
 * re-derived, never trusted from the log.
 */
import type { CorexEvent, EventOf } from './events.ts';
import { entryTier, verificationWindow } from './params.ts';
import {
  genesisParams,
  paramsForEpoch,
  newAccount,
  newAssetLedger,
  type AccountState,
  type AssetLedger,
  type ContributionState,
  type LedgerState,
  type UnpaidWork,
} from './state.ts';
import { settleEpoch, type Settlement } from './settlement.ts';
import { forgetCanonicalSnapshot } from './snapshot.ts';
import { accountIndex, settleStakeIndex } from './accountIndex.ts';
import { accountChainLeaves, addClaim, assetAt, moveAccrual, PRIMARY_CHAIN } from './payoutChains.ts';
import { activateChainTree, chainTreeOf } from './chainDistributions.ts';
import { applyTaskOutcomes, fragmentAccepted, fragmentAssigned, taskPosted, taskResultRecorded, taskResultRejected } from './taskEvolve.ts';

const accountOf = (state: LedgerState, account: string): AccountState => {
  let a = state.accounts.get(account);
  if (!a) {
    const p = genesisParams(state);
    a = newAccount(account, p ? entryTier(p) : 'bronze');
    state.accounts.set(account, a);
    accountIndex(state).unevaluated.add(account);
  }
  return a;
};

const assetOf = (state: LedgerState, asset: string): AssetLedger => {
  let l = state.assets.get(asset);
  if (!l) {
    l = newAssetLedger();
    state.assets.set(asset, l);
  }
  return l;
};

const changeStake = (state: LedgerState, account: string, epoch: number, deltaWei: bigint, slash = false): AccountState => {
  const a = accountOf(state, account);
  a.bondedWei += deltaWei;
  state.stakedWei += deltaWei;
  accountIndex(state).staked.add(account);
  // A change in an already-closed epoch (possible only through a racing writer) is folded at once.
  if (epoch <= state.lastClosedEpoch) a.settledStakeWei += deltaWei;
  else a.pendingChanges.push(slash ? { epoch, deltaWei, slash: true } : { epoch, deltaWei });
  return a;
};

/** The latest slash or fraud of an account, which bars its nodes from task seats for a window. */
const markSlashed = (state: LedgerState, account: string, epoch: number): void => {
  if ((state.recentSlashes.get(account) ?? -1) < epoch) state.recentSlashes.set(account, epoch);
};

/** The verification window in force in `epoch` (a fraud verdict on a dissent stays open that long). */
const windowAt = (state: LedgerState, epoch: number): number => {
  const p = paramsForEpoch(state, epoch);
  return p ? verificationWindow(p) : 0;
};

/** A slash (or fraud) resets tenure; the close of `epoch` is the first to build on the reset. */
const resetTenure = (state: LedgerState, account: string, epoch: number): void => {
  const a = accountOf(state, account);
  a.tenureEpochs = 0;
  if (epoch <= state.lastClosedEpoch) a.settledTenureEpochs = 0;
  else {
    a.pendingTenureResets.push(epoch);
    accountIndex(state).tenureResets.add(account);
  }
};

/**
 * Removes the contributions judged in or before `epoch`. Usually a close judges most of the map:
 * deleting a million entries one by one (with the rehashing as it shrinks) then costs more than
 * clearing it and putting the few survivors back, in their order.
 */
const forgetJudged = (contributions: Map<string, ContributionState>, epoch: number): void => {
  const isJudged = (c: ContributionState) =>
    c.judgedEpoch !== undefined && c.judgedEpoch <= epoch && (c.fraudOpenUntilEpoch === undefined || c.fraudOpenUntilEpoch <= epoch);
  let judged = 0;
  for (const c of contributions.values()) if (isJudged(c)) judged++;
  if (judged === 0) return;
  if (judged <= contributions.size / 2) {
    for (const [id, c] of contributions) if (isJudged(c)) contributions.delete(id);
    return;
  }
  const survivors: Array<[string, ContributionState]> = [];
  for (const entry of contributions) if (!isJudged(entry[1])) survivors.push(entry);
  contributions.clear();
  for (const [id, c] of survivors) contributions.set(id, c);
};

/**
 * The unpaid work left once `paid` is paid: the list without every item whose contribution id is
 * among the paid ones.
 * `paid` is the settlement's filter of this very list (settleEpoch on the same state), so it is
 * matched item by item in one walk; ids are compared only for what is left, against a set of the
 * few left rather than of the million paid.
 */
const withoutPaid = (unpaid: readonly UnpaidWork[], paid: readonly UnpaidWork[]): UnpaidWork[] => {
  const left: UnpaidWork[] = [];
  let next = 0;
  for (const w of unpaid) {
    if (next < paid.length && w === paid[next]) next++;
    else left.push(w);
  }
  if (left.length === 0) return left;
  // A paid id may also be on an item left: one contribution verified twice in an imported log, or
  // a `paid` whose items are not this list's objects. Removing those gives exactly the id filter.
  const leftIds = new Set(left.map((w) => w.contributionId));
  const alsoPaid = new Set(paid.filter((w) => leftIds.has(w.contributionId)).map((w) => w.contributionId));
  return alsoPaid.size === 0 ? left : left.filter((w) => !alsoPaid.has(w.contributionId));
};

/** Applies a settlement computed by settleEpoch to the state. */
export const applySettlement = (state: LedgerState, s: Settlement): void => {
  // The settlement evaluated the tier of every account there was under these parameters; accounts
  // created from here on (a first allocation) wait for the next close.
  const index = accountIndex(state);
  index.unevaluated.clear();
  index.tierParams = s.params;
  state.mintedWei += s.mintedWei;
  for (const alloc of s.allocations) {
    const a = accountOf(state, alloc.account);
    a.cumulativeWei.set(alloc.token, (a.cumulativeWei.get(alloc.token) ?? 0n) + alloc.amountWei);
  }
  // Before judged contributions leave: a failing fragment rejects its results at this close.
  applyTaskOutcomes(state, s.tasks, s.epoch, s.params);
  // Expired and judged contributions leave the state: it holds open work only (DESIGN §10).
  for (const id of s.expiredContributionIds) state.contributions.delete(id);
  forgetJudged(state.contributions, s.epoch);
  for (const workEpoch of [...state.unjudgedByEpoch.keys()]) if (workEpoch <= s.epoch - verificationWindow(s.params)) state.unjudgedByEpoch.delete(workEpoch);
  state.unpaidWork = withoutPaid(state.unpaidWork, s.paidWork);
  state.pendingVerdicts = state.pendingVerdicts.filter((v) => v.epoch > s.epoch);
  const settled = new Set(s.settledRevenueIds);
  state.unsettledRevenue = state.unsettledRevenue.filter((r) => !settled.has(r.revenueId));
  for (const r of s.revenue) {
    const l = assetOf(state, r.asset);
    l.grossWei += r.grossWei;
    l.feesWei += r.feesWei;
    l.providerWei += r.providerWei;
    l.stakersWei += r.stakersWei;
    l.buybackBudgetWei += r.buybackWei;
  }
  // Only the accounts the close can change (accountIndex.ts): an account with no stake and no
  // pending reset already has tenureEpochs = settledTenureEpochs and nothing to fold.
  for (const [operator, tenure] of s.tenureUpdates) {
    const a = accountOf(state, operator);
    a.settledTenureEpochs = tenure;
    a.tenureEpochs = a.pendingTenureResets.length > 0 ? 0 : tenure;
  }
  for (const account of index.tenureResets) {
    const a = state.accounts.get(account)!;
    a.pendingTenureResets = a.pendingTenureResets.filter((epoch) => epoch > s.epoch);
    a.tenureEpochs = a.pendingTenureResets.length > 0 ? 0 : a.settledTenureEpochs;
    if (a.pendingTenureResets.length === 0) index.tenureResets.delete(account);
  }
  // Stake changes up to this epoch are final: fold them so later closes stay cheap.
  for (const account of index.staked) {
    const a = state.accounts.get(account)!;
    if (a.pendingChanges.length > 0) {
      const keep = [];
      for (const c of a.pendingChanges) {
        if (c.epoch <= s.epoch) a.settledStakeWei += c.deltaWei;
        else keep.push(c);
      }
      a.pendingChanges = keep;
    }
    settleStakeIndex(index, a);
  }
  state.lastClosedEpoch = s.epoch;
  state.lastAllocations = [...s.allocations];
};

const handlers: { [K in CorexEvent['type']]: (state: LedgerState, e: EventOf<K>) => void } = {
  ProtocolConfigured: (state, { data }) => {
    state.configs.push({ version: data.version, effectiveEpoch: data.effectiveEpoch, params: data.params });
  },
  NodeRegistered: (state, { data }) => {
    state.nodes.set(data.nodeId, { ...data });
    accountOf(state, data.operator).nodeIds.push(data.nodeId);
  },
  ContributionRecorded: (state, { data }) => {
    state.contributions.set(data.contributionId, {
      contributionId: data.contributionId,
      nodeId: data.nodeId,
      epoch: data.epoch,
      kind: data.kind,
      units: data.units,
      status: 'recorded',
      ...(data.taskId !== undefined && data.fragmentId !== undefined ? { taskId: data.taskId, fragmentId: data.fragmentId } : {}),
    });
    if (data.taskId !== undefined && data.fragmentId !== undefined) {
      taskResultRecorded(state, data);
      return;
    }
    let unjudged = state.unjudgedByEpoch.get(data.epoch);
    if (!unjudged) state.unjudgedByEpoch.set(data.epoch, (unjudged = new Set()));
    unjudged.add(data.contributionId);
  },
  ContributionVerified: (state, { data }) => {
    const c = state.contributions.get(data.contributionId);
    if (!c) return;
    c.status = 'verified';
    c.judgedEpoch = data.epoch;
    state.unjudgedByEpoch.get(c.epoch)?.delete(c.contributionId);
    state.unpaidWork.push({ contributionId: c.contributionId, nodeId: c.nodeId, kind: c.kind, units: c.units, verifiedEpoch: data.epoch });
    state.pendingVerdicts.push({ verifier: data.verifier, epoch: data.epoch });
  },
  ContributionRejected: (state, { data }) => {
    const c = state.contributions.get(data.contributionId);
    if (c?.taskId !== undefined) taskResultRejected(state, data.contributionId);
    if (c) {
      c.status = 'rejected';
      c.judgedEpoch = data.epoch;
      state.unjudgedByEpoch.get(c.epoch)?.delete(c.contributionId);
    }
    state.pendingVerdicts.push({ verifier: data.verifier, epoch: data.epoch });
    const node = state.nodes.get(data.nodeId);
    if (data.reason === 'fraud' && node) {
      resetTenure(state, node.operator, data.epoch);
      markSlashed(state, node.operator, data.epoch);
    }
  },
  VerifierRegistered: (state, { data }) => {
    state.verifiers.add(data.verifier);
    // Every account the ledger knows holds a tier (DESIGN §5), verifiers included.
    accountOf(state, data.verifier);
  },
  VerifierRemoved: (state, { data }) => {
    state.verifiers.delete(data.verifier);
  },
  StakeDeposited: (state, { data }) => {
    // A genesis-window deposit is final at once: active for epoch 0 and every epoch after.
    changeStake(state, data.account, data.preGenesis ? -1 : data.epoch, data.amount);
  },
  UnstakeRequested: (state, { data }) => {
    changeStake(state, data.account, data.epoch, -data.amount).unbonding.push({
      amountWei: data.amount,
      releaseEpoch: data.releaseEpoch,
    });
  },
  StakeWithdrawn: (state, { data }) => {
    // Withdrawals consume released unbonding entries oldest first.
    let left = data.amount;
    const a = accountOf(state, data.account);
    for (const u of a.unbonding) {
      if (left === 0n) break;
      if (u.releaseEpoch > data.epoch) continue;
      const take = u.amountWei < left ? u.amountWei : left;
      u.amountWei -= take;
      left -= take;
    }
    a.unbonding = a.unbonding.filter((u) => u.amountWei > 0n);
  },
  StakeSlashed: (state, { data }) => {
    changeStake(state, data.account, data.epoch, -data.amount, true);
    resetTenure(state, data.account, data.epoch);
    markSlashed(state, data.account, data.epoch);
  },
  TierChanged: (state, { data }) => {
    accountOf(state, data.account).tier = data.to;
  },
  ChainConfigured: (state, { data }) => {
    let chain = state.payoutChains.get(data.chainId);
    if (!chain) state.payoutChains.set(data.chainId, (chain = { chainId: data.chainId, assets: new Map() }));
    const mapping = chain;
    // Accounts already paid on this chain start accruing the newly mapped assets there. (A walk of
    // every account, but only on this rare admin event, never per close.)
    const paidHere = [...state.accounts.values()].filter((a) => a.payoutChainId === data.chainId);
    moveAccrual(state, paidHere, () => {
      for (const { asset, address } of data.assets) mapping.assets.set(asset, address);
    });
  },
  PayoutChainSet: (state, { data }) => {
    const a = accountOf(state, data.account);
    moveAccrual(state, [a], () => {
      if (data.chainId === null) delete a.payoutChainId;
      else a.payoutChainId = data.chainId;
    });
    a.payoutSequence = data.sequence;
  },
  AssetRegistered: (state, { data }) => {
    state.assetRegistry.set(data.asset, { asset: data.asset, symbol: data.symbol, decimals: data.decimals });
  },
  RevenueRecorded: (state, { data }) => {
    if (data.provider) accountOf(state, data.provider);
    state.unsettledRevenue.push({
      revenueId: data.revenueId,
      epoch: data.epoch,
      asset: data.asset,
      grossWei: data.gross,
      ...(data.provider ? { provider: data.provider } : {}),
    });
  },
  TokensBurned: (state, { data }) => {
    state.burnedWei += data.amount;
    if (data.reason === 'buyback' && data.asset) assetOf(state, data.asset).buybackSpentWei += data.spent ?? 0n;
  },
  EpochClosed: (state, { data }) => {
    applySettlement(state, settleEpoch(state, data.epoch));
    forgetCanonicalSnapshot(state);
  },
  DistributionCreated: (state, { data }) => {
    state.distributions.push({
      seq: data.seq,
      throughEpoch: data.throughEpoch,
      root: data.root,
      logHead: data.logHead,
      leafCount: data.leafCount,
      totals: data.totals.map((t) => ({ token: t.token, cumulativeWei: t.cumulative })),
      treeHash: data.treeHash,
      ...(data.chains === undefined
        ? {}
        : { chains: data.chains.map((c) => ({ ...c, totals: c.totals.map((t) => ({ token: t.token, cumulativeWei: t.cumulative })) })) }),
      status: 'created',
    });
    // The distribution covers everything allocated so far (throughEpoch is the last close): on the
    // primary chain, every leaf but what accounts paid elsewhere accrued there since (payoutChains.ts).
    const leaves = new Map<string, bigint>();
    for (const a of state.accounts.values()) for (const l of accountChainLeaves(state, a, PRIMARY_CHAIN)) leaves.set(`${a.account}|${l.token}`, l.amount);
    state.distributedWei = leaves;
    state.liveLeaves.set(data.seq, leaves);
  },
  DistributionPublished: (state, { data }) => {
    // A payout chain's tree goes its own way (chainDistributions.ts); the primary one is the distribution's.
    const d = state.payoutChains.has(data.chainId) ? chainTreeOf(state, data.seq, data.chainId) : state.distributions.find((x) => x.seq === data.seq);
    if (!d) return;
    // Also a re-proposal of an active one on a chain or contract that does not hold it.
    d.status = 'published';
    d.published = {
      chainId: data.chainId,
      contract: data.contract,
      txHash: data.txHash,
      blockNumber: data.blockNumber,
      validAt: data.validAt,
      ...(data.blockHash === undefined ? {} : { blockHash: data.blockHash }),
    };
  },
  DistributionActivated: (state, { data }) => {
    if (data.chainId !== undefined) return activateChainTree(state, data.seq, data.chainId);
    // Cumulative: an accepted root replaces every older one, whatever stage those had reached.
    for (const d of state.distributions) {
      if (d.seq < data.seq && d.status !== 'revoked' && d.status !== 'superseded') {
        d.status = 'superseded';
        state.liveLeaves.delete(d.seq);
      }
    }
    const d = state.distributions.find((x) => x.seq === data.seq);
    if (d) d.status = 'active';
  },
  DistributionRevoked: (state, { data }) => {
    if (data.chainId !== undefined) {
      const tree = chainTreeOf(state, data.seq, data.chainId);
      if (tree) tree.status = 'revoked';
      return;
    }
    const d = state.distributions.find((x) => x.seq === data.seq);
    if (d) d.status = 'revoked';
    state.liveLeaves.delete(data.seq);
  },
  TaskPosted: taskPosted,
  FragmentAssigned: fragmentAssigned,
  FragmentAccepted: (state, e) => fragmentAccepted(state, e, windowAt(state, e.data.epoch)),
  // Records of what the close applied (taskEvolve.ts).
  FragmentFailed: () => undefined,
  TaskSettled: () => undefined,
  RewardsClaimed: (state, { data }) => {
    const a = accountOf(state, data.account);
    // On a payout chain the token is its address there; decide checked that the chain maps it.
    if (data.chainId === undefined) addClaim(a, PRIMARY_CHAIN, data.token, data.amount);
    else addClaim(a, String(data.chainId), assetAt(state, data.chainId, data.token) ?? data.token, data.amount);
  },
};

export const evolve = (state: LedgerState, e: CorexEvent): LedgerState => {
  (handlers[e.type] as (s: LedgerState, ev: CorexEvent) => void)(state, e);
  state.eventsFolded++;
  return state;
};

export const foldEvents = (events: Iterable<CorexEvent>, state: LedgerState): LedgerState => {
  for (const e of events) evolve(state, e);
  return state;
};
