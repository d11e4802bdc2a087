import { describe, expect, it } from 'vitest';
import { quantileOfBigints, quantileOfNumbers } from '../../simulations/quantiles.ts';
import { prngFor } from '../../simulations/prng.ts';

describe('quantiles (type 7)', () => {
  it('interpolates between order statistics like R and NumPy', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(quantileOfNumbers(xs, 5)).toBeCloseTo(1.35, 12);
    expect(quantileOfNumbers(xs, 50)).toBe(4.5);
    expect(quantileOfNumbers(xs, 95)).toBeCloseTo(7.65, 12);
    expect(quantileOfNumbers([42], 95)).toBe(42);
  });

  it('keeps amounts exact, flooring the interpolation to base units', () => {
    const xs = [10n ** 27n, 10n ** 27n + 7n];
    expect(quantileOfBigints(xs, 50)).toBe(10n ** 27n + 3n);
    expect(quantileOfBigints(xs, 5)).toBe(10n ** 27n);
    expect(quantileOfBigints(xs, 95)).toBe(10n ** 27n + 6n);
  });
});

describe('seeded PRNG', () => {
  it('gives the same stream for the same (seed, subset, run) and different ones otherwise', () => {
    const take = (seed: number, subset: number, run: number) => {
      const r = prngFor(seed, subset, run);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(take(1, 0, 0)).toEqual(take(1, 0, 0));
    expect(take(1, 0, 1)).not.toEqual(take(1, 0, 0));
    expect(take(1, 1, 0)).not.toEqual(take(1, 0, 0));
    expect(take(2, 0, 0)).not.toEqual(take(1, 0, 0));
  });

  it('is roughly uniform in [0, 1)', () => {
    const r = prngFor(7, 0, 0);
    const buckets = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
