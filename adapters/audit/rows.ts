/**
 * The per-epoch and per-distribution tables of the audit: small summaries (one row per close or
 * distribution, never per event), with amounts as decimal strings of base units as in every JSON
 * of the project.
 */

export interface EpochRow {
  readonly epoch: number;
  readonly position: number;
  readonly line: number;
  /** As recorded in the EpochClosed. */
  readonly budgetWei: string;
  readonly mintedWei: string;
  readonly recipients: number;
  readonly allocationsHash: string;
  /** As re-derived by the audit. */
  readonly expectedMintedWei: string;
  readonly expectedAllocationsHash: string;
  /** Supply after the close, from the audit's own replay: all minted, all burned, and minted − burned. */
  readonly totalMintedWei: string;
  readonly totalBurnedWei: string;
  readonly circulatingWei: string;
  readonly stakedWei: string;
  /** Findings about this close: differing fields and broken invariants. */
  readonly findings: number;
}

export interface TokenAmount {
  readonly token: string;
  readonly amountWei: string;
}

export interface OnChainDistribution {
  readonly proposed?: { readonly block: number; readonly txHash: string; readonly dataHash: string };
  readonly accepted?: { readonly block: number; readonly txHash: string };
  readonly claims: number;
  readonly claimedWei: readonly TokenAmount[];
}

export interface DistributionRow {
  readonly seq: number;
  readonly position: number;
  readonly line: number;
  readonly throughEpoch: number;
  /** As recorded. */
  readonly root: string;
  readonly logHead: string;
  readonly leafCount: number;
  readonly treeHash: string;
  readonly totals: readonly TokenAmount[];
  /** As re-derived; absent when the distribution could not be planned at all. */
  readonly expectedRoot?: string;
  /** Status at the end of the log (created, published, active, superseded, revoked). */
  readonly status: string;
  readonly findings: number;
  readonly onChain?: OnChainDistribution;
  /** Its tree on each payout chain (issue 15); absent when it has none. */
  readonly chains?: readonly ChainTreeRow[];
}

/** A distribution's tree on one payout chain: `findings` and `onChain` only when that chain was audited. */
export interface ChainTreeRow {
  readonly chainId: number;
  /** As recorded, and as re-derived (absent when the distribution could not be planned, or planned no tree there). */
  readonly root: string;
  readonly expectedRoot?: string;
  readonly leafCount: number;
  readonly treeHash: string;
  readonly totals: readonly TokenAmount[];
  /** Its stage on its chain at the end of the log. */
  readonly status: string;
  readonly audited: boolean;
  readonly findings: number;
  readonly onChain?: OnChainDistribution;
}
