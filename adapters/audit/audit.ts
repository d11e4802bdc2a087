/**
 * `cxt audit`: an exported log (and optionally the distributor on-chain) checked by someone who
 * trusts nothing else. The file is streamed line by line; each line goes through the chain check
 * (chainLinks.ts) and the domain replay (replay.ts); only the replayed state and one row per close
 * and per distribution are kept, so memory does not grow with the number of events.
 *
 * With distributors (`chain`, `chains`: one per chain, issue 15) each chain's logs are read first,
 * so the replay keeps the leaves claimed on each; after it, each chain is checked against the trees
 * the log holds for it (payoutChainAudit.ts).
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { genesisParams, PRIMARY_CHAIN, snapshotText, type LedgerState } from '../../domain/index.ts';
import type { ChainAhead, ChainAuditCounts } from './chainAudit.ts';
import { createChainCheck, type ChainCheck, type ChainSummary } from './chainLinks.ts';
import { claimedPairs, readChainLogs, type ChainSource } from './chainLogs.ts';
import { parseEnvelopeLine } from './envelope.ts';
import {
  createFindingLog,
  type ClassifiedFinding,
  type Finding,
  type FindingClass,
  type FindingKind,
  type FindingLogOptions,
  type SuppressedFindings,
} from './findings.ts';
import { createHashPool, type HashPool } from './hashPool.ts';
import { auditHeadline, auditOutcome, type AuditOutcome } from './headline.ts';
import { forEachLogLine, type LineHandler } from './logPipeline.ts';
import {
  auditChains,
  chainSourceReport,
  checkDistinctChains,
  countsByChain,
  distributionRows,
  mainChain,
  totalCounts,
  type ChainCounts,
  type ChainSourceReport,
} from './payoutChainAudit.ts';
import { createReplay, type Replay } from './replay.ts';
import { anchorSnapshot, type TailStart } from './snapshotAnchor.ts';
import type { DistributionRow, EpochRow } from './rows.ts';

export interface AuditProgress {
  start(totalBytes: number): void;
  update(bytesRead: number, events: number): void;
  stop(): void;
}

export interface AuditOptions {
  readonly eventsPath: string;
  readonly chain?: ChainSource;
  /** More distributors, one per chain (issue 15); audited with `chain`, which may be left out. */
  readonly chains?: readonly ChainSource[];
  readonly progress?: AuditProgress;
  readonly findingLimits?: FindingLogOptions;
  /** Worker threads hashing envelopes (default: cores − 1, at most 4, none for a file under 4 MiB; 0: none). */
  readonly hashWorkers?: number;
  /**
   * A snapshot file (`cxt export --snapshot`) to start from: checked against the log, then only the
   * events after it are audited. One that does not verify is a finding, and the whole log is audited.
   */
  readonly fromSnapshot?: string;
}

export interface AuditReport {
  readonly verdict: 'clean' | 'findings';
  /** Which kind of answer it is (headline.ts): every outcome but clean is verdict "findings". */
  readonly outcome: AuditOutcome;
  readonly headline: string;
  readonly source: {
    readonly events: string;
    readonly bytes: number;
    /** The primary chain's distributor (or, when only payout chains were audited, the first). */
    readonly chain?: ChainSourceReport;
    /** Every audited distributor, in the order given. */
    readonly chains?: readonly ChainSourceReport[];
    /** A tail audit: the snapshot it started from, and whether the log vouched for it. */
    readonly snapshot?: { readonly file: string; readonly used: boolean; readonly position?: number; readonly stateHash?: string };
  };
  readonly counts: {
    readonly lines: number;
    readonly events: number;
    readonly unreadableLines: number;
    readonly eventsByType: Readonly<Record<string, number>>;
    readonly epochs: number;
    readonly distributions: number;
    readonly findings: number;
    readonly findingsByKind: Partial<Record<FindingKind, number>>;
    readonly findingsByClass: Readonly<Record<FindingClass, number>>;
    /** Added up over every audited chain. */
    readonly onChain?: ChainAuditCounts;
    readonly onChainByChain?: readonly ChainCounts[];
  };
  /** Roots on the chain newer than the export, when there are any (the first chain that has them; each chain's in source.chains). */
  readonly chainAhead?: ChainAhead;
  readonly chain: ChainSummary;
  readonly supply: { readonly maxSupplyWei?: string; readonly mintedWei: string; readonly burnedWei: string; readonly circulatingWei: string; readonly stakedWei: string };
  readonly epochs: readonly EpochRow[];
  readonly distributions: readonly DistributionRow[];
  readonly findings: readonly ClassifiedFinding[];
  readonly suppressedFindings: readonly SuppressedFindings[];
  readonly notes: readonly string[];
  readonly seconds: number;
}

const NOTES = [
  'Positions, links and hashes are checked for every event; after a break the check resynchronises on the recorded hash, so each tampering is reported where it is rather than once per later event.',
  'Recomputed closes and distributions are compared with the log, then the recorded event is folded as any replaying service would fold it; a finding in one close therefore does not repeat in the closes after it. An altered input event (a stake, a contribution) does change the state, so closes after it may differ too: those findings are consequences of the first break.',
  'The §9 invariants are checked on each re-derived close against the replayed state; Sybil neutrality (§9.6) is a property of the rules, tested by the property suite, not of one log.',
  'Events deleted from the very end of a file cannot be told from a shorter log by the file alone: compare the last position and head hash with the service, or audit with --rpc-url, where a root anchored on-chain after the cut shows as newer than the export: a re-export from the service restores what was cut.',
  'Each recordedAt is read on the genesis epoch grid: a close must be recorded after its epoch ended, every epoch field must be the recording epoch of its time (within the clock allowance), work must lie in the late window, and time must not run back by more than the allowance.',
  'On-chain roots after the last block the log refers to are newer than the export, not a disagreement; the log cannot tell them from roots the service never made, so they are findings until a re-export accounts for them (or the audit stops with --to-block before them).',
];

const MULTI_CHAIN_NOTE =
  'Each chain is audited against its own trees: a chain the log configured as a payout chain (ChainConfigured) against the tree each distribution has there, any other chain as the primary chain; its claims are compared only with its own leaves and with the RewardsClaimed recorded for that chain. Block numbers and findings are per chain, each finding names its chain id.';

/** Below this size the workers' start-up costs more than they save. */
const MIN_BYTES_FOR_WORKERS = 4 * 2 ** 20;

const defaultWorkers = (bytes: number): number => (bytes < MIN_BYTES_FOR_WORKERS ? 0 : Math.min(4, availableParallelism() - 1));

const readLog = async (
  o: AuditOptions,
  pool: HashPool | undefined,
  workers: number,
  replay: Replay,
  check: ChainCheck,
  report: (f: Finding) => void,
  tail: TailStart | undefined,
) => {
  let lines = tail?.position ?? 0;
  let unreadable = 0;
  const handle: LineHandler = (number, text, hash) => {
    lines = number;
    const parsed = parseEnvelopeLine(text);
    if (!parsed.ok) {
      unreadable++;
      const presumed = check.skipUnreadable();
      report({ kind: parsed.kind, line: number, position: parsed.position ?? presumed, found: text.length > 200 ? `${text.slice(0, 200)}…` : text, message: `line ${number}: ${parsed.message}` });
      return;
    }
    // true: the worker found the line's content hashing to the hash it records.
    check.push(parsed.envelope, number, hash === true ? parsed.envelope.hash : hash);
    replay.apply(parsed.envelope, number);
  };
  await forEachLogLine(o.eventsPath, handle, {
    ...(pool ? { pool, workers } : {}),
    // A tail audit numbers lines from the snapshot's position: line = position in an intact export.
    ...(tail ? { from: { startByte: tail.startByte, firstLine: tail.position + 1 } } : {}),
    onBytes: (bytes) => o.progress?.update(bytes, check.summary().events),
  });
  await replay.settled();
  return { lines, unreadable };
};

const tailNote = (t: TailStart): string =>
  `A tail audit: it starts from a snapshot of the state at position ${t.position}, which the log vouches for (the EpochClosed at position ${t.position + 1} records its stateHash ${t.stateHash} and follows the event whose hash it records). Events up to position ${t.position} were not read; a full audit (without --from-snapshot) checks them.`;

/** A snapshot the log does not vouch for is a finding; the audit then covers the whole log. */
const tailStart = async (o: AuditOptions, report: (f: Finding) => void): Promise<TailStart | undefined> => {
  if (o.chain !== undefined || (o.chains?.length ?? 0) > 0) throw new Error('a tail audit (fromSnapshot) cannot check the chain: the on-chain audit needs every distribution since the first root');
  const tail = await anchorSnapshot(o.eventsPath, o.fromSnapshot!);
  if (typeof tail !== 'string') return tail;
  report({ kind: 'snapshot-rejected', field: 'fromSnapshot', found: o.fromSnapshot!, message: `the snapshot ${o.fromSnapshot} is not used: ${tail}; the whole log is audited from genesis instead` });
  return undefined;
};

export const runAudit = async (o: AuditOptions): Promise<AuditReport> => {
  const started = performance.now();
  const bytes = (await stat(o.eventsPath)).size;
  const sources = [...(o.chain ? [o.chain] : []), ...(o.chains ?? [])];
  const chainLogs = await Promise.all(sources.map(readChainLogs));
  checkDistinctChains(chainLogs);
  const withChain = chainLogs.length > 0;
  const findings = createFindingLog(o.findingLimits);
  const report = (f: Finding) => findings.add(f);
  const tail = o.fromSnapshot === undefined ? undefined : await tailStart(o, report);
  const auditedBytes = bytes - (tail?.startByte ?? 0);
  const check = createChainCheck(report, tail ? { position: tail.position, hash: tail.headHash } : undefined);
  const workers = o.hashWorkers ?? defaultWorkers(auditedBytes);
  const pool = workers > 0 ? createHashPool(workers) : undefined;
  const replay = createReplay({
    report,
    ...(withChain ? { claimPairs: new Map(chainLogs.map((l) => [l.chainId, claimedPairs(l)] as const)), keepClaims: true } : {}),
    ...(tail ? { from: tail.state } : {}),
    // Each close's stateHash is a keccak of the whole state's text: the workers take it too.
    ...(pool ? { stateHashLater: (s: LedgerState) => pool.keccakText(snapshotText(s)) } : {}),
  });
  o.progress?.start(auditedBytes);
  let read;
  try {
    read = await readLog(o, pool, workers, replay, check, report, tail);
    // Bytes are read ahead of the replay: show the final count before the bar closes.
    o.progress?.update(auditedBytes, check.summary().events);
  } finally {
    o.progress?.stop();
    await pool?.close();
  }
  check.finish();
  replay.finish();
  const { state } = replay;
  const audited = auditChains(chainLogs, state, replay.distributions, replay.recordedClaims, report);
  const main = mainChain(audited);
  const aheads = audited.flatMap((a) => (a.result.ahead ? [a.result.ahead] : []));
  const onChain = totalCounts(audited);
  const summary = findings.summary();
  const maxSupply = genesisParams(state)?.maxSupply;
  return {
    verdict: summary.total === 0 ? 'clean' : 'findings',
    outcome: auditOutcome(summary.byClass),
    headline: auditHeadline(summary.byClass, aheads, withChain, audited.length > 1),
    source: {
      events: o.eventsPath,
      bytes,
      ...(main ? { chain: chainSourceReport(main), chains: audited.map(chainSourceReport) } : {}),
      ...(o.fromSnapshot === undefined
        ? {}
        : { snapshot: { file: o.fromSnapshot, used: tail !== undefined, ...(tail ? { position: tail.position, stateHash: tail.stateHash } : {}) } }),
    },
    counts: {
      lines: read.lines,
      events: check.summary().events,
      unreadableLines: read.unreadable,
      eventsByType: Object.fromEntries([...replay.eventsByType].sort(([a], [b]) => (a < b ? -1 : 1))),
      epochs: replay.epochs.length,
      distributions: replay.distributions.length,
      findings: summary.total,
      findingsByKind: summary.byKind,
      findingsByClass: summary.byClass,
      ...(onChain ? { onChain, onChainByChain: countsByChain(audited) } : {}),
    },
    ...(aheads.length > 0 ? { chainAhead: aheads[0] } : {}),
    chain: check.summary(),
    supply: {
      ...(maxSupply === undefined ? {} : { maxSupplyWei: maxSupply.toString() }),
      mintedWei: state.mintedWei.toString(),
      burnedWei: state.burnedWei.toString(),
      circulatingWei: (state.mintedWei - state.burnedWei).toString(),
      stakedWei: state.stakedWei.toString(),
    },
    epochs: replay.epochs,
    distributions: distributionRows(replay.distributions, audited),
    findings: summary.findings,
    suppressedFindings: summary.suppressed,
    notes: [...NOTES, ...(audited.some((a) => a.chain !== PRIMARY_CHAIN) ? [MULTI_CHAIN_NOTE] : []), ...(tail ? [tailNote(tail)] : [])],
    seconds: (performance.now() - started) / 1000,
  };
};
