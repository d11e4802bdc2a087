/**
 * Records on-chain claims in the ledger (RewardsClaimed), reading the distributor's Claimed logs
 * forward from a persisted block checkpoint in bounded ranges. A claim's command key is
 * claim:txHash:logIndex, so scanning a range again — after a crash between recording and saving
 * the checkpoint, or from an older checkpoint on purpose — records nothing twice.
 */
import type { CommandHandler } from '../ledger/commandHandler.ts';
import type { DistributorClient, DistributorEvent } from '../chain/distributorClient.ts';
import { DEFAULT_MAX_BLOCK_RANGE, findEvents } from './chainScan.ts';
import type { CheckpointStore } from './checkpointStore.ts';

export interface ClaimIndexerOptions {
  readonly handler: CommandHandler;
  /** A read-only client is enough. */
  readonly distributor: DistributorClient;
  readonly checkpoints: CheckpointStore;
  /**
   * The payout chain this distributor is on (issue 15): its claims are recorded with its chain id and
   * bounded by the account's leaf there. Unset: the primary chain.
   */
  readonly payoutChainId?: number;
  /**
   * Checkpoint name; default "claims:<distributor address>" on the primary chain and
   * "claims:<chain id>:<distributor address>" on a payout chain (one deployer often gets one
   * address on every chain), so two contracts never share one.
   */
  readonly name?: string;
  /** Where the first run starts: the distributor's deployment block (default 0). */
  readonly fromBlock?: number;
  readonly maxBlockRange?: number;
  /**
   * Blocks left unread behind the head (default 0, right for an instant-finality or local chain).
   * The log is append-only: a claim recorded from a block that a reorganisation then drops cannot
   * be taken back, so on a chain that reorganises set this to its finality depth.
   */
  readonly confirmations?: number;
}

export interface IndexerStep {
  readonly fromBlock: number;
  /** Inclusive; the new checkpoint. Below fromBlock when there was nothing to read. */
  readonly toBlock: number;
  readonly recorded: number;
  readonly duplicates: number;
  /** True when this range reached the readable head. */
  readonly caughtUp: boolean;
}

export interface ClaimIndexer {
  /** Reads one bounded range after the checkpoint. */
  step(): Promise<IndexerStep>;
  /** Steps until the readable head; returns the totals. */
  catchUp(): Promise<{ readonly toBlock: number; readonly recorded: number; readonly duplicates: number }>;
  /**
   * The way out of a chain that moved: the next step reads again from `fromBlock` (never before the
   * deployment block). Harmless on its own: a claim already recorded is recognised by its key.
   */
  rescanFrom(fromBlock: number): Promise<{ readonly fromBlock: number }>;
}

type Claimed = Extract<DistributorEvent, { type: 'Claimed' }>;

/**
 * The chain no longer holds the block the indexer last read up to: it reorganised deeper than the
 * configured confirmations, or started over. The indexer stops (its job shows on /readyz) rather
 * than read on from a branch it never saw: claims recorded from the abandoned blocks may not exist.
 */
export class ChainMovedError extends Error {
  constructor(
    readonly checkpointName: string,
    readonly block: number,
    readonly savedHash: string,
    readonly chainHash: string | undefined,
  ) {
    super(
      `the chain moved under the claim indexer: block ${block} was ${savedHash} when it was read and is ${chainHash ?? 'gone'} now ` +
        `(a reorganisation deeper than CONFIRMATIONS, or a chain that started over); claims recorded from blocks after the fork may not exist on-chain. ` +
        `Raise CONFIRMATIONS, check with cxt audit --rpc-url, then rescan from the fork: POST /v1/claims/rescan {"fromBlock": N} or cxt claims rescan --from-block N`,
    );
    this.name = 'ChainMovedError';
  }
}

export const createClaimIndexer = (options: ClaimIndexerOptions): ClaimIndexer => {
  const { handler, distributor, checkpoints } = options;
  const { payoutChainId } = options;
  const name = options.name ?? (payoutChainId === undefined ? `claims:${distributor.address}` : `claims:${payoutChainId}:${distributor.address}`);
  const maxBlocks = options.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  let running: Promise<IndexerStep> | undefined;

  const recordClaim = async (c: Claimed): Promise<'accepted' | 'duplicate'> => {
    const result = await handler.handle({
      type: 'RecordClaim',
      account: c.account,
      token: c.token,
      amount: c.amount,
      txHash: c.txHash,
      logIndex: c.logIndex,
      blockNumber: c.blockNumber,
      ...(payoutChainId === undefined ? {} : { chainId: payoutChainId }),
    });
    // The ledger and the chain disagree (a claim beyond what the ledger allocated): stop here,
    // without moving the checkpoint, rather than skip a payment.
    if (result.status === 'refused')
      throw new Error(`the ledger refused the claim in tx ${c.txHash} log ${c.logIndex}: ${result.refusal.code} ${result.refusal.message}`);
    return result.status;
  };

  const run = async (): Promise<IndexerStep> => {
    const checkpoint = await checkpoints.load(name);
    if (checkpoint !== undefined) {
      // The chain must still hold the block the checkpoint was taken at: a reorganisation deeper
      // than `confirmations` (or a chain that started over) may have dropped claims already recorded.
      const saved = await checkpoints.loadHash?.(name);
      const now = saved === undefined ? undefined : await distributor.blockHash(checkpoint);
      if (saved !== undefined && now !== saved) throw new ChainMovedError(name, checkpoint, saved, now);
    }
    const fromBlock = checkpoint === undefined ? (options.fromBlock ?? 0) : checkpoint + 1;
    const readable = (await distributor.latestBlock()).blockNumber - (options.confirmations ?? 0);
    const toBlock = Math.min(readable, fromBlock + maxBlocks - 1);
    if (toBlock < fromBlock) return { fromBlock, toBlock: fromBlock - 1, recorded: 0, duplicates: 0, caughtUp: true };
    const claims = (await findEvents(distributor, { fromBlock, toBlock, types: ['Claimed'], maxBlocks })) as Claimed[];
    let recorded = 0;
    for (const c of claims) if ((await recordClaim(c)) === 'accepted') recorded++;
    await checkpoints.save(name, toBlock, await distributor.blockHash(toBlock));
    return { fromBlock, toBlock, recorded, duplicates: claims.length - recorded, caughtUp: toBlock >= readable };
  };

  const step = (): Promise<IndexerStep> => (running ??= run().finally(() => (running = undefined)));

  return {
    step,
    async rescanFrom(fromBlock) {
      const from = Math.max(fromBlock, options.fromBlock ?? 0);
      await checkpoints.save(name, from - 1);
      return { fromBlock: from };
    },
    async catchUp() {
      let recorded = 0;
      let duplicates = 0;
      for (;;) {
        const s = await step();
        recorded += s.recorded;
        duplicates += s.duplicates;
        if (s.caughtUp) return { toBlock: s.toBlock, recorded, duplicates };
      }
    },
  };
};
