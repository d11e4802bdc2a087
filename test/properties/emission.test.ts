/**
 * DESIGN §4 / §9.2: B = floor(R·λ), λ = 1 − 2^(−1/H), exactly — the domain (decimal.js, 50 digits)
 * against an independent bigint fixed-point reference at 10^80 (referenceEmission.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { checkParams, defaultParams, epochBudget } from '../../domain/index.ts';
import { budgetAgrees, CERT_D, halfRootFixed, powFixed, referenceBudget, SCALE } from './referenceEmission.ts';
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

describe('epochBudget(R, H) = floor(R·λ) exactly', () => {
  it(`agrees with the bigint reference for random R ∈ [0, 10^27] and H ∈ [1, 10000] (${RUNS * 10} runs)`, () => {
    let nearInteger = 0;
    fc.assert(
      fc.property(remainingArb, halfLifeArb, (r, h) => {
        const domain = epochBudget(r, h);
        const verdict = budgetAgrees(domain, r, h);
        if (verdict.nearInteger) nearInteger++;
        if (!verdict.ok) throw new Error(`R=${r} H=${h}: domain ${domain}, reference ${verdict.reference.floor}`);
        expect(verdict.reference.ambiguous).toBe(false);
        // B ≤ R always (λ ≤ 1/2), and B < R for R > 0.
        expect(domain <= r).toBe(true);
      }),
      { numRuns: RUNS * 10 },
    );
    // A disagreement would only be tolerated within R·10^-48 of an integer; none has ever occurred.
    expect(nearInteger).toBe(0);
  });

  it(`still exact for supplies far above the default: R up to 10^45 (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 45n }), halfLifeArb, (r, h) => {
        expect(budgetAgrees(epochBudget(r, h), r, h).ok).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  // λ carries 50 significant digits, exact up to ~10^49; checkParams therefore caps maxSupply at 10^45.
  it('a maxSupply above 10^45 base units is refused, so budgets stay exact', () => {
    expect(E.isLeft(checkParams(defaultParams({ maxSupply: 10n ** 45n + 1n })))).toBe(true);
    expect(E.isRight(checkParams(defaultParams({ maxSupply: 10n ** 45n })))).toBe(true);
  });

  it('default schedule: the first budget of 10^9 CXT with H = 1461', () => {
    const r = 10n ** 27n;
    expect(epochBudget(r, 1461)).toBe(referenceBudget(r, 1461).floor);
  });
});
