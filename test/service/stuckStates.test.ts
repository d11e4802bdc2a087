/**
 * Issue 9 defects 1–3 through the real service, on PGlite and PostgreSQL: valid-looking requests
 * that used to stop settlement for everyone, and the operator's ways out of a stuck distribution.
 *
 * 1. Revenue of 2^256 − 1 twice in one epoch: refused at the boundary (amounts ≤ 2^128 − 1); at the
 *    bound itself, twice, the epoch closes, distributes, publishes and the service restarts.
 * 2. Revenue in an address that holds no token: refused (ASSET_UNKNOWN); registration checks the
 *    chain; a distributor short of a registered token answers 409 naming token, needed and held, shows
 *    in /metrics and /readyz, and publishing resumes by itself once it is funded.
 * 3. A revoke for a created distribution; no second proposal of an unchanged root.
 * 9. The account view's stake in disjoint parts; /v1/info with the parameters in force.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract } from 'ethers';
import { deployTestToken, distributorClient } from '../../adapters/chain/index.ts';
import { cxt } from '../../domain/index.ts';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, chainForward, startHarness, storagesUnderTest, wallet, type Harness } from './harness.ts';

const MAX = (1n << 128n) - 1n;
const verifier = wallet('stuck-verifier');
const operator = wallet('stuck-operator');
const signer = wallet('stuck-signer');
const staker = wallet('stuck-staker');

const ok = async (p: Promise<{ status: number; json: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
  return r.json;
};

/** Stake, verified work and a verifier, so every pool of epoch `epoch` pays someone. */
const activity = async (h: Harness, epoch: number) => {
  const chainId = h.service.chain.chainId;
  const c = { contributionId: `w-${epoch}`, nodeId: 'n-1', epoch, kind: 'compute' as const, units: 10, proofHash: proofHash(epoch + 1) };
  await ok(h.request('POST', '/v1/contributions', { body: await signedContribution(signer, chainId, c) }));
  await ok(h.request('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: c.contributionId, verdict: 'verified' }) }));
};

const setUp = async (h: Harness) => {
  await ok(h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } }));
  await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'n-1', operator: operator.address, signer: signer.address, hardwareClass: 'edge' } }));
  await ok(h.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(100).toString(), ref: 'dep-1' } }));
};


describe.each(await storagesUnderTest())('stuck states on %s', (storage) => {
  let h: Harness;
  /** The harness that created the schema and data dir; the restarted one only borrows them. */
  let owner: Harness | undefined;
  let eventsBefore: number;
  beforeAll(async () => {
    owner = h = await startHarness({ storage, params: { timelockSeconds: 60 } });
    await setUp(h);
  });
  afterAll(async () => {
    await h?.stop();
    await owner?.destroy();
  });

  it('defect 1: revenue of 2^256 − 1 is refused at the boundary, naming the field and the bound; nothing is written', async () => {
    eventsBefore = await h.eventCount();
    for (const revenueId of ['huge-1', 'huge-2']) {
      const r = await h.request('POST', '/v1/revenue', {
        token: BILLING,
        body: { revenueId, source: 'api', asset: h.service.chain.wbnbToken, gross: ((1n << 256n) - 1n).toString() },
      });
      expect(r.status).toBe(400);
      expect(r.json.errors).toEqual([{ field: 'gross', message: 'exceeds 2^128 - 1' }]);
    }
    expect(await h.eventCount()).toBe(eventsBefore);
  });

  it('defect 1: twice 2^128 − 1 in one epoch closes, distributes and publishes; every request still answers', async () => {
    await activity(h, 0);
    for (const revenueId of ['max-1', 'max-2'])
      await ok(h.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId, source: 'api', asset: h.service.chain.wbnbToken, gross: MAX.toString(), provider: operator.address } }));
    h.at(1);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const closed = (await h.request('GET', '/v1/epochs/0')).json;
    expect(closed.revenue[0].gross).toBe((2n * MAX).toString());
    const d1 = (await h.request('GET', '/v1/distributions/1')).json;
    expect(d1.status).toBe('published');
    // Leaves hold the provider's 2·(MAX − fee); no stake is active in epoch 0, so the fees are all buyback budget.
    const fee = (MAX * 1000n) / 10_000n;
    expect(d1.totals.find((t: { token: string }) => t.token === h.service.chain.wbnbToken).cumulative).toBe((2n * (MAX - fee)).toString());
    for (const url of ['/v1/supply', `/v1/accounts/${operator.address}`, '/v1/epochs', '/v1/distributions', '/readyz']) expect((await h.request('GET', url)).status).toBe(200);
  });

  it('defect 1: the service restarts on that log', async () => {
    const { dataDir, schema, clock } = h;
    await h.stop();
    h = await startHarness({ storage, dataDir, ...(schema ? { schema } : {}), clock, params: { timelockSeconds: 60 } });
    expect((await h.request('GET', '/v1/epochs/0')).json.revenue[0].gross).toBe((2n * MAX).toString());
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    await chainForward(h, 61);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect((await h.request('GET', '/v1/distributions/1')).json.status).toBe('active');
  });

  it('defect 2: revenue in an address with no token is refused (422 ASSET_UNKNOWN), and registration checks the chain', async () => {
    const before = await h.eventCount();
    const zero = `0x${'0'.repeat(40)}`;
    const r = await h.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'zero', source: 'api', asset: zero, gross: '100' } });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('ASSET_UNKNOWN');
    const burn = await h.request('POST', '/v1/burns', { token: ADMIN, body: { burnId: 'b', amount: '1', reason: 'buyback', asset: zero, spent: '1' } });
    expect(burn.json.code).toBe('ASSET_UNKNOWN');
    const noCode = await h.request('POST', '/v1/assets', { token: ADMIN, body: { asset: zero } });
    expect([noCode.status, noCode.json.code]).toEqual([422, 'ASSET_NOT_A_CONTRACT']);
    const notErc20 = await h.request('POST', '/v1/assets', { token: ADMIN, body: { asset: h.service.chain.distributor } });
    expect([notErc20.status, notErc20.json.code]).toEqual([422, 'ASSET_NOT_ERC20']);
    expect(await h.eventCount()).toBe(before);
    const assets = (await h.request('GET', '/v1/assets')).json.assets.map((a: { symbol: string }) => a.symbol);
    expect(assets.sort()).toEqual(['CXT', 'WBNB']);
  });

  it('defect 2: a distributor short of a registered token answers 409 naming token, needed and held, shows it, and resumes by itself once funded', async () => {
    // A token the embedded chain does not mint for the service: funding it is the operator's job.
    const usdc = (await deployTestToken(h.service.chain.signer, 'USD Coin', 'USDC', 6)).address;
    const registered = await ok(h.request('POST', '/v1/assets', { token: ADMIN, body: { asset: usdc } }));
    expect(registered.asset).toMatchObject({ asset: usdc, symbol: 'USDC', decimals: 6 });
    await activity(h, 1);
    await ok(h.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'usdc-1', source: 'task', asset: usdc, gross: '1000000', provider: operator.address } }));
    h.at(2);
    const tick = await h.service.scheduler.tick();
    expect(tick.failed.publisher).toMatch(new RegExp(`token ${usdc} but needs`));
    const d2 = (await h.request('GET', '/v1/distributions/2')).json;
    expect(d2.status).toBe('created');
    const needed = d2.totals.find((t: { token: string }) => t.token === usdc).cumulative;

    const publish = await h.request('POST', '/v1/distributions/2/publish', { token: ADMIN });
    expect(publish.status).toBe(409);
    expect(publish.contentType).toContain('application/problem+json');
    expect(publish.json).toMatchObject({ code: 'INSUFFICIENT_FUNDING', shortfalls: [{ token: usdc, needed, held: '0' }] });
    const metrics = (await h.request('GET', '/metrics')).json as string;
    expect(metrics).toContain(`cxt_distributor_shortfall_base_units{token="${usdc}"} ${needed}`);
    expect(metrics).toContain('cxt_attention{condition="job:publisher"} 1');
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'degraded', attention: [{ condition: 'job:publisher', detail: expect.stringContaining(usdc) }] });

    const erc20 = new Contract(usdc, ['function mint(address,uint256)'], h.service.chain.signer);
    await (await erc20.getFunction('mint')(h.service.chain.distributor, BigInt(needed))).wait();
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect((await h.request('GET', '/v1/distributions/2')).json.status).toBe('published');
    expect((await h.request('GET', '/readyz')).json).toMatchObject({ status: 'ready', attention: [] });
    expect((await h.request('GET', '/metrics')).json).not.toContain('cxt_distributor_shortfall_base_units{');
  });

  it('defect 3: an unchanged root is not proposed again, and a created distribution can be revoked', async () => {
    await chainForward(h, 61);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect((await h.request('GET', '/v1/distributions/2')).json.status).toBe('active');
    const proposals = () => distributorClient(h.service.chain.distributor, h.service.chain.provider).events({ fromBlock: 0, types: ['RootProposed'] });
    const proposed = (await proposals()).length;
    // Epoch 2 pays no one: no work, no verdicts, and the only stake leaves in it (active stake is the
    // lower of its start and end). Its close changes no leaf, so there is nothing to propose.
    await ok(h.request('POST', '/v1/stake/unstakes', { token: INDEXER, headers: { 'idempotency-key': 'all' }, body: { account: staker.address, amount: cxt(100).toString() } }));
    h.at(3);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect((await h.request('GET', '/v1/epochs/2')).json.minted).toBe('0');
    expect((await h.request('GET', '/v1/distributions')).json.distributions).toHaveLength(2);
    expect((await proposals()).length).toBe(proposed);

    // A fresh allocation, a created distribution, revoked before it is proposed.
    await activity(h, 3);
    h.at(4);
    await ok(h.request('POST', '/v1/epochs/close', { token: ADMIN, body: { epoch: 3 } }));
    const created = await ok(h.request('POST', '/v1/distributions', { token: ADMIN, body: {} }));
    const seq = created.distribution.seq;
    const revoked = await h.request('POST', `/v1/distributions/${seq}/revoke`, { token: ADMIN, body: { reason: 'wrong tree' } });
    expect(revoked.status).toBe(201);
    expect(revoked.json.distribution).toMatchObject({ seq, status: 'revoked', revoked: { seq, reason: 'wrong tree' } });
    // An accepted one cannot be revoked; a proposed one only by the guardian on-chain.
    const proposedOne = await h.request('POST', '/v1/distributions/2/revoke', { token: ADMIN });
    expect([proposedOne.status, proposedOne.json.code]).toEqual([422, 'DISTRIBUTION_STATE']);
  });
});

describe.each(await storagesUnderTest())('the account view and /v1/info on %s', (storage) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ storage, params: { unbondingEpochs: 1 } });
  });
  afterAll(() => h?.destroy());

  it('shows stake as bonded, unbonding and withdrawable, disjoint, and active for the current epoch', async () => {
    const a = staker.address.toLowerCase();
    await ok(h.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: a, amount: '1000', ref: 'd' } }));
    await ok(h.request('POST', '/v1/stake/unstakes', { token: INDEXER, headers: { 'idempotency-key': 'u1' }, body: { account: a, amount: '400' } }));
    const view = async () => {
      const j = (await h.request('GET', `/v1/accounts/${a}`)).json;
      return [j.bondedStake, j.activeStake, j.unbondingStake, j.withdrawableStake];
    };
    // Epoch 0: 600 bonded, none active yet (a stake made in e earns from e+1), 400 unbonding until epoch 1.
    expect(await view()).toEqual(['600', '0', '400', '0']);
    h.at(1);
    expect(await view()).toEqual(['600', '600', '0', '400']);
    await ok(h.request('POST', '/v1/stake/withdrawals', { token: INDEXER, headers: { 'idempotency-key': 'w1' }, body: { account: a, amount: '400' } }));
    expect(await view()).toEqual(['600', '600', '0', '0']);
  });

  it('/v1/info serves the parameters in force and the current epoch', async () => {
    h.at(3);
    const info = (await h.request('GET', '/v1/info')).json;
    expect(info.currentEpoch).toBe(3);
    expect(info.parameters.inForce).toMatchObject({ unbondingEpochs: 1, maxSupply: cxt(1_000_000_000).toString(), verificationWindowEpochs: 7 });
    expect(info.parameters.scheduled).toEqual([]);
  });
});
