/**
 * Curve-style stake boost of compute weight (DESIGN §5):
 * E_o = min(W_o, (W_o·base + W·s_o/S·(10000 − base)) / 10000), with S = 0 → E_o = W_o·base/10000.
 * Computed as one floor over a common denominator so the result is exact and order independent.
 */
import { BPS } from './units.ts';

export interface BoostInput {
  /** The operator's compute weight W_o. */
  readonly weight: bigint;
  /** The operator's active stake s_o in base units. */
  readonly stakeWei: bigint;
}

export const boostedWeight = (
  input: BoostInput,
  totalWeight: bigint,
  totalStakeWei: bigint,
  boostBaseBps: number,
): bigint => {
  const base = BigInt(boostBaseBps);
  if (totalStakeWei === 0n) return (input.weight * base) / BPS;
  const numerator = input.weight * base * totalStakeWei + totalWeight * input.stakeWei * (BPS - base);
  const boosted = numerator / (BPS * totalStakeWei);
  return boosted < input.weight ? boosted : input.weight;
};
