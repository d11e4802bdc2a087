/**
 * The read side of the HTTP API, as JSON (amounts as decimal strings). Every answer comes from the
 * ledger caught up before answering (ledgerView.ts), and the distribution trees (treeCache.ts).
 */
import {
  assetAt,
  chainOfId,
  chainsOf,
  claimedOnWei,
  distributionOn,
  epochEndSeconds,
  genesisParams,
  PRIMARY_CHAIN,
  type ChainKey,
  recordingEpoch,
  type DistributionState,
  type LedgerState,
  type NodeState,
  type StoredEvent,
} from '../../domain/index.ts';
import { accountView, governanceWeightAt, nodeAssignments, stakeBreakdown, supplyView, taskDocument } from '../../projections/index.ts';
import { createHistoryQueries, type HistoryStore } from './historyQueries.ts';
import { createReceiptQueries, type ReceiptSource } from './receiptQueries.ts';
import { activeDistribution, pendingDistribution } from './liveDistributions.ts';
import { cursorKey } from './cursor.ts';
import { describeDistribution } from './distributionJson.ts';
import type { LedgerView } from './ledgerView.ts';
import type { QueryPort } from '../http/ports.ts';
import { leavesOf, type IndexedTree, type TreeCache } from './treeCache.ts';

type Json = Record<string, unknown>;

/** The reads the HTTP layer asks for (its QueryPort), answered from the ledger and saved trees. */
export type Queries = QueryPort;

const s = (v: bigint): string => v.toString();

const leafAmounts = (tree: IndexedTree | undefined, account: string): Map<string, bigint> => {
  const amounts = new Map<string, bigint>();
  for (const i of tree?.byAccount.get(account) ?? []) {
    const v = tree!.tree.values[i]!;
    amounts.set(v.token, v.amount);
  }
  return amounts;
};

/** Settled tasks leave the ledger state; their documents stay in the read models (rm_tasks). */
export type SettledTaskLookup = (taskId: string) => Promise<Json | undefined>;

/** A page of the log as stored (the event store's readAll). */
export type EventPages = (fromPosition: number, limit: number) => Promise<readonly StoredEvent[]>;

/** Where the answers that are not in the ledger state come from: the read models and the log. */
export interface QuerySources {
  readonly settledTask?: SettledTaskLookup;
  readonly eventPages?: EventPages;
  readonly receipts?: ReceiptSource;
  /** The task documents of the read models, in task id order. */
  readonly taskPages?: (afterTaskId: string, limit: number) => Promise<Record<string, unknown>[]>;
  /** The event store, for what the state has let go of (historyQueries.ts). */
  readonly history?: HistoryStore;
  /** Why the read-model job failed on its last tick, if it did: a 503 on receipts then says so. */
  readonly readModelsProblem?: () => string | undefined;
}

const NO_HISTORY: HistoryStore = { readByIds: async () => new Map(), readStream: async () => [] };

/** A task document as a list shows it: its terms and counts, not every seat. */
const taskSummary = (doc: Record<string, unknown>): Json => {
  const fragments = doc['fragments'] as Array<{ status: string }>;
  const { fragments: _f, salt: _s, settlement, ...terms } = doc;
  return {
    ...terms,
    fragments: fragments.length,
    fragmentsAccepted: fragments.filter((f) => f.status === 'accepted').length,
    fragmentsFailed: fragments.filter((f) => f.status === 'failed').length,
    settledEpoch: (settlement as { epoch?: number } | null)?.epoch ?? null,
  };
};

const nodeJson = (n: NodeState): Json => ({ nodeId: n.nodeId, operator: n.operator, signer: n.signer, hardwareClass: n.hardwareClass, region: n.region ?? null });

export const createQueries = (view: LedgerView, trees: TreeCache, clock: () => number, sources: QuerySources = {}): Queries => {
  const { settledTask = async () => undefined, eventPages = async () => [], receipts: receiptTable, taskPages = async () => [] } = sources;
  const history = createHistoryQueries(sources.history ?? NO_HISTORY);
  // Counting stakers walks every account: once per state version, not once per /v1/supply.
  let stakers = { folded: -1, count: 0 };
  const stakersOf = (state: LedgerState): number => {
    if (stakers.folded !== state.eventsFolded) {
      let count = 0;
      for (const a of state.accounts.values()) if (a.bondedWei > 0n) count++;
      stakers = { folded: state.eventsFolded, count };
    }
    return stakers.count;
  };
  const treeOf = async (d: DistributionState | undefined, chain: ChainKey = PRIMARY_CHAIN) => (d === undefined ? undefined : trees.get(d, chain));

  const distributionJson = (d: DistributionState): Json => describeDistribution(view, d);

  /** `claimed`: what the account claimed on that chain of the token at a leaf's address. */
  const proofsFor = async (d: DistributionState | undefined, account: string, claimed: (token: string) => bigint, chain: ChainKey = PRIMARY_CHAIN): Promise<Json | null> => {
    if (d === undefined) return null;
    const tree = await treeOf(d, chain);
    return {
      seq: d.seq,
      status: d.status,
      root: d.root,
      throughEpoch: d.throughEpoch,
      chainId: d.published?.chainId ?? null,
      contract: d.published?.contract ?? null,
      validAt: d.published?.validAt ?? null,
      treeAvailable: tree !== undefined,
      claims: leavesOf(tree, account).map((l) => ({ token: l.token, cumulative: l.cumulative, claimed: s(claimed(l.token)), proof: l.proof })),
    };
  };

  return {
    ...createReceiptQueries(view, treeOf, receiptTable, sources.readModelsProblem),

    async contribution(contributionId) {
      return history.contribution(await view.fresh(), contributionId);
    },

    revenue: (after, limit) => history.revenue(after, limit),

    stakeHistory: (address, after, limit) => history.stakeHistory(address, after, limit),

    async tasks(after, limit) {
      const rows = await taskPages(cursorKey(after), limit + 1);
      const page = rows.slice(0, limit);
      return { tasks: page.map(taskSummary), next: rows.length > limit ? JSON.stringify([page.at(-1)!['taskId']]) : null };
    },

    async account(address) {
      const state = await view.fresh();
      // Everything from the ledger is read before the tree is awaited, so it is one state's view.
      const a = accountView(state, address);
      const raw = state.accounts.get(address);
      const active = activeDistribution(state);
      const p = genesisParams(state);
      const currentEpoch = recordingEpoch(state, clock());
      const stake = raw ? stakeBreakdown(raw, currentEpoch) : undefined;
      const header = {
        address,
        currentEpoch,
        bondedStake: s(stake?.bondedWei ?? 0n),
        activeStake: s(stake?.activeWei ?? 0n),
        unbondingStake: s(stake?.unbondingWei ?? 0n),
        withdrawableStake: s(stake?.withdrawableWei ?? 0n),
        tier: a?.tier ?? p?.tiers[0]?.name ?? 'bronze',
        tenureEpochs: a?.tenureEpochs ?? 0,
        governanceWeight: s(raw ? governanceWeightAt(state, raw, currentEpoch) : 0n),
        nodeIds: [...(raw?.nodeIds ?? [])],
        activeDistribution: active ? { seq: active.seq, root: active.root } : null,
        // Issue 15: where new rewards accrue, and the sequence the next signed PayoutChain change must carry.
        payoutChain: { chainId: raw?.payoutChainId ?? null, nextSequence: (raw?.payoutSequence ?? 0) + 1 },
      };
      const lastClosedEpoch = state.lastClosedEpoch;
      const inActive = leafAmounts(await treeOf(active), address);
      const tokens = new Set([...(a?.tokens.map((x) => x.token) ?? []), ...inActive.keys()]);
      return {
        ...header,
        tokens: [...tokens].sort().map((token) => {
          const row = a?.tokens.find((x) => x.token === token);
          const claimed = row?.claimedWei ?? 0n;
          const activeCumulative = inActive.get(token) ?? 0n;
          // The active tree is the primary chain's: claims on payout chains paid other leaves (GET …/proofs lists them per chain).
          const claimedHere = raw ? claimedOnWei(raw, PRIMARY_CHAIN, token) : 0n;
          const claimable = activeCumulative > claimedHere ? activeCumulative - claimedHere : 0n;
          return {
            token,
            cumulativeAllocated: s(row?.cumulativeWei ?? 0n),
            activeDistributionCumulative: s(activeCumulative),
            claimed: s(claimed),
            claimable: s(claimable),
          };
        }),
        lastClosedEpoch,
      };
    },

    async proofs(address) {
      const state = await view.fresh();
      const a = state.accounts.get(address);
      /** Claimed on `chain` of the token at `token` there (a payout chain's leaves name its own addresses). */
      const claimedOn = (chain: ChainKey) => (token: string) => {
        const asset = chain === PRIMARY_CHAIN ? token : assetAt(state, Number(chain), token);
        return a === undefined || asset === undefined ? 0n : claimedOnWei(a, chain, asset);
      };
      const on = async (chain: ChainKey) => ({
        active: await proofsFor(activeDistribution(state, chain), address, claimedOn(chain), chain),
        pending: await proofsFor(pendingDistribution(state, chain), address, claimedOn(chain), chain),
      });
      // Issue 15: every payout chain where the account has (or had) a leaf, each with its own trees.
      const payoutChains = (a ? chainsOf(a) : []).filter((c) => c !== PRIMARY_CHAIN && state.payoutChains.has(Number(c))).sort((x, y) => Number(x) - Number(y));
      return {
        account: address,
        payoutChainId: a?.payoutChainId ?? null,
        ...(await on(PRIMARY_CHAIN)),
        chains: await Promise.all(payoutChains.map(async (c) => ({ chainId: Number(c), ...(await on(c)) }))),
      };
    },

    async epochs(fromEpoch, limit) {
      const state = await view.fresh();
      return {
        lastClosedEpoch: state.lastClosedEpoch,
        currentEpoch: recordingEpoch(state, clock()),
        epochs: view.epochRecords(fromEpoch, limit).map((r) => ({ status: 'closed', ...r.data, position: r.position, recordedAt: r.recordedAt })),
      };
    },

    async epoch(epoch) {
      const state = await view.fresh();
      const r = view.epochRecord(epoch);
      if (r) return { status: 'closed', ...r.data, position: r.position, recordedAt: r.recordedAt };
      const p = genesisParams(state);
      const current = recordingEpoch(state, clock());
      return {
        epoch,
        status: epoch <= current ? 'open' : 'future',
        startsAt: p ? epochEndSeconds(p, epoch) - p.epochLengthSeconds : null,
        endsAt: p ? epochEndSeconds(p, epoch) : null,
      };
    },

    async supply() {
      const state = await view.fresh();
      const v = supplyView(state);
      const p = genesisParams(state);
      return {
        symbol: p?.symbol ?? 'CXT',
        decimals: p?.decimals ?? 18,
        cxtToken: p?.cxtToken ?? null,
        maxSupply: s(v.maxSupplyWei),
        minted: s(v.mintedWei),
        burned: s(v.burnedWei),
        circulating: s(v.circulatingWei),
        remaining: s(v.remainingWei),
        staked: s(v.stakedWei),
        stakers: stakersOf(state),
        lastClosedEpoch: v.lastClosedEpoch,
        currentEpoch: recordingEpoch(state, clock()),
      };
    },

    async distributions() {
      const state = await view.fresh();
      return { distributions: state.distributions.map(distributionJson) };
    },

    async distribution(seq) {
      const state = await view.fresh();
      const d = state.distributions.find((x) => x.seq === seq);
      return d && distributionJson(d);
    },

    async tree(seq, chainId) {
      const state = await view.fresh();
      const d = state.distributions.find((x) => x.seq === seq);
      const chain = chainId === undefined ? PRIMARY_CHAIN : chainOfId(state, chainId);
      // A chain id that is not a payout chain names no tree of this distribution (the primary one's is asked for without it).
      if (d === undefined || (chainId !== undefined && chain === PRIMARY_CHAIN)) return undefined;
      const tree = await treeOf(distributionOn(d, chain), chain);
      return tree?.dump as Json | undefined;
    },

    async task(taskId) {
      const state = await view.fresh();
      const open = state.tasks.get(taskId);
      return open ? taskDocument(open) : settledTask(taskId);
    },

    async assignments(nodeId, after, limit) {
      const state = await view.fresh();
      return { nodeId, currentEpoch: recordingEpoch(state, clock()), ...nodeAssignments(state, nodeId, after, limit) };
    },

    async nodes(operator, after, limit) {
      const state = await view.fresh();
      const ids = operator === undefined ? [...state.nodes.keys()] : [...(state.accounts.get(operator)?.nodeIds ?? [])];
      const from = ids.sort().filter((id) => after === undefined || JSON.stringify([id]) > after);
      const page = from.slice(0, limit);
      return {
        nodes: page.map((id) => nodeJson(state.nodes.get(id)!)),
        next: from.length > limit ? JSON.stringify([page[page.length - 1]!]) : null,
      };
    },

    async node(nodeId) {
      const state = await view.fresh();
      const n = state.nodes.get(nodeId);
      if (!n) return undefined;
      const contributions = [...state.contributions.values()]
        .filter((c) => c.nodeId === nodeId)
        .map((c) => ({ contributionId: c.contributionId, epoch: c.epoch, kind: c.kind, units: c.units, status: c.status, judgedEpoch: c.judgedEpoch ?? null, taskId: c.taskId ?? null, fragmentId: c.fragmentId ?? null }));
      return { ...nodeJson(n), openContributions: contributions, assignments: nodeAssignments(state, nodeId, undefined, Number.MAX_SAFE_INTEGER).assignments };
    },

    async verifiers() {
      const state = await view.fresh();
      return { verifiers: [...state.verifiers].sort() };
    },

    async events(fromPosition, limit) {
      const page = await eventPages(fromPosition, limit);
      const last = page[page.length - 1];
      return {
        events: page.map((e) => ({ position: e.position, id: e.id, type: e.type, stream: e.stream, streamVersion: e.streamVersion, recordedAt: e.recordedAt, data: e.data, prevHash: e.prevHash, hash: e.hash })),
        nextPosition: page.length === limit && last ? last.position + 1 : null,
      };
    },
  };
};
