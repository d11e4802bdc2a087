/**
 * What the service assumes about a chain it has not been told about: how many blocks on top make a
 * transaction or a claim final enough to act on, and how it prices gas. Operators override both
 * (`--confirmations`, CONFIRMATIONS); the table is in docs/service.md ("Going live").
 *
 * Why these numbers: BNB Chain produces a block every ~0.75–3 s and finalises in a few blocks with
 * fast finality, but its own docs and most bridges wait 15; Ethereum finalises after two epochs (64+
 * blocks, ~13 min), and 12 blocks is the common "safe" wait for indexing deposits; a local chain
 * (hardhat, anvil) never reorganises unless told to, so it waits for nothing. A chain missing from the
 * table gets the most cautious row. A transaction is replaced when it has sat unmined for about ten
 * blocks (Ethereum 12 s blocks, BNB Chain ≤ 3 s): by then its fee is below what the chain takes.
 */
import { DEFAULT_FEE_POLICY, type FeePolicy } from './transactionSender.ts';

export interface ChainDefaults {
  readonly name: string;
  /** Blocks on top of a transaction's block before it is treated as final. */
  readonly confirmations: number;
  /** `eip1559`: maxFeePerGas/maxPriorityFeePerGas (type 2); `legacy`: gasPrice (type 0). */
  readonly fees: 'eip1559' | 'legacy';
  /** Seconds an updater transaction may sit unmined before it is replaced with a higher fee (0: never). */
  readonly replaceAfterSeconds: number;
}

const TABLE: Readonly<Record<number, ChainDefaults>> = {
  1: { name: 'Ethereum', confirmations: 12, fees: 'eip1559', replaceAfterSeconds: 180 },
  11155111: { name: 'Sepolia', confirmations: 12, fees: 'eip1559', replaceAfterSeconds: 180 },
  56: { name: 'BNB Chain', confirmations: 15, fees: 'legacy', replaceAfterSeconds: 30 },
  97: { name: 'BNB Chain testnet', confirmations: 15, fees: 'legacy', replaceAfterSeconds: 30 },
  31337: { name: 'local (hardhat)', confirmations: 0, fees: 'eip1559', replaceAfterSeconds: 0 },
  1337: { name: 'local', confirmations: 0, fees: 'eip1559', replaceAfterSeconds: 0 },
};

const UNKNOWN: ChainDefaults = { name: 'unknown chain', confirmations: 15, fees: 'eip1559', replaceAfterSeconds: 120 };

export const chainDefaults = (chainId: number): ChainDefaults => TABLE[chainId] ?? { ...UNKNOWN, name: `chain ${chainId}` };

/** The documented table, for docs and `cxt contract deploy --help`. */
export const CHAIN_DEFAULTS_TABLE: ReadonlyArray<{ readonly chainId: number } & ChainDefaults> = Object.entries(TABLE).map(([id, d]) => ({
  chainId: Number(id),
  ...d,
}));

/** How the service treats a real chain: the table's row for `chainId` with the operator's overrides. */
export const chainTreatment = (chainId: number, overrides: { readonly confirmations?: number; readonly replaceAfterSeconds?: number }): { confirmations: number; feePolicy: FeePolicy } => {
  const d = chainDefaults(chainId);
  return {
    confirmations: overrides.confirmations ?? d.confirmations,
    feePolicy: { ...DEFAULT_FEE_POLICY, fees: d.fees, replaceAfterSeconds: overrides.replaceAfterSeconds ?? d.replaceAfterSeconds },
  };
};
