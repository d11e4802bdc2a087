/** Shared set-ups for the simulation tests: small scenarios layered on the baseline, run in-process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioJson } from '../../simulations/load.ts';
import { deepMerge, type Json, type JsonObject } from '../../simulations/json.ts';
import { resolveSubsets, type Subset } from '../../simulations/sweep.ts';
import { simulateRun, type RunHooks, type RunOutcome } from '../../simulations/run.ts';

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `cxt-${prefix}-`));

/** The baseline with `overrides` laid over it, resolved to its single subset. */
export const subsetOf = (overrides: Json): Subset => {
  const json = deepMerge(loadScenarioJson('baseline'), overrides) as JsonObject;
  return resolveSubsets(json, [], { source: 'test' })[0]!;
};

export interface ParsedRow {
  readonly epoch: number;
  readonly budget: bigint;
  readonly minted: bigint;
  readonly mintedTotal: bigint;
  readonly burnedTotal: bigint;
  readonly revenue: bigint;
  readonly staked: bigint;
}

const parseRow = (line: string): ParsedRow => {
  const c = line.split(',');
  return {
    epoch: Number(c[2]),
    budget: BigInt(c[3]!),
    minted: BigInt(c[4]!),
    mintedTotal: BigInt(c[5]!),
    burnedTotal: BigInt(c[6]!),
    staked: BigInt(c[8]!),
    revenue: BigInt(c[12]!),
  };
};

export const runInProcess = (subset: Subset, hooks: RunHooks = {}, run = 0, seed = 1): { rows: ParsedRow[]; outcome: RunOutcome } => {
  const rows: ParsedRow[] = [];
  const outcome = simulateRun({ subset, run, seed }, { onRow: (line) => rows.push(parseRow(line)) }, hooks);
  return { rows, outcome };
};

/**
 * Full participation: every pool has weight in every epoch from epoch 0 —
 * compute (nodes always up, all work verified), verification (hence verdicts every epoch) and staking
 * (stake bonded in the genesis window, active from epoch 0, and never moved afterwards).
 */
export const fullParticipation = (halfLifeEpochs: number, epochs: number): Json => ({
  epochs,
  runs: 1,
  params: { halfLifeEpochs },
  network: { initialNodes: 4, maxNodes: 4, growthPerEpoch: 0, churnPerEpoch: 0, uptime: 1 },
  verification: { invalidRate: 0, fraudRate: 0 },
  staking: { initialStakeCxt: 10_000, initialStakers: 2, adjustPerEpoch: 0, exitPerEpoch: 0 },
});
