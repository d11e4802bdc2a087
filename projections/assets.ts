/** Revenue asset read model: totals of the split and the buyback budget per asset. */
import type { AssetLedger, LedgerState } from '../domain/index.ts';

export interface AssetRow {
  readonly asset: string;
  readonly grossWei: bigint;
  readonly feesWei: bigint;
  readonly providerWei: bigint;
  readonly stakersWei: bigint;
  readonly buybackBudgetWei: bigint;
  readonly buybackSpentWei: bigint;
}

export const assetRow = (asset: string, l: AssetLedger): AssetRow => ({ asset, ...l });

export const assetViews = (state: LedgerState): AssetRow[] =>
  [...state.assets.keys()].sort().map((asset) => assetRow(asset, state.assets.get(asset)!));
