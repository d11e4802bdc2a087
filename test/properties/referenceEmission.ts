/**
 * An independent reference for the emission budget B = floor(R · λ), λ = 1 − 2^(−1/H), written with
 * bigint fixed point only (no decimal.js, no floats in the result).
 *
 * y = 2^(−1/H) is the root of y^H = 1/2 in (1/2, 1]. We work at scale S = 10^80: Y ≈ y·S is found by
 * Newton's method on f(Y) = Y^H/S^(H−1) − S/2 (seeded from a double, which is only a starting point),
 * then *certified* by bracketing: pow(Y − D) < S/2 < pow(Y + D) with D = 10^10, where pow is the
 * truncating fixed-point power. pow's own error is at most a few·H·log2(H) ulps (≪ D/2, the change of
 * pow over a step of D since the derivative H·y^(H−1) ≥ 1/2), so the certificate proves
 * |y − Y/S| < D/S = 10^-70, hence |λ − (S − Y)/S| < 10^-70.
 *
 * For R ≤ 10^27 that bounds the error of R·λ by 10^-43: floor(R·λ) is decided exactly unless R·λ lies
 * within R·10^-70 of an integer, which the result reports (`ambiguous`).
 */

export const SCALE_DIGITS = 80n;
export const SCALE = 10n ** SCALE_DIGITS;
/** Certified precision of Y in units of 1/SCALE. */
export const CERT_D = 10n ** 10n;

const mulFixed = (a: bigint, b: bigint): bigint => (a * b) / SCALE;

/** (y/S)^n · S, truncating after each multiplication. */
export const powFixed = (y: bigint, n: number): bigint => {
  let result = SCALE;
  let base = y;
  let e = n;
  while (e > 0) {
    if (e & 1) result = mulFixed(result, base);
    e >>= 1;
    if (e > 0) base = mulFixed(base, base);
  }
  return result;
};

const HALF = SCALE / 2n;
const rootCache = new Map<number, bigint>();

/** Y ≈ 2^(−1/H)·10^80, certified to within 10^10 (i.e. 10^-70 absolute). */
export const halfRootFixed = (h: number): bigint => {
  if (!Number.isSafeInteger(h) || h < 1) throw new RangeError(`half-life must be a positive integer, got ${h}`);
  const cached = rootCache.get(h);
  if (cached !== undefined) return cached;
  let y: bigint;
  if (h === 1) y = HALF;
  else {
    // Seed from a double (~16 digits); Newton doubles the correct digits each step.
    const seed = Math.pow(2, -1 / h);
    y = BigInt(Math.round(seed * 1e15)) * 10n ** (SCALE_DIGITS - 15n);
    for (let i = 0; i < 60; i++) {
      const fy = powFixed(y, h) - HALF;
      const dfy = BigInt(h) * powFixed(y, h - 1);
      const step = (fy * SCALE) / dfy;
      y -= step;
      if (step >= -1n && step <= 1n) break;
    }
  }
  // Certificate: the true root lies strictly inside (Y − D, Y + D).
  if (!(powFixed(y - CERT_D, h) < HALF && powFixed(y + CERT_D, h) > HALF))
    throw new Error(`reference emission: could not certify 2^(-1/${h}) to 10^-70`);
  rootCache.set(h, y);
  return y;
};

export interface ReferenceBudget {
  /** floor(R · λ̂) with λ̂ = (S − Y)/S; equals floor(R·λ) unless `ambiguous`. */
  readonly floor: bigint;
  /**
   * True when R·λ may lie within R·10^-70 of an integer, so the certified precision cannot decide
   * between `floor` and its neighbour. (Never happened in any run; reported so a test can say so.)
   */
  readonly ambiguous: boolean;
  /** Distance of R·λ̂ from the nearest integer, as a fraction numerator over SCALE. */
  readonly distanceNumerator: bigint;
}

export const referenceBudget = (remaining: bigint, h: number): ReferenceBudget => {
  if (remaining <= 0n) return { floor: 0n, ambiguous: false, distanceNumerator: 0n };
  const lambda = SCALE - halfRootFixed(h);
  const n = remaining * lambda;
  const floor = n / SCALE;
  const frac = n % SCALE;
  const distanceNumerator = frac < SCALE - frac ? frac : SCALE - frac;
  // Error of n is below remaining·CERT_D (in 1/SCALE units); for H = 1 the root 1/2 is exact.
  // For H ≥ 2, 2^(−1/H) is irrational, so R·λ is never an integer for R > 0.
  const margin = h === 1 ? -1n : remaining * CERT_D;
  return { floor, ambiguous: frac <= margin || SCALE - frac <= margin, distanceNumerator };
};

/**
 * Compare the domain's budget with the reference. The domain computes λ with decimal.js at 50
 * significant digits (ROUND_DOWN), so its λ is within ~2·10^-50 of the true value and R·λ within
 * R·2·10^-50 ≤ 2·10^-23 for R ≤ 10^27: the two may legitimately differ by one base unit only when R·λ
 * is that close to an integer. We accept a difference only then — with a 50× margin: the exact value
 * must be within R·10^-48 of the integer between the two answers.
 */
export const budgetAgrees = (domain: bigint, remaining: bigint, h: number): { ok: boolean; nearInteger: boolean; reference: ReferenceBudget } => {
  const reference = referenceBudget(remaining, h);
  if (domain === reference.floor) return { ok: true, nearInteger: false, reference };
  const diff = domain - reference.floor;
  if (diff !== 1n && diff !== -1n) return { ok: false, nearInteger: false, reference };
  // Allowed slack, as a numerator over SCALE: R·10^-48 = R·10^32 / 10^80.
  const slack = remaining * 10n ** (SCALE_DIGITS - 48n);
  const lambda = SCALE - halfRootFixed(h);
  const frac = (remaining * lambda) % SCALE;
  // domain = floor+1: exact value just below an integer; domain = floor−1: just above one.
  const near = diff === 1n ? SCALE - frac <= slack : frac <= slack;
  return { ok: near, nearInteger: near, reference };
};
