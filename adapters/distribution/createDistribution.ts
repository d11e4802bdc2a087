/**
 * Creates the distribution of everything allocated through the last closed epoch (DESIGN §6) and
 * keeps its OpenZeppelin dump. The event is written first and the dump saved after: the log is the
 * truth and the dump derived data, so a crash in between leaves a distribution whose dump a repeated
 * call rebuilds, never a dump without a distribution.
 *
 * The tree is planned here from the same ledger state the handler decides on, so when the recorded
 * root and tree hash equal the plan's (always, unless another process closed an epoch in between)
 * the planned dump is saved as is and the tree is not built a third time.
 */
import * as E from 'fp-ts/lib/Either.js';
import { planDistribution, PRIMARY_CHAIN, type ChainKey, type DistributionPlan, type DistributionState, type Refusal, type StandardMerkleDump } from '../../domain/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import type { CommandHandler } from '../ledger/commandHandler.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { rebuildDistributionDump } from './rebuildTree.ts';
import type { TreeStore } from './treeStore.ts';

export interface CreateDistributionOptions {
  readonly handler: CommandHandler;
  readonly ledger: Ledger;
  readonly treeStore: TreeStore;
  /** Only needed to rebuild a lost dump after later epochs have closed (the log is replayed). */
  readonly store?: EventStore;
}

export type CreateDistributionResult =
  /** `dump`: the primary chain's tree; absent when that tree is empty (everything accrued on payout chains so far). */
  | { readonly status: 'created' | 'existing'; readonly distribution: DistributionState; readonly dump?: StandardMerkleDump }
  | { readonly status: 'refused'; readonly refusal: Refusal };

const distributionBySeq = (ledger: Ledger, seq: number): DistributionState => {
  const d = ledger.state.distributions.find((x) => x.seq === seq);
  if (d === undefined) throw new Error(`distribution ${seq} was recorded but the ledger does not show it`);
  return d;
};

/**
 * The saved dump, checked against the log's tree hash; rebuilt and saved again if missing. `d` is
 * the distribution as `chain` sees it (distributionOn): a payout chain's tree is kept under its chain id.
 */
export const ensureDistributionDump = async (
  d: DistributionState,
  { ledger, treeStore, store, chain = PRIMARY_CHAIN }: Pick<CreateDistributionOptions, 'ledger' | 'treeStore' | 'store'> & { readonly chain?: ChainKey },
): Promise<StandardMerkleDump> => {
  const saved = chain === PRIMARY_CHAIN ? await treeStore.load(d.seq, d.treeHash) : await treeStore.loadChainTree(d.seq, Number(chain), d.treeHash);
  if (saved !== undefined) return saved;
  const dump = await rebuildDistributionDump(d, ledger, store, chain);
  if (chain === PRIMARY_CHAIN) await treeStore.save(d.seq, dump);
  else await treeStore.saveChainTree(d.seq, Number(chain), dump);
  return dump;
};

/** The primary chain's dump of `d`, unless its primary tree is empty (then there is none to keep). */
const primaryDump = async (d: DistributionState, options: Pick<CreateDistributionOptions, 'ledger' | 'treeStore' | 'store'>): Promise<{ dump?: StandardMerkleDump }> =>
  d.leafCount === 0 ? {} : { dump: await ensureDistributionDump(d, options) };

const matchesPlan = (d: DistributionState, plan: DistributionPlan): boolean =>
  d.root === plan.data.root && d.treeHash === plan.data.treeHash && d.throughEpoch === plan.data.throughEpoch;

export const createDistribution = async (options: CreateDistributionOptions): Promise<CreateDistributionResult> => {
  const { handler, ledger, treeStore } = options;
  await ledger.catchUp();
  const throughEpoch = ledger.state.lastClosedEpoch;
  // The command's natural key is its throughEpoch: a repeated call finds the one already recorded.
  const existing = [...ledger.state.distributions].reverse().find((d) => d.throughEpoch === throughEpoch);
  if (existing !== undefined) return { status: 'existing', distribution: existing, ...(await primaryDump(existing, options)) };

  const planned = planDistribution(ledger.state, throughEpoch, ledger.headHash);
  if (E.isLeft(planned)) return { status: 'refused', refusal: planned.left };
  const plan = planned.right;

  const result = await handler.handle({ type: 'CreateDistribution', throughEpoch, logHead: ledger.headHash });
  if (result.status === 'refused') return result;
  const d = distributionBySeq(ledger, Number(result.events[0]!.data.seq));
  const status = result.status === 'accepted' ? 'created' : 'existing';
  if (!matchesPlan(d, plan)) return { status, distribution: d, ...(await primaryDump(d, options)) };
  if (plan.dump !== undefined) await treeStore.save(d.seq, plan.dump);
  for (const [chainId, chain] of plan.chainTrees) await treeStore.saveChainTree(d.seq, chainId, chain.dump);
  return { status, distribution: d, ...(plan.dump === undefined ? {} : { dump: plan.dump }) };
};
