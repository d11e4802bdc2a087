/**
 * Debian's Chromium for report tests, driven by playwright-core (never a downloaded browser).
 * Locally a missing chromium skips the browser checks with a warning; under CI=true they must run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium from reaching the network this machine does not have. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const installed = existsSync(CHROMIUM_PATH);

/** Whether browser suites run: always under CI (where a missing chromium must fail), else when installed. */
export const browserChecksEnabled = (suite: string): boolean => {
  if (installed || process.env.CI === 'true') return true;
  console.warn(`${suite}: ${CHROMIUM_PATH} not found; the browser checks are skipped (apt-get install chromium)`);
  return false;
};

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
