/**
 * Issue 16: several service processes on one PostgreSQL. Two `cxt serve` share one schema and one
 * chain node (`cxt devchain`, its own process), configured with the lines `cxt contract deploy`
 * printed; both answer HTTP and take writes, only the holder of the leader lock closes epochs,
 * publishes roots and indexes claims. The leader is killed with SIGKILL mid-load; the other takes
 * over within a tick or two, and afterwards: every acknowledged write is in the log, no epoch is closed twice, no root is proposed twice, the
 * provider's claim on-chain equals its ledger total to the base unit, and `cxt audit --rpc-url`
 * finds the log and the chain clean.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployTestToken, distributorClient } from '../../adapters/chain/index.ts';
import { ENV_VARIABLES } from '../../adapters/service/config.ts';
import { devchainKey } from '../../adapters/cli/commands/devchain.ts';
import { assertDistIsCurrent, BIN, ROOT } from '../cli/support.ts';
import { startDevchainProcess, type DevchainProcess } from '../support/devchainProcess.ts';
import { dropSchema, freshSchemaName, postgresAvailable, TEST_DATABASE_URL } from '../support/postgres.ts';
import { freePort } from '../support/freePort.ts';

const available = await postgresAvailable();

const ADMIN = 'admin-token-two-processes-0123456789';
const BILLING = 'billing-token-two-processes-0123456789';
const EPOCH_SECONDS = 3;
const TIMELOCK_SECONDS = 2;
const PROVIDER = new Wallet(devchainKey(5));
const providerAddress = PROVIDER.address.toLowerCase();
const providerShare = (gross: bigint) => gross - (gross * 1000n) / 10_000n;

interface Served {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  stderr: string;
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
};

const json = async (url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> => {
  const r = await fetch(url, init);
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
};

const post = (s: Served, path: string, token: string, body: unknown) =>
  json(`${s.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Scheduler ticks in which this process held the lock and ran the jobs. */
const actedTicks = async (s: Served): Promise<number> => {
  const text = (await json(`${s.url}/metrics`)).body as string;
  const m = /^cxt_scheduler_ticks_total\{outcome="acted"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
};

describe.skipIf(!available)('two cxt serve processes on one PostgreSQL and one chain node', () => {
  let chain: DevchainProcess;
  let dir: string;
  const schema = freshSchemaName('two_proc');
  const served: Served[] = [];
  let env: NodeJS.ProcessEnv;
  let distributor: string;
  let wbnb: string;
  let fromBlock: number;

  const serve = async (name: string, port: number): Promise<Served> => {
    const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', join(dir, name), '--port', String(port)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const s: Served = { name, url: `http://127.0.0.1:${port}`, child, stderr: '' };
    child.stderr!.on('data', (d: Buffer) => (s.stderr += d.toString()));
    child.stdout!.resume();
    served.push(s);
    await until(`${name} to be ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${s.stderr}`);
      return (await fetch(`${s.url}/readyz`)).status === 200 ? true : undefined;
    });
    return s;
  };

  beforeAll(async () => {
    assertDistIsCurrent();
    dir = mkdtempSync(join(tmpdir(), 'cxt-two-'));
    chain = await startDevchainProcess();
    const deployer = new Wallet(devchainKey(0), chain.provider);
    const cxtToken = (await deployTestToken(deployer, 'Corex', 'CXT')).address;
    wbnb = (await deployTestToken(deployer, 'Wrapped BNB', 'WBNB')).address;
    // The distributor as an operator deploys it: `cxt contract deploy`, whose printed lines configure `cxt serve` below.
    const deployed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const { PRIVATE_KEY: _none, ...inherited } = process.env;
      const child = spawn(
        process.execPath,
        [BIN, 'contract', 'deploy', '--rpc-url', chain.url, '--guardian', new Wallet(devchainKey(1)).address, '--timelock', String(TIMELOCK_SECONDS), '--cxt-token', cxtToken],
        { cwd: ROOT, env: { ...inherited, PRIVATE_KEY: devchainKey(0) }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(deployed.code, deployed.stderr).toBe(0);
    const printed = Object.fromEntries(deployed.stdout.split('\n').flatMap((l) => (/^[A-Z_]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
    expect(Object.keys(printed)).toEqual(['RPC_URL', 'CHAIN_ID', 'DISTRIBUTOR_ADDRESS', 'DISTRIBUTOR_FROM_BLOCK', 'CONFIRMATIONS', 'CXT_TOKEN_ADDRESS']);
    distributor = printed.DISTRIBUTOR_ADDRESS!;
    fromBlock = Number(printed.DISTRIBUTOR_FROM_BLOCK);
    // The distributor is funded on its own chain, as an operator funds it (the engine never bridges).
    const mint = new Contract(wbnb, ['function mint(address,uint256)'], deployer).getFunction('mint');
    await (await mint(distributor, 10n ** 30n)).wait();
    const base = { ...process.env };
    for (const k of ENV_VARIABLES) delete base[k];
    env = {
      ...base,
      // Exactly the lines the deploy printed, plus the updater's key and what the deploy cannot know.
      ...printed,
      LOG_LEVEL: 'warn',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      PRIVATE_KEY: devchainKey(0),
      ADMIN_TOKEN: ADMIN,
      BILLING_TOKEN: BILLING,
      EPOCH_LENGTH_SECONDS: String(EPOCH_SECONDS),
      TIMELOCK_SECONDS: String(TIMELOCK_SECONDS),
      DISTRIBUTION_EVERY_EPOCHS: '1',
    };
  }, 120_000);

  afterAll(async () => {
    for (const s of served) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await chain?.stop();
    await dropSchema(schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('both answer and take writes; killing the leader hands the scheduler to the other; nothing is lost, doubled or unaudited', async () => {
    const a = await serve('a', await freePort());
    expect((await post(a, '/v1/assets', ADMIN, { asset: wbnb })).status).toBe(201);
    const b = await serve('b', await freePort());

    // Load on both: revenue with unique ids, alternating processes; a write counts once it is acknowledged.
    const acknowledged = new Map<string, bigint>();
    let stop = false;
    let n = 0;
    const load = async (s: Served) => {
      while (!stop) {
        const revenueId = `rev-${s.name}-${n++}`;
        const gross = 1_000_003n + BigInt(n);
        const r = await post(s, '/v1/revenue', BILLING, { revenueId, source: 'api', asset: wbnb, gross: gross.toString(), provider: providerAddress }).catch(() => undefined);
        if (r?.status === 201) acknowledged.set(revenueId, gross);
        else if (s.child.exitCode === null && r !== undefined) throw new Error(`${s.name} answered ${r.status}: ${JSON.stringify(r.body)}`);
        await sleep(25);
      }
    };
    const loads = [load(a), load(b)];

    // Let the leader close and publish a few epochs under load; exactly one process acts.
    await until('a distribution to be active', async () => ((await json(`${a.url}/v1/distributions`)).body.distributions?.some((d: any) => d.status === 'active') ? true : undefined));
    const [actedA, actedB] = [await actedTicks(a), await actedTicks(b)];
    expect(actedA > 0 !== actedB > 0).toBe(true);
    const [leader, follower] = actedA > 0 ? [a, b] : [b, a];

    const followerActedBefore = await actedTicks(follower);
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    const tookOverAfterMs = await until('the follower to act', async () => ((await actedTicks(follower)) > followerActedBefore ? Date.now() - killedAt : undefined), 30_000);
    // A tick a second; PostgreSQL frees a dead session's lock as soon as its socket closes.
    expect(tookOverAfterMs).toBeLessThan(5_000);

    await sleep(2 * EPOCH_SECONDS * 1000);
    stop = true;
    await Promise.all(loads);
    const expectedWei = [...acknowledged.values()].reduce((sum, gross) => sum + providerShare(gross), 0n);

    // The survivor closes what is left, publishes it and waits out the timelock: the active root holds every acknowledged revenue.
    const row = async () => (await json(`${follower.url}/v1/accounts/${providerAddress}`)).body.tokens?.find((t: any) => t.token === wbnb);
    await until('the active distribution to hold every acknowledged revenue', async () => ((await row())?.activeDistributionCumulative === expectedWei.toString() ? true : undefined), 60_000);

    // The provider claims on-chain with the proof the survivor serves; the survivor indexes it.
    const proofs = (await json(`${follower.url}/v1/accounts/${providerAddress}/proofs`)).body;
    const leaf = proofs.active.claims.find((c: any) => c.token === wbnb);
    await distributorClient(distributor, PROVIDER.connect(chain.provider)).claim({ account: providerAddress, token: wbnb, cumulative: BigInt(leaf.cumulative), proof: leaf.proof });
    await until('the claim to be indexed', async () => ((await row())?.claimed === expectedWei.toString() ? true : undefined), 30_000);
    const balance = (await new Contract(wbnb, ['function balanceOf(address) view returns (uint256)'], chain.provider).getFunction('balanceOf')(providerAddress)) as bigint;
    expect(balance).toBe(expectedWei);

    // Stop the survivor, export the log and audit it against the chain.
    follower.child.kill('SIGTERM');
    await new Promise((resolve) => follower.child.once('exit', resolve));
    const cli = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code: code ?? 1, stderr }));
      });
    const events = join(dir, 'events.jsonl');
    expect((await cli(['export', '--out', events])).code).toBe(0);
    const log = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, any> });
    const revenueIds = new Set(log.filter((e) => e.type === 'RevenueRecorded').map((e) => e.data.revenueId as string));
    expect([...acknowledged.keys()].filter((id) => !revenueIds.has(id))).toEqual([]);
    const closes = log.filter((e) => e.type === 'EpochClosed').map((e) => e.data.epoch as number);
    expect(closes).toEqual(closes.map((_, i) => i));
    const published = log.filter((e) => e.type === 'DistributionPublished').map((e) => e.data.seq as number);
    expect(new Set(published).size).toBe(published.length);
    const proposed = (await distributorClient(distributor, chain.provider).events({ fromBlock, types: ['RootProposed'] })).map((e) => (e as { root: string }).root);
    expect(new Set(proposed).size).toBe(proposed.length);
    expect(proposed.length).toBe(published.length);

    const audit = await cli(['audit', '--events', events, '--out', join(dir, 'audit'), '--rpc-url', chain.url, '--distributor', distributor, '--from-block', String(fromBlock)]);
    expect(audit.code, audit.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'audit', 'audit.json'), 'utf8')) as { verdict: string; source: { chain?: { distributor: string } } };
    expect(report.verdict).toBe('clean');
    expect(report.source.chain?.distributor).toBe(distributor);
    console.info(`two processes: ${acknowledged.size} acknowledged writes, ${closes.length} closes, ${published.length} roots; the follower acted ${tookOverAfterMs} ms after the kill`);
  }, 240_000);
});
