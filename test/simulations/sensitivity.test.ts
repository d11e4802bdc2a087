/**
 * Sensitivity analysis (issue 14): the Morris screening ranks a parameter that cannot affect an
 * output last for it (μ* exactly 0: the number of verifiers splits the verification pool among
 * more accounts but mints, stakes and burns the same), the tornado's swings come from the
 * one-at-a-time runs, and `cxt simulate --sensitivity` writes the JSON and a report with a tornado
 * chart per output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { browserChecksEnabled, launchChromium } from '../support/chromium.ts';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import type { CliIo } from '../../adapters/cli/command.ts';
import { decodeSensitivitySpec, morrisDesign, runSensitivity } from '../../simulations/sensitivity.ts';
import { tempDir } from './support.ts';

const SPEC = {
  scenario: 'baseline',
  factors: [
    { key: 'verification.verifiers', min: 1, max: 9 },
    { key: 'halfLifeEpochs', min: 730, max: 2922 },
    { key: 'buyback.spendShare', min: 0, max: 0.5 },
  ],
  outputs: ['circulating', 'finalStakingRatio'],
  levels: 4,
  trajectories: 3,
};

describe('sensitivity analysis', () => {
  it('a Morris design moves one factor at a time by Δ = p / (2(p − 1)) and stays in the unit cube', () => {
    const { delta, paths } = morrisDesign(decodeSensitivitySpec(SPEC, 'spec').factors, 4, 5, 9);
    expect(delta).toBeCloseTo(2 / 3);
    for (const { points, moved } of paths) {
      expect(points).toHaveLength(4);
      expect([...moved].sort()).toEqual([0, 1, 2]);
      moved.forEach((i, step) => {
        const change = points[step + 1]!.map((x, j) => x - points[step]![j]!);
        expect(change.filter((d) => d !== 0)).toHaveLength(1);
        expect(change[i]).toBeCloseTo(delta);
      });
      for (const x of points.flat()) expect(x >= 0 && x <= 1).toBe(true);
    }
  });

  it('ranks a parameter that cannot affect an output last for it, with μ* and the swing exactly 0', async () => {
    const dir = tempDir('sens');
    const result = await runSensitivity({ spec: decodeSensitivitySpec(SPEC, 'spec'), source: 'spec', outDir: dir, seed: 4, epochs: 20, runs: 2, workers: 2 });
    expect(result.evaluations).toBe(1 + 2 * 3 + 3 * 4);
    const circulating = result.outputs.find((o) => o.output === 'circulating')!;
    const verifiers = circulating.factors.find((f) => f.factor === 'verification.verifiers')!;
    expect(verifiers).toMatchObject({ muStar: 0, mu: 0, sigma: 0, swing: 0, rank: 3 });
    const halfLife = circulating.factors.find((f) => f.factor === 'halfLifeEpochs')!;
    expect(halfLife.rank).toBe(1);
    // A longer half-life emits less per epoch: circulating falls as it rises.
    expect(halfLife.swing).toBeLessThan(0);
    expect(halfLife.muStar).toBeGreaterThan(0);
  });

  it('cxt simulate --sensitivity writes sensitivity.json and a report with a tornado chart per output', async () => {
    const dir = tempDir('sens-cli');
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(SPEC));
    const out: string[] = [];
    const io: CliIo = { isTty: false, stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
    expect(await main(['simulate', '--sensitivity', spec, '--epochs', '12', '--runs', '1', '--seed', '3', '--workers', '2', '--out', dir], io)).toBe(0);
    expect(out.join('\n')).toMatch(/circulating: halfLifeEpochs \(μ\* [^)]+\) > buyback\.spendShare \(μ\* [^)]+\) > verification\.verifiers \(μ\* 0\.00\)/);
    const json = JSON.parse(readFileSync(join(dir, 'sensitivity.json'), 'utf8'));
    expect(json.outputs.map((o: { output: string }) => o.output)).toEqual(['circulating', 'finalStakingRatio']);
    const html = readFileSync(join(dir, 'sensitivity.html'), 'utf8');
    expect(html.match(/data-chart="tornado-/g)).toHaveLength(2);
    expect(html).toContain('data-table="morris-circulating"');
    if (browserChecksEnabled('sensitivity report')) {
      // In Chromium: each tornado draws a bar per factor, and the influential ones have width.
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(join(dir, 'sensitivity.html')).href);
        const widths = await page.locator('svg[data-chart="tornado-circulating"] rect[data-factor]').evaluateAll((rects) =>
          Object.fromEntries(rects.map((r) => [r.getAttribute('data-factor'), Number(r.getAttribute('width'))])),
        );
        expect(Object.keys(widths).sort()).toEqual(['buyback.spendShare', 'halfLifeEpochs', 'verification.verifiers']);
        expect(widths['halfLifeEpochs']).toBeGreaterThan(100);
        expect(widths['verification.verifiers']).toBe(1);
        expect((await page.screenshot({ fullPage: true })).length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    }

    writeFileSync(spec, JSON.stringify({ ...SPEC, factors: [{ key: 'halfLifeEpochs', min: 5, max: 1 }] }));
    expect(await main(['simulate', '--sensitivity', spec, '--out', dir], io)).toBe(1);
    expect(out.at(-1)).toMatch(/factor halfLifeEpochs needs min < max/);
  });
});
