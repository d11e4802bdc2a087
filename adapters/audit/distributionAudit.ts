/**
 * Each DistributionCreated re-derived with the domain's planDistribution on the audit's state just
 * before it (logHead = the envelope's prevHash): root, totals, leafCount, treeHash and seq compared
 * field by field, and §9.5 (no leaf falls or disappears) checked against the previous distribution.
 * The recorded event is then folded as evolve folds it, so one wrong root is one finding.
 *
 * For the on-chain checks the recomputed leaves of the accounts that claimed on-chain are kept per
 * distribution and per audited chain — only those, so memory follows the claims, not the size of
 * every tree. A payout chain's tree (issue 15) is re-derived with the rest: its root comes from the
 * same plan (plan.chainTrees), and its leaves are the account's leaves on that chain.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  assetAt,
  chainLeafWei,
  chainOfId,
  claimedOnWei,
  PRIMARY_CHAIN,
  encodeEventData,
  event,
  evolve,
  leafKey,
  planDistribution,
  type DistributionState,
  type EventData,
  type LedgerState,
  type StoredEvent,
} from '../../domain/index.ts';
import { checkDistributionCumulative } from '../../domain/invariants.ts';
import type { Finding } from './findings.ts';
import { diffJson } from './jsonDiff.ts';
import type { DistributionRow, OnChainDistribution } from './rows.ts';

export interface DistributionRecord {
  readonly seq: number;
  readonly position: number;
  readonly line: number;
  readonly recorded: EventData<'DistributionCreated'>;
  readonly expectedRoot?: string;
  /** Each payout chain's tree root as re-derived (plan.chainTrees), by chain id. */
  readonly expectedChainRoots: ReadonlyMap<number, string>;
  /** The distribution as the replayed state holds it (its status moves on with later events). */
  readonly state: DistributionState;
  /** Per audited chain id: the recomputed cumulative of each "account|token" leaf claimed there (absent: no such leaf). */
  readonly claimLeaves: ReadonlyMap<number, ReadonlyMap<string, bigint>>;
  readonly findings: number;
}

export interface DistributionAudit {
  created(e: StoredEvent, line: number, recorded: EventData<'DistributionCreated'>): void;
  readonly records: readonly DistributionRecord[];
}

/**
 * The leaves of `pairs` on the chain with id `chainId`, as that chain's tree holds them
 * (payoutChains.ts): on a payout chain the token is its address there; on the primary chain the
 * leaf is the cumulative amount unless the account is paid on another chain.
 */
const leavesFor = (state: LedgerState, pairs: ReadonlySet<string>, chainId: number): Map<string, bigint> => {
  const chain = chainOfId(state, chainId);
  const leaves = new Map<string, bigint>();
  for (const pair of pairs) {
    const [account, token] = pair.split('|') as [string, string];
    const a = state.accounts.get(account);
    const asset = chain === PRIMARY_CHAIN ? token : assetAt(state, chainId, token);
    const amount = a === undefined || asset === undefined ? 0n : chainLeafWei(state, a, chain, asset);
    if (amount > 0n) leaves.set(pair, amount);
  }
  return leaves;
};

/** The payout chain a `chains[i]…` field of a DistributionCreated is about. */
const chainOfField = (recorded: EventData<'DistributionCreated'>, field: string): number | undefined => {
  const i = /^chains\[(\d+)\]/.exec(field)?.[1];
  return i === undefined ? undefined : recorded.chains?.[Number(i)]?.chainId;
};

export const createDistributionAudit = (
  state: LedgerState,
  report: (f: Finding) => void,
  /** "account|token" pairs claimed on each audited chain, by its chain id. */
  claimPairs: ReadonlyMap<number, ReadonlySet<string>> = new Map(),
): DistributionAudit => {
  const records: DistributionRecord[] = [];
  return {
    records,
    created(e, line, recorded) {
      let findings = 0;
      const at = { line, position: e.position, epoch: recorded.throughEpoch };
      const say = (f: Finding) => {
        findings++;
        report(f);
      };
      const previousLeaves = new Map(state.distributedWei);
      const planned = planDistribution(state, recorded.throughEpoch, e.prevHash);
      if (E.isLeft(planned))
        say({ kind: 'distribution-refused', ...at, message: `DistributionCreated ${recorded.seq} should not exist: ${planned.left.message}` });
      else
        for (const d of diffJson(encodeEventData(event('DistributionCreated', planned.right.data)), encodeEventData(event('DistributionCreated', recorded)))) {
          const chainId = chainOfField(recorded, d.field);
          say({
            kind: 'distribution-mismatch',
            ...at,
            ...d,
            ...(chainId === undefined ? {} : { chainId }),
            message: `DistributionCreated ${recorded.seq}: ${d.field}${chainId === undefined ? '' : ` (chain ${chainId}'s tree)`} re-derives to ${d.expected}, the log records ${d.found}`,
          });
        }
      const claimLeaves = new Map([...claimPairs].map(([chainId, pairs]) => [chainId, leavesFor(state, pairs, chainId)] as const));
      evolve(state, event('DistributionCreated', recorded));
      for (const v of checkDistributionCumulative(previousLeaves, state.distributedWei))
        say({ kind: 'invariant', ...at, field: v.invariant, message: `distribution ${recorded.seq}: ${v.message}` });
      records.push({
        seq: recorded.seq,
        position: e.position,
        line,
        recorded,
        ...(E.isRight(planned) ? { expectedRoot: planned.right.data.root } : {}),
        expectedChainRoots: new Map(E.isRight(planned) ? [...planned.right.chainTrees].map(([chainId, c]) => [chainId, c.tree.root] as const) : []),
        state: state.distributions[state.distributions.length - 1]!,
        claimLeaves,
        findings,
      });
    },
  };
};

/** A claim recorded in the log may not exceed the leaf of the latest distribution (§9.5). */
export const checkRecordedClaim = (
  state: LedgerState,
  e: StoredEvent,
  line: number,
  claim: EventData<'RewardsClaimed'>,
  report: (f: Finding) => void,
): void => {
  // On a payout chain (issue 15): what was claimed there against the account's leaf there.
  const chain = claim.chainId === undefined ? PRIMARY_CHAIN : String(claim.chainId);
  const asset = claim.chainId === undefined ? claim.token : (assetAt(state, claim.chainId, claim.token) ?? claim.token);
  const a = state.accounts.get(claim.account);
  const claimed = a ? claimedOnWei(a, chain, asset) : 0n;
  const leaf = chain === PRIMARY_CHAIN ? (state.distributedWei.get(leafKey(claim.account, claim.token)) ?? 0n) : a ? chainLeafWei(state, a, chain, asset) : 0n;
  if (claimed > leaf)
    report({
      kind: 'claim-exceeds-leaf',
      line,
      position: e.position,
      field: 'claimed-le-cumulative',
      expected: `≤ ${leaf}`,
      found: claimed.toString(),
      message: `${claim.account} has now claimed ${claimed} of token ${claim.token}${chain === PRIMARY_CHAIN ? '' : ` on chain ${chain}`}, more than its cumulative ${leaf} in the latest distribution`,
    });
};

export const distributionRow = (r: DistributionRecord, onChain?: OnChainDistribution, extraFindings = 0): DistributionRow => ({
  seq: r.seq,
  position: r.position,
  line: r.line,
  throughEpoch: r.recorded.throughEpoch,
  root: r.recorded.root,
  logHead: r.recorded.logHead,
  leafCount: r.recorded.leafCount,
  treeHash: r.recorded.treeHash,
  totals: r.recorded.totals.map((t) => ({ token: t.token, amountWei: t.cumulative.toString() })),
  ...(r.expectedRoot === undefined ? {} : { expectedRoot: r.expectedRoot }),
  status: r.state.status,
  findings: r.findings + extraFindings,
  ...(onChain ? { onChain } : {}),
});
