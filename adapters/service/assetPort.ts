/** The asset registry as the HTTP layer sees it: registration through the on-chain check, and the list with each asset's revenue ledger. */
import type { AssetPort, Json } from '../http/ports.ts';
import { ChainUnavailableError, type AssetRegistrar } from './assetRegistrar.ts';
import type { LedgerView } from './ledgerView.ts';

const s = (v: bigint): string => v.toString();

export const assetPort = (registrar: AssetRegistrar, view: LedgerView): AssetPort => {
  const describe = (asset: string): Json => {
    const state = view.ledger.state;
    const a = state.assetRegistry.get(asset);
    const l = state.assets.get(asset);
    return {
      asset,
      symbol: a?.symbol ?? null,
      decimals: a?.decimals ?? null,
      gross: s(l?.grossWei ?? 0n),
      fees: s(l?.feesWei ?? 0n),
      provider: s(l?.providerWei ?? 0n),
      stakers: s(l?.stakersWei ?? 0n),
      buybackBudget: s(l?.buybackBudgetWei ?? 0n),
      buybackSpent: s(l?.buybackSpentWei ?? 0n),
    };
  };
  return {
    async register(asset) {
      try {
        const r = await registrar.register(asset);
        if (r.status === 'refused') return r;
        return { status: r.status, asset: describe(asset) };
      } catch (error) {
        if (error instanceof ChainUnavailableError) return { status: 'unavailable', message: error.message };
        throw error;
      }
    },
    async list() {
      const state = await view.fresh();
      return { assets: [...state.assetRegistry.keys()].sort().map(describe) };
    },
  };
};
