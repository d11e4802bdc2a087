/**
 * Restart: the service is stopped mid-run (a distribution proposed on-chain, waiting out its
 * timelock) and started again on the same data dir — PGlite and the embedded chain's journal.
 * State, reads and read-model tables are identical; the replayed chain holds the same proposal
 * (same transaction hash); ticking writes nothing. Then a longer stop: three epochs pass while
 * down, the next start closes them in order, each exactly once, and no root is proposed twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distributorClient } from '../../adapters/chain/index.ts';
import { readAllPages } from '../../adapters/eventStore/index.ts';
import { cxt, type StoredEvent } from '../../domain/index.ts';
import { ADMIN, BILLING, GENESIS, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness, type TestClock } from './harness.ts';

const verifier = wallet('restart-verifier');
const operator = wallet('restart-operator');
const signer = wallet('restart-signer');
const staker = wallet('restart-staker');

let dataDir: string;
const clock: TestClock = { nowSeconds: GENESIS + 100 };
let live: Harness | undefined;

const start = async () => (live = await startHarness({ dataDir, clock }));
const stop = async () => {
  await live?.stop();
  live = undefined;
};
afterAll(async () => {
  await stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const must = async (h: Harness, method: string, url: string, options: Parameters<Harness['request']>[2]) => {
  const r = await h.request(method, url, options);
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
  return r.json;
};

/** Everything a client can read, plus the read-model tables and the log head. */
const snapshot = async (h: Harness) => {
  const reads: Record<string, unknown> = {};
  for (const url of [
    '/v1/supply',
    '/v1/epochs',
    '/v1/distributions',
    '/v1/info',
    ...[operator, staker, verifier].flatMap((w) => [`/v1/accounts/${w.address}`, `/v1/accounts/${w.address}/proofs`]),
  ])
    reads[url] = (await h.request('GET', url)).json;
  // The JSON-RPC endpoint listens on a fresh port each start (port 0 here); nothing else may differ.
  delete (reads['/v1/info'] as { chain: { rpcUrl?: string } }).chain.rpcUrl;
  for (const d of (reads['/v1/distributions'] as { distributions: { seq: number }[] }).distributions)
    reads[`/v1/distributions/${d.seq}/tree`] = (await h.request('GET', `/v1/distributions/${d.seq}/tree`)).json;
  await h.service.projections.catchUp();
  return { reads, tables: await h.service.projections.dump(), head: await h.service.store.head() };
};

const allEvents = async (h: Harness): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for await (const page of readAllPages(h.service.store, 1)) out.push(...page);
  return out;
};

const proposals = async (h: Harness) =>
  distributorClient(h.service.chain.distributor, h.service.chain.provider).events({ fromBlock: 0, types: ['RootProposed'] });

describe('restart on the same data dir (PGlite + the embedded chain journal)', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  let published: { txHash: string; root: string };

  it('runs: epoch 0 activity, then epoch 0 closes and distribution 1 is proposed on-chain', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cxt-restart-'));
    const h = await start();
    const chainId = h.service.chain.chainId;
    await must(h, 'POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } });
    await must(h, 'POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'n-1', operator: operator.address, signer: signer.address, hardwareClass: 'gpu' } });
    await must(h, 'POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(5_000).toString(), ref: 'dep-1' } });
    const c = { contributionId: 'w-1', nodeId: 'n-1', epoch: 0, kind: 'training' as const, units: 321, proofHash: proofHash(321) };
    await must(h, 'POST', '/v1/contributions', { body: await signedContribution(signer, chainId, c) });
    await must(h, 'POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'w-1', verdict: 'verified' }) });
    await must(h, 'POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'r-1', source: 'api', asset: h.service.chain.wbnbToken, gross: '123456789', provider: operator.address } });
    h.at(1);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const d1 = (await h.request('GET', '/v1/distributions/1')).json;
    expect(d1.status).toBe('published');
    published = { txHash: d1.published.txHash, root: d1.root };
    before = await snapshot(h);
  });

  it('stopped and started again: reads, tables and log identical; the chain replayed with the same proposal', async () => {
    await stop();
    const h = await start();
    // It started from the snapshot of the close, not from genesis, and reads the same.
    const started = Number(/^cxt_ledger_started_from_position (\d+)$/m.exec(String((await h.request('GET', '/metrics')).json))?.[1]);
    expect(started).toBe(h.service.ledger.startedAt);
    expect(started).toBeGreaterThan(0);
    expect(await snapshot(h)).toEqual(before);
    const pending = await distributorClient(h.service.chain.distributor, h.service.chain.provider).pending();
    expect(pending?.root).toBe(published.root);
    expect((await h.service.chain.provider.getTransactionReceipt(published.txHash))?.status).toBe(1);
  });

  it('ticking after the restart writes nothing: no epoch closed twice, no root proposed twice', async () => {
    const h = live!;
    const tick = await h.service.scheduler.tick();
    expect(tick.failed).toEqual({});
    expect((await h.service.store.head()).position).toBe(before.head.position);
    expect(await proposals(h)).toHaveLength(1);
  });

  it('a stop across three epoch ends: the next start closes them in order, once each', async () => {
    await stop();
    clock.nowSeconds = GENESIS + 4 * 86_400 + 10; // epochs 1, 2 and 3 ended while down
    const h = await start();
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    await stop();
    const h2 = await start();
    expect((await h2.service.scheduler.tick()).failed).toEqual({});
    const events = await allEvents(h2);
    const closes = events.filter((e) => e.type === 'EpochClosed').map((e) => e.data.epoch);
    expect(closes).toEqual([0, 1, 2, 3]);
    const created = events.filter((e) => e.type === 'DistributionCreated').map((e) => [e.data.seq, e.data.throughEpoch]);
    expect(created).toEqual([
      [1, 0],
      [2, 3],
    ]);
    expect(events.filter((e) => e.type === 'DistributionPublished')).toHaveLength(1);
    // Distribution 1 still waits out its timelock on-chain; distribution 2 is never proposed over it.
    expect(await proposals(h2)).toHaveLength(1);
    expect((await h2.request('GET', '/v1/supply')).json.lastClosedEpoch).toBe(3);
  });
});
