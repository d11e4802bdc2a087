/**
 * `cxt audit` with one --rpc-url per chain (issue 15). Each source's chain id, read from its node,
 * says which of the log's chains it is: a payout chain the log configured (ChainConfigured) is
 * checked against that chain's trees, any other id is the primary chain. Every chain goes through
 * the same checks (chainAudit.ts) with only its own trees and its own recorded claims, so nothing
 * of one chain is compared with another's; the report keeps one entry per chain and totals them.
 */
import { chainOfId, distributionOn, PRIMARY_CHAIN, type ChainKey, type LedgerState } from '../../domain/index.ts';
import { auditChainLogs, type ChainAhead, type ChainAuditCounts, type ChainAuditResult } from './chainAudit.ts';
import { AuditSourceError, type ChainLogs } from './chainLogs.ts';
import { treesOn } from './chainTrees.ts';
import { distributionRow, type DistributionRecord } from './distributionAudit.ts';
import type { Finding } from './findings.ts';
import type { RecordedClaim } from './replay.ts';
import type { ChainTreeRow, DistributionRow } from './rows.ts';

export interface AuditedChain {
  readonly logs: ChainLogs;
  /** PRIMARY_CHAIN, or the payout chain's key (its decimal id). */
  readonly chain: ChainKey;
  readonly result: ChainAuditResult;
}

/** One audited distributor, as the report names it. */
export interface ChainSourceReport {
  readonly rpcUrl: string;
  readonly distributor: string;
  readonly chainId: number;
  /** True when the log configured this chain as a payout chain; false: the primary chain. */
  readonly payoutChain: boolean;
  readonly fromBlock: number;
  readonly toBlock: number;
  readonly headBlock: number;
  readonly ahead?: ChainAhead;
}

export type ChainCounts = ChainAuditCounts & { readonly chainId: number };

/** Two URLs of one chain would check it twice and count its claims twice. */
export const checkDistinctChains = (sources: readonly ChainLogs[]): void => {
  const seen = new Map<number, string>();
  for (const l of sources) {
    const other = seen.get(l.chainId);
    if (other !== undefined) throw new AuditSourceError(`--rpc-url ${other} and --rpc-url ${l.rpcUrl} are both chain ${l.chainId}: give one --rpc-url per chain`);
    seen.set(l.chainId, l.rpcUrl);
  }
};

/** Each chain against the trees the log holds for it; at most one source may be the primary chain. */
export const auditChains = (
  sources: readonly ChainLogs[],
  state: LedgerState,
  records: readonly DistributionRecord[],
  recordedClaims: ReadonlyMap<ChainKey, ReadonlyMap<string, RecordedClaim>>,
  report: (f: Finding) => void,
): AuditedChain[] => {
  const roles = sources.map((l) => chainOfId(state, l.chainId));
  const primaries = sources.filter((_, i) => roles[i] === PRIMARY_CHAIN);
  if (primaries.length > 1)
    throw new AuditSourceError(
      `chains ${primaries.map((l) => `${l.chainId} (${l.rpcUrl})`).join(' and ')} are not payout chains of the log (no ChainConfigured), and only one of them can be its primary chain`,
    );
  return sources.map((logs, i) => ({
    logs,
    chain: roles[i]!,
    result: auditChainLogs(logs, treesOn(records, logs.chainId, roles[i]!), recordedClaims.get(roles[i]!) ?? new Map(), report),
  }));
};

export const chainSourceReport = ({ logs, chain, result }: AuditedChain): ChainSourceReport => ({
  rpcUrl: logs.rpcUrl,
  distributor: logs.distributor,
  chainId: logs.chainId,
  payoutChain: chain !== PRIMARY_CHAIN,
  fromBlock: logs.fromBlock,
  toBlock: logs.toBlock,
  headBlock: logs.headBlock,
  ...(result.ahead ? { ahead: result.ahead } : {}),
});

/** The single-chain fields of the report: the primary chain's source, or the first one when only payout chains were given. */
export const mainChain = (audited: readonly AuditedChain[]): AuditedChain | undefined => audited.find((a) => a.chain === PRIMARY_CHAIN) ?? audited[0];

export const countsByChain = (audited: readonly AuditedChain[]): ChainCounts[] => audited.map((a) => ({ chainId: a.logs.chainId, ...a.result.counts }));

/** Every chain's counts added up. */
export const totalCounts = (audited: readonly AuditedChain[]): ChainAuditCounts | undefined => {
  if (audited.length === 0) return undefined;
  const total = { rootsProposed: 0, rootsRevoked: 0, rootsAccepted: 0, claims: 0, claimsNotInLog: 0, claimsUnderNewerRoots: 0 };
  for (const { result } of audited) for (const k of Object.keys(total) as (keyof ChainAuditCounts)[]) total[k] += result.counts[k];
  return total;
};

const chainTreeRow = (r: DistributionRecord, chainId: number, audited: AuditedChain | undefined): ChainTreeRow => {
  const tree = distributionOn(r.state, String(chainId))!;
  const expectedRoot = r.expectedChainRoots.get(chainId);
  const onChain = audited?.result.bySeq.get(r.seq);
  return {
    chainId,
    root: tree.root,
    ...(expectedRoot === undefined ? {} : { expectedRoot }),
    leafCount: tree.leafCount,
    treeHash: tree.treeHash,
    totals: tree.totals.map((t) => ({ token: t.token, amountWei: t.cumulativeWei.toString() })),
    status: tree.status,
    audited: audited !== undefined,
    findings: audited?.result.findingsBySeq.get(r.seq) ?? 0,
    ...(onChain ? { onChain } : {}),
  };
};

/** A row per distribution: the primary chain's tree and what its chain did with it, then each payout chain's. */
export const distributionRows = (records: readonly DistributionRecord[], audited: readonly AuditedChain[]): DistributionRow[] => {
  const primary = audited.find((a) => a.chain === PRIMARY_CHAIN);
  const payout = new Map(audited.filter((a) => a.chain !== PRIMARY_CHAIN).map((a) => [a.logs.chainId, a]));
  return records.map((r) => {
    const onChainFindings = audited.reduce((n, a) => n + (a.result.findingsBySeq.get(r.seq) ?? 0), 0);
    const row = distributionRow(r, primary?.result.bySeq.get(r.seq), onChainFindings);
    const chains = (r.recorded.chains ?? []).map((t) => chainTreeRow(r, t.chainId, payout.get(t.chainId)));
    return chains.length === 0 ? row : { ...row, chains };
  });
};
