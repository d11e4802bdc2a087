/**
 * Log queries in bounded block ranges: RPC nodes cap eth_getLogs by range or result size, and a
 * bounded range also bounds the work lost when a query fails.
 */
import type { DistributorClient, DistributorEvent, DistributorEventType } from '../chain/distributorClient.ts';

export const DEFAULT_MAX_BLOCK_RANGE = 2_000;

export interface BlockRange {
  readonly fromBlock: number;
  /** Inclusive. */
  readonly toBlock: number;
}

/** [fromBlock, toBlock] cut into ranges of at most `maxBlocks` blocks, oldest first. */
export const blockRanges = (fromBlock: number, toBlock: number, maxBlocks: number): BlockRange[] => {
  if (!Number.isSafeInteger(maxBlocks) || maxBlocks < 1) throw new RangeError(`maxBlocks must be a positive whole number, got ${maxBlocks}`);
  const ranges: BlockRange[] = [];
  for (let from = fromBlock; from <= toBlock; from += maxBlocks) ranges.push({ fromBlock: from, toBlock: Math.min(toBlock, from + maxBlocks - 1) });
  return ranges;
};

export interface ScanQuery extends BlockRange {
  readonly types: readonly DistributorEventType[];
  readonly maxBlocks?: number;
}

const byChainOrder = (a: DistributorEvent, b: DistributorEvent): number => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;

/** Every matching event in the range, in chain order. */
export const findEvents = async (
  client: DistributorClient,
  query: ScanQuery,
  match: (e: DistributorEvent) => boolean = () => true,
): Promise<DistributorEvent[]> => {
  const found: DistributorEvent[] = [];
  for (const range of blockRanges(query.fromBlock, query.toBlock, query.maxBlocks ?? DEFAULT_MAX_BLOCK_RANGE))
    found.push(...(await client.events({ ...range, types: query.types })).filter(match));
  return found.sort(byChainOrder);
};

/** The newest matching event, scanning backwards from `toBlock`: what is sought is usually recent. */
export const findLatestEvent = async (
  client: DistributorClient,
  query: ScanQuery,
  match: (e: DistributorEvent) => boolean,
): Promise<DistributorEvent | undefined> => {
  const ranges = blockRanges(query.fromBlock, query.toBlock, query.maxBlocks ?? DEFAULT_MAX_BLOCK_RANGE).reverse();
  for (const range of ranges) {
    const hits = (await client.events({ ...range, types: query.types })).filter(match).sort(byChainOrder);
    if (hits.length > 0) return hits[hits.length - 1];
  }
  return undefined;
};
