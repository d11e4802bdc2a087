/**
 * `cxt simulate --sensitivity spec.json`: which parameters move which outputs, measured through the
 * same runs as everything else (the production rules, every invariant at every close).
 *
 * - One at a time (the tornado): every factor at its low and its high end, the others at the
 *   scenario's own values; the swing y(high) − y(low) per output.
 * - Morris elementary effects (Morris 1991; μ* of Campolongo et al. 2007): r trajectories on a
 *   p-level grid of the unit cube, each moving one factor at a time by Δ = p / (2(p − 1));
 *   EE = (y(x + Δ·eᵢ) − y(x)) / Δ. μ* = mean |EE| ranks influence, σ = sd(EE) flags interaction or
 *   non-linearity. A factor that cannot move an output has every EE exactly 0 there.
 *
 * Every point is the scenario's runs averaged, all points on the same random streams per run
 * (common random numbers), so an effect is the parameters' and not noise. The design's own draws
 * (start points, factor orders) come from a stream of the seed.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { strictObject } from '../domain/codecs.ts';
import { ScenarioError } from './errors.ts';
import { loadScenarioJson } from './load.ts';
import { OUTPUTS, outputNamed } from './outputs.ts';
import { mean, standardDeviation } from './pairedStats.ts';
import { runTasks } from './pool.ts';
import { prngFor } from './prng.ts';
import { pickIndex } from './random.ts';
import { resolveSubsets, type Subset } from './sweep.ts';
import type { RunTask } from './task.ts';

const FactorCodec = strictObject('Factor', { key: t.string, min: t.number, max: t.number });
export const SensitivitySpecCodec = strictObject(
  'SensitivitySpec',
  { scenario: t.string, factors: t.array(FactorCodec) },
  { outputs: t.array(t.string), levels: t.number, trajectories: t.number },
);
export type SensitivitySpec = t.TypeOf<typeof SensitivitySpecCodec>;
export type Factor = t.TypeOf<typeof FactorCodec>;

/** The outputs screened when the spec names none: the ones a decision on these parameters turns on. */
export const DEFAULT_SENSITIVITY_OUTPUTS = ['stakingRatioYear1', 'stakingRatioYear4', 'stakingAprYear1', 'stakingAprYear4', 'finalInflation', 'circulating', 'meanOperatorReturn', 'buybackBurned'];

export const decodeSensitivitySpec = (json: unknown, source: string): Required<SensitivitySpec> => {
  const decoded = SensitivitySpecCodec.decode(json);
  if (isLeft(decoded)) throw new ScenarioError(`${source}: ${decoded.left.map((e) => e.message ?? `${e.context.map((c) => c.key).filter(Boolean).join('.')} is invalid`).join('; ')}`);
  const spec = decoded.right;
  if (spec.factors.length === 0) throw new ScenarioError(`${source}: factors must name at least one parameter`);
  for (const f of spec.factors) if (!(Number.isFinite(f.min) && Number.isFinite(f.max) && f.min < f.max)) throw new ScenarioError(`${source}: factor ${f.key} needs min < max`);
  if (new Set(spec.factors.map((f) => f.key)).size !== spec.factors.length) throw new ScenarioError(`${source}: a factor is named twice`);
  const outputs = spec.outputs ?? DEFAULT_SENSITIVITY_OUTPUTS;
  for (const o of outputs) if (!outputNamed(o)) throw new ScenarioError(`${source}: output ${o} is not one of ${OUTPUTS.map((x) => x.name).join(', ')}`);
  const levels = spec.levels ?? 4;
  const trajectories = spec.trajectories ?? 10;
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0) throw new ScenarioError(`${source}: levels must be an even whole number ≥ 2`);
  if (!Number.isInteger(trajectories) || trajectories < 1) throw new ScenarioError(`${source}: trajectories must be a whole number ≥ 1`);
  return { ...spec, outputs, levels, trajectories };
};

/** A point of the design: a value per factor key (in the factor's own units). */
type Point = Readonly<Record<string, number>>;

/** Unit-cube coordinate to the factor's value; whole numbers stay whole (epochs, bps). */
const valueAt = (f: Factor, unit: number): number => {
  const v = f.min + unit * (f.max - f.min);
  return Number.isInteger(f.min) && Number.isInteger(f.max) ? Math.round(v) : v;
};

/** The r·(k + 1) points of Morris trajectories, and which factor each step moved. */
export const morrisDesign = (factors: readonly Factor[], levels: number, trajectories: number, seed: number) => {
  const rng = prngFor(seed, 0x4d4f_5252, 0); // "MORR": the design's own stream
  const delta = levels / (2 * (levels - 1));
  // Start levels i/(p−1) with i/(p−1) + Δ ≤ 1: the first p/2 levels.
  const starts = Array.from({ length: levels / 2 }, (_, i) => i / (levels - 1));
  const paths: { points: number[][]; moved: number[] }[] = [];
  for (let r = 0; r < trajectories; r++) {
    const x = factors.map(() => starts[pickIndex(rng, starts.length)]!);
    const order = factors.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = pickIndex(rng, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const points = [[...x]];
    for (const i of order) {
      x[i] = x[i]! + delta;
      points.push([...x]);
    }
    paths.push({ points, moved: order });
  }
  return { delta, paths };
};

export interface FactorEffect {
  readonly factor: string;
  readonly low: number;
  readonly high: number;
  /** y at the factor's high end minus y at its low end, the others at the scenario's values. */
  readonly swing: number;
  readonly yLow: number;
  readonly yHigh: number;
  readonly muStar: number;
  readonly mu: number;
  readonly sigma: number;
  /** 1 = most influential by μ*. */
  readonly rank: number;
}

export interface OutputSensitivity {
  readonly output: string;
  readonly description: string;
  readonly base: number;
  readonly factors: readonly FactorEffect[];
}

export interface SensitivityOptions {
  readonly spec: Required<SensitivitySpec>;
  readonly source: string;
  readonly outDir: string;
  readonly seed: number;
  readonly epochs?: number;
  readonly runs?: number;
  readonly workers: number;
  readonly progress?: { start(totalEpochs: number): void; advance(epochs: number): void; stop(): void };
}

export interface SensitivityResult {
  readonly outputs: readonly OutputSensitivity[];
  readonly evaluations: number;
  readonly runs: number;
  readonly epochs: number;
}

/** Each point's mean of every output over the runs, every point on the same streams per run. */
const evaluate = async (o: SensitivityOptions, points: readonly Point[]): Promise<number[][]> => {
  const base = loadScenarioJson(o.spec.scenario);
  const subsets: Subset[] = points.map((p, index) => {
    const axes = Object.entries(p).map(([key, v]) => ({ key, values: [String(v)] }));
    const [s] = resolveSubsets(base, axes, { source: o.spec.scenario, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.runs !== undefined ? { runs: o.runs } : {}) });
    return { ...s!, index };
  });
  const { runs, epochs } = subsets[0]!.scenario;
  const tmp = mkdtempSync(join(o.outDir, '.sensitivity-'));
  try {
    const tasks: RunTask[] = subsets.flatMap((subset) =>
      Array.from({ length: runs }, (_, run) => ({ index: subset.index * runs + run, job: { subset, run, seed: o.seed }, rowsPath: join(tmp, `rows-${subset.index}-${run}.csv`) })),
    );
    o.progress?.start(tasks.length * epochs);
    const outcomes = await runTasks(tasks, { workers: o.workers, onProgress: (n) => o.progress?.advance(n) }).finally(() => o.progress?.stop());
    return subsets.map((s) =>
      o.spec.outputs.map((name) => {
        const ys = outcomes.filter((r) => r.subset === s.index).map((r) => outputNamed(name)!.of(r.headline));
        if (ys.some((y) => y === null)) throw new ScenarioError(`output ${name} needs a longer horizon than ${epochs} epochs`);
        return mean(ys as number[]);
      }),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
};

export const runSensitivity = async (o: SensitivityOptions): Promise<SensitivityResult> => {
  const { factors, levels, trajectories, outputs } = o.spec;
  const scenario = resolveSubsets(loadScenarioJson(o.spec.scenario), [], { source: o.spec.scenario, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.runs !== undefined ? { runs: o.runs } : {}) })[0]!;
  const design = morrisDesign(factors, levels, trajectories, o.seed);
  const oat: Point[] = [{}, ...factors.flatMap((f) => [{ [f.key]: f.min }, { [f.key]: f.max }])];
  const morris: Point[] = design.paths.flatMap((p) => p.points.map((x) => Object.fromEntries(factors.map((f, i) => [f.key, valueAt(f, x[i]!)]))));
  const ys = await evaluate(o, [...oat, ...morris]);
  const [baseY, ...rest] = ys;
  const oatY = rest.slice(0, 2 * factors.length);
  const morrisY = rest.slice(2 * factors.length);

  const result: OutputSensitivity[] = outputs.map((name, k) => {
    const effects = factors.map((f, i) => {
      const ee: number[] = [];
      design.paths.forEach((path, r) => {
        const at = r * (factors.length + 1);
        path.moved.forEach((moved, step) => {
          if (moved === i) ee.push((morrisY[at + step + 1]![k]! - morrisY[at + step]![k]!) / design.delta);
        });
      });
      const yLow = oatY[2 * i]![k]!;
      const yHigh = oatY[2 * i + 1]![k]!;
      return { factor: f.key, low: f.min, high: f.max, swing: yHigh - yLow, yLow, yHigh, muStar: mean(ee.map(Math.abs)), mu: mean(ee), sigma: ee.length > 1 ? standardDeviation(ee) : 0 };
    });
    const ranked = [...effects].sort((a, b) => b.muStar - a.muStar);
    return {
      output: name,
      description: outputNamed(name)!.description,
      base: baseY![k]!,
      factors: effects.map((e) => ({ ...e, rank: ranked.indexOf(e) + 1 })),
    };
  });
  return { outputs: result, evaluations: ys.length, runs: scenario.scenario.runs, epochs: scenario.scenario.epochs };
};
