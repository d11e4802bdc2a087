/**
 * The outputs a decision is made on, read off a run's headline: what `--compare` pairs, what
 * `--sensitivity` screens, what the report's subset table ranks. Amounts in whole tokens (display:
 * the headline keeps base units exactly).
 */
import type { RunHeadline } from './headline.ts';

export interface Output {
  readonly name: string;
  readonly description: string;
  /** Which way is better, for marking the best subset; undefined where neither is. */
  readonly better?: 'higher' | 'lower';
  /** Shown as a percentage. */
  readonly percent?: boolean;
  readonly of: (h: RunHeadline) => number | null;
}

const tokens = (wei: bigint): number => Number(wei / 10n ** 12n) / 1e6;

export const OUTPUTS: readonly Output[] = [
  { name: 'stakingRatioYear1', percent: true, description: 'bonded / circulating at the end of year 1', of: (h) => h.stakingRatioYear1 },
  { name: 'stakingRatioYear4', percent: true, description: 'bonded / circulating at the end of year 4', of: (h) => h.stakingRatioYear4 },
  { name: 'stakingAprYear1', percent: true, description: 'staking APR at the end of year 1', better: 'higher', of: (h) => h.stakingAprYear1 },
  { name: 'stakingAprYear4', percent: true, description: 'staking APR at the end of year 4', better: 'higher', of: (h) => h.stakingAprYear4 },
  { name: 'finalStakingRatio', percent: true, description: 'bonded / circulating at the horizon', of: (h) => h.finalStakingRatio },
  { name: 'finalStakingApr', percent: true, description: 'staking APR at the horizon', better: 'higher', of: (h) => h.finalStakingApr },
  { name: 'finalInflation', percent: true, description: 'net inflation per year at the horizon', better: 'lower', of: (h) => h.finalInflation },
  { name: 'circulating', description: 'circulating supply at the horizon (CXT)', of: (h) => tokens(h.circulating) },
  { name: 'mintedShareOfMaxSupply', percent: true, description: 'minted / max supply at the horizon', of: (h) => h.mintedShareOfMaxSupply },
  { name: 'buybackBurned', description: 'CXT bought back and burned by the treasury over the horizon', better: 'higher', of: (h) => tokens(h.buybackBurnedTotal) },
  { name: 'revenue', description: 'marketplace revenue over the horizon (revenue asset)', better: 'higher', of: (h) => tokens(h.revenueTotal) },
  { name: 'finalPrice', description: 'CXT price at the horizon (revenue asset per CXT)', better: 'higher', of: (h) => h.finalPrice },
  { name: 'finalNodes', description: 'active nodes at the horizon', better: 'higher', of: (h) => h.finalNodes },
  { name: 'finalMarketCap', description: 'circulating supply × price at the horizon (revenue asset)', better: 'higher', of: (h) => h.finalMarketCap },
  { name: 'finalRealYield', percent: true, description: 'stakers’ revenue share / staked value at the horizon, per year', better: 'higher', of: (h) => h.finalRealYield },
  { name: 'finalInflationaryYield', percent: true, description: 'staking emission / active stake at the horizon, per year', of: (h) => h.finalInflationaryYield },
  { name: 'meanRevenueToEmission', description: 'mean over epochs of revenue / value of the CXT emitted (sustainable above 1)', better: 'higher', of: (h) => h.meanRevenueToEmission },
  { name: 'meanOperatorReturn', percent: true, description: 'mean over epochs of operators’ earnings / hardware cost − 1', better: 'higher', of: (h) => h.meanOperatorReturn },
  ...(['gpu', 'cpu', 'edge', 'storage', 'bandwidth'] as const).map((cls) => ({
    name: `meanOperatorReturn${cls[0]!.toUpperCase()}${cls.slice(1)}`,
    percent: true,
    description: `the same for ${cls} operators`,
    better: 'higher' as const,
    of: (h: RunHeadline) => h.meanOperatorReturnByClass[cls],
  })),
  { name: 'meanRewardGini', description: 'mean Gini of the CXT allocations per epoch', better: 'lower', of: (h) => h.meanRewardGini },
];

export const outputNamed = (name: string): Output | undefined => OUTPUTS.find((o) => o.name === name);
