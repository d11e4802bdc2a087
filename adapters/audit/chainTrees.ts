/**
 * What one audited chain holds of the log's distributions (issue 15): on the primary chain each
 * distribution's own tree, on a payout chain the tree it has there (distributionOn), with that
 * tree's recorded and re-derived roots, its stage on that chain, and the leaves claimed there. The
 * on-chain checks (chainAudit.ts, publicationAudit.ts) read only this, so every chain is checked by
 * the same code against its own trees — a claim on one chain never meets another chain's leaves.
 */
import { distributionOn, PRIMARY_CHAIN, type ChainKey, type DistributionState } from '../../domain/index.ts';
import type { DistributionRecord } from './distributionAudit.ts';

export interface TreeRecord {
  readonly seq: number;
  /** Of the DistributionCreated that holds the tree. */
  readonly position: number;
  readonly line: number;
  /** As recorded. */
  readonly root: string;
  /** The distribution's logHead: the dataHash every one of its trees is proposed with. */
  readonly logHead: string;
  /** As re-derived; absent when the distribution could not be planned, or planned no tree on this chain. */
  readonly expectedRoot?: string;
  /** The tree as the replayed state holds it on this chain, at the end of the log. */
  readonly state: DistributionState;
  /** Recomputed cumulative of each "account|token" leaf claimed on this chain (absent: no such leaf). */
  readonly claimLeaves: ReadonlyMap<string, bigint>;
}

const NO_LEAVES: ReadonlyMap<string, bigint> = new Map();

/** The trees on the chain with id `chainId`, which the log knows as `chain`, oldest first. */
export const treesOn = (records: readonly DistributionRecord[], chainId: number, chain: ChainKey): TreeRecord[] =>
  records.flatMap((r) => {
    const state = distributionOn(r.state, chain);
    if (state === undefined) return [];
    const expectedRoot = chain === PRIMARY_CHAIN ? r.expectedRoot : r.expectedChainRoots.get(chainId);
    return [
      {
        seq: r.seq,
        position: r.position,
        line: r.line,
        root: state.root,
        logHead: r.recorded.logHead,
        ...(expectedRoot === undefined ? {} : { expectedRoot }),
        state,
        claimLeaves: r.claimLeaves.get(chainId) ?? NO_LEAVES,
      },
    ];
  });
