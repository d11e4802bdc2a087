/**
 * A payout chain's own scheduler jobs (issue 15): its publisher, which takes that chain's tree of
 * each distribution on-chain (crash-safe as the primary chain's, solvency checked against that
 * chain's distributor), and its claim indexer, which records that chain's claims under their chain
 * id. Jobs are named `publisher:<chainId>` and `claims:<chainId>`, so a chain in trouble shows on
 * /readyz and cxt_attention under its own name. Every run is bounded in time: a node that hangs
 * makes its own jobs fail, never the next chain's or the next tick's.
 */
import { distributorClient } from '../chain/index.ts';
import { createClaimIndexer, createPublisher, type CheckpointStore, type PublisherStep, type StepOptions, type TreeStore } from '../distribution/index.ts';
import type { PostgresEventStore } from '../eventStore/index.ts';
import type { CommandHandler, Ledger } from '../ledger/index.ts';
import type { SchedulerJob } from '../scheduler/scheduler.ts';
import { withTimeout } from './chainRuntime.ts';
import type { PayoutChainRuntime } from './payoutChainRuntime.ts';
import { publisherSummary } from './publisherSummary.ts';

/** Longer than any one bounded step of a healthy node (a few calls and one mined transaction). */
const JOB_TIMEOUT_MS = 60_000;

export interface PayoutChainJobsInput {
  readonly chain: PayoutChainRuntime;
  readonly store: PostgresEventStore;
  readonly ledger: Ledger;
  readonly commands: CommandHandler;
  readonly treeStore: TreeStore;
  readonly checkpoints: CheckpointStore;
  /** Unix seconds. */
  readonly clock: () => number;
}

export interface PayoutChainJobs {
  readonly jobs: readonly SchedulerJob[];
  /** One bounded publisher step (what the job runs; the operator's publish, with its options). */
  readonly step: (options?: StepOptions) => Promise<PublisherStep>;
  /** The claim indexer reads this chain again from `fromBlock` (after the chain moved under it). */
  readonly rescanClaims: (fromBlock: number) => Promise<{ readonly fromBlock: number }>;
}

export const payoutChainJobs = ({ chain, store, ledger, commands, treeStore, checkpoints, clock }: PayoutChainJobsInput): PayoutChainJobs => {
  const { chainId } = chain;
  const publisher = createPublisher({
    handler: commands,
    ledger,
    treeStore,
    store,
    distributor: distributorClient(chain.distributor, chain.signer, { feePolicy: chain.feePolicy }),
    chainId,
    chain: String(chainId),
    clock,
    fromBlock: chain.deployBlock,
    ...(chain.feePolicy.replaceAfterSeconds > 0 ? { takeOverAfterSeconds: chain.feePolicy.replaceAfterSeconds } : {}),
  });
  const indexer = createClaimIndexer({
    handler: commands,
    distributor: distributorClient(chain.distributor, chain.provider),
    checkpoints,
    payoutChainId: chainId,
    fromBlock: chain.deployBlock,
    confirmations: chain.confirmations,
  });
  const bounded = <T>(work: () => Promise<T>, what: string): Promise<T> =>
    withTimeout(
      chain.verified().then(work),
      JOB_TIMEOUT_MS,
      `${what} on payout chain ${chainId} (${chain.rpcUrl})`,
    );

  const step = (options: StepOptions = {}): Promise<PublisherStep> =>
    bounded(async () => {
      await ledger.catchUp();
      return publisher.step(options);
    }, 'the publisher');

  return {
    step,
    jobs: [
      {
        name: `publisher:${chainId}`,
        run: async () => {
          const s = await step();
          if (s.action === 'waiting' && s.stuck) throw new Error(s.reason);
          const summary = publisherSummary(s);
          return summary === undefined ? undefined : `chain ${chainId}: ${summary}`;
        },
      },
      {
        name: `claims:${chainId}`,
        run: async () => {
          const r = await bounded(() => indexer.catchUp(), 'the claim indexer');
          return r.recorded > 0 ? `chain ${chainId}: ${r.recorded} claim(s) recorded through block ${r.toBlock}` : undefined;
        },
      },
    ],
    rescanClaims: (fromBlock) => indexer.rescanFrom(fromBlock),
  };
};
