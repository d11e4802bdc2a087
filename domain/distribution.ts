/**
 * Cumulative distributions (DESIGN §6): one leaf per (account, token) with everything allocated
 * through the last closed epoch — per chain, once accounts are paid on other chains (issue 15,
 * payoutChains.ts): the primary chain's tree, and one tree per payout chain with leaves, which
 * together hold each entitlement exactly once. Pure: the same ledger state gives the same trees,
 * byte for byte.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { EventData } from './events.ts';
import type { DistributionState, LedgerState } from './state.ts';
import { refuse, type Refusal } from './errors.ts';
import { buildMerkleTree, dumpMerkleTree, merkleTreeHash, type LeafValue, type MerkleTree, type StandardMerkleDump } from './merkle/index.ts';
import { formatUnits, shortAddress } from './units.ts';
import { chainLeaves, payoutChainKeys, PRIMARY_CHAIN } from './payoutChains.ts';

export interface DistributionPlan {
  readonly data: EventData<'DistributionCreated'>;
  /**
   * The primary chain's tree; absent while everything allocated so far accrued on payout chains (an
   * OpenZeppelin tree needs a leaf): the distribution then records EMPTY_ROOT and leafCount 0 there.
   */
  readonly tree?: MerkleTree;
  readonly dump?: StandardMerkleDump;
  /** Each payout chain's tree with leaves, by chain id (data.chains, in the same order). */
  readonly chainTrees: ReadonlyMap<number, { readonly tree: MerkleTree; readonly dump: StandardMerkleDump }>;
}

/** The root and tree hash a distribution records for an empty primary tree (leafCount 0): no root is ever proposed for it. */
export const EMPTY_ROOT = `0x${'0'.repeat(64)}`;

export const leafKey = (account: string, token: string): string => `${account}|${token}`;

/** The latest distribution proposed or accepted on-chain: claims can never exceed its leaves (DESIGN §9.5). */
export const latestPublishedDistribution = (state: LedgerState): DistributionState | undefined => {
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = state.distributions[i]!;
    if (d.status === 'published' || d.status === 'active') return d;
  }
  return undefined;
};

/** The latest distribution not revoked: what a new one must not fall below, and what the chain should hold. */
export const latestLiveDistribution = (state: LedgerState): DistributionState | undefined => {
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = state.distributions[i]!;
    if (d.status !== 'revoked') return d;
  }
  return undefined;
};

/** Every positive cumulative allocation, sorted by account then token (all chains together: the ledger's entitlements). */
export const distributionLeaves = (state: LedgerState): LeafValue[] => {
  const leaves: LeafValue[] = [];
  for (const account of [...state.accounts.keys()].sort()) {
    const a = state.accounts.get(account)!;
    for (const token of [...a.cumulativeWei.keys()].sort()) {
      const amount = a.cumulativeWei.get(token)!;
      if (amount > 0n) leaves.push({ account, token, amount });
    }
  }
  return leaves;
};

/**
 * The last plan per state object. A distribution is planned twice in a row on the same state (by
 * the adapter that keeps the dump, then by decide) and a million-leaf tree costs seconds; leaves
 * change only with a close or a new distribution (a revocation changes what may be planned), so
 * those, with the arguments, key the plan.
 */
const lastPlan = new WeakMap<LedgerState, { key: string; plan: E.Either<Refusal, DistributionPlan> }>();

export const planDistribution = (state: LedgerState, throughEpoch: number, logHead: string): E.Either<Refusal, DistributionPlan> => {
  const revoked = state.distributions.filter((d) => d.status === 'revoked').length;
  const key = `${state.lastClosedEpoch}|${state.distributions.length}|${revoked}|${throughEpoch}|${logHead}`;
  const cached = lastPlan.get(state);
  if (cached?.key === key) return cached.plan;
  const plan = computePlan(state, throughEpoch, logHead);
  lastPlan.set(state, { key, plan });
  return plan;
};

const computePlan = (state: LedgerState, throughEpoch: number, logHead: string): E.Either<Refusal, DistributionPlan> => {
  if (state.lastClosedEpoch < 0) return E.left(refuse('NOTHING_TO_DISTRIBUTE', 'no epoch has closed yet'));
  if (throughEpoch !== state.lastClosedEpoch)
    return E.left(refuse('EPOCH_OUT_OF_ORDER', `a distribution covers every closed epoch: throughEpoch must be ${state.lastClosedEpoch}, got ${throughEpoch}`));
  const previous = [...state.distributions].reverse().find((d) => d.status !== 'revoked');
  if (previous && previous.throughEpoch >= throughEpoch)
    return E.left(refuse('NOTHING_TO_DISTRIBUTE', `distribution ${previous.seq} already covers epochs through ${previous.throughEpoch}`));
  // The primary chain's leaves; an account paid on another chain has its frozen leaf here (payoutChains.ts).
  const leaves = chainLeaves(state, PRIMARY_CHAIN);
  const chainTrees = new Map<number, { tree: MerkleTree; dump: StandardMerkleDump; leaves: LeafValue[] }>();
  for (const chain of payoutChainKeys(state)) {
    if (chain === PRIMARY_CHAIN) continue;
    const chainLeafValues = chainLeaves(state, chain);
    if (chainLeafValues.length === 0) continue;
    const tree = buildMerkleTree(chainLeafValues);
    chainTrees.set(Number(chain), { tree, dump: dumpMerkleTree(tree), leaves: chainLeafValues });
  }
  if (leaves.length === 0 && chainTrees.size === 0) return E.left(refuse('NOTHING_TO_DISTRIBUTE', `nothing has been allocated through epoch ${throughEpoch}`));
  // The same leaves make the same roots: proposing them again would pay gas for nothing.
  const live = latestLiveDistribution(state);
  const liveLeaves = live && state.liveLeaves.get(live.seq);
  const sameChainRoots =
    (live?.chains?.length ?? 0) === chainTrees.size && (live?.chains ?? []).every((c) => chainTrees.get(c.chainId)?.tree.root === c.root);
  if (liveLeaves && sameChainRoots && liveLeaves.size === leaves.length && leaves.every((l) => liveLeaves.get(leafKey(l.account, l.token)) === l.amount))
    return E.left(refuse('NOTHING_TO_DISTRIBUTE', `no leaf changed since distribution ${live.seq}: its root ${live.root} stands`));
  for (const leaf of leaves) {
    const before = state.distributedWei.get(leafKey(leaf.account, leaf.token)) ?? 0n;
    if (leaf.amount < before)
      return E.left(
        refuse(
          'CUMULATIVE_DECREASED',
          `cumulative of ${shortAddress(leaf.account)} in token ${shortAddress(leaf.token)} would fall from ${formatUnits(before)} to ${formatUnits(leaf.amount)}`,
        ),
      );
  }
  const current = new Set(leaves.map((l) => leafKey(l.account, l.token)));
  for (const [key, before] of state.distributedWei) {
    if (before > 0n && !current.has(key)) {
      const [account, token] = key.split('|') as [string, string];
      return E.left(refuse('CUMULATIVE_DECREASED', `leaf of ${shortAddress(account)} in token ${shortAddress(token)} would disappear`));
    }
  }
  // Everything accrued on payout chains so far (every account switched before its first reward):
  // those chains' trees go out, the primary chain has nothing to publish yet.
  const tree = leaves.length === 0 ? undefined : buildMerkleTree(leaves);
  const dump = tree === undefined ? undefined : dumpMerkleTree(tree);
  const chains = [...chainTrees].map(([chainId, c]) => ({ chainId, root: c.tree.root, leafCount: c.tree.leafCount, totals: totalsOf(c.leaves), treeHash: merkleTreeHash(c.dump) }));
  return E.right({
    ...(tree === undefined ? {} : { tree, dump }),
    chainTrees,
    data: {
      seq: state.distributions.length + 1,
      throughEpoch,
      root: tree?.root ?? EMPTY_ROOT,
      leafCount: tree?.leafCount ?? 0,
      totals: totalsOf(leaves),
      treeHash: dump === undefined ? EMPTY_ROOT : merkleTreeHash(dump),
      logHead,
      ...(chains.length === 0 ? {} : { chains }),
    },
  });
};

const totalsOf = (leaves: readonly LeafValue[]): Array<{ token: string; cumulative: bigint }> => {
  const totals = new Map<string, bigint>();
  for (const l of leaves) totals.set(l.token, (totals.get(l.token) ?? 0n) + l.amount);
  return [...totals.keys()].sort().map((token) => ({ token, cumulative: totals.get(token)! }));
};
