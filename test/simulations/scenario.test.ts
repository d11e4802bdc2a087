/** Scenarios (built-ins, files with `extends`, validation) and sweeps as a Cartesian grid. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioJson, decodeScenario } from '../../simulations/load.ts';
import { BUILTIN_SCENARIOS } from '../../simulations/builtins.ts';
import { parseSweep, resolveSubsets } from '../../simulations/sweep.ts';
import { ScenarioError } from '../../simulations/errors.ts';
import { tempDir } from './support.ts';

describe('scenarios', () => {
  it('the built-ins decode', () => {
    for (const name of Object.keys(BUILTIN_SCENARIOS)) expect(decodeScenario(loadScenarioJson(name), name).name).toBe(name);
  });

  it('a file may extend a built-in and override only some fields', () => {
    const file = join(tempDir('scenario'), 'tiny.json');
    writeFileSync(file, JSON.stringify({ extends: 'bear', name: 'tiny', epochs: 10, network: { initialNodes: 3 } }));
    const [subset] = resolveSubsets(loadScenarioJson(file), [], { source: file });
    expect(subset!.scenario.name).toBe('tiny');
    expect(subset!.scenario.network.initialNodes).toBe(3);
    expect(subset!.scenario.price.driftPerYear).toBe(BUILTIN_SCENARIOS.bear!.price.driftPerYear);
  });

  it('names every bad field of a scenario file, protocol parameters included', () => {
    const file = join(tempDir('scenario'), 'bad.json');
    writeFileSync(file, JSON.stringify({ extends: 'baseline', verification: { fraudRate: 1.5 }, network: { colour: 'blue' } }));
    expect(() => resolveSubsets(loadScenarioJson(file), [], { source: file })).toThrow(/verification\.fraudRate must be a number from 0 to 1.*network\.colour is not a known field|network\.colour is not a known field.*verification\.fraudRate/);
    writeFileSync(file, JSON.stringify({ extends: 'baseline', params: { computeBps: 9000 } }));
    expect(() => resolveSubsets(loadScenarioJson(file), [], { source: file })).toThrow(/computeBps \+ stakingBps \+ verificationBps must be 10000/);
    expect(() => loadScenarioJson('no-such-scenario')).toThrow(ScenarioError);
  });
});

describe('sweeps', () => {
  it('a two-axis sweep yields one subset per grid point, the first axis varying slowest', () => {
    const subsets = resolveSubsets(
      loadScenarioJson('baseline'),
      [parseSweep('halfLifeEpochs=730,1461'), parseSweep('stakerShareBps=3000,5000')],
      { source: 'baseline', epochs: 10, runs: 2 },
    );
    expect(subsets.map((s) => s.label)).toEqual([
      'halfLifeEpochs=730 stakerShareBps=3000',
      'halfLifeEpochs=730 stakerShareBps=5000',
      'halfLifeEpochs=1461 stakerShareBps=3000',
      'halfLifeEpochs=1461 stakerShareBps=5000',
    ]);
    expect(subsets.map((s) => [s.params.halfLifeEpochs, s.params.stakerShareBps])).toEqual([
      [730, 3000],
      [730, 5000],
      [1461, 3000],
      [1461, 5000],
    ]);
    expect(subsets.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(subsets.every((s) => s.scenario.epochs === 10 && s.scenario.runs === 2)).toBe(true);
  });

  it('sweeps scenario fields by dotted path, and amounts as decimal strings', () => {
    const subsets = resolveSubsets(
      loadScenarioJson('baseline'),
      [parseSweep('network.churnPerEpoch=0.001,0.01'), parseSweep('maxSupply=2000000000000000000000000000')],
      { source: 'baseline' },
    );
    expect(subsets.map((s) => s.scenario.network.churnPerEpoch)).toEqual([0.001, 0.01]);
    expect(subsets[0]!.params.maxSupply).toBe(2n * 10n ** 27n);
  });

  it('refuses unknown keys, malformed specs and values the codecs reject', () => {
    const base = loadScenarioJson('baseline');
    expect(() => resolveSubsets(base, [parseSweep('halfLife=1,2')], { source: 'b' })).toThrow(/no protocol parameter or scenario field/);
    expect(() => parseSweep('halfLifeEpochs')).toThrow(/key=value1,value2/);
    expect(() => resolveSubsets(base, [parseSweep('halfLifeEpochs=0')], { source: 'b' })).toThrow(/halfLifeEpochs must be a whole number from 1/);
    expect(() => resolveSubsets(base, [parseSweep('runs=1,2')], { source: 'b' })).toThrow(/cannot be swept/);
  });
});
