/**
 * The two scheduler jobs every chain has, the primary one and each payout chain: its publisher's
 * step and its claim indexer's catch-up. `label` prefixes what they log ("chain 97: …").
 */
import type { Provider, Signer } from 'ethers';
import { PRIMARY_CHAIN } from '../../domain/index.ts';
import { distributorClient } from '../chain/index.ts';
import type { FeePolicy } from '../chain/transactionSender.ts';
import { createClaimIndexer, createPublisher, type CheckpointStore, type PublisherStep, type TreeStore } from '../distribution/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import type { CommandHandler, Ledger } from '../ledger/index.ts';
import type { SchedulerJob } from '../scheduler/scheduler.ts';

/** What the publisher and the indexer need of a chain, the primary one (ChainRuntime) or a payout chain. */
export interface ChainEndpoint {
  readonly chainId: number;
  readonly distributor: string;
  readonly signer: Signer;
  readonly provider: Provider;
  readonly feePolicy: FeePolicy;
  readonly deployBlock: number;
  readonly confirmations: number;
}

export interface ChainWorkerDeps {
  readonly commands: CommandHandler;
  readonly ledger: Ledger;
  readonly treeStore: TreeStore;
  readonly checkpoints: CheckpointStore;
  /** Lets a lost dump of an older distribution be rebuilt by replaying the log. */
  readonly store: EventStore;
  /** Unix seconds. */
  readonly clock: () => number;
}

/** The publisher and the claim indexer of one chain; `payout`: it is a payout chain, its trees and claims carry its chain id. */
export const chainWorkers = (c: ChainEndpoint, deps: ChainWorkerDeps, payout: boolean) => ({
  publisher: createPublisher({
    handler: deps.commands,
    ledger: deps.ledger,
    treeStore: deps.treeStore,
    store: deps.store,
    distributor: distributorClient(c.distributor, c.signer, { feePolicy: c.feePolicy }),
    chainId: c.chainId,
    chain: payout ? String(c.chainId) : PRIMARY_CHAIN,
    clock: deps.clock,
    fromBlock: c.deployBlock,
    ...(c.feePolicy.replaceAfterSeconds > 0 ? { takeOverAfterSeconds: c.feePolicy.replaceAfterSeconds } : {}),
  }),
  indexer: createClaimIndexer({
    handler: deps.commands,
    distributor: distributorClient(c.distributor, c.provider),
    checkpoints: deps.checkpoints,
    ...(payout ? { payoutChainId: c.chainId } : {}),
    fromBlock: c.deployBlock,
    confirmations: c.confirmations,
  }),
});

/** One line for the log about a publisher step; undefined when it did nothing worth saying. */
export const publisherSummary = (s: PublisherStep): string | undefined => {
  switch (s.action) {
    case 'idle':
      return undefined;
    case 'waiting':
      return `distribution ${s.seq} waits: ${s.reason}`;
    case 'published':
      return `distribution ${s.seq} proposed in ${s.txHash}, acceptable from ${s.validAt}${s.recovered ? ' (found on-chain after a restart)' : ''}`;
    case 'activated':
      return `distribution ${s.seq} accepted${s.txHash ? ` in ${s.txHash}` : ''}${s.recovered ? ' (found on-chain after a restart)' : ''}`;
    case 'revoked':
      return `distribution ${s.seq} was revoked on-chain in ${s.txHash}`;
  }
};

export const publisherJob = (name: string, step: () => Promise<PublisherStep>, label = ''): SchedulerJob => ({
  name,
  run: async () => {
    const s = await step();
    // A wait that cannot end by itself fails the job, so /readyz and cxt_attention show it.
    if (s.action === 'waiting' && s.stuck) throw new Error(s.reason);
    const summary = publisherSummary(s);
    return summary === undefined ? undefined : `${label}${summary}`;
  },
});

export const claimsJob = (name: string, catchUp: () => Promise<{ readonly recorded: number; readonly toBlock: number }>, label = ''): SchedulerJob => ({
  name,
  run: async () => {
    const r = await catchUp();
    return r.recorded > 0 ? `${label}${r.recorded} claim(s) recorded through block ${r.toBlock}` : undefined;
  },
});
