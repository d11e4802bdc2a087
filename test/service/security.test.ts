/**
 * The security table of issue 4: each attempt is refused with the right status and problem, and
 * the log does not move. Plus the positive controls (a correct signature is accepted, a replay
 * answers the original result) so the refusals are not an artefact of a broken happy path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

const node = { signer: wallet('node-1-signer'), operator: wallet('node-1-operator') };
const verifier = wallet('verifier-1');
const stranger = wallet('stranger');
let h: Harness;
let chainId: number;

const contribution = (id: string, epoch: number, units = 10) => ({
  contributionId: id,
  nodeId: 'node-1',
  epoch,
  kind: 'compute' as const,
  units,
  proofHash: proofHash(units),
});

beforeAll(async () => {
  h = await startHarness();
  chainId = h.service.chain.chainId;
  h.at(3); // current epoch 3: epochs 1..3 are open for work, 0 is too old (maxLateEpochs 2)
  const ok = (r: { status: number }) => expect(r.status).toBe(201);
  ok(await h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } }));
  ok(
    await h.request('POST', '/v1/nodes', {
      token: ADMIN,
      body: { nodeId: 'node-1', operator: node.operator.address, signer: node.signer.address, hardwareClass: 'gpu' },
    }),
  );
});
afterAll(() => h?.destroy());

/** Sends, then checks status, problem shape, code and that nothing was written. */
const refused = async (method: string, url: string, options: Parameters<Harness['request']>[2], status: number, code?: string) => {
  const before = await h.eventCount();
  const r = await h.request(method, url, options);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.contentType).toContain('application/problem+json');
  expect(r.json).toMatchObject({ status, type: expect.stringMatching(/^urn:corex:problem:/), title: expect.any(String), detail: expect.any(String) });
  if (code) expect(r.json.code).toBe(code);
  expect(await h.eventCount()).toBe(before);
  return r.json;
};

describe('signed contributions', () => {
  it('accepts a contribution signed by the node’s signer, and answers a replay with the original events', async () => {
    const body = await signedContribution(node.signer, chainId, contribution('c-ok', 3));
    const first = await h.request('POST', '/v1/contributions', { body });
    expect(first.status).toBe(201);
    expect(first.json.events[0]).toMatchObject({ type: 'ContributionRecorded', data: { contributionId: 'c-ok', epoch: 3, units: 10 } });
    const count = await h.eventCount();
    const again = await h.request('POST', '/v1/contributions', { body });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', events: first.json.events });
    expect(await h.eventCount()).toBe(count);
  });

  it('refuses a contribution signed by another key (403 SIGNATURE_MISMATCH)', async () => {
    const body = await signedContribution(stranger, chainId, contribution('c-wrong-key', 3));
    const p = await refused('POST', '/v1/contributions', { body }, 403, 'SIGNATURE_MISMATCH');
    expect(p.detail).toContain(stranger.address.toLowerCase());
  });

  it('refuses a signed body replayed with a changed field (units, epoch, proofHash, kind, taskId)', async () => {
    const signed = await signedContribution(node.signer, chainId, contribution('c-tamper', 2, 10));
    const changes = [{ units: 11 }, { epoch: 3 }, { proofHash: proofHash(99) }, { kind: 'training' }, { taskId: 'task-9' }, { contributionId: 'c-other' }];
    for (const change of changes)
      await refused('POST', '/v1/contributions', { body: { ...signed, contribution: { ...signed.contribution, ...change } } }, 403, 'SIGNATURE_MISMATCH');
  });

  it('refuses a signature made for another chain id', async () => {
    const body = await signedContribution(node.signer, chainId + 1, contribution('c-other-chain', 3));
    await refused('POST', '/v1/contributions', { body }, 403, 'SIGNATURE_MISMATCH');
  });

  it('refuses a contribution for an unregistered node (422 NODE_UNKNOWN)', async () => {
    const body = await signedContribution(stranger, chainId, { ...contribution('c-unknown-node', 3), nodeId: 'node-404' });
    const p = await refused('POST', '/v1/contributions', { body }, 422, 'NODE_UNKNOWN');
    expect(p.detail).toBe('node node-404 is not registered');
  });

  it('refuses a future epoch (422 EPOCH_IN_FUTURE) and one older than maxLateEpochs (422 EPOCH_TOO_OLD)', async () => {
    await refused('POST', '/v1/contributions', { body: await signedContribution(node.signer, chainId, contribution('c-future', 4)) }, 422, 'EPOCH_IN_FUTURE');
    const p = await refused('POST', '/v1/contributions', { body: await signedContribution(node.signer, chainId, contribution('c-old', 0)) }, 422, 'EPOCH_TOO_OLD');
    expect(p.detail).toBe('contribution epoch 0 is more than 2 epochs before the current epoch 3');
    // The oldest epoch still accepted is current − maxLateEpochs.
    expect((await h.request('POST', '/v1/contributions', { body: await signedContribution(node.signer, chainId, contribution('c-late-ok', 1)) })).status).toBe(201);
  });

  it('refuses a malformed signature as a field error (400)', async () => {
    const body = await signedContribution(node.signer, chainId, contribution('c-bad-sig', 3));
    const p = await refused('POST', '/v1/contributions', { body: { ...body, signature: `0x${'11'.repeat(65)}` } }, 400);
    expect(p.errors).toEqual([{ field: 'signature', message: expect.stringContaining('signature') }]);
  });

  it('answers a reused contribution id with different (validly signed) content as a conflict (409)', async () => {
    const body = await signedContribution(node.signer, chainId, contribution('c-ok', 3, 12));
    await refused('POST', '/v1/contributions', { body }, 409, 'IDEMPOTENCY_CONFLICT');
  });
});

describe('signed verdicts', () => {
  it('refuses a verdict signed by an address that is not a verifier (422 NOT_A_VERIFIER)', async () => {
    const body = await signedVerdict(stranger, chainId, { contributionId: 'c-late-ok', verdict: 'verified' });
    const p = await refused('POST', '/v1/verdicts', { body }, 422, 'NOT_A_VERIFIER');
    expect(p.detail).toBe(`${stranger.address.toLowerCase()} is not a registered verifier`);
  });

  it('accepts the registered verifier’s verdict, recording it as theirs', async () => {
    const r = await h.request('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'c-late-ok', verdict: 'verified' }) });
    expect(r.status).toBe(201);
    expect(r.json.events[0]).toMatchObject({ type: 'ContributionVerified', data: { verifier: verifier.address.toLowerCase() } });
  });

  it('refuses a verifier’s signed verdict replayed with the verdict changed', async () => {
    const signed = await signedVerdict(verifier, chainId, { contributionId: 'c-ok', verdict: 'verified' });
    // The changed body recovers to some other address, which is no verifier.
    await refused('POST', '/v1/verdicts', { body: { ...signed, verdict: { ...signed.verdict, verdict: 'fraud' } } }, 422, 'NOT_A_VERIFIER');
  });
});

describe('bearer tokens', () => {
  const deposit = { account: wallet('staker').address, amount: '1000', ref: 'tx-1:0' };
  const revenue = { revenueId: 'rev-1', source: 'api', asset: wallet('usdc').address, gross: '1000' };
  const endpoints = [
    { role: 'admin', method: 'POST', url: '/v1/nodes', body: { nodeId: 'n-x', operator: stranger.address, signer: stranger.address, hardwareClass: 'cpu' } },
    { role: 'admin', method: 'POST', url: '/v1/verifiers', body: { verifier: stranger.address } },
    { role: 'admin', method: 'DELETE', url: `/v1/verifiers/${verifier.address}` },
    { role: 'admin', method: 'POST', url: '/v1/burns', body: { burnId: 'b-1', amount: '1', reason: 'other' } },
    { role: 'admin', method: 'POST', url: '/v1/epochs/close', body: { epoch: 0 } },
    { role: 'admin', method: 'POST', url: '/v1/distributions', body: {} },
    { role: 'admin', method: 'POST', url: '/v1/distributions/1/publish' },
    { role: 'admin', method: 'POST', url: '/v1/claims/rescan', body: { fromBlock: 0 } },
    { role: 'indexer', method: 'POST', url: '/v1/stake/deposits', body: deposit },
    { role: 'indexer', method: 'POST', url: '/v1/stake/unstakes', body: { account: deposit.account, amount: '1' }, headers: { 'idempotency-key': 'u-1' } },
    { role: 'indexer', method: 'POST', url: '/v1/stake/withdrawals', body: { account: deposit.account, amount: '1' }, headers: { 'idempotency-key': 'w-1' } },
    { role: 'billing', method: 'POST', url: '/v1/revenue', body: revenue },
  ] as const;
  const others = { admin: [INDEXER, BILLING], indexer: [BILLING], billing: [INDEXER] } as const;

  for (const e of endpoints) {
    it(`${e.method} ${e.url} (${e.role}): 401 without a token, 403 with a wrong one or another role’s`, async () => {
      const base = { ...('body' in e ? { body: e.body } : {}), ...('headers' in e ? { headers: e.headers } : {}) };
      await refused(e.method, e.url, base, 401, 'TOKEN_MISSING');
      await refused(e.method, e.url, { ...base, headers: { ...('headers' in e ? e.headers : {}), authorization: 'Basic YWRtaW46YWRtaW4=' } }, 401, 'TOKEN_MISSING');
      await refused(e.method, e.url, { ...base, token: `${ADMIN}x` }, 403, 'TOKEN_REJECTED');
      await refused(e.method, e.url, { ...base, token: ADMIN.slice(0, -1) }, 403, 'TOKEN_REJECTED');
      for (const token of others[e.role]) await refused(e.method, e.url, { ...base, token }, 403, 'TOKEN_REJECTED');
    });
  }

  it('checks the token before reading the body: an unauthenticated oversized body is a 401, not a 413', async () => {
    await refused('POST', '/v1/nodes', { raw: 'x'.repeat(200_000) }, 401);
  });

  it('lets the admin token act for the indexer and billing roles', async () => {
    expect((await h.request('POST', '/v1/stake/deposits', { token: ADMIN, body: deposit })).status).toBe(201);
    expect((await h.request('POST', '/v1/revenue', { token: BILLING, body: { ...revenue, asset: h.service.chain.wbnbToken } })).status).toBe(201);
  });
});
