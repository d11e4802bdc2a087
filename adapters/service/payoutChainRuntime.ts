/**
 * A payout chain as the service reaches it (issue 15): its node, its updater, its distributor and
 * the addresses there of the assets it pays. Unlike the primary chain, a payout chain that does
 * not answer does not stop the start: it delays only its own trees, and /readyz shows it. What it
 * answers is checked before its first use: the chain id, a contract at the distributor and at
 * every asset address. A wrong answer is a configuration error, not an outage, and says so.
 */
import { Wallet, type Provider, type Signer } from 'ethers';
import { chainTreatment } from '../chain/chainDefaults.ts';
import type { FeePolicy } from '../chain/transactionSender.ts';
import { withTimeout } from './chainRuntime.ts';
import { ConfigError } from './config.ts';
import type { PayoutChainConfig } from './payoutChainConfig.ts';
import { rpcProvider } from './rpcProvider.ts';

export interface PayoutChainRuntime {
  readonly chainId: number;
  readonly provider: Provider;
  readonly signer: Signer;
  readonly distributor: string;
  /** Asset keys as configured (a symbol or a primary address) → the asset's address on this chain. */
  readonly assets: Readonly<Record<string, string>>;
  readonly deployBlock: number;
  readonly confirmations: number;
  readonly feePolicy: FeePolicy;
  readonly rpcUrl: string;
  /**
   * Resolves once the node has answered as configured (checked once, then remembered). Throws
   * ConfigError when it answers wrongly, a plain Error when it does not answer in time.
   */
  readonly verified: () => Promise<void>;
  readonly ping: () => Promise<number>;
  readonly close: () => Promise<void>;
}

const CALL_TIMEOUT_MS = 10_000;

export const connectPayoutChain = (c: PayoutChainConfig): PayoutChainRuntime => {
  const provider = rpcProvider(c.rpcUrl, c.chainId);
  let checked: Promise<void> | undefined;

  const check = async (): Promise<void> => {
    const answered = Number(BigInt((await provider.send('eth_chainId', [])) as string));
    if (answered !== c.chainId) throw new ConfigError(`PAYOUT_CHAINS lists chain ${c.chainId} at ${c.rpcUrl}, but that node serves chain ${answered}.`);
    for (const [what, address] of [['distributor', c.distributor], ...Object.entries(c.assets).map(([key, a]) => [`asset ${key}`, a])] as const)
      if ((await provider.getCode(address)) === '0x') throw new ConfigError(`PAYOUT_CHAINS: the ${what} address ${address} holds no contract on chain ${c.chainId}.`);
  };

  return {
    chainId: c.chainId,
    provider,
    signer: new Wallet(c.privateKey, provider),
    distributor: c.distributor,
    assets: c.assets,
    deployBlock: c.fromBlock ?? 0,
    ...chainTreatment(c.chainId, c),
    rpcUrl: c.rpcUrl,
    verified: () => {
      // A failed check is forgotten, so the next job run asks the node again.
      checked ??= withTimeout(check(), CALL_TIMEOUT_MS, `payout chain ${c.chainId} (${c.rpcUrl})`).catch((error: unknown) => {
        checked = undefined;
        throw error;
      });
      return checked;
    },
    ping: () => withTimeout(provider.getBlockNumber(), CALL_TIMEOUT_MS, `payout chain ${c.chainId}`),
    close: async () => provider.destroy(),
  };
};
