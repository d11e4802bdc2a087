/**
 * The provider for a real chain's JSON-RPC URL (the primary chain's RPC_URL, each of PAYOUT_CHAINS).
 * A static network: ethers would otherwise retry a dead URL forever in the background (given
 * `chainId`, it is not even asked; without it, asked once). No answer cache: ethers keeps each
 * answer, failures included, for 250 ms, so a node that has just come back would fail the next
 * step with its outage, and a head read just after a claim could miss the claim's block.
 */
import { JsonRpcProvider, Network, WebSocketProvider, type JsonRpcApiProvider } from 'ethers';

export const rpcProvider = (url: string, chainId?: number): JsonRpcApiProvider => {
  const network = chainId === undefined ? undefined : Network.from(chainId);
  return url.startsWith('ws')
    ? new WebSocketProvider(url, network, { cacheTimeout: -1 })
    : new JsonRpcProvider(url, network, { staticNetwork: network ?? true, cacheTimeout: -1 });
};
