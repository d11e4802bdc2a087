/**
 * Sweeps: `--sweep halfLifeEpochs=730,1461 --sweep stakerShareBps=3000,5000` is a Cartesian grid;
 * each grid point is a subset with its own effective parameters. Keys name a protocol parameter
 * (`halfLifeEpochs`, or `params.kindWeightBps.training`) or a scenario field (`network.churnPerEpoch`).
 */
import type { ProtocolParams } from '../domain/index.ts';
import { ScenarioError } from './errors.ts';
import { getPath, setPath, type Json, type JsonObject } from './json.ts';
import { decodeScenario, defaultParamsJson, resolveParams } from './load.ts';
import type { Scenario } from './scenario.ts';

export interface SweepAxis {
  readonly key: string;
  readonly values: readonly string[];
}

export interface Subset {
  readonly index: number;
  /** "halfLifeEpochs=730 stakerShareBps=3000", or the scenario name without sweeps. */
  readonly label: string;
  readonly sweep: Readonly<Record<string, Json>>;
  readonly scenario: Scenario;
  readonly params: ProtocolParams;
}

export const parseSweep = (spec: string): SweepAxis => {
  const eq = spec.indexOf('=');
  const key = spec.slice(0, eq).trim();
  const values = spec.slice(eq + 1).split(',').map((v) => v.trim());
  if (eq <= 0 || values.some((v) => v === '')) throw new ScenarioError(`--sweep ${spec} must look like key=value1,value2`);
  if (new Set(values).size !== values.length) throw new ScenarioError(`--sweep ${spec} lists a value twice`);
  return { key, values };
};

/** Every combination, the first axis varying slowest (so subsets read like nested loops). */
export const cartesian = <T>(axes: readonly (readonly T[])[]): T[][] =>
  axes.reduce<T[][]>((acc, axis) => acc.flatMap((prefix) => axis.map((v) => [...prefix, v])), [[]]);

const pathOf = (key: string): string[] => {
  if (key.startsWith('params.')) return key.split('.');
  if (key in defaultParamsJson()) return ['params', key];
  return key.split('.');
};

/** Reads a sweep value as the type of the value it replaces, so "730" stays a number and "1e27" an amount string. */
const coerce = (key: string, raw: string, current: Json | undefined): Json => {
  if (typeof current === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ScenarioError(`--sweep ${key}: ${raw} is not a number`);
    return n;
  }
  if (typeof current === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new ScenarioError(`--sweep ${key}: ${raw} must be true or false`);
    return raw === 'true';
  }
  if (typeof current === 'string') return raw;
  try {
    return JSON.parse(raw) as Json;
  } catch {
    throw new ScenarioError(`--sweep ${key}: ${raw} is not valid JSON for a structured field`);
  }
};

const currentValue = (scenarioJson: JsonObject, path: readonly string[]): Json | undefined => {
  if (path[0] !== 'params') return getPath(scenarioJson, path);
  return getPath(scenarioJson, path) ?? getPath(defaultParamsJson(), path.slice(1));
};

export interface SubsetOptions {
  readonly source: string;
  readonly epochs?: number;
  readonly runs?: number;
}

export const resolveSubsets = (scenarioJson: JsonObject, axes: readonly SweepAxis[], options: SubsetOptions): Subset[] => {
  const keys = axes.map((a) => a.key);
  if (new Set(keys).size !== keys.length) throw new ScenarioError('each --sweep key may appear only once');
  let base = scenarioJson;
  if (options.epochs !== undefined) base = setPath(base, ['epochs'], options.epochs);
  if (options.runs !== undefined) base = setPath(base, ['runs'], options.runs);
  for (const axis of axes) {
    const path = pathOf(axis.key);
    if (['name', 'description', 'epochs', 'runs'].includes(path[0]!) && path.length === 1)
      throw new ScenarioError(`--sweep ${axis.key}: the scenario's ${path[0]} is the same for every subset and cannot be swept`);
    if (currentValue(base, path) === undefined) throw new ScenarioError(`--sweep ${axis.key}: no protocol parameter or scenario field has that name`);
  }
  const points = cartesian(axes.map((a) => a.values.map((raw) => ({ key: a.key, raw }))));
  return points.map((point, index) => {
    let json = base;
    const sweep: Record<string, Json> = {};
    for (const { key, raw } of point) {
      const path = pathOf(key);
      const value = coerce(key, raw, currentValue(base, path));
      json = setPath(json, path, value);
      sweep[key] = value;
    }
    const label = point.length === 0 ? String(base.name ?? options.source) : point.map(({ key, raw }) => `${key}=${raw}`).join(' ');
    const where = point.length === 0 ? options.source : `${options.source} [${label}]`;
    const scenario = decodeScenario(json, where);
    return { index, label, sweep, scenario, params: resolveParams(scenario.params, where) };
  });
};
