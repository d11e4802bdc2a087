/**
 * Issue 9 defect 3 — after `cxt import` and `cxt serve` on a fresh chain the publisher failed on
 * every tick ("neither pending nor active on-chain … revoke it in the ledger") and nothing could get
 * it out. Now the service proposes the latest distribution (cumulative, so it alone is enough) on
 * the chain it is configured for, and accepts it there after the timelock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { distributorClient } from '../../adapters/chain/index.ts';
import { cxt } from '../../domain/index.ts';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, chainForward, startHarness, storagesUnderTest, wallet, type Harness } from './harness.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../support/postgres.ts';

const verifier = wallet('import-verifier');
const operator = wallet('import-operator');
const signer = wallet('import-signer');

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tempDir = async (prefix: string) => {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

const ok = async (p: Promise<{ status: number; json: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
  return r.json;
};
/** The real `cxt` entry point in-process; `env` selects the store as it would in a shell. */
const cli = async (env: Record<string, string>, ...args: string[]) => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out: string[] = [];
  try {
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTty: false });
    expect(code, out.join('\n')).toBe(0);
  } finally {
    process.env = saved;
  }
};

describe.each(await storagesUnderTest())('a log imported next to a fresh chain (%s)', (storage) => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });
  /** Where a log lives: a data dir, and on PostgreSQL a schema of its own. */
  const place = async (prefix: string) => {
    const dataDir = await tempDir(prefix);
    if (storage === 'pglite') return { dataDir, env: {} as Record<string, string>, harness: { dataDir } };
    const schema = freshSchemaName('imp');
    schemas.push(schema);
    return { dataDir, env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } as Record<string, string>, harness: { dataDir, storage, schema } as const };
  };

  it('has its latest distribution proposed and accepted on the new chain, instead of a publisher failing forever', async () => {
    const from = await place('cxt-import-a-');
    const dirA = from.dataDir;
    const a = await startHarness({ ...from.harness, params: { timelockSeconds: 60 } });
    const chainId = a.service.chain.chainId;
    await ok(a.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } }));
    await ok(a.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'n', operator: operator.address, signer: signer.address, hardwareClass: 'gpu' } }));
    await ok(a.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: operator.address, amount: cxt(10).toString(), ref: 'd' } }));
    const c = { contributionId: 'w', nodeId: 'n', epoch: 0, kind: 'compute' as const, units: 5, proofHash: proofHash(5) };
    await ok(a.request('POST', '/v1/contributions', { body: await signedContribution(signer, chainId, c) }));
    await ok(a.request('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'w', verdict: 'verified' }) }));
    await ok(a.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'r', source: 'api', asset: a.service.chain.wbnbToken, gross: '1000', provider: operator.address } }));
    a.at(1);
    expect((await a.service.scheduler.tick()).failed).toEqual({});
    await chainForward(a, 61);
    expect((await a.service.scheduler.tick()).failed).toEqual({});
    const d1 = (await a.request('GET', '/v1/distributions/1')).json;
    expect(d1.status).toBe('active');
    await a.stop();

    const file = join(await tempDir('cxt-import-file-'), 'events.jsonl');
    await cli(from.env, 'export', '--out', file, '--data-dir', dirA);
    const to = await place('cxt-import-b-');
    await cli(to.env, 'import', '--in', file, '--data-dir', to.dataDir);

    // A fresh embedded chain: deterministic deployment gives the same addresses, but no root.
    const b = await startHarness({ ...to.harness, clock: a.clock, params: { timelockSeconds: 60 } });
    try {
      const onChain = distributorClient(b.service.chain.distributor, b.service.chain.provider);
      expect(await onChain.root()).not.toBe(d1.root);
      // One block more than chain A had before its proposal: when both chains run within the same
      // wall-clock second, B would otherwise mine A's blocks byte for byte, the re-sent proposal
      // would land in a block with A's very hash, and no record could tell the two apart (the
      // publisher then proposes once more a tick later, which this test does not wait for).
      await chainForward(b, 1);
      const proposed = await b.service.scheduler.tick();
      expect(proposed.failed, JSON.stringify(proposed)).toEqual({});
      expect(proposed.done.publisher).toMatch(/distribution 1 proposed/);
      expect(await onChain.pending()).toMatchObject({ root: d1.root, dataHash: d1.logHead });
      await chainForward(b, 61);
      const accepted = await b.service.scheduler.tick();
      expect(accepted.failed).toEqual({});
      expect(await onChain.root(), JSON.stringify({ accepted, pending: await onChain.pending(), block: await b.service.chain.provider.getBlock('latest') }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).toBe(d1.root);
      expect((await b.request('GET', '/v1/distributions/1')).json.status).toBe('active');
      expect((await b.request('GET', '/readyz')).json).toMatchObject({ status: 'ready', attention: [] });
      expect((await b.service.scheduler.tick()).failed).toEqual({});
    } finally {
      await b.destroy();
    }
  });
});
