/**
 * What the audit reports: one finding per discrepancy, naming where it is (line of the file and
 * event position), which field, and the expected and found values as strings (amounts in base
 * units, exactly). The log keeps memory bounded on a badly broken file: past a number of findings
 * of one kind and field, further ones are only counted (with the range of positions they span).
 */

export const FINDING_KINDS = [
  'not-json',
  'bad-envelope',
  'unknown-type',
  'bad-data',
  'chain-altered',
  'chain-link',
  'chain-gap',
  'chain-order',
  'replay-error',
  'epoch-mismatch',
  'tier-mismatch',
  'task-mismatch',
  'distribution-mismatch',
  'distribution-refused',
  'invariant',
  'claim-exceeds-leaf',
  'recorded-at',
  'close-before-end',
  'recording-epoch',
  'onchain-root',
  'onchain-data-hash',
  'onchain-publication',
  'onchain-claim',
  'onchain-overclaim',
  'onchain-claim-record',
  'onchain-ahead',
  'snapshot-rejected',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const isChainFinding = (kind: FindingKind): boolean => kind.startsWith('chain-');

/**
 * What a finding says about the audited pair, for the headline and the exit code:
 * - `log`: the log does not re-derive (its chain, its events, its numbers or its times);
 * - `chain-mismatch`: the log re-derives, but it and the chain disagree;
 * - `chain-ahead`: the chain has roots from after the export (after the last block the log refers to).
 */
export type FindingClass = 'log' | 'chain-mismatch' | 'chain-ahead';
export const FINDING_CLASSES: readonly FindingClass[] = ['log', 'chain-mismatch', 'chain-ahead'];

export const classOf = (kind: FindingKind): FindingClass =>
  kind === 'onchain-ahead' ? 'chain-ahead' : kind.startsWith('onchain-') ? 'chain-mismatch' : 'log';

export interface Finding {
  readonly kind: FindingKind;
  readonly message: string;
  /** 1-based line of the events file; absent for findings about the chain's logs alone. */
  readonly line?: number;
  /** Event position: as recorded, or the expected one when the line has none. */
  readonly position?: number;
  readonly epoch?: number;
  /** Dotted path into the event data (e.g. `pools.compute.minted`), or the invariant's name. */
  readonly field?: string;
  readonly expected?: string;
  readonly found?: string;
  /** On-chain findings: where on the chain. */
  readonly block?: number;
  readonly txHash?: string;
  /** The chain an on-chain finding (or a payout chain's tree) is about. */
  readonly chainId?: number;
}

/** A finding as the report lists it: stamped with its class. */
export type ClassifiedFinding = Finding & { readonly class: FindingClass };

export interface SuppressedFindings {
  readonly kind: FindingKind;
  readonly class: FindingClass;
  readonly field?: string;
  readonly count: number;
  readonly firstPosition?: number;
  readonly lastPosition?: number;
}

export interface FindingSummary {
  /** Findings kept in full, ordered by position (then line), chain-only findings last. */
  readonly findings: readonly ClassifiedFinding[];
  readonly total: number;
  readonly byKind: Partial<Record<FindingKind, number>>;
  readonly byClass: Readonly<Record<FindingClass, number>>;
  readonly suppressed: readonly SuppressedFindings[];
}

export interface FindingLog {
  add(finding: Finding): void;
  readonly total: () => number;
  summary(): FindingSummary;
}

export interface FindingLogOptions {
  /** Findings kept in full per kind and field (default 50). */
  readonly keepPerGroup?: number;
  /** Findings kept in full overall (default 5,000). */
  readonly keepTotal?: number;
}

const order = (a: Finding, b: Finding): number =>
  (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
  (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
  (a.block ?? 0) - (b.block ?? 0);

export const createFindingLog = ({ keepPerGroup = 50, keepTotal = 5_000 }: FindingLogOptions = {}): FindingLog => {
  const kept: ClassifiedFinding[] = [];
  const perGroup = new Map<string, number>();
  const suppressed = new Map<string, { kind: FindingKind; class: FindingClass; field?: string; count: number; firstPosition?: number; lastPosition?: number }>();
  const byKind: Partial<Record<FindingKind, number>> = {};
  const byClass: Record<FindingClass, number> = { log: 0, 'chain-mismatch': 0, 'chain-ahead': 0 };
  let total = 0;
  return {
    add(f) {
      total++;
      byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
      const cls = classOf(f.kind);
      byClass[cls]++;
      const group = `${f.kind}\u0000${f.field ?? ''}`;
      const n = (perGroup.get(group) ?? 0) + 1;
      perGroup.set(group, n);
      if (n <= keepPerGroup && kept.length < keepTotal) {
        kept.push({ ...f, class: cls });
        return;
      }
      const s = suppressed.get(group) ?? { kind: f.kind, class: cls, ...(f.field === undefined ? {} : { field: f.field }), count: 0 };
      s.count++;
      if (f.position !== undefined) {
        s.firstPosition = Math.min(s.firstPosition ?? f.position, f.position);
        s.lastPosition = Math.max(s.lastPosition ?? f.position, f.position);
      }
      suppressed.set(group, s);
    },
    total: () => total,
    summary: () => ({ findings: [...kept].sort(order), total, byKind: { ...byKind }, byClass: { ...byClass }, suppressed: [...suppressed.values()] }),
  };
};
