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
import { Wallet, getBytes, hexlify, id } from 'ethers';
import secp256k1 from 'secp256k1';
import { cxt } from '../../domain/index.ts';
import { contributionBatchDigest, contributionDigest } from '../../adapters/http/eip712.ts';
import { loadConfig } from '../../adapters/service/config.ts';
import { startService, type Service } from '../../adapters/service/service.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import type { BenchContext } from './run.ts';
import { profiled } from './profile.ts';

const ADMIN = 'bench-admin-token-0123456789abcdef';
const INDEXER = 'bench-indexer-token-0123456789abcdef';
const GENESIS = 1_767_225_600;
const DAY = 86_400;
const CONNECTIONS = 32;
const PACED_RATE = 1_000;
const BATCH_SIZE = 1_000;
const BATCH_CONNECTIONS = 4;
const LOAD_TIMEOUT_MS = 180_000;

interface Sizes {
  readonly nodes: number;
  readonly stakers: number;
  readonly contributions: number;
  /** Single contributions sent at a fixed rate (PACED_RATE), for latency under a known load. */
  readonly paced: number;
  readonly batched: number;
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
const { autocannonUrl, url, itemsFile, connections, timeoutS, overallRate } = JSON.parse(process.env.LOAD);
const autocannon = (await import(autocannonUrl)).default;
const items = JSON.parse(readFileSync(itemsFile, 'utf8'));
let next = 0;
// autocannon ends a run only at its next sampling tick after the last response (every second by
// default), which added up to a second to every run: two stores once showed the same 3.02 s for
// 50,000 lookups. A 10 ms tick makes the end exact to 10 ms.
const started = performance.now();
const result = await autocannon({
  url, connections, amount: items.length, timeout: timeoutS, sampleInt: 10, ...(overallRate ? { overallRate } : {}),
  requests: [{ setupRequest: (req) => {
    const item = items[next++ % items.length];
    return { ...req, method: item.method, path: item.path, headers: { 'content-type': 'application/json' }, body: item.body };
  } }],
});
const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ requests: result.requests.total, seconds, p50Ms: result.latency.p50, p99Ms: result.latency.p99, statuses, errors: result.errors + result.timeouts }));
`;

interface Load {
  readonly connections: number;
  /** Requests per second across all connections (open-loop pacing); undefined: as fast as answered. */
  readonly overallRate?: number;
}

const runLoad = (
  url: string,
  items: readonly { method: string; path: string; body?: string }[],
  dir: string,
  load: Load = { connections: CONNECTIONS },
): Promise<LoadResult> => {
  const itemsFile = join(dir, `load-${Date.now()}.json`);
  writeFileSync(itemsFile, JSON.stringify(items));
  const autocannonUrl = pathToFileURL(createRequire(import.meta.url).resolve('autocannon')).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT], {
    env: { ...process.env, LOAD: JSON.stringify({ autocannonUrl, url, itemsFile, connections: load.connections, timeoutS: 30, overallRate: load.overallRate }) },
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

interface Signed {
  readonly contribution: Parameters<typeof contributionDigest>[1];
  readonly signature: string;
}

/**
 * Distinct contributions, signed beforehand (not part of the figures) with libsecp256k1 over the
 * EIP-712 digest: the same signature ethers' signTypedData gives (RFC 6979), 30× sooner.
 */
/** The bench's i-th contribution, by node `node`: distinct bodies, the same shape everywhere. */
const benchContribution = (i: number, node: number) =>
  ({ contributionId: `bench-c-${i}`, nodeId: `node-${node}`, epoch: 2, kind: 'compute' as const, units: 100 + (i % 900), proofHash: id(`proof-${i}`) });

const signContributions = (signers: readonly Wallet[], chainId: number, from: number, count: number): Signed[] =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const contribution = benchContribution(i, i % signers.length);
    const key = getBytes(signers[i % signers.length]!.privateKey);
    const { signature, recid } = secp256k1.ecdsaSign(getBytes(contributionDigest(chainId, contribution)), key);
    return { contribution, signature: `${hexlify(signature)}${(27 + recid).toString(16)}` };
  });

/** Batches signed once (`ContributionBatch`), each of one node's contributions, by its signer. */
const signedOnceRequests = (signers: readonly Wallet[], chainId: number, from: number, count: number, size: number) =>
  Array.from({ length: Math.ceil(count / size) }, (_, b) => {
    const node = b % signers.length;
    const contributions = Array.from({ length: Math.min(size, count - b * size) }, (_, j) => benchContribution(from + b * size + j, node));
    const { signature, recid } = secp256k1.ecdsaSign(getBytes(contributionBatchDigest(chainId, contributions)), getBytes(signers[node]!.privateKey));
    return { method: 'POST', path: '/v1/contributions/signed-batch', body: JSON.stringify({ contributions, signature: `${hexlify(signature)}${(27 + recid).toString(16)}` }) };
  });

const singleRequests = (signed: readonly Signed[]) => signed.map((body) => ({ method: 'POST', path: '/v1/contributions', body: JSON.stringify(body) }));

const batchRequests = (signed: readonly Signed[], size: number) =>
  Array.from({ length: Math.ceil(signed.length / size) }, (_, b) => ({
    method: 'POST',
    path: '/v1/contributions/batch',
    body: JSON.stringify({ items: signed.slice(b * size, (b + 1) * size) }),
  }));

/** `itemsPerRequest`: a batch request counts its items in the throughput. */
const row = (store: string, workload: string, r: LoadResult, load: Load = { connections: CONNECTIONS }, itemsPerRequest = 1): string =>
  `| ${store} | ${workload} | ${(r.requests * itemsPerRequest).toLocaleString('en')} | ${load.connections}${load.overallRate ? ` at ${load.overallRate.toLocaleString('en')} req/s` : ''} | **${Math.round((r.requests * itemsPerRequest) / r.seconds).toLocaleString('en')}/s** | ${r.p50Ms} ms | ${r.p99Ms} ms | ${Object.entries(r.statuses)
    .map(([k, v]) => `${v}×${k}`)
    .join(', ')}${r.errors ? `, ${r.errors} errors` : ''} |`;

/** `profiles`: where the batched run's profile summary goes (BENCH_PROFILE, profile.ts). */
const benchOn = async (store: 'PGlite' | 'PostgreSQL', sizes: Sizes, log: BenchContext['log'], profiles: string[]): Promise<string[]> => {
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
    log(`  ${store}: signing ${sizes.contributions + sizes.paced + sizes.batched} contributions…`);
    const chainId = s.chain.chainId;
    const singles = signContributions(signers, chainId, 0, sizes.contributions);
    const paced = signContributions(signers, chainId, sizes.contributions, sizes.paced);
    const batched = signContributions(signers, chainId, sizes.contributions + sizes.paced, sizes.batched);
    const expectWritten = async (work: () => Promise<LoadResult>, count: number): Promise<LoadResult> => {
      const before = (await s.store.head()).position;
      const result = await work();
      const written = (await s.store.head()).position - before;
      if (written !== count) throw new Error(`expected ${count} events written, found ${written}`);
      return result;
    };
    log(`  ${store}: ${sizes.contributions} signed contributions from a second process…`);
    const writes = await expectWritten(() => runLoad(s.url, singleRequests(singles), dir), sizes.contributions);
    const pacing: Load = { connections: CONNECTIONS, overallRate: PACED_RATE };
    log(`  ${store}: ${sizes.paced} signed contributions paced at ${PACED_RATE}/s…`);
    const pacedWrites = await expectWritten(() => runLoad(s.url, singleRequests(paced), dir, pacing), sizes.paced);
    const batching: Load = { connections: BATCH_CONNECTIONS };
    log(`  ${store}: ${sizes.batched} signed contributions in batches of ${BATCH_SIZE}…`);
    const { result: batchWrites, summary: batchProfile } = await profiled(`http-batched-${store}`, () =>
      expectWritten(() => runLoad(s.url, batchRequests(batched, BATCH_SIZE), dir, batching), sizes.batched),
    );
    profiles.push(...batchProfile);
    log(`  ${store}: ${sizes.batched} contributions in batches of ${BATCH_SIZE} signed once…`);
    const onceStart = sizes.contributions + sizes.paced + sizes.batched;
    const onceRequests = signedOnceRequests(signers, chainId, onceStart, sizes.batched, BATCH_SIZE);
    const { result: onceWrites, summary: onceProfile } = await profiled(`http-signed-once-${store}`, () =>
      expectWritten(() => runLoad(s.url, onceRequests, dir, batching), sizes.batched),
    );
    profiles.push(...onceProfile);
    const paths = Array.from({ length: sizes.lookups }, (_, i) => ({ method: 'GET', path: `/v1/accounts/${stakers[(i * 7919) % stakers.length]}/proofs` }));
    log(`  ${store}: ${sizes.lookups} proof lookups…`);
    const reads = await runLoad(s.url, paths, dir);
    const leaves = (await s.app.inject({ method: 'GET', url: '/v1/distributions/1' })).json().leafCount as number;
    return [
      row(store, 'signed contributions (POST /v1/contributions)', writes),
      row(store, `signed contributions, paced at ${PACED_RATE.toLocaleString('en')}/s`, pacedWrites, pacing),
      row(store, `signed contributions in batches of ${BATCH_SIZE.toLocaleString('en')} (POST /v1/contributions/batch)`, batchWrites, batching, BATCH_SIZE),
      row(store, `contributions in batches of ${BATCH_SIZE.toLocaleString('en')} signed once (POST /v1/contributions/signed-batch)`, onceWrites, batching, BATCH_SIZE),
      row(store, `proof lookups (${leaves.toLocaleString('en')}-leaf tree)`, reads),
    ];
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  }
};

export default async function httpBench(ctx: BenchContext): Promise<string> {
  const sizes: Sizes = ctx.quick
    ? { nodes: 8, stakers: 200, contributions: 400, paced: 1_000, batched: 4_000, lookups: 2_000 }
    : { nodes: 64, stakers: 5_000, contributions: 10_000, paced: 10_000, batched: 50_000, lookups: 50_000 };
  const profiles: string[] = [];
  const rows = await benchOn('PGlite', sizes, ctx.log, profiles);
  if (await postgresAvailable()) rows.push(...(await benchOn('PostgreSQL', sizes, ctx.log, profiles)));
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
    ...profiles,
  ].join('\n');
}
