/**
 * The distribution adapters (tree store, creation, publisher, claim indexer) wired to this
 * service's store, ledger and chain: as scheduler jobs, as the admin endpoints' port, and as the
 * source of the trees that reads serve proofs from.
 */
import * as E from 'fp-ts/lib/Either.js';
import { claimedOnChainWei, distributionOn, latestLiveDistribution, latestLiveOn, planDistribution, PRIMARY_CHAIN, refuse, type DistributionState } from '../../domain/index.ts';
import {
  createDistribution,
  createSqlCheckpointStore,
  createSqlTreeStore,
  ensureDistributionDump,
  InsufficientFundingError,
  type PublisherStep,
  type Shortfall,
  type StepOptions,
} from '../distribution/index.ts';
import type { DistributionActionResult, DistributionPort, Json } from '../http/ports.ts';
import type { CommandHandler, Ledger } from '../ledger/index.ts';
import type { SchedulerJob } from '../scheduler/scheduler.ts';
import { distributionDue } from '../scheduler/distributionCadence.ts';
import type { PostgresEventStore } from '../eventStore/index.ts';
import type { ChainRuntime } from './chainRuntime.ts';
import type { DumpSource } from './treeCache.ts';
import { payoutChainJobs } from './payoutChainJobs.ts';
import type { PayoutChainRuntime } from './payoutChainRuntime.ts';
import { chainWorkers, claimsJob, publisherJob } from './chainJobs.ts';

export interface DistributionWiringInput {
  readonly store: PostgresEventStore;
  readonly schema: string | undefined;
  readonly ledger: Ledger;
  readonly commands: CommandHandler;
  readonly chain: ChainRuntime;
  /** Chains besides the primary one where accounts may be paid: each gets its own publisher and claim indexer. */
  readonly payoutChains?: readonly PayoutChainRuntime[];
  /** Unix seconds. */
  readonly clock: () => number;
  /** JSON of a distribution for answers (the reads' form). */
  readonly describe: (d: DistributionState) => Json;
  /** What the distributor lacked at the last publisher step (empty: covered). */
  readonly onFunding?: (shortfalls: readonly Shortfall[]) => void;
}

export interface DistributionWiring {
  readonly port: DistributionPort;
  readonly dumpSource: DumpSource;
  readonly jobs: readonly SchedulerJob[];
}

export const wireDistribution = async (input: DistributionWiringInput): Promise<DistributionWiring> => {
  const { store, schema, ledger, commands, chain, clock } = input;
  const treeStore = createSqlTreeStore(store.db, schema === undefined ? {} : { schema });
  const checkpoints = createSqlCheckpointStore(store.db, schema === undefined ? {} : { schema });
  await treeStore.migrate();
  await checkpoints.migrate();
  const workers = { commands, ledger, treeStore, checkpoints, store, clock };
  const { publisher, indexer } = chainWorkers(chain, workers, false);

  /** Embedded chain: mint what the next proposal needs, so the local flow never stalls on funding. */
  const fundNext = async (): Promise<void> => {
    if (!chain.ensureFunded) return;
    // The latest live one, whatever its stage: an active one may have to be proposed again on a chain that lost it.
    const next = latestLiveDistribution(ledger.state);
    for (const { token, cumulativeWei } of next?.totals ?? []) await chain.ensureFunded(token, cumulativeWei - claimedOnChainWei(ledger.state, PRIMARY_CHAIN, token));
  };

  const create = async (): Promise<Awaited<ReturnType<typeof createDistribution>>> => createDistribution({ handler: commands, ledger, treeStore, store });

  const step = async (stepOptions: StepOptions = {}): Promise<PublisherStep> => {
    await ledger.catchUp();
    await fundNext();
    return publisher.step(stepOptions);
  };

  const underfunded = (error: InsufficientFundingError): DistributionActionResult => ({
    status: 'underfunded',
    refusal: { code: error.code, message: error.message },
    shortfalls: error.shortfalls.map((x) => ({ token: x.token, needed: x.neededWei.toString(), held: x.availableWei.toString() })),
  });

  /** One publisher step, with the funding gauge kept to what it found. */
  const publishStep = async (stepOptions: StepOptions = {}): Promise<PublisherStep> => {
    try {
      const s = await step(stepOptions);
      input.onFunding?.([]);
      return s;
    } catch (error) {
      if (error instanceof InsufficientFundingError) input.onFunding?.(error.shortfalls);
      throw error;
    }
  };

  const payout = new Map((input.payoutChains ?? []).map((c) => [c.chainId, payoutChainJobs(c, workers)]));

  const port: DistributionPort = {
    async rescanClaims(fromBlock, chainId) {
      if (chainId === undefined || chainId === chain.chainId) return indexer.rescanFrom(fromBlock);
      const other = payout.get(chainId);
      if (other === undefined)
        return { refusal: refuse('CHAIN_UNKNOWN', `chain ${chainId} is neither the primary chain (${chain.chainId}) nor one of PAYOUT_CHAINS (${[...payout.keys()].join(', ') || 'none'})`) };
      return other.rescanClaims(fromBlock);
    },
    async create(throughEpoch): Promise<DistributionActionResult> {
      await ledger.catchUp();
      if (throughEpoch !== undefined && throughEpoch !== ledger.state.lastClosedEpoch) {
        const planned = planDistribution(ledger.state, throughEpoch, ledger.headHash);
        if (E.isLeft(planned)) return { status: 'refused', refusal: planned.left };
      }
      const r = await create();
      if (r.status === 'refused') return r;
      return { status: r.status === 'created' ? 'accepted' : 'unchanged', distribution: input.describe(r.distribution) };
    },
    async publish(seq, { chainId, ...stepOptions } = {}): Promise<DistributionActionResult> {
      await ledger.catchUp();
      // Issue 15: a payout chain's tree goes on-chain through that chain's own publisher.
      const other = chainId === undefined || chainId === chain.chainId ? undefined : payout.get(chainId);
      if (chainId !== undefined && chainId !== chain.chainId && other === undefined)
        return { status: 'refused', refusal: refuse('CHAIN_UNKNOWN', `chain ${chainId} is neither the primary chain (${chain.chainId}) nor one of PAYOUT_CHAINS`) };
      const treeChain = other === undefined ? PRIMARY_CHAIN : String(chainId);
      const where = other === undefined ? '' : ` on chain ${chainId}`;
      const next = latestLiveOn(ledger.state, treeChain);
      const whole = ledger.state.distributions.find((x) => x.seq === seq);
      if (whole === undefined) return { status: 'refused', refusal: refuse('DISTRIBUTION_UNKNOWN', `distribution ${seq} does not exist`) };
      const d = distributionOn(whole, treeChain);
      if (d === undefined) return { status: 'refused', refusal: refuse('DISTRIBUTION_STATE', `distribution ${seq} has no tree${where}: no account is paid there`) };
      if (next?.seq !== seq)
        return {
          status: 'refused',
          refusal: refuse(
            'DISTRIBUTION_STATE',
            next === undefined
              ? `distribution ${seq} is ${d.status}${where}; nothing is waiting to be published`
              : `distribution ${seq} is ${d.status}${where}; distributions are cumulative and only the latest live one, ${next.seq}, goes on-chain`,
          ),
        };
      try {
        const s = other === undefined ? await publishStep(stepOptions) : await other.step(stepOptions);
        const changed = s.action === 'published' || s.action === 'activated' || s.action === 'revoked';
        return {
          status: changed ? 'accepted' : 'unchanged',
          action: s.action,
          ...(s.action === 'waiting' ? { detail: s.reason } : {}),
          distribution: input.describe(ledger.state.distributions.find((x) => x.seq === seq)!),
        };
      } catch (error) {
        if (error instanceof InsufficientFundingError) return underfunded(error);
        throw error;
      }
    },
    async revoke(seq, reason): Promise<DistributionActionResult> {
      const r = await commands.handle({ type: 'RevokeDistribution', seq, reason: reason ?? 'revoked by the operator' });
      if (r.status === 'refused') return r;
      return { status: r.status === 'accepted' ? 'accepted' : 'unchanged', distribution: input.describe(ledger.state.distributions.find((x) => x.seq === seq)!) };
    },
  };

  const jobs: SchedulerJob[] = [
    {
      name: 'distribution',
      run: async () => {
        await ledger.catchUp();
        if (!distributionDue(ledger.state)) return undefined;
        const r = await create();
        if (r.status === 'refused') return r.refusal.code === 'NOTHING_TO_DISTRIBUTE' ? undefined : `not created: ${r.refusal.message}`;
        return r.status === 'created' ? `distribution ${r.distribution.seq} created through epoch ${r.distribution.throughEpoch}, root ${r.distribution.root}` : undefined;
      },
    },
    publisherJob('publisher', () => publishStep()),
    claimsJob('claims', () => indexer.catchUp()),
  ];

  // After the primary chain's: a payout chain in trouble delays nothing of the primary chain's work.
  for (const p of payout.values()) jobs.push(...p.jobs);

  const dumpSource: DumpSource = (d, treeChain) => ensureDistributionDump(d, { ledger, treeStore, store, chain: treeChain });
  return { port, dumpSource, jobs };
};
