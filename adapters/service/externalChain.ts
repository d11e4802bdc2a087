/**
 * A real chain from RPC_URL + PRIVATE_KEY + DISTRIBUTOR_ADDRESS + CXT_TOKEN_ADDRESS. Checked at
 * start: the node answers, it is the configured chain, and a contract sits at the distributor
 * address. Funding the distributor is the operator's business here; the publisher refuses to
 * propose a root the distributor cannot pay.
 */
import { Wallet, type Provider } from 'ethers';
import { ConfigError, type ChainConfig } from './config.ts';
import { withTimeout, type ChainRuntime } from './chainRuntime.ts';
import { chainTreatment } from '../chain/chainDefaults.ts';
import { rpcProvider } from './rpcProvider.ts';

const START_TIMEOUT_MS = 15_000;

export const connectExternalChain = async (c: Extract<ChainConfig, { kind: 'external' }>): Promise<ChainRuntime> => {
  let provider: Provider | undefined;
  let chainId: number;
  try {
    provider = rpcProvider(c.rpcUrl);
    chainId = Number((await withTimeout(provider.getNetwork(), START_TIMEOUT_MS, `RPC_URL ${c.rpcUrl}`)).chainId);
  } catch (error) {
    provider?.destroy();
    throw new ConfigError(`RPC_URL ${c.rpcUrl} is not reachable: ${(error as Error).message}.`);
  }
  const fail = (message: string): never => {
    provider!.destroy();
    throw new ConfigError(message);
  };
  if (c.chainId !== undefined && c.chainId !== chainId) fail(`CHAIN_ID is ${c.chainId} but RPC_URL serves chain ${chainId}.`);
  if ((await provider.getCode(c.distributor)) === '0x') fail(`DISTRIBUTOR_ADDRESS ${c.distributor} holds no contract on chain ${chainId}.`);
  if ((await provider.getCode(c.cxtToken)) === '0x') fail(`CXT_TOKEN_ADDRESS ${c.cxtToken} holds no contract on chain ${chainId}.`);
  const signer = new Wallet(c.privateKey, provider);
  return {
    kind: 'external',
    chainId,
    provider,
    signer,
    distributor: c.distributor,
    cxtToken: c.cxtToken,
    // Without a recorded deployment block the scan starts at 0; the checkpoint keeps later scans short.
    deployBlock: c.fromBlock ?? 0,
    ...chainTreatment(chainId, c),
    rpcUrl: c.rpcUrl,
    ping: () => provider!.getBlockNumber(),
    close: async () => provider!.destroy(),
  };
};
