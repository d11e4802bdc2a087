/**
 * Seeded pseudo-random numbers for behaviour (never for money rules): sfc32, Chris Doty-Humphrey's
 * Small Fast Counter generator from PractRand — 128-bit state, passes BigCrush, and is pure 32-bit
 * integer arithmetic, so the same seed gives the same stream on every machine.
 */

export interface Prng {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  readonly next: () => number;
  /** Uniform 32-bit unsigned integer. */
  readonly nextUint32: () => number;
}

export const sfc32 = (seedA: number, seedB: number, seedC: number, seedD: number): Prng => {
  let a = seedA >>> 0;
  let b = seedB >>> 0;
  let c = seedC >>> 0;
  let d = seedD >>> 0;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  return { nextUint32, next: () => nextUint32() / 4_294_967_296 };
};

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
const fmix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** Folds any number of 32-bit words into one well-mixed word, order-sensitive. */
const mixWords = (salt: number, words: readonly number[]): number => {
  let h = salt >>> 0;
  for (const w of words) h = fmix32((h ^ fmix32(w >>> 0)) + 0x9e37_79b9);
  return h;
};

/** One generator for any key of 32-bit words: independent streams for distinct keys. */
const prngOf = (words: readonly number[]): Prng => {
  const rng = sfc32(mixWords(0x243f_6a88, words), mixWords(0x85a3_08d3, words), mixWords(0x1319_8a2e, words), mixWords(0x0370_7344, words));
  // sfc32's authors advise discarding the first outputs so a weak seed cannot show through.
  for (let i = 0; i < 15; i++) rng.nextUint32();
  return rng;
};

const seedWords = (seed: number): number[] => [seed >>> 0, Math.floor(seed / 4_294_967_296) >>> 0];

/** A stream of its own for a (seed, subset, run): what runs used before common random numbers. */
export const prngFor = (seed: number, subset: number, run: number): Prng => prngOf([...seedWords(seed), subset, run]);

/**
 * What each part of a run draws from. A stream of its own per concern, so a parameter of one
 * concern never shifts another's draws (more nodes draw more work units, not other prices).
 */
export const STREAMS = ['network', 'work', 'staking', 'demand', 'tasks', 'price'] as const;
export type StreamName = (typeof STREAMS)[number];
export type RunStreams = Readonly<Record<StreamName, Prng>>;

/**
 * Common random numbers: the streams of run r depend on the seed and r only, not on the subset —
 * every subset of a sweep, and both sides of a comparison, see the same draws in run r, so their
 * difference is the parameters' effect and not noise.
 */
export const runStreams = (seed: number, run: number): RunStreams =>
  Object.fromEntries(STREAMS.map((name, i) => [name, prngOf([...seedWords(seed), 0x5eed_0000 + i, run])])) as Record<StreamName, Prng>;
