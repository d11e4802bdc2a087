/**
 * Statistics over runs for decisions: paired differences with a t confidence interval (both sides
 * of a comparison share run r's random streams, so run r of A and run r of B differ only by what
 * was changed), and the mean and standard deviation they are built from. Display arithmetic on
 * floats; no amount here reaches the domain.
 */

/** Two-sided 95 % quantiles of Student's t, by degrees of freedom 1–30; the normal's beyond. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
  2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const tQuantile975 = (degreesOfFreedom: number): number => T_975[degreesOfFreedom - 1] ?? 1.96;

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, x) => a + x, 0) / xs.length);

/** Sample standard deviation (n − 1). */
export const standardDeviation = (xs: readonly number[]): number => {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
};

export interface PairedDifference {
  readonly meanA: number;
  readonly meanB: number;
  /** Mean of B − A over the pairs. */
  readonly meanDifference: number;
  /** 95 % confidence interval of the mean difference; null with a single pair. */
  readonly ci95: readonly [number, number] | null;
  readonly pairs: number;
}

export const pairedDifference = (a: readonly number[], b: readonly number[]): PairedDifference => {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`paired samples need the same, non-zero length (${a.length} and ${b.length})`);
  const d = a.map((x, i) => b[i]! - x);
  const m = mean(d);
  const sd = standardDeviation(d);
  const half = d.length < 2 ? NaN : (tQuantile975(d.length - 1) * sd) / Math.sqrt(d.length);
  return { meanA: mean(a), meanB: mean(b), meanDifference: m, ci95: Number.isNaN(half) ? null : [m - half, m + half], pairs: d.length };
};
