/**
 * Curve-style stake boost of compute weight (DESIGN §5), multiplied through by the common
 * denominator 10000·S so that nothing is floored before the one floor where money is paid:
 *
 *   E_o = min(W_o·10000·S, W_o·baseBps·S + W·s_o·(10000 − baseBps)),   S = 0 → E_o = W_o.
 *
 * Every E_o of one epoch carries the same factor 10000·S, so shares pool·E_o/ΣE are v1's formula
 * min(W_o, W_o·base/10000 + W·(s_o/S)·(10000 − base)/10000) without its intermediate floor.
 */
import { BPS } from './units.ts';

export interface BoostInput {
  /** The operator's compute weight W_o. */
  readonly weight: bigint;
  /** The operator's active stake s_o in base units. */
  readonly stakeWei: bigint;
}

export const boostedWeight = (input: BoostInput, totalWeight: bigint, totalStakeWei: bigint, boostBaseBps: number): bigint => {
  if (totalStakeWei === 0n) return input.weight;
  const base = BigInt(boostBaseBps);
  const cap = input.weight * BPS * totalStakeWei;
  const boosted = input.weight * base * totalStakeWei + totalWeight * input.stakeWei * (BPS - base);
  return boosted < cap ? boosted : cap;
};
