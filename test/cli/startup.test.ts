/**
 * `cxt` startup through the real bin: --version, help from the registry alone (no npm package, no
 * domain or simulation module loaded), command groups, and — under CI, where `npm ci` built it —
 * the compiled dist/ actually being what runs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../adapters/cli/commands/index.ts';
import { BUILTIN_SCENARIOS } from '../../simulations/builtins.ts';
import { assertDistIsCurrent, COMPILED_MAIN, cxt, ROOT } from './support.ts';

const RECORD_IMPORTS = join(import.meta.dirname, 'recordImports.mjs');
const version = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
beforeAll(async () => {
  assertDistIsCurrent();
  dir = await mkdtemp(join(tmpdir(), 'cxt-startup-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the bin and returns what it resolved, relative to the package root. */
const importsOf = async (...args: string[]) => {
  const log = join(dir, `imports-${args.join('-').replace(/[^a-z-]/g, '')}.log`);
  const ran = await cxt(args, { nodeArgs: ['--import', RECORD_IMPORTS], env: { ...process.env, CXT_IMPORT_LOG: log } });
  const urls = (await readFile(log, 'utf8')).trim().split('\n');
  return { ran, modules: urls.filter((u) => u.startsWith('file:')).map((u) => new URL(u).pathname.replace(ROOT, '')) };
};

describe('cxt --version', () => {
  it.each(['--version', '-V'])('%s prints the package version and exits 0', async (flag) => {
    expect(await cxt([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('help', () => {
  it('cxt --help lists every registered command with its summary; cxt alone is a usage error', async () => {
    const help = await cxt(['--help']);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.stdout).toContain(`\n  ${c.name.padEnd(16)} ${c.summary}\n`);
    expect((await cxt([])).code).toBe(2);
  });

  it.each(['--help', 'serve --help', 'simulate --help', 'audit --help', 'merkle --help', 'merkle build --help'])(
    'cxt %s loads no npm package and none of the domain, adapters or simulation code',
    async (line) => {
      const { ran, modules } = await importsOf(...line.split(' '));
      expect(ran.code).toBe(0);
      const heavy = modules.filter((m) => m.includes('node_modules/') || /(^|\/)(domain|simulations)\//.test(m) || /adapters\/(?!cli\/)/.test(m));
      expect(heavy).toEqual([]);
      expect(modules.filter((m) => /\/cli\/commands\/(?!index\.)/.test(m))).toEqual([]);
    },
  );

  it('cxt <command> --help prints the summary and usage from the registry; cxt help <command> is the same', async () => {
    const simulate = commands.find((c) => c.name === 'simulate')!;
    const help = await cxt(['simulate', '--help']);
    expect(help).toEqual({ code: 0, stdout: `${simulate.summary}\n\nUsage: ${simulate.usage}\n`, stderr: '' });
    expect(await cxt(['help', 'simulate'])).toEqual(help);
  });

  it("the simulate usage names every built-in scenario (the registry cannot import them)", () => {
    const usage = commands.find((c) => c.name === 'simulate')!.usage;
    expect(usage).toContain(`built-in (${Object.keys(BUILTIN_SCENARIOS).join(', ')};`);
  });
});

describe('command groups', () => {
  const merkle = commands.filter((c) => c.name.startsWith('merkle '));
  const listsMerkle = (text: string) => {
    for (const c of merkle) expect(text).toContain(`  ${c.name.padEnd(16)} ${c.summary}`);
  };

  it('cxt merkle --help lists the merkle commands with their summaries and exits 0', async () => {
    const r = await cxt(['merkle', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(merkle.map((c) => c.name)).toEqual(['merkle build', 'merkle proof']);
    listsMerkle(r.stdout);
  });

  it('cxt merkle alone is a usage error (exit 2) listing the merkle commands', async () => {
    const r = await cxt(['merkle']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cxt merkle: name one of its commands\n/);
    listsMerkle(r.stderr);
  });

  it('cxt merkle nope is a usage error (exit 2) naming it and listing the merkle commands', async () => {
    const r = await cxt(['merkle', 'nope', '--in', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cxt merkle: unknown command "merkle nope"\n/);
    listsMerkle(r.stderr);
  });

  it('a word that starts no command is an unknown command (exit 2)', async () => {
    expect(await cxt(['nope'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^cxt: unknown command "nope"/) });
  });
});

describe('compiled JavaScript', () => {
  const built = existsSync(COMPILED_MAIN);
  if (!built && process.env.CI) throw new Error('dist/ is missing under CI: `npm ci` must build it (the prepare script)');
  if (!built) console.warn('dist/ is not built here (no `npm install` in this checkout): the bin runs the sources through tsx');

  it.runIf(built)('the bin runs dist/ and never loads tsx', async () => {
    const { ran, modules } = await importsOf('--version');
    expect(ran.code).toBe(0);
    expect(modules).toContain('dist/adapters/cli/main.js');
    expect(modules.filter((m) => m.includes('node_modules/tsx/') || m.endsWith('.ts'))).toEqual([]);
  });
});
