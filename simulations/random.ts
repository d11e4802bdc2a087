/**
 * Distributions for agent behaviour, drawn from a Prng. Floats are fine here: they only decide what
 * agents ask for; every amount that reaches the domain is converted to bigint base units first.
 */
import type { Prng } from './prng.ts';

export const bernoulli = (rng: Prng, probability: number): boolean => rng.next() < probability;

/** Uniform integer in [0, n). */
export const pickIndex = (rng: Prng, n: number): number => Math.floor(rng.next() * n);

export const pick = <T>(rng: Prng, items: readonly T[]): T => {
  if (items.length === 0) throw new RangeError('cannot pick from an empty list');
  return items[pickIndex(rng, items.length)]!;
};

/** Standard normal by Box–Muller; 1 − u keeps the logarithm away from 0. */
export const standardNormal = (rng: Prng): number => {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

/** Log-normal with the given median (e^μ) and log-space standard deviation. */
export const logNormal = (rng: Prng, median: number, sigma: number): number => median * Math.exp(sigma * standardNormal(rng));

/** An integer count with the given (fractional) expectation: its floor plus a Bernoulli of the rest. */
export const roundedCount = (rng: Prng, expected: number): number => {
  if (!(expected > 0)) return 0;
  const whole = Math.floor(expected);
  return whole + (bernoulli(rng, expected - whole) ? 1 : 0);
};

/** A key drawn with probability proportional to its weight; keys in their given order. */
export const pickWeighted = <K extends string>(rng: Prng, weights: Readonly<Record<K, number>>): K => {
  const entries = Object.entries(weights) as [K, number][];
  let total = 0;
  for (const [, w] of entries) total += w;
  let x = rng.next() * total;
  for (const [key, w] of entries) {
    if (x < w) return key;
    x -= w;
  }
  // Only reachable through float rounding at the top end: the last positive weight.
  return [...entries].reverse().find(([, w]) => w > 0)![0];
};
