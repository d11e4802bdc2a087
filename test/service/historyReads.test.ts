/**
 * The reads of what the ledger state lets go of (issue 13): a contribution's status before and
 * after the close that settles it, revenue records and burns, an account's stake history, and the
 * task list — each paged with an opaque cursor that walks every record exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cxt } from '../../domain/index.ts';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

type Body = Record<string, any>;
const operator = wallet('history-operator');
const signer = wallet('history-signer');
const verifier = wallet('history-verifier');
const staker = wallet('history-staker');

let h: Harness;
let chainId: number;

const ok = async (method: string, url: string, options: Parameters<Harness['request']>[2] = {}, status = 201): Promise<Body> => {
  const r = await h.request(method, url, options);
  expect(r.status, `${url}: ${JSON.stringify(r.json)}`).toBe(status);
  return r.json as Body;
};
const get = (url: string, status = 200) => ok('GET', url, {}, status);

/** Every page of a paged list, following `next`. */
const walk = async (url: string, key: string): Promise<Body[]> => {
  const out: Body[] = [];
  let next: string | null = null;
  do {
    const page: Body = await get(`${url}${url.includes('?') ? '&' : '?'}limit=1${next ? `&after=${next}` : ''}`);
    expect(page[key].length).toBeLessThanOrEqual(1);
    out.push(...page[key]);
    next = page.next;
  } while (next !== null);
  return out;
};

beforeAll(async () => {
  h = await startHarness();
  chainId = h.service.chain.chainId;
  h.at(0);
  await ok('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } });
  await ok('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'hist-1', operator: operator.address, signer: signer.address, hardwareClass: 'cpu' } });
  for (const [id, units] of [['good', 10], ['bad', 20], ['late', 30]] as const)
    await ok('POST', '/v1/contributions', { body: await signedContribution(signer, chainId, { contributionId: `hist-${id}`, nodeId: 'hist-1', epoch: 0, kind: 'compute', units, proofHash: proofHash(units) }) });
  await ok('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'hist-good', verdict: 'verified' }) });
  await ok('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'hist-bad', verdict: 'invalid' }) });
  await ok('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(100).toString(), ref: 'hist-stake:0' } });
  await ok('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(50).toString(), ref: 'hist-stake:1' } });
  await ok('POST', '/v1/stake/unstakes', { token: INDEXER, headers: { 'idempotency-key': 'hist-u-1' }, body: { account: staker.address, amount: cxt(30).toString() } });
  for (let i = 0; i < 3; i++)
    await ok('POST', '/v1/revenue', { token: BILLING, body: { revenueId: `hist-rev-${i}`, source: 'api', asset: h.service.chain.wbnbToken!, gross: String(1000 + i), provider: operator.address } });
});
afterAll(() => h?.destroy());

describe('history reads', () => {
  it('a contribution is open until a close settles it: then paid, rejected, or still open while its window runs', async () => {
    expect(await get('/v1/contributions/hist-good')).toMatchObject({ status: 'verified', nodeId: 'hist-1', units: 10, settledEpoch: null, verdict: { type: 'ContributionVerified', epoch: 0 } });
    expect(await get('/v1/contributions/hist-bad')).toMatchObject({ status: 'rejected', verdict: { type: 'ContributionRejected', reason: 'invalid' } });
    h.at(1);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const good = await get('/v1/contributions/hist-good');
    expect(good).toMatchObject({ status: 'paid', settledEpoch: 0, recorded: { position: expect.any(Number) } });
    expect(await get('/v1/contributions/hist-bad')).toMatchObject({ status: 'rejected', settledEpoch: 0 });
    // Unjudged: still open in the ledger, its verification window not over.
    expect(await get('/v1/contributions/hist-late')).toMatchObject({ status: 'recorded', verdict: null });
    expect((await get('/v1/contributions/never', 404)).detail).toMatch(/never recorded/);
  });

  it('revenue records in the order recorded, paged one at a time', async () => {
    const records = await walk('/v1/revenue', 'records');
    expect(records.map((r) => [r.type, r.revenueId, r.gross])).toEqual([0, 1, 2].map((i) => ['RevenueRecorded', `hist-rev-${i}`, String(1000 + i)]));
    expect(records.map((r) => r.position)).toEqual([...records.map((r) => r.position)].sort((a, b) => a - b));
  });

  it('an account’s stake history: deposits and the unstake request with its release epoch', async () => {
    const changes = await walk(`/v1/accounts/${staker.address}/stake`, 'changes');
    expect(changes.map((c) => [c.type, c.amount])).toEqual([
      ['StakeDeposited', cxt(100).toString()],
      ['StakeDeposited', cxt(50).toString()],
      ['UnstakeRequested', cxt(30).toString()],
    ]);
    expect(changes[2]!.releaseEpoch).toBeGreaterThan(0);
    expect(await get(`/v1/accounts/${operator.address}/stake`)).toEqual({ account: operator.address.toLowerCase(), changes: [], next: null });
  });

  it('the task list is empty without tasks; bad cursors and limits are 400s naming the field', async () => {
    expect(await get('/v1/tasks')).toEqual({ tasks: [], next: null });
    for (const [url, field] of [
      ['/v1/revenue?after=nope!', 'query.after'],
      ['/v1/tasks?limit=0', 'query.limit'],
      [`/v1/accounts/0x12/stake`, 'params.address'],
      [`/v1/accounts/${staker.address}/stake?limit=1001`, 'query.limit'],
      ['/v1/contributions/has%20space', 'params.contributionId'],
    ] as const) {
      const r = await h.request('GET', url);
      expect(r.status, url).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.json.errors.map((e: Body) => e.field)).toEqual([field]);
    }
  });
});
