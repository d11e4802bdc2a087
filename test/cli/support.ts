/**
 * Runs the real package bin in a child process, as an operator's shell would. The bin runs dist/
 * when it exists, so a dist/ older than the sources would test yesterday's code: refused here with
 * the command that fixes it (`npm test` rebuilds first; CI builds on `npm ci`).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin/cxt.mjs');
export const COMPILED_MAIN = join(ROOT, 'dist/adapters/cli/main.js');
const SOURCE_FOLDERS = ['domain', 'projections', 'adapters', 'simulations'];

const newestSource = (): { path: string; mtimeMs: number } => {
  let newest = { path: '', mtimeMs: 0 };
  for (const folder of SOURCE_FOLDERS)
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const { mtimeMs } = statSync(path);
      if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
    }
  return newest;
};

/** Throws when dist/ exists but is older than a source file. */
export const assertDistIsCurrent = (): void => {
  if (!existsSync(COMPILED_MAIN)) return;
  const built = statSync(COMPILED_MAIN).mtimeMs;
  const newest = newestSource();
  if (newest.mtimeMs > built) throw new Error(`dist/ is older than ${newest.path}: run \`npm run build\` (npm test does it first)`);
};

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const cxt = (args: readonly string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {}): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...args],
      // A regression that starts real work instead of refusing must not outlive the test.
      { cwd: ROOT, env: options.env ?? process.env, maxBuffer: 1 << 22, timeout: 100_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

export const firstLine = (text: string): string => text.split('\n')[0] ?? '';
