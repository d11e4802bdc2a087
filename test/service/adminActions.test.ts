/**
 * The operator acting by hand instead of waiting for the scheduler: closing an epoch, creating a
 * distribution, driving its publication. Each answers 201 when it recorded something, 200 with the
 * existing result (or the reason to wait) when it did not, and 422 with the rule's code otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

let h: Harness;
const signer = wallet('admin-actions-signer');
const verifier = wallet('admin-actions-verifier');

beforeAll(async () => {
  h = await startHarness();
  const chainId = h.service.chain.chainId;
  const post = async (url: string, body: unknown, token?: string) => expect((await h.request('POST', url, { body, ...(token ? { token } : {}) })).status).toBe(201);
  await post('/v1/verifiers', { verifier: verifier.address }, ADMIN);
  await post('/v1/nodes', { nodeId: 'n', operator: wallet('admin-actions-operator').address, signer: signer.address, hardwareClass: 'storage' }, ADMIN);
  await post('/v1/contributions', await signedContribution(signer, chainId, { contributionId: 'w', nodeId: 'n', epoch: 0, kind: 'data', units: 7, proofHash: proofHash(7) }));
  await post('/v1/verdicts', await signedVerdict(verifier, chainId, { contributionId: 'w', verdict: 'verified' }));
});
afterAll(() => h?.destroy());

const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: ADMIN, ...(body === undefined ? {} : { body }) });

describe('admin actions', () => {
  it('closes an ended epoch (201), answers a repeat with the original (200), refuses one not ended (422)', async () => {
    expect((await admin('POST', '/v1/distributions', {})).json).toMatchObject({ status: 422, code: 'NOTHING_TO_DISTRIBUTE' });
    h.at(1);
    const closed = await admin('POST', '/v1/epochs/close', { epoch: 0 });
    expect(closed.status).toBe(201);
    expect(closed.json.events[0]).toMatchObject({ type: 'EpochClosed', data: { epoch: 0 } });
    const again = await admin('POST', '/v1/epochs/close', { epoch: 0 });
    expect(again.status).toBe(200);
    expect(again.json.events).toEqual(closed.json.events);
    expect((await admin('POST', '/v1/epochs/close', { epoch: 1 })).json).toMatchObject({ status: 422, code: 'EPOCH_NOT_ENDED' });
    expect((await admin('POST', '/v1/epochs/close', { epoch: 5 })).json).toMatchObject({ status: 422, code: 'EPOCH_OUT_OF_ORDER' });
    expect((await h.request('GET', '/v1/epochs/0')).json).toMatchObject({ status: 'closed', epoch: 0, position: closed.json.events[0].position });
    expect((await h.request('GET', '/v1/epochs/1')).json).toMatchObject({ status: 'open', epoch: 1 });
  });

  it('creates a distribution (201), returns it again (200), refuses another through-epoch (422)', async () => {
    expect((await admin('POST', '/v1/distributions', { throughEpoch: 3 })).json).toMatchObject({ status: 422, code: 'EPOCH_OUT_OF_ORDER' });
    const created = await admin('POST', '/v1/distributions', {});
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'accepted', distribution: { seq: 1, status: 'created', throughEpoch: 0, leafCount: 2 } }); // operator and verifier
    const again = await admin('POST', '/v1/distributions', { throughEpoch: 0 });
    expect(again.status).toBe(200);
    expect(again.json.distribution).toEqual(created.json.distribution);
    const tree = (await h.request('GET', '/v1/distributions/1/tree')).json;
    expect(tree).toMatchObject({ format: 'standard-v1', leafEncoding: ['address', 'address', 'uint256'] });
    expect(tree.tree[0]).toBe(created.json.distribution.root);
  });

  it('publishes in order: proposes (201), then waits out the timelock (200 with the reason); other seqs are refused', async () => {
    expect((await admin('POST', '/v1/distributions/2/publish')).json).toMatchObject({ status: 422, code: 'DISTRIBUTION_UNKNOWN' });
    const proposed = await admin('POST', '/v1/distributions/1/publish');
    expect(proposed.status).toBe(201);
    expect(proposed.json).toMatchObject({ status: 'accepted', action: 'published', distribution: { status: 'published', published: { txHash: expect.stringMatching(/^0x/) } } });
    const waiting = await admin('POST', '/v1/distributions/1/publish');
    expect(waiting.status).toBe(200);
    expect(waiting.json).toMatchObject({ status: 'unchanged', action: 'waiting', detail: expect.stringContaining('timelock') });
    expect((await h.request('GET', '/v1/distributions')).json.distributions).toHaveLength(1);
  });

  it('removes a verifier (201); removing it again is the domain’s refusal (422 VERIFIER_UNKNOWN)', async () => {
    expect((await admin('DELETE', `/v1/verifiers/${verifier.address}`)).status).toBe(201);
    expect((await admin('DELETE', `/v1/verifiers/${verifier.address}`)).json).toMatchObject({ status: 422, code: 'VERIFIER_UNKNOWN' });
  });
});
