/**
 * What the service needs from a chain, embedded or real: who sends the distributor's transactions,
 * where the distributor and the CXT token live, and how to reach and close it.
 */
import type { FeePolicy } from '../chain/transactionSender.ts';
import { Contract, type Provider, type Signer } from 'ethers';

export interface ChainRuntime {
  readonly kind: 'embedded' | 'external';
  readonly chainId: number;
  readonly provider: Provider;
  /** Sends proposeRoot / acceptRoot: the distributor's updater. */
  readonly signer: Signer;
  readonly distributor: string;
  readonly cxtToken: string;
  /** Wrapped-BNB test token (embedded only): revenue in it can be distributed and claimed locally. */
  readonly wbnbToken?: string;
  /** First block worth scanning for distributor events. */
  readonly deployBlock: number;
  /** Blocks on top of a claim's block before the indexer records it (0 on the embedded chain). */
  readonly confirmations: number;
  /** How the updater's transactions are priced and replaced (transactionSender.ts). */
  readonly feePolicy: FeePolicy;
  /** JSON-RPC URL that wallets and claimers use. */
  readonly rpcUrl: string;
  /**
   * Embedded only: mints test tokens so the distributor holds `required` of `token`. Returns false
   * for a token it cannot mint (not one of the embedded test tokens).
   */
  readonly ensureFunded?: (token: string, requiredWei: bigint) => Promise<boolean>;
  /** Resolves when the chain answers; throws otherwise. */
  readonly ping: () => Promise<number>;
  readonly close: () => Promise<void>;
}

const ERC20 = ['function balanceOf(address) view returns (uint256)', 'function mint(address,uint256)'];

/** Mints the shortfall of a TestToken (open minting) to the distributor. */
export const mintShortfall = async (signer: Signer, token: string, distributor: string, requiredWei: bigint): Promise<void> => {
  const erc20 = new Contract(token, ERC20, signer);
  const balance = (await erc20.getFunction('balanceOf').staticCall(distributor)) as bigint;
  if (balance >= requiredWei) return;
  const tx = (await erc20.getFunction('mint')(distributor, requiredWei - balance)) as { wait: () => Promise<unknown> };
  await tx.wait();
};

/** Rejects after `ms` so a dead endpoint cannot hang a readiness probe or the start. */
export const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
