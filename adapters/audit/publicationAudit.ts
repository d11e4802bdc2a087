/**
 * The log's DistributionPublished and activations against the chain's RootProposed and
 * RootAccepted: a recorded publication must be a proposal of its root on the audited distributor,
 * an active (or superseded) distribution's root must have been accepted, and a root proposed
 * on-chain must be recorded as published — unless that proposal is newer than the export.
 * Publications outside the scanned blocks (--from-block, --to-block) are not checked. On a payout
 * chain the publication and stage are its tree's own (chainTrees.ts).
 */
import type { SeqTrack } from './chainAudit.ts';
import type { ChainLogs } from './chainLogs.ts';
import type { TreeRecord } from './chainTrees.ts';
import type { Finding } from './findings.ts';

export const checkPublications = (
  logs: ChainLogs,
  distributions: readonly TreeRecord[],
  tracks: ReadonlyMap<number, SeqTrack>,
  say: (f: Finding, seq: number) => void,
  /** How an unrecorded publication in `block` is reported when it is newer than the export. */
  aheadOf: (d: TreeRecord, block: number) => Pick<Finding, 'kind' | 'message'> | undefined,
): void => {
  for (const d of distributions) {
    const t = tracks.get(d.seq);
    const published = d.state.published;
    const at = { position: d.position, line: d.line };
    if (published === undefined) {
      const first = t?.proposals[0];
      if (first)
        say({ kind: 'onchain-publication', ...at, field: 'DistributionPublished', expected: first.txHash, found: '(absent)', message: `distribution ${d.seq}'s root was proposed on-chain (tx ${first.txHash}) but the log records no DistributionPublished`, ...aheadOf(d, first.block) }, d.seq);
      continue;
    }
    if (published.contract !== logs.distributor || published.chainId !== logs.chainId) {
      say({ kind: 'onchain-publication', ...at, field: 'contract', expected: `${logs.chainId}:${logs.distributor}`, found: `${published.chainId}:${published.contract}`, message: `distribution ${d.seq} was published to ${published.contract} on chain ${published.chainId}, not to the audited distributor` }, d.seq);
      continue;
    }
    if (published.blockNumber < logs.fromBlock || published.blockNumber > logs.toBlock) continue;
    if (!t?.proposals.some((p) => p.txHash === published.txHash))
      say({ kind: 'onchain-publication', ...at, field: 'txHash', expected: t?.proposals.map((p) => p.txHash).join(', ') || '(no RootProposed)', found: published.txHash, message: `distribution ${d.seq} is recorded as published in tx ${published.txHash}, but that tx proposed no such root on the distributor` }, d.seq);
    if ((d.state.status === 'active' || d.state.status === 'superseded') && t?.accepted === undefined)
      say({ kind: 'onchain-publication', ...at, field: 'RootAccepted', expected: d.root, found: '(absent)', message: `distribution ${d.seq} is ${d.state.status} in the log, but its root was never accepted on the distributor` }, d.seq);
  }
};
