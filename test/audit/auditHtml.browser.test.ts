/**
 * audit.html in headless Chromium (Debian's, never a downloaded one): the verdict comes first, the
 * supply chart is drawn (its lines have a real extent on the page), the tables and findings are
 * there, and a full-page screenshot is taken. AUDIT_SCREENSHOT=<path.png> keeps the screenshot.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { browserChecksEnabled, launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, writeAuditFiles } from '../../adapters/audit/index.ts';
import { writeSyntheticLog } from '../bench/audit.bench.ts';
import { edited, indexOfType, readLog, withData, writeLog } from './tamper.ts';

const browserChecks = browserChecksEnabled('auditHtml.browser.test.ts');
const EPOCHS = 40;

let dir: string;
let browser: Browser;
let htmlPath: string;

beforeAll(async () => {
  if (!browserChecks) return;
  dir = await mkdtemp(join(tmpdir(), 'cxt-audit-html-'));
  const log = join(dir, 'events.jsonl');
  await writeSyntheticLog(log, { nodes: 12, contributionsPerNode: 1, epochs: EPOCHS });
  // One tampered close, so the findings section has something to show.
  const lines = readLog(log);
  writeLog(log, edited(lines, indexOfType(lines, 'EpochClosed', 7), withData({ minted: '1' })));
  const report = await runAudit({ eventsPath: log, hashWorkers: 0 });
  htmlPath = (await writeAuditFiles(join(dir, 'out'), report)).html;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!browserChecks)('audit.html in Chromium', () => {
  it('shows the verdict first, draws the supply chart, lists epochs and findings; screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(htmlPath).href);
    const verdict = page.locator('[data-verdict]');
    expect(await verdict.getAttribute('data-verdict')).toBe('findings');
    const verdictTop = (await verdict.boundingBox())!.y;
    const chartBox = await page.locator('svg[data-chart="supply"]').boundingBox();
    expect(chartBox!.y).toBeGreaterThan(verdictTop);

    for (const series of ['minted', 'circulating']) {
      const line = page.locator(`svg[data-chart="supply"] path.series-line[data-series="${series}"]`);
      const box = (await line.boundingBox())!;
      expect(box.width).toBeGreaterThan(400);
      expect(box.height).toBeGreaterThan(100);
    }
    expect(await page.locator('table[data-table="epochs"] tbody tr').count()).toBe(EPOCHS);
    const findings = page.locator('table[data-table="findings"] tbody tr');
    expect(await findings.count()).toBe(2);
    expect(await findings.nth(1).textContent()).toContain('minted');

    const png = join(dir, 'audit.png');
    await page.screenshot({ path: png, fullPage: true });
    expect((await stat(png)).size).toBeGreaterThan(20_000);
    if (process.env.AUDIT_SCREENSHOT) await copyFile(png, process.env.AUDIT_SCREENSHOT);
    await page.close();
  });
});
