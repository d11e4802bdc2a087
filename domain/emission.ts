/**
 * Emission schedule (DESIGN §4). λ = 1 − 2^(−1/H) is the only irrational quantity in the engine;
 * it is computed with decimal.js at 50 significant digits and every product is floored to base units.
 */
import { Decimal } from 'decimal.js';
import { mulBps } from './units.ts';

const D = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_DOWN });
const lambdaCache = new Map<number, Decimal>();

/** λ for a half-life of `halfLifeEpochs` epochs, to 50 significant digits. */
export const emissionRate = (halfLifeEpochs: number): Decimal => {
  let lambda = lambdaCache.get(halfLifeEpochs);
  if (!lambda) {
    lambda = new D(1).minus(new D(2).pow(new D(-1).div(halfLifeEpochs)));
    lambdaCache.set(halfLifeEpochs, lambda);
  }
  return lambda;
};

/** B(e) = floor(R(e) · λ), with R(e) = maxSupply − minted(e). */
export const epochBudget = (remainingWei: bigint, halfLifeEpochs: number): bigint => {
  if (remainingWei <= 0n) return 0n;
  const product = new D(remainingWei.toString()).times(emissionRate(halfLifeEpochs)).floor();
  return BigInt(product.toFixed(0));
};

export interface PoolBudgets {
  readonly compute: bigint;
  readonly verification: bigint;
  /** Takes the remainder, so the three always add up to the budget exactly. */
  readonly staking: bigint;
}

export const splitBudget = (budgetWei: bigint, p: { computeBps: number; verificationBps: number }): PoolBudgets => {
  const compute = mulBps(budgetWei, p.computeBps);
  const verification = mulBps(budgetWei, p.verificationBps);
  return { compute, verification, staking: budgetWei - compute - verification };
};
