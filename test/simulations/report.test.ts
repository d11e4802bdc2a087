/**
 * report.html renders in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
 * no browser is downloaded) with its charts drawn: every chart has its lines and bands with
 * non-trivial bounding boxes, and the screenshot is not blank. Skipped with a warning when Chromium
 * is not installed, except under CI=true.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserChecksEnabled, launchChromium } from '../support/chromium.ts';
import { INVARIANTS } from '../../domain/invariants.ts';
import { simulate } from '../../simulations/runner.ts';
import { parseSweep } from '../../simulations/sweep.ts';
import { escapeHtml, lineChart, page as reportPage, table } from '../../adapters/report/index.ts';
import { tempDir } from './support.ts';

const browserChecks = browserChecksEnabled('report.test.ts');
/** This project type-checks without the DOM lib; these are the few browser shapes the page functions use. */
interface Box { width: number; height: number }
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface BrowserGlobals {
  Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
  document: { createElement(tag: 'canvas'): Canvas };
}

const CHARTS = ['supply', 'emission-burns', 'apr', 'staking-ratio', 'rewards', 'inflation', 'price', 'revenue', 'nodes', 'market-cap', 'yield', 'revenue-to-emission', 'operator-return'];

describe('report kit', () => {
  it('escapes every text it is given', () => {
    const html = reportPage({ title: '<t>', body: [table({ columns: ['a&b'], rows: [['<script>x</script>']] })] });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('<title>&lt;t&gt;</title>');
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
    expect(lineChart({ id: 'x', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: '"n"', points: [{ x: 0, y: 1 }] }] }).html).toContain('data-series="&quot;n&quot;"');
  });

  it('loads nothing from elsewhere', () => {
    const html = reportPage({ title: 't', body: [lineChart({ id: 'c', title: 't', xLabel: 'x', yLabel: 'y', series: [] })] });
    expect(html).not.toMatch(/<script|<link|src=|@import|url\((?!#)/);
  });
});

describe.skipIf(!browserChecks)('report.html in headless Chromium', () => {
  let browser: Browser;
  let reportUrl: string;
  const dir = tempDir('sim-report');

  beforeAll(async () => {
    await simulate({ scenario: 'baseline', outDir: dir, seed: 5, epochs: 150, runs: 3, sweeps: [parseSweep('halfLifeEpochs=365,1461')], workers: 2 });
    reportUrl = pathToFileURL(join(dir, 'report.html')).href;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart: lines span the plot, bands have area, the screenshot is not blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1240, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(reportUrl);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = (el: unknown): Box => (el as { getBBox(): Box }).getBBox();
        const plot = box(svg.querySelector('rect[fill="#fff"]')!);
        return {
          id: svg.getAttribute('data-chart'),
          plotWidth: plot.width,
          lines: [...svg.querySelectorAll('path.series-line')].map((p) => ({ width: box(p).width, height: box(p).height, d: p.getAttribute('d') ?? '' })),
          bands: [...svg.querySelectorAll('path.series-band')].map((p) => ({ width: box(p).width, height: box(p).height })),
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of charts) {
      expect(c.lines.length, `${c.id}: one line per subset and metric`).toBeGreaterThanOrEqual(2);
      for (const l of c.lines) {
        expect(l.d.split('L').length, `${c.id}: a line through many epochs`).toBeGreaterThan(100);
        expect(l.width, `${c.id}: a line across the plot`).toBeGreaterThan(c.plotWidth * 0.9);
      }
      expect(Math.max(...c.lines.map((l) => l.height)), `${c.id}: lines that are not flat`).toBeGreaterThan(5);
      expect(c.bands.length, `${c.id}: a p5–p95 band per line`).toBe(c.lines.length);
    }
    const widestBand = Math.max(...charts.flatMap((c) => c.bands.map((b) => b.height)));
    expect(widestBand).toBeGreaterThan(20);
    expect(await page.locator('table[data-table="invariants"] td.ok').count()).toBe(2 * 3 * INVARIANTS.length); // 2 subsets × 3 runs × every invariant
    expect(await page.locator('table[data-table="invariants"] td.bad').count()).toBe(0);
    // The supply cap is drawn (one line: both subsets share the max supply), and the subsets are
    // compared side by side; the lead states the horizon actually run.
    expect(await page.locator('svg[data-chart="supply"] line.reference[data-series="max supply"]').count()).toBe(1);
    expect(await page.locator('table[data-table="subsets"] thead th').allTextContents()).toEqual(['output', 'halfLifeEpochs=365', 'halfLifeEpochs=1461']);
    // A shorter half-life mints more: circulating differs, and the price path (common random numbers) does not.
    const cells = async (output: string) => page.locator('table[data-table="subsets"] tr', { hasText: output }).first().locator('td').allTextContents();
    const circulating = await cells('circulating');
    expect(circulating[1]).not.toBe(circulating[2]);
    const price = await cells('finalPrice');
    expect(price[1]).toBe(price[2]);
    expect(await page.locator('p', { hasText: 'Horizon: 150 epochs (0.411 years)' }).count()).toBe(1);

    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(dir, 'report.png'), png);
    // Decode the screenshot in the browser itself and look at its pixels.
    const pixels = await page.evaluate(async (base64) => {
      const { Image, document } = globalThis as unknown as BrowserGlobals;
      const img = new Image();
      img.src = `data:image/png;base64,${base64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const colours = new Set<number>();
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        colours.add((r << 16) | (g << 8) | b);
        if (r < 235 || g < 235 || b < 235) inked++;
      }
      return { width: img.width, height: img.height, colours: colours.size, inkedShare: inked / (data.length / 4) };
    }, png.toString('base64'));
    expect(pixels.width).toBe(1240);
    expect(pixels.height).toBeGreaterThan(2000);
    expect(pixels.colours).toBeGreaterThan(50);
    expect(pixels.inkedShare).toBeGreaterThan(0.03);
    await page.close();
  });
});
