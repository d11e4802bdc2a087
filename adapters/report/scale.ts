/** Axis arithmetic for charts: linear scales, "nice" tick steps and compact tick labels. */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

export const linearScale = (domain: readonly [number, number], range: readonly [number, number]): LinearScale => {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as LinearScale;
  return Object.assign(scale, { domain });
};

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over [lo, hi]. */
export const niceStep = (lo: number, hi: number, count: number): number => {
  const rough = (hi - lo) / Math.max(1, count);
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
};

/** The domain widened to whole steps, and its ticks. */
export const niceTicks = (lo: number, hi: number, count = 5): { domain: [number, number]; ticks: number[] } => {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const step = niceStep(lo, hi, count);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step / 1e6; i++) ticks.push(Number((start + i * step).toPrecision(12)));
  return { domain: [start, end], ticks };
};

const SUFFIXES: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 1500000 → "1.5M", 0.25 → "0.25". */
export const compactNumber = (v: number): string => {
  const abs = Math.abs(v);
  for (const [size, suffix] of SUFFIXES) if (abs >= size) return `${Number((v / size).toPrecision(3))}${suffix}`;
  return String(Number(v.toPrecision(3)));
};

export const percent = (v: number): string => `${Number((v * 100).toPrecision(3))}%`;
