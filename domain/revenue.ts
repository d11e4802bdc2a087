/**
 * Marketplace revenue split (DESIGN §5). Never touches CXT supply: everything is in the revenue asset.
 * Per asset: fee = Σ floor(gross·protocolFeeBps/10000) per record (all of gross when there is no
 * provider); providers get gross − fee; stakers share floor(Σfee·stakerShareBps/10000) pro rata by
 * active stake; the rest, dust included, is the asset's buyback budget. So gross = provider + stakers + buyback.
 */
import type { ProtocolParams } from './params.ts';
import type { UnsettledRevenue } from './state.ts';
import { proRata, addAllocation, type Allocation } from './allocation.ts';
import { mulBps } from './units.ts';

export interface RevenueSplitResult {
  readonly asset: string;
  /** Per provider and per staker, what this asset's split gave them (the receipts' breakdown). */
  readonly providerShares: ReadonlyMap<string, bigint>;
  readonly stakerShares: ReadonlyMap<string, bigint>;
  readonly grossWei: bigint;
  readonly feesWei: bigint;
  readonly providerWei: bigint;
  readonly stakersWei: bigint;
  readonly buybackWei: bigint;
}

export const splitRevenue = (
  records: readonly UnsettledRevenue[],
  stakes: ReadonlyMap<string, bigint>,
  p: Pick<ProtocolParams, 'protocolFeeBps' | 'stakerShareBps'>,
  allocations: Map<string, Allocation>,
): RevenueSplitResult[] => {
  const byAsset = new Map<string, { gross: bigint; fees: bigint; provider: bigint; providers: Map<string, bigint> }>();
  for (const r of records) {
    const acc = byAsset.get(r.asset) ?? { gross: 0n, fees: 0n, provider: 0n, providers: new Map<string, bigint>() };
    const fee = r.provider ? mulBps(r.grossWei, p.protocolFeeBps) : r.grossWei;
    acc.gross += r.grossWei;
    acc.fees += fee;
    if (r.provider) {
      acc.provider += r.grossWei - fee;
      acc.providers.set(r.provider, (acc.providers.get(r.provider) ?? 0n) + r.grossWei - fee);
      addAllocation(allocations, r.provider, r.asset, r.grossWei - fee);
    }
    byAsset.set(r.asset, acc);
  }
  const results: RevenueSplitResult[] = [];
  for (const asset of [...byAsset.keys()].sort()) {
    const acc = byAsset.get(asset)!;
    const stakerPool = mulBps(acc.fees, p.stakerShareBps);
    let stakersWei = 0n;
    const stakerShares = proRata(stakerPool, stakes);
    for (const [account, share] of stakerShares) {
      addAllocation(allocations, account, asset, share);
      stakersWei += share;
    }
    results.push({
      asset,
      providerShares: acc.providers,
      stakerShares,
      grossWei: acc.gross,
      feesWei: acc.fees,
      providerWei: acc.provider,
      stakersWei,
      buybackWei: acc.fees - stakersWei,
    });
  }
  return results;
};
