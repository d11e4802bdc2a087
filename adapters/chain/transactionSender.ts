/**
 * Sends the updater's transactions on a real chain: fees from the chain's own market (EIP-1559
 * where it has one, a legacy gas price on BNB Chain), an explicit nonce, and a transaction that
 * sits unmined too long is *replaced* — the same nonce, the same call, a higher fee — never sent
 * again under a new nonce. One nonce can be mined once, so however many versions were sent, the
 * call takes effect at most once: a proposal is never made twice (the publisher's crash-safety
 * rule stands: it reads the chain before it sends).
 */
import { JsonRpcApiProvider, type Provider, type Signer, type TransactionReceipt, type TransactionRequest } from 'ethers';

export interface FeePolicy {
  readonly fees: 'eip1559' | 'legacy';
  /** Seconds a version may sit unmined before it is replaced; 0 = never replace (the local chain mines at once). */
  readonly replaceAfterSeconds: number;
  /** Fee rise per replacement, in basis points (nodes demand ≥ 10 % to accept a replacement). */
  readonly bumpBps: number;
  /** Versions sent at most; after that the wait goes on without raising the fee again. */
  readonly maxVersions: number;
}

export const DEFAULT_FEE_POLICY: FeePolicy = { fees: 'eip1559', replaceAfterSeconds: 0, bumpBps: 12_500, maxVersions: 8 };

export interface Fees {
  readonly gasPrice?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
}

export interface SentVersion {
  readonly txHash: string;
  readonly nonce: number;
  readonly fees: Fees;
}

export interface SenderHooks {
  /** Every version as it is handed to the node (the first one and each replacement). */
  readonly onSent?: (version: SentVersion) => void;
  /** Milliseconds between receipt polls (default 1,000). */
  readonly pollMs?: number;
  /** Wall clock in milliseconds, for tests. */
  readonly nowMs?: () => number;
}

const bump = (wei: bigint, bps: number): bigint => (wei * BigInt(bps) + 9_999n) / 10_000n + 1n;

/** Today's fees on this chain: what ethers' fee data says, in the form the chain takes. */
export const marketFees = async (provider: Provider, fees: FeePolicy['fees']): Promise<Fees> => {
  const data = await provider.getFeeData();
  if (fees === 'legacy' || data.maxFeePerGas === null || data.maxPriorityFeePerGas === null) {
    if (data.gasPrice === null) throw new Error('the node reports no gas price');
    return { gasPrice: data.gasPrice };
  }
  return { maxFeePerGas: data.maxFeePerGas, maxPriorityFeePerGas: data.maxPriorityFeePerGas };
};

const raised = (f: Fees, bps: number): Fees =>
  f.gasPrice !== undefined ? { gasPrice: bump(f.gasPrice, bps) } : { maxFeePerGas: bump(f.maxFeePerGas!, bps), maxPriorityFeePerGas: bump(f.maxPriorityFeePerGas!, bps) };

/** The larger of two fee sets, field by field (a replacement must beat the version it replaces and the market). */
const atLeast = (a: Fees, b: Fees): Fees =>
  a.gasPrice !== undefined
    ? { gasPrice: a.gasPrice > (b.gasPrice ?? 0n) ? a.gasPrice : b.gasPrice! }
    : {
        maxFeePerGas: a.maxFeePerGas! > (b.maxFeePerGas ?? 0n) ? a.maxFeePerGas! : b.maxFeePerGas!,
        maxPriorityFeePerGas: a.maxPriorityFeePerGas! > (b.maxPriorityFeePerGas ?? 0n) ? a.maxPriorityFeePerGas! : b.maxPriorityFeePerGas!,
      };

const messageOf = (error: unknown): string => {
  const e = error as { shortMessage?: string; message?: string; info?: { error?: { message?: string } } };
  return `${e?.info?.error?.message ?? ''} ${e?.shortMessage ?? ''} ${e?.message ?? ''}`.toLowerCase();
};
const isUnderpriced = (error: unknown): boolean => /underpriced|fee too low|replacement/.test(messageOf(error));
const isNonceUsed = (error: unknown): boolean => /nonce too low|nonce has already been used|already known/.test(messageOf(error));

export interface ReplaceableTx {
  readonly txHash: string;
  /** Resolves with the receipt of whichever version was mined (throws if it reverted). */
  readonly wait: () => Promise<TransactionReceipt>;
}

/**
 * Sends `request` (to, data; gas estimated here, so a call the contract would refuse throws before
 * anything is sent) with the nonce given, or the signer's next one.
 * `replacing`: the nonce of a transaction of ours already in flight (a restart found it unmined):
 * the call takes its nonce, with fees well above the market so it replaces whatever is there.
 */
export const sendReplaceable = async (
  signer: Signer,
  request: TransactionRequest,
  policy: FeePolicy,
  options: { readonly replacing?: number } & SenderHooks = {},
): Promise<ReplaceableTx> => {
  const provider = signer.provider;
  if (!provider) throw new Error('the updater signer has no provider');
  const from = await signer.getAddress();
  // A replacement is estimated on the mined state: on the pending one (some nodes' default) the
  // version it replaces has already run, and a proposal would seem refused by its own twin.
  const gasLimit =
    options.replacing !== undefined && provider instanceof JsonRpcApiProvider
      ? BigInt((await provider.send('eth_estimateGas', [provider.getRpcTransaction({ ...request, from }), 'latest'])) as string)
      : await signer.estimateGas({ ...request, from });
  const nonce = options.replacing ?? (await provider.getTransactionCount(from, 'pending'));
  const now = options.nowMs ?? (() => Date.now());
  const pollMs = options.pollMs ?? 1000;
  const versions: SentVersion[] = [];

  const sendVersion = async (fees: Fees): Promise<void> => {
    for (let tries = 0; ; tries++) {
      try {
        const response = await signer.sendTransaction({ ...request, from, nonce, gasLimit, ...fees, type: fees.gasPrice !== undefined ? 0 : 2 });
        const version = { txHash: response.hash, nonce, fees };
        versions.push(version);
        options.onSent?.(version);
        return;
      } catch (error) {
        // Another version of ours (or, after a restart, the one in flight) already took the nonce.
        if (isNonceUsed(error) && versions.length > 0) return;
        // What is in flight pays more than we offered: offer more (the node names the floor only sometimes).
        if (isUnderpriced(error) && tries < policy.maxVersions) {
          fees = raised(fees, policy.bumpBps);
          continue;
        }
        throw error;
      }
    }
  };

  const market = await marketFees(provider, policy.fees);
  // A replacement of a transaction we cannot see must outbid it: start from twice the market.
  await sendVersion(options.replacing === undefined ? market : raised(market, 20_000));
  let lastSentMs = now();

  const receiptOfAny = async (): Promise<TransactionReceipt | undefined> => {
    for (const v of versions) {
      const receipt = await provider.getTransactionReceipt(v.txHash);
      if (receipt !== null) return receipt;
    }
    return undefined;
  };

  return {
    txHash: versions[0]!.txHash,
    wait: async () => {
      for (;;) {
        const receipt = await receiptOfAny();
        if (receipt !== undefined) {
          if (receipt.status !== 1) throw new Error(`transaction ${receipt.hash} reverted`);
          return receipt;
        }
        const mined = await provider.getTransactionCount(from, 'latest');
        if (mined > nonce) {
          // The nonce is used and none of our versions holds it: something else of this key was mined there.
          const again = await receiptOfAny();
          if (again) continue;
          throw new Error(`nonce ${nonce} of ${from} was used by a transaction that is none of ours (${versions.map((v) => v.txHash).join(', ')})`);
        }
        const replaceDue = policy.replaceAfterSeconds > 0 && now() - lastSentMs >= policy.replaceAfterSeconds * 1000 && versions.length < policy.maxVersions;
        if (replaceDue) {
          const last = versions[versions.length - 1]!;
          await sendVersion(atLeast(raised(last.fees, policy.bumpBps), await marketFees(provider, policy.fees)));
          lastSentMs = now();
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
};
