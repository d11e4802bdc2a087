/** Tiers (DESIGN §5, §8): the highest tier whose stake and tenure thresholds are both met. */
import type { ProtocolParams, TierName } from './params.ts';
import { tierSpec } from './params.ts';
import { mulBps } from './units.ts';

export const evaluateTier = (p: ProtocolParams, stakeWei: bigint, tenureEpochs: number): TierName => {
  let tier = p.tiers[0]!.name;
  for (const spec of p.tiers) if (stakeWei >= spec.minStake && tenureEpochs >= spec.minTenureEpochs) tier = spec.name;
  return tier;
};

export const tierBps = (p: ProtocolParams, tier: TierName): number => tierSpec(p, tier).bps;

/** Governance weight = active stake · tierBps / 10000. */
export const governanceWeight = (p: ProtocolParams, stakeWei: bigint, tier: TierName): bigint => mulBps(stakeWei, tierBps(p, tier));
