/** A distribution as reads show it (GET /v1/distributions, the admin actions' answers). */
import { distributionOn, type DistributionState } from '../../domain/index.ts';
import type { LedgerView } from './ledgerView.ts';

type Json = Record<string, unknown>;

const s = (v: bigint): string => v.toString();

/** A distribution as reads show it: the ledger's state plus its recorded lifecycle events. */
export const describeDistribution = (view: Pick<LedgerView, 'distributionRecord'>, d: DistributionState): Json => {
  const r = view.distributionRecord(d.seq);
  return {
    seq: d.seq,
    status: d.status,
    throughEpoch: d.throughEpoch,
    root: d.root,
    leafCount: d.leafCount,
    totals: d.totals.map((x) => ({ token: x.token, cumulative: s(x.cumulativeWei) })),
    treeHash: d.treeHash,
    logHead: d.logHead,
    createdAt: r?.created.recordedAt ?? null,
    published: r?.published?.data ?? null,
    activated: r?.activated?.data ?? null,
    revoked: r?.revoked?.data ?? null,
    // Issue 15: the tree on each payout chain, with its own stage there.
    chains: (d.chains ?? []).map((c) => {
      const tree = distributionOn(d, String(c.chainId))!;
      const stages = r?.chains.get(c.chainId);
      return {
        chainId: c.chainId,
        status: tree.status,
        root: tree.root,
        leafCount: tree.leafCount,
        totals: tree.totals.map((x) => ({ token: x.token, cumulative: s(x.cumulativeWei) })),
        treeHash: tree.treeHash,
        published: stages?.published?.data ?? null,
        activated: stages?.activated?.data ?? null,
        revoked: stages?.revoked?.data ?? null,
      };
    }),
  };
};
