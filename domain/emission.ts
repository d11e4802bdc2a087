/**
 * Emission schedule (DESIGN §4). λ = 1 − 2^(−1/H) is the only irrational quantity in the engine,
 * and the budget is the floor of R·λ for the EXACT real λ (DESIGN §2), so any independent
 * implementation gets the same integer without copying a rounding mode:
 *
 * - R·λ is evaluated with decimal.js at 100 significant digits. For R < 2^128 its error is below
 *   10^−60, so whenever the fractional part is farther than 10^−30 from an integer, its floor is
 *   the exact floor.
 * - Otherwise the floor is decided in integers: floor(R·λ) = R − ⌈R·2^(−1/H)⌉, and ⌈R·2^(−1/H)⌉ is
 *   the least integer y with y^H ≥ R^H / 2, i.e. 2·y^H ≥ R^H. That needs powers of about
 *   H·log2(R) bits (a few ms at H = 1461), so it runs only in that 10^−30 band.
 */
import { Decimal } from 'decimal.js';
import { mulBps } from './units.ts';

/** Significant digits of the decimal evaluation (DESIGN asks for 80 or more). */
export const EMISSION_DIGITS = 100;
/** Closer than this to an integer, R·λ is floored by the exact integer test instead. */
const BOUNDARY = new Decimal('1e-30');

const D = Decimal.clone({ precision: EMISSION_DIGITS, rounding: Decimal.ROUND_HALF_EVEN });
const lambdaCache = new Map<number, Decimal>();

/** λ for a half-life of `halfLifeEpochs` epochs, to 100 significant digits. */
export const emissionRate = (halfLifeEpochs: number): Decimal => {
  let lambda = lambdaCache.get(halfLifeEpochs);
  if (!lambda) {
    lambda = new D(1).minus(new D(2).pow(new D(-1).div(halfLifeEpochs)));
    lambdaCache.set(halfLifeEpochs, lambda);
  }
  return lambda;
};

/** ⌈R·2^(−1/H)⌉ exactly: the least y with 2·y^H ≥ R^H, searched from an estimate that is off by at most one. */
const ceilHalfRoot = (remainingWei: bigint, halfLifeEpochs: number, estimate: bigint): bigint => {
  const h = BigInt(halfLifeEpochs);
  const target = remainingWei ** h;
  const reaches = (y: bigint): boolean => 2n * y ** h >= target;
  let y = estimate < 0n ? 0n : estimate;
  while (!reaches(y)) y += 1n;
  while (y > 0n && reaches(y - 1n)) y -= 1n;
  return y;
};

export interface BudgetDecision {
  readonly budgetWei: bigint;
  /** True when R·λ lay within 10^−30 of an integer and the integer test decided the floor. */
  readonly decidedExactly: boolean;
}

/** B(e) = floor(R(e) · λ) for the exact real λ, with R(e) = maxSupply − minted(e); says how it was decided. */
export const decideEpochBudget = (remainingWei: bigint, halfLifeEpochs: number): BudgetDecision => {
  if (remainingWei <= 0n) return { budgetWei: 0n, decidedExactly: false };
  const product = new D(remainingWei.toString()).times(emissionRate(halfLifeEpochs));
  const nearest = product.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
  if (product.minus(nearest).abs().gte(BOUNDARY)) return { budgetWei: BigInt(product.floor().toFixed(0)), decidedExactly: false };
  const y = ceilHalfRoot(remainingWei, halfLifeEpochs, remainingWei - BigInt(nearest.toFixed(0)));
  return { budgetWei: remainingWei - y, decidedExactly: true };
};

/** B(e) = floor(R(e) · λ) for the exact real λ. */
export const epochBudget = (remainingWei: bigint, halfLifeEpochs: number): bigint => decideEpochBudget(remainingWei, halfLifeEpochs).budgetWei;

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
