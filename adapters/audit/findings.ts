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
  'distribution-mismatch',
  'distribution-refused',
  'invariant',
  'claim-exceeds-leaf',
  'onchain-root',
  'onchain-data-hash',
  'onchain-publication',
  'onchain-claim',
  'onchain-overclaim',
  'onchain-claim-record',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const isChainFinding = (kind: FindingKind): boolean => kind.startsWith('chain-');

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
}

export interface SuppressedFindings {
  readonly kind: FindingKind;
  readonly field?: string;
  readonly count: number;
  readonly firstPosition?: number;
  readonly lastPosition?: number;
}

export interface FindingSummary {
  /** Findings kept in full, ordered by position (then line), chain-only findings last. */
  readonly findings: readonly Finding[];
  readonly total: number;
  readonly byKind: Partial<Record<FindingKind, number>>;
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
  const kept: Finding[] = [];
  const perGroup = new Map<string, number>();
  const suppressed = new Map<string, { kind: FindingKind; field?: string; count: number; firstPosition?: number; lastPosition?: number }>();
  const byKind: Partial<Record<FindingKind, number>> = {};
  let total = 0;
  return {
    add(f) {
      total++;
      byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
      const group = `${f.kind}\u0000${f.field ?? ''}`;
      const n = (perGroup.get(group) ?? 0) + 1;
      perGroup.set(group, n);
      if (n <= keepPerGroup && kept.length < keepTotal) {
        kept.push(f);
        return;
      }
      const s = suppressed.get(group) ?? { kind: f.kind, ...(f.field === undefined ? {} : { field: f.field }), count: 0 };
      s.count++;
      if (f.position !== undefined) {
        s.firstPosition = Math.min(s.firstPosition ?? f.position, f.position);
        s.lastPosition = Math.max(s.lastPosition ?? f.position, f.position);
      }
      suppressed.set(group, s);
    },
    total: () => total,
    summary: () => ({ findings: [...kept].sort(order), total, byKind: { ...byKind }, suppressed: [...suppressed.values()] }),
  };
};
