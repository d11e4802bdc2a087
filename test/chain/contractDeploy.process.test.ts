/**
 * Issue 16: `cxt contract deploy` and `cxt contract verify` against a chain that is a separate
 * process (`cxt devchain` on loopback), through the real package bin, as an operator runs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractFactory, Wallet, encryptKeystoreJson } from 'ethers';
import { loadContracts } from '../../adapters/chain/index.ts';
import { devchainKey } from '../../adapters/cli/commands/devchain.ts';
import { assertDistIsCurrent, BIN, ROOT, type Ran } from '../cli/support.ts';
import { startDevchainProcess, type DevchainProcess } from '../support/devchainProcess.ts';

/** The bin with an environment of our choosing and optional stdin. */
const cxt = (args: readonly string[], env: Record<string, string> = {}, stdin?: string): Promise<Ran> =>
  new Promise((resolve) => {
    const { PRIVATE_KEY: _drop, ...base } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });

const envLines = (stdout: string): Record<string, string> =>
  Object.fromEntries(stdout.split('\n').flatMap((l) => (/^[A-Z_]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));

const addressOf = (i: number) => new Wallet(devchainKey(i)).address.toLowerCase();

describe('cxt contract deploy / verify against a chain in its own process', () => {
  let chain: DevchainProcess;
  let dir: string;
  beforeAll(async () => {
    assertDistIsCurrent();
    // Blocks every second, as a real chain makes them, so confirmations accrue without transactions.
    chain = await startDevchainProcess(['--block-time', '1']);
    dir = mkdtempSync(join(tmpdir(), 'cxt-deploy-'));
  }, 90_000);
  afterAll(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let deployed: Record<string, string>;

  it('deploys from PRIVATE_KEY, waits for its confirmations, reads the contract back and prints the environment for cxt serve', async () => {
    const out = join(dir, 'deployment.json');
    const r = await cxt(
      ['contract', 'deploy', '--rpc-url', chain.url, '--updater', addressOf(1), '--guardian', addressOf(2), '--timelock', '600', '--confirmations', '2', '--out', out],
      { PRIVATE_KEY: devchainKey(0) },
    );
    expect(r.stderr).toContain('waiting for 2 confirmations');
    expect(r.code, r.stderr).toBe(0);
    deployed = envLines(r.stdout);
    expect(Object.keys(deployed)).toEqual(['RPC_URL', 'CHAIN_ID', 'DISTRIBUTOR_ADDRESS', 'DISTRIBUTOR_FROM_BLOCK', 'CONFIRMATIONS']);
    expect(deployed).toMatchObject({ RPC_URL: chain.url, CHAIN_ID: '31337', CONFIRMATIONS: '2' });
    const record = JSON.parse(readFileSync(out, 'utf8')) as { address: string; blockNumber: number; roles: Record<string, unknown> };
    expect(record.address).toBe(deployed.DISTRIBUTOR_ADDRESS);
    expect(record.blockNumber).toBe(Number(deployed.DISTRIBUTOR_FROM_BLOCK));
    expect(record.roles).toEqual({ owner: addressOf(0), updater: addressOf(1), guardian: addressOf(2), timelockSeconds: 600 });
    // Two blocks were on top of the deployment when the command said so.
    expect(await chain.provider.getBlockNumber()).toBeGreaterThanOrEqual(record.blockNumber + 2);
    expect((await chain.provider.getCode(record.address)).toLowerCase()).toBe(loadContracts().contracts.CumulativeMerkleDistributor.deployedBytecode);
    expect(r.stdout).toContain('code      matches the artifact');
    expect(r.stdout).toContain(`# PRIVATE_KEY=<the updater's key, ${addressOf(1)}>`);
  }, 120_000);

  it('verify: the code equals the artifact and every given role reads back; a wrong role is a finding with exit 1', async () => {
    const ok = await cxt(['contract', 'verify', '--rpc-url', chain.url, '--address', deployed.DISTRIBUTOR_ADDRESS!, '--owner', addressOf(0), '--updater', addressOf(1), '--guardian', addressOf(2), '--timelock', '600']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`verified: ${deployed.DISTRIBUTOR_ADDRESS} on chain 31337`);
    expect(ok.stdout).toContain(`guardian  ${addressOf(2)}`);
    const wrong = await cxt(['contract', 'verify', '--rpc-url', chain.url, '--address', deployed.DISTRIBUTOR_ADDRESS!, '--guardian', addressOf(3), '--timelock', '601', '--json']);
    expect(wrong.code).toBe(1);
    const report = JSON.parse(wrong.stdout) as { ok: boolean; codeMatches: boolean; problems: string[] };
    expect(report).toMatchObject({ ok: false, codeMatches: true });
    expect(report.problems).toEqual([`guardian is ${addressOf(2)}, expected ${addressOf(3)}`, 'timelock is 600 s, expected 601 s']);
  }, 60_000);

  it('verify fails on a look-alike: the same contract with another metadata hash, whose getters all answer as ours', async () => {
    const { abi, bytecode, deployedBytecode } = loadContracts().contracts.CumulativeMerkleDistributor;
    // The runtime code ends in CBOR metadata: a2 64 'ipfs' 58 22 <34-byte multihash> 64 'solc' 43 <version> 00 33.
    const ipfs = /a264697066735822([0-9a-f]{68})64736f6c6343/.exec(deployedBytecode)![1]!;
    const forged = `${ipfs.slice(0, -2)}${ipfs.endsWith('00') ? '01' : '00'}`;
    expect(bytecode.split(ipfs)).toHaveLength(2);
    const lookAlike = await new ContractFactory(abi, bytecode.replace(ipfs, forged), new Wallet(devchainKey(4), chain.provider)).deploy(
      addressOf(0),
      addressOf(1),
      addressOf(2),
      600,
    );
    await lookAlike.waitForDeployment();
    const address = (await lookAlike.getAddress()).toLowerCase();
    expect(await lookAlike.getFunction('timelock')()).toBe(600n);
    const r = await cxt(['contract', 'verify', '--rpc-url', chain.url, '--address', address]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NOT verified');
    expect(r.stdout).toMatch(/is not the CumulativeMerkleDistributor of this release \(\d+ bytes\); first difference at byte \d+/);
    const empty = await cxt(['contract', 'verify', '--rpc-url', chain.url, '--address', addressOf(9)]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain(`no contract at ${addressOf(9)}`);
  }, 60_000);

  it('takes the key from an encrypted keystore with the passphrase on stdin, never from a flag', async () => {
    const file = join(dir, 'deployer.json');
    const key = devchainKey(5);
    writeFileSync(file, await encryptKeystoreJson({ address: new Wallet(key).address, privateKey: key }, 'correct horse', { scrypt: { N: 1024 } }));
    const r = await cxt(['contract', 'deploy', '--rpc-url', chain.url, '--keystore', file, '--confirmations', '0'], {}, 'correct horse\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`owner     ${addressOf(5)}`);
    expect(r.stderr).toContain('the guardian (who may revoke a pending root) is the deployer');
    const wrong = await cxt(['contract', 'deploy', '--rpc-url', chain.url, '--keystore', file], {}, 'battery staple\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the passphrase does not open it');
    const both = await cxt(['contract', 'deploy', '--rpc-url', chain.url, '--keystore', file], { PRIVATE_KEY: key });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('PRIVATE_KEY is set and --keystore is given');
    const none = await cxt(['contract', 'deploy', '--rpc-url', chain.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('set PRIVATE_KEY or give --keystore FILE');
    const flag = await cxt(['contract', 'deploy', '--rpc-url', chain.url, '--private-key', key]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--private-key is not an option');
  }, 90_000);
});
