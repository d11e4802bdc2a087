/**
 * The log against the chain (DESIGN §6): every root proposed or accepted on the distributor must be
 * a recorded distribution's root with its logHead as dataHash; every Claimed must pay a leaf of the
 * distribution active at that point (the last RootAccepted before it), with the cumulative the
 * replay recomputed, and no account may claim more in total than that cumulative. Recorded claims
 * (RewardsClaimed) and publications must match the chain's logs.
 *
 * A chain claim the log has not recorded yet is counted, not a finding: the claim indexer may lag.
 *
 * The chain moves on after an export: a root in a block after the last one the log refers to (its
 * latest DistributionPublished or RewardsClaimed) that the log does not know is `onchain-ahead`,
 * not a disagreement, and claims paid under it are only counted. The log cannot tell such a root
 * from one the service never made; a re-export can — or an audit up to the block before it.
 *
 * One chain at a time: `distributions` are the trees the log holds for this chain (chainTrees.ts)
 * and `recordedClaims` the claims it recorded there, so a payout chain is checked exactly as the
 * primary one. Every finding carries the chain's id and names it.
 */
import type { DistributorEvent } from '../chain/distributorClient.ts';
import type { TreeRecord } from './chainTrees.ts';
import type { Finding } from './findings.ts';
import type { ChainLogs } from './chainLogs.ts';
import { checkPublications } from './publicationAudit.ts';
import type { RecordedClaim } from './replay.ts';
import type { OnChainDistribution, TokenAmount } from './rows.ts';

type Claimed = Extract<DistributorEvent, { type: 'Claimed' }>;
type RootEvent = Extract<DistributorEvent, { type: 'RootProposed' | 'RootAccepted' }>;

export interface ChainAuditCounts {
  readonly rootsProposed: number;
  readonly rootsRevoked: number;
  readonly rootsAccepted: number;
  readonly claims: number;
  readonly claimsNotInLog: number;
  readonly claimsUnderNewerRoots: number;
}

/** Roots on the chain newer than the export. */
export interface ChainAhead {
  readonly chainId: number;
  readonly roots: number;
  readonly firstBlock: number;
  /** The last block the log refers to; −1 when it refers to none. */
  readonly logLastBlock: number;
}

export interface ChainAuditResult {
  readonly bySeq: ReadonlyMap<number, OnChainDistribution>;
  /** Findings per distribution seq, for its row. */
  readonly findingsBySeq: ReadonlyMap<number, number>;
  readonly counts: ChainAuditCounts;
  readonly ahead?: ChainAhead;
}

/** What the chain did with one distribution's root. */
export interface SeqTrack {
  proposals: { block: number; txHash: string; dataHash: string }[];
  accepted?: { block: number; txHash: string };
  claims: number;
  claimedWei: Map<string, bigint>;
}

const where = (e: DistributorEvent) => ({ block: e.blockNumber, txHash: e.txHash });

const publishedHere = (d: TreeRecord, logs: ChainLogs): boolean =>
  d.state.published !== undefined && d.state.published.contract === logs.distributor && d.state.published.chainId === logs.chainId;

/** The highest block the log itself refers to on this distributor: how far its view of the chain goes. */
const lastBlockOfLog = (logs: ChainLogs, distributions: readonly TreeRecord[], claims: ReadonlyMap<string, RecordedClaim>): number => {
  let last = -1;
  for (const d of distributions) if (publishedHere(d, logs)) last = Math.max(last, d.state.published!.blockNumber);
  for (const c of claims.values()) last = Math.max(last, c.blockNumber);
  return last;
};

export const auditChainLogs = (
  logs: ChainLogs,
  distributions: readonly TreeRecord[],
  recordedClaims: ReadonlyMap<string, RecordedClaim>,
  report: (f: Finding) => void,
): ChainAuditResult => {
  const byRecordedRoot = new Map<string, TreeRecord>();
  const byExpectedRoot = new Map<string, TreeRecord>();
  for (const d of distributions) {
    byRecordedRoot.set(d.root, d);
    if (d.expectedRoot !== undefined) byExpectedRoot.set(d.expectedRoot, d);
  }
  const tracks = new Map<number, SeqTrack>();
  const findingsBySeq = new Map<number, number>();
  const track = (seq: number): SeqTrack => {
    let t = tracks.get(seq);
    if (!t) tracks.set(seq, (t = { proposals: [], claims: 0, claimedWei: new Map() }));
    return t;
  };
  const say = (f: Finding, seq?: number) => {
    if (seq !== undefined) findingsBySeq.set(seq, (findingsBySeq.get(seq) ?? 0) + 1);
    report({ ...f, chainId: logs.chainId, message: `chain ${logs.chainId}: ${f.message}` });
  };
  const totalClaimed = new Map<string, bigint>();
  const matchedClaims = new Set<string>();
  let active: TreeRecord | undefined;
  let activeIsAhead = false;
  const counts = { rootsProposed: 0, rootsRevoked: 0, rootsAccepted: 0, claims: 0, claimsNotInLog: 0, claimsUnderNewerRoots: 0 };
  const logLastBlock = lastBlockOfLog(logs, distributions, recordedClaims);
  const aheadRoots = new Map<string, number>();
  /** True (and noted) when `block` is past the log's view of the chain. */
  const ahead = (root: string, block: number): boolean => {
    if (block <= logLastBlock) return false;
    aheadRoots.set(root, Math.min(aheadRoots.get(root) ?? block, block));
    return true;
  };
  const logSees = logLastBlock < 0 ? 'the log refers to no block' : `the log refers to blocks up to ${logLastBlock}`;

  /** The recorded distribution an on-chain root stands for; every mismatch is a finding. */
  const distributionOf = (e: RootEvent): TreeRecord | undefined => {
    const d = byRecordedRoot.get(e.root);
    if (d === undefined) {
      const rederived = byExpectedRoot.get(e.root);
      if (rederived === undefined && ahead(e.root, e.blockNumber)) {
        say({ kind: 'onchain-ahead', ...where(e), field: 'root', found: e.root, message: `${e.type} in block ${e.blockNumber} (tx ${e.txHash}) carries root ${e.root}, which no distribution in the log has: it is newer than the export (${logSees})` });
        return undefined;
      }
      say(
        rederived
          ? { kind: 'onchain-root', position: rederived.position, line: rederived.line, ...where(e), field: 'root', expected: e.root, found: rederived.root, message: `${e.type} in block ${e.blockNumber} carries root ${e.root}, which re-derives as distribution ${rederived.seq}'s, but the log records ${rederived.root}` }
          : { kind: 'onchain-root', ...where(e), field: 'root', found: e.root, message: `${e.type} in block ${e.blockNumber} (tx ${e.txHash}) carries root ${e.root}, which matches no distribution in the log` },
        rederived?.seq,
      );
      return rederived;
    }
    if (e.dataHash !== d.logHead)
      say(
        { kind: 'onchain-data-hash', position: d.position, line: d.line, ...where(e), field: 'dataHash', expected: d.logHead, found: e.dataHash, message: `${e.type} of distribution ${d.seq}'s root in block ${e.blockNumber} anchors dataHash ${e.dataHash}, but its logHead is ${d.logHead}` },
        d.seq,
      );
    return d;
  };

  const claim = (c: Claimed): void => {
    counts.claims++;
    const pair = `${c.account}|${c.token}`;
    const total = (totalClaimed.get(pair) ?? 0n) + c.amount;
    totalClaimed.set(pair, total);
    const key = `${c.txHash}:${c.logIndex}`;
    const recorded = recordedClaims.get(key);
    if (recorded === undefined) counts.claimsNotInLog++;
    else {
      matchedClaims.add(key);
      if (recorded.account !== c.account || recorded.token !== c.token || recorded.amountWei !== c.amount)
        say({ kind: 'onchain-claim-record', position: recorded.position, line: recorded.line, ...where(c), field: 'amount', expected: `${c.account} ${c.token} ${c.amount}`, found: `${recorded.account} ${recorded.token} ${recorded.amountWei}`, message: `RewardsClaimed at position ${recorded.position} does not match the chain's Claimed (tx ${c.txHash} log ${c.logIndex})` });
    }
    if (active === undefined) {
      if (activeIsAhead) {
        counts.claimsUnderNewerRoots++;
        return;
      }
      say({ kind: 'onchain-claim', ...where(c), field: 'root', found: pair, message: `a claim of ${c.amount} by ${c.account} in block ${c.blockNumber} was paid under a root that matches no distribution in the log` });
      return;
    }
    const t = track(active.seq);
    t.claims++;
    t.claimedWei.set(c.token, (t.claimedWei.get(c.token) ?? 0n) + c.amount);
    const leaf = active.claimLeaves.get(pair) ?? 0n;
    const at = { position: active.position, line: active.line, ...where(c) };
    if (c.cumulative !== leaf)
      say({ kind: 'onchain-claim', ...at, field: 'cumulative', expected: leaf.toString(), found: c.cumulative.toString(), message: `the claim of ${c.account} for token ${c.token} in block ${c.blockNumber} proves a cumulative of ${c.cumulative}, but distribution ${active.seq} re-derives ${leaf} for that leaf` }, active.seq);
    if (total > leaf)
      say({ kind: 'onchain-overclaim', ...at, field: 'claimed', expected: `≤ ${leaf}`, found: total.toString(), message: `${c.account} has claimed ${total} of token ${c.token} by block ${c.blockNumber}, more than its cumulative ${leaf} in distribution ${active.seq}` }, active.seq);
  };

  for (const e of logs.events) {
    if (e.type === 'RootRevoked') counts.rootsRevoked++;
    else if (e.type === 'Claimed') claim(e);
    else if (e.type === 'RootProposed') {
      counts.rootsProposed++;
      const d = distributionOf(e);
      if (d) track(d.seq).proposals.push({ block: e.blockNumber, txHash: e.txHash, dataHash: e.dataHash });
    } else {
      counts.rootsAccepted++;
      active = distributionOf(e);
      activeIsAhead = active === undefined && aheadRoots.has(e.root);
      if (active) track(active.seq).accepted = { block: e.blockNumber, txHash: e.txHash };
    }
  }

  checkPublications(logs, distributions, tracks, (f, seq) => say(f, seq), (d, block) =>
    ahead(d.root, block)
      ? { kind: 'onchain-ahead', message: `distribution ${d.seq}'s root was proposed on-chain in block ${block}, after the export (${logSees}), which records no DistributionPublished for it yet` }
      : undefined,
  );
  for (const [key, r] of recordedClaims)
    if (!matchedClaims.has(key) && r.blockNumber >= logs.fromBlock && r.blockNumber <= logs.toBlock)
      say({ kind: 'onchain-claim-record', position: r.position, line: r.line, field: 'txHash:logIndex', found: key, message: `RewardsClaimed at position ${r.position} names ${key}, but the distributor emitted no such Claimed` });

  const bySeq = new Map<number, OnChainDistribution>();
  for (const [seq, t] of tracks) bySeq.set(seq, onChainOf(t));
  const firstBlock = Math.min(...aheadRoots.values());
  return { bySeq, findingsBySeq, counts, ...(aheadRoots.size > 0 ? { ahead: { chainId: logs.chainId, roots: aheadRoots.size, firstBlock, logLastBlock } } : {}) };
};

const onChainOf = (t: SeqTrack): OnChainDistribution => {
  const proposed = t.proposals[t.proposals.length - 1];
  const claimedWei: TokenAmount[] = [...t.claimedWei].sort(([a], [b]) => (a < b ? -1 : 1)).map(([token, amount]) => ({ token, amountWei: amount.toString() }));
  return { ...(proposed ? { proposed } : {}), ...(t.accepted ? { accepted: t.accepted } : {}), claims: t.claims, claimedWei };
};
