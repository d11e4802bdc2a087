/**
 * DESIGN §2, §4, §9.2: B = floor(R·λ), λ = 1 − 2^(−1/H), for the exact real λ — the domain against an
 * independent bigint fixed-point reference at 10^80 (referenceEmission.ts), and against the integer
 * certificate wherever R·λ comes close to an integer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Decimal } from 'decimal.js';
import { checkParams, decideEpochBudget, defaultParams, epochBudget, MAX_SUPPLY_WEI } from '../../domain/index.ts';
import { CERT_D, halfRootFixed, powFixed, referenceBudget, SCALE } from './referenceEmission.ts';
import { RUNS } from './helpers.ts';

const isqrt = (n: bigint): bigint => {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) {
      // settle to floor
      while (x * x > n) x--;
      while ((x + 1n) * (x + 1n) <= n) x++;
      return x;
    }
    x = y;
  }
};

const remainingArb = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 27n }), weight: 6 },
  { arbitrary: fc.bigInt({ min: 0n, max: 1000n }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 89 }).map((k) => 1n << BigInt(k)), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 27 }).map((k) => 10n ** BigInt(k)), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 6n }).map((d) => 10n ** 27n - d), weight: 1 },
);
const halfLifeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 2 },
  { arbitrary: fc.constantFrom(1, 2, 1461, 10_000), weight: 1 },
);

describe('the independent reference itself', () => {
  it('H = 1 gives λ = 1/2 exactly, so B = floor(R/2)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 27n }), (r) => {
        const ref = referenceBudget(r, 1);
        expect(ref.floor).toBe(r / 2n);
      }),
      { numRuns: RUNS },
    );
  });

  it('H = 2 agrees with an integer square root: 2^(-1/2)·10^80 = isqrt(10^160 / 2)', () => {
    const y = halfRootFixed(2);
    const exact = isqrt((SCALE * SCALE) / 2n);
    expect(y - exact <= CERT_D && exact - y <= CERT_D).toBe(true);
  });

  it('every certified root satisfies Y^H ≈ 1/2 to far better than 10^-60', () => {
    fc.assert(
      fc.property(halfLifeArb, (h) => {
        const y = halfRootFixed(h);
        const err = powFixed(y, h) - SCALE / 2n;
        expect(err < 10n ** 20n && err > -(10n ** 20n)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

/**
 * The integer certificate of DESIGN §2: B = floor(R·λ) exactly iff y = R − B is the least integer
 * with 2·y^H ≥ R^H (i.e. y = ⌈R·2^(−1/H)⌉). It needs no precision at all, so it proves a budget
 * right wherever R·λ lies, even within 10^−38 of an integer, where any decimal reference is blind.
 */
const certified = (budget: bigint, r: bigint, h: number): boolean => {
  if (r === 0n) return budget === 0n;
  const H = BigInt(h);
  const target = r ** H;
  const y = r - budget;
  return 2n * y ** H >= target && (y === 0n || 2n * (y - 1n) ** H < target);
};

/** Convergents p/q of the continued fraction of λ with q up to `maxQ`: q·λ is within 1/q of p, alternately above and below. */
const convergentDenominators = (h: number, maxQ: bigint): bigint[] => {
  const D = Decimal.clone({ precision: 300 });
  let x = new D(1).minus(new D(2).pow(new D(-1).div(h)));
  let [q0, q1] = [1n, 0n];
  const out: bigint[] = [];
  for (let i = 0; i < 200; i++) {
    const a = BigInt(x.floor().toFixed(0));
    [q0, q1] = [q1, a * q1 + q0];
    if (q1 > maxQ) break;
    out.push(q1);
    const frac = x.minus(x.floor());
    if (frac.isZero()) break;
    x = new D(1).div(frac);
  }
  return out;
};

describe('epochBudget(R, H) = floor(R·λ) for the exact real λ', () => {
  it(`equals the bigint reference for random R ∈ [0, 10^27] and H ∈ [1, 10000] (${RUNS * 10} runs)`, () => {
    fc.assert(
      fc.property(remainingArb, halfLifeArb, (r, h) => {
        const reference = referenceBudget(r, h);
        expect(reference.ambiguous).toBe(false);
        expect(epochBudget(r, h)).toBe(reference.floor);
        // B ≤ R always (λ ≤ 1/2), and B < R for R > 0.
        expect(epochBudget(r, h) <= r).toBe(true);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it(`carries the integer certificate 2·(R−B)^H ≥ R^H > 2·(R−B−1)^H for any R < 2^128 (${Math.max(25, RUNS / 4)} runs)`, () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_SUPPLY_WEI }), fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom(730, 1461)), (r, h) => {
        expect(certified(epochBudget(r, h), r, h)).toBe(true);
      }),
      { numRuns: Math.max(25, RUNS / 4) },
    );
  });

  it('is exact at R = 451331175370580204065520845, where λ rounded to 50 digits gave one base unit too many', () => {
    const r = 451331175370580204065520845n;
    const D50 = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_DOWN });
    const rounded = BigInt(new D50(r.toString()).times(new D50(1).minus(new D50(2).pow(new D50(-1).div(1461)))).floor().toFixed(0));
    expect(epochBudget(r, 1461)).toBe(214075792487557937592877n);
    expect(rounded).toBe(214075792487557937592878n);
    expect(certified(214075792487557937592877n, r, 1461)).toBe(true);
  });

  for (const h of [1461, 730, 2922]) {
    it(`is exact where R·λ lies within 10^−30 of an integer: R = the continued-fraction denominators of λ (H = ${h})`, () => {
      const qs = convergentDenominators(h, MAX_SUPPLY_WEI).filter((q) => q > 10n ** 20n);
      expect(qs.length).toBeGreaterThan(3);
      let decidedByIntegers = 0;
      for (const r of qs)
        for (const candidate of [r, 2n * r <= MAX_SUPPLY_WEI ? 2n * r : r]) {
          const decision = decideEpochBudget(candidate, h);
          expect(certified(decision.budgetWei, candidate, h)).toBe(true);
          if (decision.decidedExactly) decidedByIntegers++;
        }
      // Denominators above 10^30 put R·λ within 10^−30 of an integer: the integer test must have run.
      expect(decidedByIntegers).toBeGreaterThan(0);
    });
  }

  it('a maxSupply above 2^128 − 1 base units is refused (every amount a command carries is bounded)', () => {
    expect(E.isLeft(checkParams(defaultParams({ maxSupply: MAX_SUPPLY_WEI + 1n })))).toBe(true);
    expect(E.isRight(checkParams(defaultParams({ maxSupply: MAX_SUPPLY_WEI })))).toBe(true);
  });

  it('default schedule: the first budget of 10^9 CXT with H = 1461', () => {
    const r = 10n ** 27n;
    expect(epochBudget(r, 1461)).toBe(referenceBudget(r, 1461).floor);
  });
});
