/**
 * At start, PAYOUT_CHAINS becomes ledger configuration (ConfigureChain): each chain's asset keys are
 * resolved against the asset registry and recorded. Additive and idempotent: a restart with the same
 * list records nothing, a new asset address is added, and an address changed for an asset already
 * mapped is refused (leaves name it) and stops the start with the ledger's sentence.
 */
import type { LedgerState } from '../../domain/index.ts';
import type { CommandHandler, Ledger } from '../ledger/index.ts';
import { ConfigError } from './config.ts';
import type { PayoutChainRuntime } from './payoutChainRuntime.ts';

/**
 * The registered asset an asset key names: a primary address, or a symbol of the registry (CXT is
 * registered at start). A symbol two assets share names neither: the address must be given.
 */
const assetOf = (state: LedgerState, chainId: number, key: string): string => {
  const lower = key.toLowerCase();
  if (state.assetRegistry.has(lower)) return lower;
  const bySymbol = [...state.assetRegistry.values()].filter((a) => a.symbol.toLowerCase() === lower);
  if (bySymbol.length === 1) return bySymbol[0]!.asset;
  throw new ConfigError(
    bySymbol.length > 1
      ? `PAYOUT_CHAINS chain ${chainId}: symbol ${key} is registered for ${bySymbol.map((a) => a.asset).join(' and ')}; name the asset by its address.`
      : `PAYOUT_CHAINS chain ${chainId}: asset ${key} is neither a registered asset's address nor its symbol (register it first: cxt asset register).`,
  );
};

export const configurePayoutChains = async (input: {
  readonly ledger: Ledger;
  readonly commands: CommandHandler;
  /** The primary chain's id: a payout chain cannot be it (its trees would be proposed to one contract twice over). */
  readonly primaryChainId: number;
  readonly chains: readonly PayoutChainRuntime[];
}): Promise<void> => {
  const { ledger, commands } = input;
  for (const chain of input.chains) {
    if (chain.chainId === input.primaryChainId)
      throw new ConfigError(`PAYOUT_CHAINS lists chain ${chain.chainId}, which is the primary chain: accounts paid there need no payout chain.`);
    await ledger.catchUp();
    const assets = Object.entries(chain.assets).map(([key, address]) => ({ asset: assetOf(ledger.state, chain.chainId, key), address }));
    const r = await commands.handle({ type: 'ConfigureChain', chainId: chain.chainId, assets });
    if (r.status === 'refused' && r.refusal.code !== 'CHAIN_UNCHANGED') throw new ConfigError(`PAYOUT_CHAINS chain ${chain.chainId}: ${r.refusal.message}.`);
  }
};
