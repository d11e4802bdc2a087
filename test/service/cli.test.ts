/**
 * `npm start` as a user runs it: `node bin/cxt.mjs serve` in a child process with a temp data dir
 * and a free port. It prints where it listens, the contracts and (first start only) the admin
 * token; answers /healthz; stops cleanly on SIGTERM; on the next start the same token still works.
 * Bad configuration stops the start with one sentence naming the variable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../adapters/service/config.ts';
import { wallet } from './harness.ts';
import { freePort } from '../support/freePort.ts';

const BIN = fileURLToPath(new URL('../../bin/cxt.mjs', import.meta.url));


/** The parent's environment without any of the service's variables, plus `extra`. */
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of ENV_VARIABLES) delete env[k];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
};

interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

const run = (args: string[], env: NodeJS.ProcessEnv): Running => {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (b: Buffer) => (r.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (r.stderr += b.toString()));
  return r;
};

const waitForHealth = async (url: string, r: Running, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) throw new Error(`serve exited early (${r.child.exitCode}): ${r.stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`serve did not become healthy within ${timeoutMs} ms: ${r.stderr}`);
};

const dirs: string[] = [];
const children: Running[] = [];
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const serve = async (dataDir: string, port: number) => {
  const r = run(['serve', '--data-dir', dataDir, '--port', String(port)], cleanEnv({ EMBEDDED_RPC_PORT: '0' }));
  children.push(r);
  await waitForHealth(`http://127.0.0.1:${port}`, r);
  return r;
};

const stopWithSigterm = async (r: Running) => {
  r.child.kill('SIGTERM');
  expect(await r.exited).toBe(0);
  expect(r.stderr).toContain('stopped');
};

describe('cxt serve as a child process', () => {
  it('starts with embedded defaults, serves, stops on SIGTERM, and keeps its admin token across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cxt-cli-'));
    dirs.push(dataDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    const first = await serve(dataDir, port);
    expect(first.stdout).toContain(`listening on ${url}`);
    expect(first.stdout).toMatch(/distributor: 0x[0-9a-f]{40}/);
    expect(first.stdout).toMatch(/CXT token: {3}0x[0-9a-f]{40}/);
    const token = /admin token: (\S+)/.exec(first.stdout)?.[1];
    expect(token).toMatch(/^cxt_admin_/);
    const register = (verifier: string, bearer = token) =>
      fetch(`${url}/v1/verifiers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ verifier }) });
    expect((await register(wallet('cli-v1').address)).status).toBe(201);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/docs/json`)).status).toBe(200);
    // The dashboard, as npm run build put it in dist/web.
    const page = await fetch(`${url}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect((await (await fetch(`${url}/app.js`)).text()).length).toBeGreaterThan(10_000);
    await stopWithSigterm(first);

    const second = await serve(dataDir, port);
    expect(second.stdout).not.toContain('admin token');
    expect((await register(wallet('cli-v2').address)).status).toBe(201);
    expect((await register(wallet('cli-v3').address, 'cxt_admin_wrong')).status).toBe(403);
    const supply = (await (await fetch(`${url}/v1/supply`)).json()) as { cxtToken: string };
    expect(first.stdout).toContain(supply.cxtToken);
    await stopWithSigterm(second);
  });

  it.each([
    [{ PORT: 'eighty' }, /^cxt serve: Invalid configuration: PORT must be a whole number from 0 to 65535 \(got "eighty"\)\.$/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ RPC_URL: 'http://127.0.0.1:1' }, /PRIVATE_KEY, DISTRIBUTOR_ADDRESS, CXT_TOKEN_ADDRESS must be set too/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be 24 to 512 printable characters/],
  ])('refuses bad configuration %j with one sentence and exit 1, writing nothing', async (env, message) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cxt-cli-bad-'));
    dirs.push(dataDir);
    const r = run(['serve', '--data-dir', join(dataDir, 'never')], cleanEnv(env));
    children.push(r);
    expect(await r.exited).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(join(dataDir, 'never'))).toBe(false);
  });
});
