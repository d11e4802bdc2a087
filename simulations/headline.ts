/**
 * Headline metrics of one run for summary.json, accumulated epoch by epoch so the series itself
 * never has to be kept. Amounts are decimal strings of base units in the output.
 */
import type { ProtocolParams } from '../domain/index.ts';
import type { EpochRow } from './metrics.ts';
import type { EpochWork } from './network.ts';
import { ratio } from './units.ts';
import { epochsPerYear } from './market.ts';

export interface RunHeadline {
  epochs: number;
  mintedTotal: bigint;
  burnedTotal: bigint;
  circulating: bigint;
  staked: bigint;
  /** Minted after halfLifeEpochs epochs, when the horizon reaches that far. */
  mintedAtHalfLife: bigint | null;
  mintedShareOfMaxSupply: number;
  revenueTotal: bigint;
  buybackBurnedTotal: bigint;
  finalStakingRatio: number;
  /** Skewed by the first epochs, when little stake shares the whole staking pool; see finalStakingApr. */
  meanStakingApr: number;
  finalStakingApr: number;
  finalInflation: number;
  finalPrice: number;
  finalNodes: number;
  peakNodes: number;
  registeredNodes: number;
  operators: number;
  meanRewardGini: number;
  meanEdgeShare: number;
  nodeEpochs: number;
  contributions: number;
  /** Staking ratio and APR at the end of year 1 and year 4 (null when the horizon is shorter): the steady state, not the first epochs. */
  stakingRatioYear1: number | null;
  stakingAprYear1: number | null;
  stakingRatioYear4: number | null;
  stakingAprYear4: number | null;
  /** The value side (value.ts): at the horizon, and means over the epochs. */
  finalMarketCap: number;
  finalRealYield: number;
  finalInflationaryYield: number;
  meanRevenueToEmission: number;
  /** Mean over epochs of the operators' return on hardware cost (0 without a cost model). */
  meanOperatorReturn: number;
  meanOperatorReturnByClass: Record<'gpu' | 'cpu' | 'edge' | 'storage' | 'bandwidth', number>;
}

/** The running headline plus what it needs to know about the parameters. */
export type HeadlineAccumulator = RunHeadline & { readonly maxSupply: bigint; readonly halfLifeEpochs: number; readonly epochsPerYear: number };

export const createHeadline = (params: ProtocolParams): HeadlineAccumulator => ({
  maxSupply: params.maxSupply,
  halfLifeEpochs: params.halfLifeEpochs,
  epochsPerYear: epochsPerYear(params.epochLengthSeconds),
  epochs: 0,
  mintedTotal: 0n,
  burnedTotal: 0n,
  circulating: 0n,
  staked: 0n,
  mintedAtHalfLife: null,
  mintedShareOfMaxSupply: 0,
  revenueTotal: 0n,
  buybackBurnedTotal: 0n,
  finalStakingRatio: 0,
  meanStakingApr: 0,
  finalStakingApr: 0,
  finalInflation: 0,
  finalPrice: 0,
  finalNodes: 0,
  peakNodes: 0,
  registeredNodes: 0,
  operators: 0,
  meanRewardGini: 0,
  meanEdgeShare: 0,
  nodeEpochs: 0,
  contributions: 0,
  stakingRatioYear1: null,
  stakingAprYear1: null,
  stakingRatioYear4: null,
  stakingAprYear4: null,
  finalMarketCap: 0,
  finalRealYield: 0,
  finalInflationaryYield: 0,
  meanRevenueToEmission: 0,
  meanOperatorReturn: 0,
  meanOperatorReturnByClass: { gpu: 0, cpu: 0, edge: 0, storage: 0, bandwidth: 0 },
});

/** Folds one epoch into the headline; running means are updated incrementally. */
export const recordHeadline = (h: HeadlineAccumulator, row: EpochRow, work: EpochWork): void => {
  h.epochs++;
  const n = h.epochs;
  h.mintedTotal = row.mintedTotal;
  h.burnedTotal = row.burnedTotal;
  h.circulating = row.circulating;
  h.staked = row.staked;
  if (row.epoch + 1 === h.halfLifeEpochs) h.mintedAtHalfLife = row.mintedTotal;
  h.mintedShareOfMaxSupply = ratio(row.mintedTotal, h.maxSupply);
  h.revenueTotal += row.revenue;
  h.buybackBurnedTotal += row.buyback;
  h.finalStakingRatio = row.stakingRatio;
  h.meanStakingApr += (row.stakingApr - h.meanStakingApr) / n;
  h.finalStakingApr = row.stakingApr;
  h.finalInflation = row.inflation;
  h.finalPrice = row.price;
  h.finalNodes = row.nodes;
  h.peakNodes = Math.max(h.peakNodes, row.nodes);
  h.meanRewardGini += (row.rewardGini - h.meanRewardGini) / n;
  h.meanEdgeShare += (row.edgeShare - h.meanEdgeShare) / n;
  h.nodeEpochs += row.nodes;
  h.contributions += work.contributingNodes;
  h.finalMarketCap = row.value.marketCap;
  h.finalRealYield = row.value.realYield;
  h.finalInflationaryYield = row.value.inflationaryYield;
  h.meanRevenueToEmission += (row.value.revenueToEmission - h.meanRevenueToEmission) / n;
  h.meanOperatorReturn += (row.value.operatorReturnAll - h.meanOperatorReturn) / n;
  for (const cls of Object.keys(h.meanOperatorReturnByClass) as (keyof RunHeadline['meanOperatorReturnByClass'])[])
    h.meanOperatorReturnByClass[cls] += (row.value.operatorReturn[cls] - h.meanOperatorReturnByClass[cls]) / n;
  if (row.epoch + 1 === Math.round(h.epochsPerYear)) {
    h.stakingRatioYear1 = row.stakingRatio;
    h.stakingAprYear1 = row.stakingApr;
  }
  if (row.epoch + 1 === Math.round(4 * h.epochsPerYear)) {
    h.stakingRatioYear4 = row.stakingRatio;
    h.stakingAprYear4 = row.stakingApr;
  }
};

/** The headline as reported, with the network totals only the run knows. */
export const finishHeadline = (h: HeadlineAccumulator, network: { registeredNodes: number; operators: number }): RunHeadline => {
  const { maxSupply: _maxSupply, halfLifeEpochs: _halfLifeEpochs, epochsPerYear: _epochsPerYear, ...headline } = h;
  return { ...headline, ...network };
};
