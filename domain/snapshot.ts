/**
 * The ledger state as a canonical JSON snapshot (DESIGN §10): bigints as decimal strings, every
 * map and set as an array sorted by its key, nothing derived that can be rebuilt (the unjudged-work
 * index, the settlement cache). `stateHash` = keccak256(JCS(snapshot)) is what each EpochClosed
 * records for the state at its logHead, so a snapshot kept beside the log is verified by the log
 * itself, and a process can start from it and fold only the tail.
 *
 * Restoring gives a state that decides and settles exactly as the folded one (no rule depends on
 * the insertion order of a map: every result that leaves the domain is sorted first), and whose
 * snapshot is byte-identical to the original's.
 */
import type { StoredEvent } from './hashChain.ts';
import { ProtocolParamsCodec } from './params.ts';
import { createKeccak256Sponge } from './merkle/keccakSponge.ts';
import {
  initialState,
  type AccountState,
  type ContributionState,
  type DistributionState,
  type LedgerState,
  type StakeChange,
} from './state.ts';
import type { TaskState } from './taskState.ts';

/** Bumped when the snapshot's shape changes: an older one is then ignored, never misread. */
export const SNAPSHOT_VERSION = 1;

export type SnapshotJson = Record<string, unknown>;

const byKey = <T>(entries: Iterable<[string, T]>): Array<[string, T]> => [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const n = (v: bigint): string => v.toString();
const amounts = (m: ReadonlyMap<string, bigint>): Array<[string, string]> => byKey(m).map(([k, v]) => [k, n(v)]);

// Every object below is written with its keys in sorted order, so JSON.stringify of the snapshot is
// already its RFC 8785 (JCS) form — integers and strings serialize identically — without the cost of
// a generic canonicalizer (seconds at 100,000 accounts). A property test holds JSON.stringify to jcs.

const accountJson = (a: AccountState) => ({
  account: a.account,
  bonded: n(a.bondedWei),
  ...(a.chainClaimedWei === undefined ? {} : { chainClaimed: byKey(a.chainClaimedWei).map(([chain, claims]) => [chain, amounts(claims)]) }),
  claimed: amounts(a.claimedWei),
  cumulative: amounts(a.cumulativeWei),
  // Payout-chain fields only once an account has them, so older states keep their stateHash.
  ...(a.frozenLeavesWei === undefined ? {} : { frozenLeaves: byKey(a.frozenLeavesWei).map(([chain, leaves]) => [chain, amounts(leaves)]) }),
  nodeIds: a.nodeIds,
  ...(a.payoutChainId === undefined ? {} : { payoutChainId: a.payoutChainId }),
  ...(a.payoutSequence === undefined ? {} : { payoutSequence: a.payoutSequence }),
  pendingChanges: a.pendingChanges.map((c) => ({ delta: n(c.deltaWei), epoch: c.epoch, ...(c.slash ? { slash: true } : {}) })),
  pendingTenureResets: a.pendingTenureResets,
  settledStake: n(a.settledStakeWei),
  settledTenureEpochs: a.settledTenureEpochs,
  tenureEpochs: a.tenureEpochs,
  tier: a.tier,
  unbonding: a.unbonding.map((u) => ({ amount: n(u.amountWei), releaseEpoch: u.releaseEpoch })),
});

const publishedJson = (p: NonNullable<DistributionState['published']>) => ({
  ...(p.blockHash === undefined ? {} : { blockHash: p.blockHash }),
  blockNumber: p.blockNumber,
  chainId: p.chainId,
  contract: p.contract,
  txHash: p.txHash,
  validAt: p.validAt,
});

const distributionJson = (d: DistributionState) => ({
  // Only when a payout chain has leaves, so older states keep their stateHash.
  ...(d.chains === undefined
    ? {}
    : {
        chains: d.chains.map((c) => ({
          chainId: c.chainId,
          leafCount: c.leafCount,
          ...(c.published === undefined ? {} : { published: publishedJson(c.published) }),
          root: c.root,
          ...(c.status === undefined ? {} : { status: c.status }),
          totals: c.totals.map((t) => ({ cumulative: n(t.cumulativeWei), token: t.token })),
          treeHash: c.treeHash,
        })),
      }),
  leafCount: d.leafCount,
  logHead: d.logHead,
  ...(d.published ? { published: publishedJson(d.published) } : {}),
  root: d.root,
  seq: d.seq,
  status: d.status,
  throughEpoch: d.throughEpoch,
  totals: d.totals.map((t) => ({ cumulative: n(t.cumulativeWei), token: t.token })),
  treeHash: d.treeHash,
});

const taskJson = (t: TaskState) => ({
  asset: t.asset,
  budget: n(t.budgetWei),
  deadlineEpoch: t.deadlineEpoch,
  fragments: t.fragments.map((f) => ({
    deadlineEpoch: f.deadlineEpoch,
    ...(f.finishedEpoch === undefined ? {} : { finishedEpoch: f.finishedEpoch }),
    fragmentId: f.fragmentId,
    hardwareClass: f.hardwareClass,
    quorumOperators: f.quorumOperators,
    results: f.results.map((r) => ({ contributionId: r.contributionId, counted: r.counted, nodeId: r.nodeId, operator: r.operator, resultHash: r.resultHash })),
    round: f.round,
    seats: f.seats.map((x) => ({ nodeId: x.nodeId, operator: x.operator, round: x.round })),
    status: f.status,
    units: f.units,
  })),
  initiator: t.initiator,
  kind: t.kind,
  postedEpoch: t.postedEpoch,
  quorum: t.quorum,
  redundancy: t.redundancy,
  salt: t.salt,
  taskId: t.taskId,
});

/** Any plain JSON value with the keys of every object sorted (parameters, which arrive in codec order). */
const sortedKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
};

/** The seq whose leaves `distributedWei` is (it is set at each DistributionCreated), if any. */
const distributedSeq = (s: LedgerState): number | null => (s.distributedWei.size === 0 ? null : (s.distributions.at(-1)?.seq ?? null));

/** The canonical snapshot of `state`: plain JSON, deterministic byte for byte once JCS-encoded. */
export const snapshotOf = (s: LedgerState): SnapshotJson => {
  const leafSeqs = new Set<number>(s.liveLeaves.keys());
  const shared = distributedSeq(s);
  if (shared !== null) leafSeqs.add(shared);
  const leavesOf = (seq: number) => (seq === shared ? s.distributedWei : s.liveLeaves.get(seq)!);
  return {
    accounts: byKey(s.accounts).map(([, a]) => accountJson(a)),
    assetRegistry: byKey(s.assetRegistry).map(([, a]) => ({ asset: a.asset, decimals: a.decimals, symbol: a.symbol })),
    assets: byKey(s.assets).map(([asset, l]) => ({
      asset,
      buybackBudget: n(l.buybackBudgetWei),
      buybackSpent: n(l.buybackSpentWei),
      fees: n(l.feesWei),
      gross: n(l.grossWei),
      provider: n(l.providerWei),
      stakers: n(l.stakersWei),
    })),
    burned: n(s.burnedWei),
    configs: s.configs.map((c) => ({ effectiveEpoch: c.effectiveEpoch, params: sortedKeys(ProtocolParamsCodec.encode(c.params)), version: c.version })),
    contributions: byKey(s.contributions).map(([, c]) => ({
      contributionId: c.contributionId,
      epoch: c.epoch,
      ...(c.fragmentId === undefined ? {} : { fragmentId: c.fragmentId }),
      ...(c.fraudOpenUntilEpoch === undefined ? {} : { fraudOpenUntilEpoch: c.fraudOpenUntilEpoch }),
      ...(c.judgedEpoch === undefined ? {} : { judgedEpoch: c.judgedEpoch }),
      kind: c.kind,
      nodeId: c.nodeId,
      status: c.status,
      ...(c.taskId === undefined ? {} : { taskId: c.taskId }),
      units: c.units,
    })),
    distributedSeq: shared,
    distributions: s.distributions.map(distributionJson),
    lastAllocations: s.lastAllocations.map((a) => [a.account, a.token, n(a.amountWei)]),
    lastClosedEpoch: s.lastClosedEpoch,
    leaves: [...leafSeqs].sort((a, b) => a - b).map((seq) => ({ leaves: amounts(leavesOf(seq)), seq })),
    liveSeqs: [...s.liveLeaves.keys()].sort((a, b) => a - b),
    minted: n(s.mintedWei),
    nodes: byKey(s.nodes).map(([, x]) => ({
      hardwareClass: x.hardwareClass,
      nodeId: x.nodeId,
      operator: x.operator,
      ...(x.region === undefined ? {} : { region: x.region }),
      signer: x.signer,
    })),
    ...(s.payoutChains.size === 0
      ? {}
      : {
          payoutChains: [...s.payoutChains.values()]
            .sort((a, b) => a.chainId - b.chainId)
            .map((c) => ({ assets: byKey(c.assets), chainId: c.chainId })),
        }),
    pendingVerdicts: s.pendingVerdicts.map((v) => ({ epoch: v.epoch, verifier: v.verifier })),
    // Absent when empty, so the snapshot (and stateHash) of a state without tasks or recent slashes is as before tasks existed.
    ...(s.recentSlashes.size === 0 ? {} : { recentSlashes: byKey(s.recentSlashes) }),
    staked: n(s.stakedWei),
    ...(s.tasks.size === 0 ? {} : { tasks: byKey(s.tasks).map(([, t]) => taskJson(t)) }),
    unpaidWork: s.unpaidWork.map((w) => ({ contributionId: w.contributionId, kind: w.kind, nodeId: w.nodeId, units: w.units, verifiedEpoch: w.verifiedEpoch })),
    unsettledRevenue: s.unsettledRevenue.map((r) => ({
      asset: r.asset,
      epoch: r.epoch,
      gross: n(r.grossWei),
      ...(r.provider === undefined ? {} : { provider: r.provider }),
      revenueId: r.revenueId,
    })),
    verifiers: [...s.verifiers].sort(),
    version: SNAPSHOT_VERSION,
  };
};

/**
 * A snapshot grows with the network (millions of open contributions), and V8 caps one string at
 * about 2^29 characters: a snapshot is therefore never one string. Arrays longer than this are
 * hashed and stored in batches of this many items.
 */
export const ITEMS_PER_PART = 5_000;
const HASH_BUFFER_CHARS = 1 << 20;

/**
 * The canonical form of a snapshot: its stateHash, keccak256 of its JCS text fed to the sponge in
 * pieces, and the same content as `parts`, each a JSON text of its own: first the snapshot with
 * every long array emptied, then one `[path, items]` per batch of a long array's items (path: the
 * keys and indexes leading to the array). `restoreSnapshotParts` puts them back together.
 */
export interface CanonicalSnapshot {
  readonly hash: string;
  readonly parts: readonly string[];
}

/** Whether any array under v (v included) is longer than itemsPerPart. No allocation: it runs over every close's whole state. */
const holdsLongArray = (v: unknown, itemsPerPart: number): boolean => {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    if (v.length > itemsPerPart) return true;
    for (let i = 0; i < v.length; i++) if (holdsLongArray(v[i], itemsPerPart)) return true;
    return false;
  }
  for (const k in v) if (holdsLongArray((v as Record<string, unknown>)[k], itemsPerPart)) return true;
  return false;
};

/**
 * Writes the JCS text of a snapshot to `write`, in pieces of about a megabyte (their concatenation
 * is the text), and returns the snapshot's parts. The snapshot's keys are sorted at construction,
 * so JSON.stringify of any piece of it is already its JCS.
 */
const writeCanonical = (json: SnapshotJson, itemsPerPart: number, write: (piece: string) => void): string[] => {
  let pending = '';
  const hashText = (text: string): void => {
    pending += text;
    if (pending.length >= HASH_BUFFER_CHARS) {
      write(pending);
      pending = '';
    }
  };
  // A state with no long array is one part, its text the very one hashed: written once.
  if (!holdsLongArray(json, itemsPerPart)) {
    const text = JSON.stringify(json);
    write(text);
    return [text];
  }
  const batches: string[] = [];
  // Hashes v's JCS text and returns v with its long arrays emptied.
  const walk = (v: unknown, path: Array<string | number>): unknown => {
    if (Array.isArray(v) && v.length > itemsPerPart) {
      hashText('[');
      for (let i = 0; i < v.length; i += itemsPerPart) {
        const batch = JSON.stringify(v.slice(i, i + itemsPerPart));
        hashText(i === 0 ? batch.slice(1, -1) : `,${batch.slice(1, -1)}`);
        batches.push(`[${JSON.stringify(path)},${batch}]`);
      }
      hashText(']');
      return [];
    }
    if (v === null || typeof v !== 'object' || !holdsLongArray(v, itemsPerPart)) {
      hashText(JSON.stringify(v));
      return v;
    }
    if (Array.isArray(v)) {
      hashText('[');
      const out = v.map((x, i) => {
        if (i > 0) hashText(',');
        return walk(x, [...path, i]);
      });
      hashText(']');
      return out;
    }
    hashText('{');
    const out: Record<string, unknown> = {};
    Object.keys(v).forEach((k, i) => {
      hashText(`${i === 0 ? '' : ','}${JSON.stringify(k)}:`);
      out[k] = walk((v as Record<string, unknown>)[k], [...path, k]);
    });
    hashText('}');
    return out;
  };
  const header = JSON.stringify(walk(json, []));
  if (pending.length > 0) write(pending);
  return [header, ...batches];
};

export const canonicalForm = (json: SnapshotJson, itemsPerPart = ITEMS_PER_PART): CanonicalSnapshot => {
  const sponge = createKeccak256Sponge();
  const parts = writeCanonical(json, itemsPerPart, (piece) => sponge.update(piece));
  return { hash: sponge.digestHex(), parts };
};

/**
 * The JCS text whose keccak256 is stateHash(s), in pieces: for a caller that hashes it elsewhere
 * (the audit's hash workers) while it goes on with the next events.
 */
export const snapshotText = (s: LedgerState): string[] => {
  const pieces: string[] = [];
  writeCanonical(snapshotOf(s), ITEMS_PER_PART, (piece) => pieces.push(piece));
  return pieces;
};

/**
 * keccak256(JCS(snapshot)): what EpochClosed.stateHash records. A close decides on the same state
 * it is folded into (and the ledger snapshots that state), so the result is kept per state object
 * and fold count, like the settlement. The state changes only through evolve, which counts.
 */
const cache = new WeakMap<LedgerState, { eventsFolded: number; canonical: CanonicalSnapshot }>();

/** The snapshot's hash and parts, computed once per state version. */
export const canonicalSnapshot = (s: LedgerState): CanonicalSnapshot => {
  const hit = cache.get(s);
  if (hit && hit.eventsFolded === s.eventsFolded) return hit.canonical;
  const canonical = canonicalForm(snapshotOf(s));
  cache.set(s, { eventsFolded: s.eventsFolded, canonical });
  return canonical;
};

/**
 * Why the log does not vouch for a snapshot claimed at `position` with `stateHash`, or undefined
 * when it does: the event after the position is an EpochClosed that records that stateHash and
 * follows the event at the position (its logHead and its link are that event's hash). The one rule
 * both a ledger start (from the store) and a tail audit (from a file) check a snapshot by.
 */
export const snapshotAnchorProblem = (
  snapshot: { readonly position: number; readonly stateHash: string },
  atPosition: StoredEvent | undefined,
  next: StoredEvent | undefined,
): string | undefined => {
  const { position, stateHash } = snapshot;
  if (atPosition?.position !== position) return `the log has no event at position ${position}`;
  if (next?.type !== 'EpochClosed' || next.position !== position + 1) return `the event after position ${position} is not an EpochClosed`;
  if (next.data.stateHash !== stateHash) return `the EpochClosed at position ${next.position} records stateHash ${String(next.data.stateHash)}, the snapshot claims ${stateHash}`;
  if (next.data.logHead !== atPosition.hash || next.prevHash !== atPosition.hash) return `the EpochClosed at position ${next.position} does not follow the event at position ${position}`;
  return undefined;
};

/**
 * Drops the kept form of a state that has just been closed: it was wanted only between the close's
 * decision and its fold (the ledger snapshots it then), and at scale it is hundreds of megabytes.
 */
export const forgetCanonicalSnapshot = (s: LedgerState): void => {
  cache.delete(s);
};

/** The snapshot put back together from its parts (canonicalForm); throws on parts that do not fit. */
export const joinSnapshotParts = (parts: Iterable<string>): SnapshotJson => {
  let header: SnapshotJson | undefined;
  for (const part of parts) {
    if (header === undefined) {
      header = JSON.parse(part) as SnapshotJson;
      continue;
    }
    const [path, items] = JSON.parse(part) as [Array<string | number>, unknown[]];
    let target: unknown = header;
    for (const step of path) target = (target as Record<string | number, unknown> | undefined)?.[step];
    if (!Array.isArray(path) || !Array.isArray(target) || !Array.isArray(items)) throw new SnapshotShapeError(`snapshot part ${JSON.stringify(path)} names no array`);
    for (const item of items) target.push(item);
  }
  if (header === undefined) throw new SnapshotShapeError('snapshot has no parts');
  return header;
};

/** restoreSnapshot of the joined parts. */
export const restoreSnapshotParts = (parts: Iterable<string>): LedgerState => restoreSnapshot(joinSnapshotParts(parts));

export const stateHash = (s: LedgerState): string => canonicalSnapshot(s).hash;

// ---------------------------------------------------------------- restore

class SnapshotShapeError extends Error {}

const need = <T>(v: T | undefined | null, what: string): T => {
  if (v === undefined || v === null) throw new SnapshotShapeError(`snapshot lacks ${what}`);
  return v;
};
const big = (v: unknown, what: string): bigint => {
  if (typeof v !== 'string' || !/^-?(0|[1-9][0-9]*)$/.test(v)) throw new SnapshotShapeError(`snapshot ${what} is not a whole number`);
  return BigInt(v);
};
const amountMap = (pairs: unknown, what: string): Map<string, bigint> =>
  new Map((need(pairs as Array<[string, string]>, what)).map(([k, v]) => [k, big(v, what)]));

/** The state a snapshot describes; throws when its shape is not this version's (the caller then ignores it). */
export const restoreSnapshot = (json: SnapshotJson): LedgerState => {
  if (json.version !== SNAPSHOT_VERSION) throw new SnapshotShapeError(`snapshot version ${String(json.version)} is not ${SNAPSHOT_VERSION}`);
  const s = initialState();
  const j = json as Record<string, any>;
  for (const c of need(j.configs as any[], 'configs')) {
    const params = ProtocolParamsCodec.decode(c.params);
    if (params._tag === 'Left') throw new SnapshotShapeError('snapshot holds parameters that do not decode');
    s.configs.push({ version: c.version, effectiveEpoch: c.effectiveEpoch, params: params.right });
  }
  for (const node of need(j.nodes as any[], 'nodes')) s.nodes.set(node.nodeId, { ...node });
  for (const c of need(j.contributions as ContributionState[], 'contributions')) {
    s.contributions.set(c.contributionId, { ...c });
    // Task results wait for their fragment's consensus, not for the verification window.
    if (c.status === 'recorded' && c.taskId === undefined) {
      let open = s.unjudgedByEpoch.get(c.epoch);
      if (!open) s.unjudgedByEpoch.set(c.epoch, (open = new Set()));
      open.add(c.contributionId);
    }
  }
  for (const v of need(j.verifiers as string[], 'verifiers')) s.verifiers.add(v);
  s.unpaidWork = need(j.unpaidWork as LedgerState['unpaidWork'], 'unpaidWork').map((w) => ({ ...w }));
  s.pendingVerdicts = need(j.pendingVerdicts as LedgerState['pendingVerdicts'], 'pendingVerdicts').map((v) => ({ ...v }));
  for (const a of need(j.accounts as any[], 'accounts'))
    s.accounts.set(a.account, {
      account: a.account,
      bondedWei: big(a.bonded, 'bonded'),
      settledStakeWei: big(a.settledStake, 'settledStake'),
      pendingChanges: (a.pendingChanges as any[]).map((c): StakeChange => ({ epoch: c.epoch, deltaWei: big(c.delta, 'delta'), ...(c.slash ? { slash: true as const } : {}) })),
      unbonding: (a.unbonding as any[]).map((u) => ({ amountWei: big(u.amount, 'unbonding'), releaseEpoch: u.releaseEpoch })),
      tier: a.tier,
      tenureEpochs: a.tenureEpochs,
      settledTenureEpochs: a.settledTenureEpochs,
      pendingTenureResets: [...a.pendingTenureResets],
      nodeIds: [...a.nodeIds],
      cumulativeWei: amountMap(a.cumulative, 'cumulative'),
      claimedWei: amountMap(a.claimed, 'claimed'),
      ...(a.payoutChainId === undefined ? {} : { payoutChainId: a.payoutChainId }),
      ...(a.payoutSequence === undefined ? {} : { payoutSequence: a.payoutSequence }),
      ...(a.frozenLeaves === undefined
        ? {}
        : { frozenLeavesWei: new Map((a.frozenLeaves as Array<[string, unknown]>).map(([chain, leaves]) => [chain, amountMap(leaves, 'frozenLeaves')])) }),
      ...(a.chainClaimed === undefined
        ? {}
        : { chainClaimedWei: new Map((a.chainClaimed as Array<[string, unknown]>).map(([chain, claims]) => [chain, amountMap(claims, 'chainClaimed')])) }),
    });
  for (const c of (j.payoutChains ?? []) as Array<{ chainId: number; assets: Array<[string, string]> }>)
    s.payoutChains.set(c.chainId, { chainId: c.chainId, assets: new Map(c.assets) });
  s.unsettledRevenue = need(j.unsettledRevenue as any[], 'unsettledRevenue').map(({ gross, ...r }) => ({ ...r, grossWei: big(gross, 'gross') }));
  for (const l of need(j.assets as any[], 'assets'))
    s.assets.set(l.asset, {
      grossWei: big(l.gross, 'gross'),
      feesWei: big(l.fees, 'fees'),
      providerWei: big(l.provider, 'provider'),
      stakersWei: big(l.stakers, 'stakers'),
      buybackBudgetWei: big(l.buybackBudget, 'buybackBudget'),
      buybackSpentWei: big(l.buybackSpent, 'buybackSpent'),
    });
  for (const a of need(j.assetRegistry as any[], 'assetRegistry')) s.assetRegistry.set(a.asset, { ...a });
  s.burnedWei = big(j.burned, 'burned');
  s.mintedWei = big(j.minted, 'minted');
  s.stakedWei = big(j.staked, 'staked');
  s.lastClosedEpoch = need(j.lastClosedEpoch as number, 'lastClosedEpoch');
  s.lastAllocations = need(j.lastAllocations as Array<[string, string, string]>, 'lastAllocations').map(([account, token, amount]) => ({
    account,
    token,
    amountWei: big(amount, 'allocation'),
  }));
  const totalsOf = (totals: any[]) => totals.map((t) => ({ token: t.token, cumulativeWei: big(t.cumulative, 'total') }));
  for (const d of need(j.distributions as any[], 'distributions'))
    s.distributions.push({
      ...d,
      totals: totalsOf(d.totals as any[]),
      ...(d.chains === undefined ? {} : { chains: (d.chains as any[]).map((c) => ({ ...c, totals: totalsOf(c.totals as any[]) })) }),
    });
  const leaves = new Map<number, Map<string, bigint>>();
  for (const l of need(j.leaves as any[], 'leaves')) leaves.set(l.seq, amountMap(l.leaves, 'leaves'));
  // One map object where the live state shares one (the latest created distribution's leaves).
  if (j.distributedSeq !== null) s.distributedWei = need(leaves.get(j.distributedSeq), 'the distributed leaves');
  for (const seq of need(j.liveSeqs as number[], 'liveSeqs')) s.liveLeaves.set(seq, need(leaves.get(seq), `the leaves of distribution ${seq}`));
  for (const [account, epoch] of (j.recentSlashes ?? []) as Array<[string, number]>) s.recentSlashes.set(account, epoch);
  for (const { budget, ...t } of (j.tasks ?? []) as any[])
    s.tasks.set(t.taskId, {
      ...t,
      budgetWei: big(budget, 'task budget'),
      fragments: (t.fragments as any[]).map((f) => ({
        ...f,
        seats: (f.seats as any[]).map((x) => ({ ...x })),
        results: (f.results as any[]).map((r) => ({ ...r })),
        quorumOperators: [...f.quorumOperators],
      })),
    });
  return s;
};

export const isSnapshotShapeError = (e: unknown): boolean => e instanceof SnapshotShapeError;
