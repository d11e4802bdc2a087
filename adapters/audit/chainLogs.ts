/**
 * Reading the distributor's RootProposed, RootRevoked, RootAccepted and Claimed logs over JSON-RPC,
 * in bounded block ranges, for the audit's on-chain checks. Read-only: no key, no transaction.
 */
import { JsonRpcProvider, Network } from 'ethers';
import { DISTRIBUTOR_EVENT_TYPES, distributorClient, type DistributorEvent } from '../chain/distributorClient.ts';
import { DEFAULT_MAX_BLOCK_RANGE, findEvents } from '../distribution/chainScan.ts';

export interface ChainSource {
  readonly rpcUrl: string;
  readonly distributor: string;
  /** First block scanned (default 0; the distributor's deployment block saves time on a long chain). */
  readonly fromBlock?: number;
  /** Last block scanned (default and at most: the chain's head), to audit an export against the chain as it was then. */
  readonly toBlock?: number;
  readonly maxBlockRange?: number;
  /** Milliseconds the node may take to answer the first call (default 15,000). */
  readonly timeoutMs?: number;
}

export interface ChainLogs {
  readonly rpcUrl: string;
  readonly distributor: string;
  readonly chainId: number;
  readonly fromBlock: number;
  readonly toBlock: number;
  /** The chain's head when it was read: toBlock is below it when the scan was cut with `toBlock`. */
  readonly headBlock: number;
  /** In chain order. */
  readonly events: readonly DistributorEvent[];
}

/** The node cannot be reached, or there is no contract at the address: the audit cannot check the chain. */
export class ChainAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainAccessError';
  }
}

/** The chains given do not fit together or with the log (two URLs of one chain, two primary chains): a usage error, not a finding. */
export class AuditSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditSourceError';
  }
}

/** One raw call with a deadline: ethers' provider would retry a dead URL forever. */
const chainIdOf = async (rpcUrl: string, timeoutMs: number): Promise<number> => {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== 'string') throw new Error('no chain id in the answer');
    return Number(BigInt(body.result));
  } catch (error) {
    throw new ChainAccessError(`the RPC URL ${rpcUrl} does not answer as an Ethereum node: ${(error as Error).message}`);
  }
};

export const readChainLogs = async (source: ChainSource): Promise<ChainLogs> => {
  const chainId = await chainIdOf(source.rpcUrl, source.timeoutMs ?? 15_000);
  const provider = new JsonRpcProvider(source.rpcUrl, Network.from(chainId), { staticNetwork: Network.from(chainId) });
  try {
    const distributor = source.distributor.toLowerCase();
    if ((await provider.getCode(distributor)) === '0x')
      throw new ChainAccessError(`there is no contract at ${distributor} on chain ${chainId} (${source.rpcUrl})`);
    const fromBlock = source.fromBlock ?? 0;
    const headBlock = await provider.getBlockNumber();
    const toBlock = Math.min(source.toBlock ?? headBlock, headBlock);
    const client = distributorClient(distributor, provider);
    const events = await findEvents(client, {
      fromBlock,
      toBlock,
      types: DISTRIBUTOR_EVENT_TYPES,
      maxBlocks: source.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE,
    });
    return { rpcUrl: source.rpcUrl, distributor, chainId, fromBlock, toBlock, headBlock, events };
  } finally {
    provider.destroy();
  }
};

/** Every "account|token" that claimed: the leaves the replay must remember per distribution. */
export const claimedPairs = (logs: ChainLogs): Set<string> => {
  const pairs = new Set<string>();
  for (const e of logs.events) if (e.type === 'Claimed') pairs.add(`${e.account}|${e.token}`);
  return pairs;
};
