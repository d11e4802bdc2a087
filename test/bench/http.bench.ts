/**
 * The settlement service over HTTP: signed contributions accepted per second (EIP-712 recovery,
 * signer check, decision, one append each) and proof lookups per second (GET
 * /v1/accounts/:address/proofs against a distribution of thousands of leaves).
 *
 * The service runs in this process on loopback; the load comes from a SECOND process running
 * autocannon, bounded in requests and in time. Bodies are signed beforehand, so client-side
 * signing is not part of the figures; server-side signature recovery is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { Wallet, id } from 'ethers';
import { cxt } from '../../domain/index.ts';
import { signContribution } from '../../adapters/http/eip712.ts';
import { loadConfig } from '../../adapters/service/config.ts';
import { startService, type Service } from '../../adapters/service/service.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import type { BenchContext } from './run.ts';

const ADMIN = 'bench-admin-token-0123456789abcdef';
const INDEXER = 'bench-indexer-token-0123456789abcdef';
const GENESIS = 1_767_225_600;
const DAY = 86_400;
const CONNECTIONS = 32;
const LOAD_TIMEOUT_MS = 180_000;

interface Sizes {
  readonly nodes: number;
  readonly stakers: number;
  readonly contributions: number;
  readonly lookups: number;
}

interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

/** Runs in the child: autocannon over a list of prepared requests, one request per item. */
const LOAD_SCRIPT = `
import { readFileSync } from 'node:fs';
const { autocannonUrl, url, itemsFile, connections, timeoutS } = JSON.parse(process.env.LOAD);
const autocannon = (await import(autocannonUrl)).default;
const items = JSON.parse(readFileSync(itemsFile, 'utf8'));
let next = 0;
const result = await autocannon({
  url, connections, amount: items.length, timeout: timeoutS,
  requests: [{ setupRequest: (req) => {
    const item = items[next++ % items.length];
    return { ...req, method: item.method, path: item.path, headers: { 'content-type': 'application/json' }, body: item.body };
  } }],
});
const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
process.stdout.write(JSON.stringify({ requests: result.requests.total, seconds: result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99, statuses, errors: result.errors + result.timeouts }));
`;

const runLoad = (url: string, items: readonly { method: string; path: string; body?: string }[], dir: string): Promise<LoadResult> => {
  const itemsFile = join(dir, `load-${Date.now()}.json`);
  writeFileSync(itemsFile, JSON.stringify(items));
  const autocannonUrl = pathToFileURL(createRequire(import.meta.url).resolve('autocannon')).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT], {
    env: { ...process.env, LOAD: JSON.stringify({ autocannonUrl, url, itemsFile, connections: CONNECTIONS, timeoutS: 30 }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), LOAD_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`the load process exited with ${code}`));
    });
  });
};

const inject = async (s: Service, method: 'POST', url: string, token: string, body: unknown): Promise<void> => {
  const r = await s.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  if (r.statusCode >= 300) throw new Error(`${url} answered ${r.statusCode}: ${r.body}`);
};

const addressOf = (label: string): string => new Wallet(id(label)).address;

/** Nodes to sign for, stakers that end up as leaves of a proposed distribution, and the clock in epoch 2. */
const prepare = async (s: Service, sizes: Sizes, clock: { nowSeconds: number }, log: BenchContext['log']) => {
  const signers = Array.from({ length: sizes.nodes }, (_, i) => new Wallet(id(`bench-signer-${i}`)));
  for (const [i, w] of signers.entries())
    await inject(s, 'POST', '/v1/nodes', ADMIN, { nodeId: `node-${i}`, operator: addressOf(`bench-operator-${i}`), signer: w.address, hardwareClass: 'gpu' });
  log(`    ${sizes.stakers} stake deposits…`);
  const stakers = Array.from({ length: sizes.stakers }, (_, i) => addressOf(`bench-staker-${i}`).toLowerCase());
  for (const [i, account] of stakers.entries()) await inject(s, 'POST', '/v1/stake/deposits', INDEXER, { account, amount: cxt(100 + i).toString(), ref: `dep-${i}` });
  clock.nowSeconds = GENESIS + 2 * DAY + 10;
  const tick = await s.scheduler.tick(); // closes epochs 0 and 1, creates and proposes distribution 1
  if (Object.keys(tick.failed).length > 0) throw new Error(`setup tick failed: ${JSON.stringify(tick.failed)}`);
  return { signers, stakers };
};

const signBodies = async (signers: readonly Wallet[], chainId: number, count: number): Promise<{ method: string; path: string; body: string }[]> => {
  const items = [];
  for (let i = 0; i < count; i++) {
    const contribution = { contributionId: `bench-c-${i}`, nodeId: `node-${i % signers.length}`, epoch: 2, kind: 'compute' as const, units: 100 + (i % 900), proofHash: id(`proof-${i}`) };
    const signature = await signContribution(signers[i % signers.length]!, chainId, contribution);
    items.push({ method: 'POST', path: '/v1/contributions', body: JSON.stringify({ contribution, signature }) });
  }
  return items;
};

const row = (store: string, workload: string, r: LoadResult): string =>
  `| ${store} | ${workload} | ${r.requests.toLocaleString('en')} | ${CONNECTIONS} | **${Math.round(r.requests / r.seconds).toLocaleString('en')}/s** | ${r.p50Ms} ms | ${r.p99Ms} ms | ${Object.entries(r.statuses)
    .map(([k, v]) => `${v}×${k}`)
    .join(', ')}${r.errors ? `, ${r.errors} errors` : ''} |`;

const benchOn = async (store: 'PGlite' | 'PostgreSQL', sizes: Sizes, log: BenchContext['log']): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'cxt-http-bench-'));
  const schema = store === 'PostgreSQL' ? freshSchemaName('bench_http') : undefined;
  const clock = { nowSeconds: GENESIS + 100 };
  const config = loadConfig(
    { PORT: '0', EMBEDDED_RPC_PORT: '0', ADMIN_TOKEN: ADMIN, INDEXER_TOKEN: INDEXER, ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}) },
    { dataDir: dir },
  );
  const s = await startService({ config, clock: () => clock.nowSeconds, logger: pino({ level: 'silent' }), ticking: 'manual', params: { genesisTimeSeconds: GENESIS }, print: () => undefined });
  try {
    log(`  ${store}: preparing…`);
    const { signers, stakers } = await prepare(s, sizes, clock, log);
    log(`  ${store}: signing ${sizes.contributions} contributions…`);
    const bodies = await signBodies(signers, s.chain.chainId, sizes.contributions);
    const before = (await s.store.head()).position;
    log(`  ${store}: ${sizes.contributions} signed contributions from a second process…`);
    const writes = await runLoad(s.url, bodies, dir);
    const written = (await s.store.head()).position - before;
    if (written !== sizes.contributions) throw new Error(`expected ${sizes.contributions} events written, found ${written}`);
    const paths = Array.from({ length: sizes.lookups }, (_, i) => ({ method: 'GET', path: `/v1/accounts/${stakers[(i * 7919) % stakers.length]}/proofs` }));
    log(`  ${store}: ${sizes.lookups} proof lookups…`);
    const reads = await runLoad(s.url, paths, dir);
    const leaves = (await s.app.inject({ method: 'GET', url: '/v1/distributions/1' })).json().leafCount as number;
    return [row(store, 'signed contributions (POST /v1/contributions)', writes), row(store, `proof lookups (${leaves.toLocaleString('en')}-leaf tree)`, reads)];
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  }
};

export default async function httpBench(ctx: BenchContext): Promise<string> {
  const sizes: Sizes = ctx.quick
    ? { nodes: 8, stakers: 200, contributions: 400, lookups: 2_000 }
    : { nodes: 64, stakers: 5_000, contributions: 5_000, lookups: 50_000 };
  const rows = await benchOn('PGlite', sizes, ctx.log);
  if (await postgresAvailable()) rows.push(...(await benchOn('PostgreSQL', sizes, ctx.log)));
  return [
    '## Settlement service over HTTP',
    '',
    `Load from a second process (autocannon, ${CONNECTIONS} connections, loopback); the service in the bench process with the embedded EVM. ` +
      'Each contribution is a distinct EIP-712-signed body (signed beforehand): the server recovers the signer, checks it against the node, decides and appends one event. ' +
      'Proof lookups read the active and pending distributions of a staker (trees cached; on PostgreSQL the ledger is caught up once per burst of reads, on PGlite it needs no query).',
    '',
    '| store | workload | requests | connections | throughput | p50 | p99 | statuses |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}
