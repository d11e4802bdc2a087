/**
 * A distribution as one chain sees it (issue 15). Each distribution holds the primary chain's tree
 * and one tree per payout chain with leaves; each tree goes its own way on its own chain — proposed,
 * accepted after that chain's timelock, or revoked by that chain's guardian — so a chain that is
 * down delays only its own tree. Every tree of a distribution carries the same dataHash (its logHead).
 *
 * On the primary chain the view is the distribution itself. On a payout chain it is the same
 * distribution with that chain's root, totals, leaf count and stage: the publisher, the solvency
 * check and the ledger's decisions read both through one shape (DistributionState).
 */
import type { ChainTreeState, DistributionState, LedgerState } from './state.ts';
import { PRIMARY_CHAIN, type ChainKey } from './payoutChains.ts';

/** The chain key a recorded chain id stands for: a configured payout chain's, else the primary chain's. */
export const chainOfId = (state: LedgerState, chainId: number | undefined): ChainKey =>
  chainId !== undefined && state.payoutChains.has(chainId) ? String(chainId) : PRIMARY_CHAIN;

const treeOn = (d: DistributionState, chain: ChainKey): ChainTreeState | undefined => d.chains?.find((c) => String(c.chainId) === chain);

/**
 * `d` as `chain` sees it; undefined when it has no tree there — on the primary chain too, while
 * everything allocated so far accrued on payout chains (its primary tree is empty: leafCount 0).
 */
export const distributionOn = (d: DistributionState, chain: ChainKey): DistributionState | undefined => {
  if (chain === PRIMARY_CHAIN) return d.leafCount > 0 ? d : undefined;
  const tree = treeOn(d, chain);
  if (tree === undefined) return undefined;
  // Revoked as a whole (before anything was proposed) revokes every tree.
  const status = d.status === 'revoked' ? 'revoked' : (tree.status ?? 'created');
  return {
    seq: d.seq,
    throughEpoch: d.throughEpoch,
    root: tree.root,
    logHead: d.logHead,
    leafCount: tree.leafCount,
    totals: tree.totals,
    treeHash: tree.treeHash,
    status,
    ...(tree.published === undefined ? {} : { published: tree.published }),
  };
};

/** Every distribution with a tree on `chain`, oldest first. */
export const distributionsOn = (state: LedgerState, chain: ChainKey): DistributionState[] => state.distributions.flatMap((d) => distributionOn(d, chain) ?? []);

const latestOn = (state: LedgerState, chain: ChainKey, keep: (d: DistributionState) => boolean): DistributionState | undefined => {
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = distributionOn(state.distributions[i]!, chain);
    if (d !== undefined && keep(d)) return d;
  }
  return undefined;
};

/** The latest tree on `chain` not revoked: what that chain should hold. */
export const latestLiveOn = (state: LedgerState, chain: ChainKey): DistributionState | undefined => latestOn(state, chain, (d) => d.status !== 'revoked');

/** The latest tree proposed or accepted on `chain`. */
export const latestPublishedOn = (state: LedgerState, chain: ChainKey): DistributionState | undefined =>
  latestOn(state, chain, (d) => d.status === 'published' || d.status === 'active');

/** For evolve: a payout chain's tree of `seq` moves a stage. */
export const chainTreeOf = (state: LedgerState, seq: number, chainId: number): ChainTreeState | undefined =>
  state.distributions.find((d) => d.seq === seq)?.chains?.find((c) => c.chainId === chainId);

/** For evolve: a payout chain's tree of `seq` is accepted there, and replaces every older one of that chain. */
export const activateChainTree = (state: LedgerState, seq: number, chainId: number): void => {
  for (const d of state.distributions) {
    const tree = d.chains?.find((c) => c.chainId === chainId);
    if (tree === undefined) continue;
    if (d.seq === seq) tree.status = 'active';
    else if (d.seq < seq && tree.status !== 'revoked' && tree.status !== 'superseded' && d.status !== 'revoked') tree.status = 'superseded';
  }
};
