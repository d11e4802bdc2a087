/**
 * Quantiles across runs, by linear interpolation between order statistics (Hyndman & Fan type 7,
 * the default of R and NumPy). Percentiles are whole numbers, so the interpolation weight is an
 * exact fraction: amounts stay exact integers (floored), floats are computed the same everywhere.
 */

export const PERCENTILES = [5, 50, 95] as const;

/** Position of percentile `p` among n sorted values: index and remainder in hundredths. */
const position = (n: number, p: number): { index: number; hundredths: number } => {
  const scaled = (n - 1) * p;
  return { index: Math.floor(scaled / 100), hundredths: scaled % 100 };
};

export const quantileOfNumbers = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return 0;
  const { index, hundredths } = position(sorted.length, p);
  const lo = sorted[index]!;
  const hi = sorted[Math.min(index + 1, sorted.length - 1)]!;
  return hundredths === 0 ? lo : lo + ((hi - lo) * hundredths) / 100;
};

export const quantileOfBigints = (sorted: readonly bigint[], p: number): bigint => {
  if (sorted.length === 0) return 0n;
  const { index, hundredths } = position(sorted.length, p);
  const lo = sorted[index]!;
  const hi = sorted[Math.min(index + 1, sorted.length - 1)]!;
  return hundredths === 0 ? lo : lo + ((hi - lo) * BigInt(hundredths)) / 100n;
};

export const sortNumbers = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
export const sortBigints = (values: readonly bigint[]): bigint[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
