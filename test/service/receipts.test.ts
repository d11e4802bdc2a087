/**
 * Reward receipts over HTTP (issue 13): after real closes through the service, every account's
 * receipt adds up to what the close allocated to it, its leaf in the distribution verifies against
 * the root with the served proof, the CSV carries the same numbers, and a receipt asked for before
 * the read models have caught up is a 503 with Retry-After (never a wrong zero).
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cxt } from '../../domain/index.ts';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

type Body = Record<string, any>;
const operator = wallet('receipt-operator');
const signer = wallet('receipt-signer');
const staker = wallet('receipt-staker');
const verifier = wallet('receipt-verifier');
const provider = wallet('receipt-provider');
const addr = (w: { address: string }) => w.address.toLowerCase();

let h: Harness;
let chainId: number;

const ok = async (method: string, url: string, options: Parameters<Harness['request']>[2] = {}, status = 201): Promise<Body> => {
  const r = await h.request(method, url, options);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  return r.json as Body;
};
const get = (url: string, status = 200) => ok('GET', url, {}, status);

const work = async (id: string, epoch: number, units: number) => {
  await ok('POST', '/v1/contributions', {
    body: await signedContribution(signer, chainId, { contributionId: id, nodeId: 'rc-gpu', epoch, kind: 'compute', units, proofHash: proofHash(units) }),
  });
  await ok('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: id, verdict: 'verified' }) });
};

beforeAll(async () => {
  h = await startHarness();
  chainId = h.service.chain.chainId;
  h.at(0);
  await ok('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } });
  await ok('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'rc-gpu', operator: operator.address, signer: signer.address, hardwareClass: 'gpu' } });
  await ok('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(5_000).toString(), ref: 'rc-stake:0' } });
  await ok('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: operator.address, amount: cxt(1_000).toString(), ref: 'rc-stake:1' } });
  await work('rc-0', 0, 700);
  await ok('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'rc-rev-0', source: 'api', asset: h.service.chain.wbnbToken!, gross: '123456789', provider: provider.address } });
  h.at(1);
  expect((await h.service.scheduler.tick()).failed).toEqual({});
  await work('rc-1', 1, 300);
});
afterAll(() => h?.destroy());

const totalsOf = (receipt: Body): Record<string, string> => Object.fromEntries(receipt.totals.map((t: Body) => [t.token, t.amount]));

describe('reward receipts over HTTP', () => {
  it('epoch 0: each account’s receipt totals are what the close allocated to it, and its leaf verifies against the root', async () => {
    const d1 = await get('/v1/distributions/1');
    expect(d1.throughEpoch).toBe(0);
    const accounts = [operator, staker, provider, verifier].map(addr);
    let receipted = 0;
    for (const account of accounts) {
      const receipt = await get(`/v1/accounts/${account}/epochs/0`);
      const a = await get(`/v1/accounts/${account}`);
      // After one close, the cumulative allocation of a token is that close's allocation.
      const allocated = Object.fromEntries(a.tokens.map((t: Body) => [t.token, t.cumulativeAllocated]).filter(([, v]: string[]) => v !== '0'));
      expect(totalsOf(receipt), account).toEqual(allocated);
      if (receipt.totals.length > 0) receipted += 1;
      expect(receipt.distribution).toMatchObject({ seq: 1, throughEpoch: 0, root: d1.root, treeAvailable: true });
      expect(Object.fromEntries(receipt.distribution.leaves.map((l: Body) => [l.token, l.cumulative]))).toEqual(allocated);
      for (const leaf of receipt.distribution.leaves)
        expect(StandardMerkleTree.verify(d1.root, ['address', 'address', 'uint256'], [account, leaf.token, leaf.cumulative], leaf.proof)).toBe(true);
    }
    // The staker's deposit of epoch 0 earns from epoch 1 on: nothing yet.
    expect(receipted).toBe(3);
  });

  it('the receipts of every account in an epoch, paged, sum to that epoch’s allocations: minted CXT, and per revenue asset the provider and staker shares', async () => {
    for (const epoch of [0, 1]) {
      if (epoch === 1) {
        h.at(2);
        expect((await h.service.scheduler.tick()).failed).toEqual({});
      }
      const close = await get(`/v1/epochs/${epoch}`);
      const seen: Body[] = [];
      let next: string | null = null;
      do {
        const page: Body = await get(`/v1/epochs/${epoch}/receipts?limit=1${next ? `&after=${next}` : ''}`);
        seen.push(...page.receipts);
        next = page.next;
      } while (next !== null);
      expect(seen.map((r) => r.account)).toEqual([...seen.map((r) => r.account)].sort());
      const paid = new Map<string, bigint>();
      for (const r of seen) for (const t of r.totals) paid.set(t.token, (paid.get(t.token) ?? 0n) + BigInt(t.amount));
      const allocated = new Map<string, bigint>([[h.service.chain.cxtToken, BigInt(close.minted)]]);
      for (const x of close.revenue) allocated.set(x.asset, (allocated.get(x.asset) ?? 0n) + BigInt(x.provider) + BigInt(x.stakers));
      expect(paid, `epoch ${epoch}`).toEqual(new Map([...allocated].filter(([, v]) => v > 0n)));
    }
    expect((await h.request('GET', '/v1/epochs/2/receipts')).status).toBe(404);
    expect((await h.request('GET', '/v1/epochs/0/receipts?after=nope!')).status).toBe(400);
  });

  it('explains the numbers: the operator’s node work and tier, the staker’s stake share, the provider’s revenue share, the verifier’s verdicts', async () => {
    const op = await get(`/v1/accounts/${addr(operator)}/epochs/0`);
    expect(op.compute).toMatchObject({ tierBps: expect.any(Number), nodes: [{ nodeId: 'rc-gpu', units: { compute: 700, training: 0, data: 0 } }] });
    expect(BigInt(op.compute.paid)).toBeGreaterThan(0n);
    expect(BigInt(op.compute.boostedWeight)).toBeLessThanOrEqual(BigInt(op.compute.totalBoostedWeight));
    const st = await get(`/v1/accounts/${addr(staker)}/epochs/0`);
    // Deposits made in epoch 0 start earning in epoch 1: no staking nor fee share yet.
    expect(st).toMatchObject({ compute: null, staking: null, revenue: [], totals: [] });
    const pr = await get(`/v1/accounts/${addr(provider)}/epochs/0`);
    expect(pr.revenue[0]).toMatchObject({ asset: h.service.chain.wbnbToken, stakers: '0' });
    const v = await get(`/v1/accounts/${addr(verifier)}/epochs/0`);
    expect(v.verification).toMatchObject({ verdicts: 1, totalVerdicts: 1 });
  });

  it('an account the close did not pay answers an empty receipt; an open epoch is a 404; bad input a 400 naming the field', async () => {
    const nobody = addr(wallet('receipt-nobody'));
    expect(await get(`/v1/accounts/${nobody}/epochs/0`)).toMatchObject({ account: nobody, epoch: 0, compute: null, totals: [], slashed: '0' });
    expect((await get(`/v1/accounts/${addr(staker)}/epochs/7`, 404)).detail).toMatch(/epoch 7 is not closed/);
    for (const [url, field] of [
      ['/v1/accounts/0x12/epochs/0', 'params.address'],
      [`/v1/accounts/${addr(staker)}/epochs/-1`, 'params.epoch'],
      [`/v1/accounts/${addr(staker)}/epochs?limit=0`, 'query.limit'],
      [`/v1/accounts/${addr(staker)}/epochs?fromEpoch=x`, 'query.fromEpoch'],
      ['/v1/accounts/nope/epochs.csv', 'params.address'],
    ] as const) {
      const r = await h.request('GET', url);
      expect(r.status, url).toBe(400);
      expect(r.contentType).toMatch(/problem\+json/);
      expect(r.json.errors.map((e: Body) => e.field)).toContain(field);
    }
  });

  it('a close the read models have not caught up with yet answers 503 with Retry-After, then the receipt once they have', async () => {
    h.at(3);
    await work('rc-2', 2, 100);
    await ok('POST', '/v1/epochs/close', { token: ADMIN, body: { epoch: 2 } });
    for (const url of [`/v1/accounts/${addr(staker)}/epochs/2`, '/v1/epochs/2/receipts']) {
      const r = await h.request('GET', url);
      expect(r.status, url).toBe(503);
      expect(r.headers['retry-after']).toBe('2');
    }
    await h.service.projections.catchUp();
    expect((await get(`/v1/accounts/${addr(staker)}/epochs/2`)).totals.length).toBeGreaterThan(0);
    const st = await get(`/v1/accounts/${addr(staker)}/epochs/1`);
    // Active from epoch 1: the staking pool is shared by stake, 5,000 against the operator's 1,000.
    expect(st.staking).toMatchObject({ activeStake: cxt(5_000).toString(), totalActiveStake: cxt(6_000).toString() });
  });

  it('points a receipt at the distribution to claim it through: the newest pending one, not the one it first appeared in', async () => {
    const distributions = (await get('/v1/distributions')).distributions as Body[];
    const pending = distributions.filter((d) => d.status === 'created' || d.status === 'published').at(-1)!;
    expect(pending.seq).toBeGreaterThan(1);
    const receipt = await get(`/v1/accounts/${addr(operator)}/epochs/0`);
    expect(receipt.distribution).toMatchObject({ seq: pending.seq, root: pending.root });
    // Its leaf is cumulative: at least what epoch 0 paid.
    const cxtLeaf = receipt.distribution.leaves.find((l: Body) => l.token === h.service.chain.cxtToken);
    expect(BigInt(cxtLeaf.cumulative)).toBeGreaterThanOrEqual(BigInt(totalsOf(receipt)[h.service.chain.cxtToken]!));
  });

  it('lists the receipts by epoch, and the CSV carries the same totals', async () => {
    const list = await get(`/v1/accounts/${addr(operator)}/epochs?limit=1`);
    expect(list).toMatchObject({ account: addr(operator), receiptsThroughEpoch: 2, nextFromEpoch: 1 });
    expect(list.receipts.map((x: Body) => x.epoch)).toEqual([0]);
    const rest = await get(`/v1/accounts/${addr(operator)}/epochs?fromEpoch=1`);
    expect(rest.receipts.map((x: Body) => x.epoch)).toEqual([1, 2]);
    expect(rest.nextFromEpoch).toBeNull();

    const csv = await h.request('GET', `/v1/accounts/${addr(operator)}/epochs.csv`);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toMatch(/^text\/csv/);
    const [header, ...lines] = String(csv.json).trim().split('\n');
    expect(header).toBe('epoch,token,compute,staking,verification,revenue_provider,revenue_stakers,task_pay,task_refund,slashed,total');
    const cells = lines.map((l) => l.split(','));
    for (const receipt of [...list.receipts, ...rest.receipts]) {
      for (const t of receipt.totals) {
        const line = cells.find((c) => c[0] === String(receipt.epoch) && c[1] === t.token)!;
        expect(line.at(-1)).toBe(t.amount);
        // The parts of a line add up to its total.
        expect(line.slice(2, 9).reduce((a, x) => a + BigInt(x), 0n).toString()).toBe(t.amount);
      }
    }
    expect(cells.length).toBe([...list.receipts, ...rest.receipts].reduce((n: number, r: Body) => n + r.totals.length, 0));
  });
});
