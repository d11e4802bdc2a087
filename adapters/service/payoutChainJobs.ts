/**
 * A payout chain's own scheduler jobs (issue 15): its publisher, which takes that chain's tree of
 * each distribution on-chain (crash-safe as the primary chain's, solvency checked against that
 * chain's distributor), and its claim indexer, which records that chain's claims under their chain
 * id. Jobs are named `publisher:<chainId>` and `claims:<chainId>`, so a chain in trouble shows on
 * /readyz and cxt_attention under its own name. Every run is bounded in time: a node that hangs
 * makes its own jobs fail, never the next chain's or the next tick's.
 */
import type { PublisherStep, StepOptions } from '../distribution/index.ts';
import type { SchedulerJob } from '../scheduler/scheduler.ts';
import { withTimeout } from './chainRuntime.ts';
import type { PayoutChainRuntime } from './payoutChainRuntime.ts';
import { chainWorkers, claimsJob, publisherJob, type ChainWorkerDeps } from './chainJobs.ts';

/** Longer than any one bounded step of a healthy node (a few calls and one mined transaction). */
const JOB_TIMEOUT_MS = 60_000;

export interface PayoutChainJobs {
  readonly jobs: readonly SchedulerJob[];
  /** One bounded publisher step (what the job runs; the operator's publish, with its options). */
  readonly step: (options?: StepOptions) => Promise<PublisherStep>;
  /** The claim indexer reads this chain again from `fromBlock` (after the chain moved under it). */
  readonly rescanClaims: (fromBlock: number) => Promise<{ readonly fromBlock: number }>;
}

export const payoutChainJobs = (chain: PayoutChainRuntime, deps: ChainWorkerDeps): PayoutChainJobs => {
  const { chainId } = chain;
  const { publisher, indexer } = chainWorkers(chain, deps, true);
  const bounded = <T>(work: () => Promise<T>, what: string): Promise<T> =>
    withTimeout(
      chain.verified().then(work),
      JOB_TIMEOUT_MS,
      `${what} on payout chain ${chainId} (${chain.rpcUrl})`,
    );

  // The publisher catches the ledger up itself, before it reads anything.
  const step = (options: StepOptions = {}): Promise<PublisherStep> => bounded(() => publisher.step(options), 'the publisher');
  const label = `chain ${chainId}: `;

  return {
    step,
    jobs: [
      publisherJob(`publisher:${chainId}`, () => step(), label),
      claimsJob(`claims:${chainId}`, () => bounded(() => indexer.catchUp(), 'the claim indexer'), label),
    ],
    rescanClaims: (fromBlock) => indexer.rescanFrom(fromBlock),
  };
};
