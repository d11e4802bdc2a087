/**
 * Issue 9, defect 4: a signed contribution whose body says `"kind":"training","kind":"compute"`
 * was recorded as compute (JSON.parse keeps the last key) — a reader of the body, a proxy or a
 * log sees training. The body is now refused, naming the key, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketRequest } from '../support/socketHttp.ts';
import { ADMIN, proofHash, signedContribution, startHarness, storagesUnderTest, wallet, type Harness } from './harness.ts';

const signer = wallet('dup-keys-signer');
const operator = wallet('dup-keys-operator');

describe.each(await storagesUnderTest())('duplicate JSON keys on %s', (storage) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ storage });
    const r = await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'node-d', operator: operator.address, signer: signer.address, hardwareClass: 'gpu' } });
    expect(r.status).toBe(201);
  });
  afterAll(() => h?.destroy());

  /** Signed as compute (the value JSON.parse would keep); the text also says training, first. */
  const ambiguousBody = async (contributionId: string) => {
    const { contribution, signature } = await signedContribution(signer, h.service.chain.chainId, {
      contributionId,
      nodeId: 'node-d',
      epoch: 0,
      kind: 'compute',
      units: 3,
      proofHash: proofHash(3),
    });
    const members = JSON.stringify(contribution).slice(1, -1).replace('"kind":"compute"', '"kind":"training","kind":"compute"');
    return `{"contribution":{${members}},"signature":"${signature}"}`;
  };

  const expectRefused = (r: { status: number; contentType: string; json: any }) => {
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.json).toMatchObject({ type: 'urn:corex:problem:invalid-json', errors: [{ field: 'contribution.kind', message: expect.stringMatching(/more than once/) }] });
  };

  it('refuses the signed ambiguous body over inject, naming contribution.kind', async () => {
    const before = await h.eventCount();
    expectRefused(await h.request('POST', '/v1/contributions', { raw: await ambiguousBody('c-dup-1') }));
    expect(await h.eventCount()).toBe(before);
  });

  it('refuses it over a real socket too', async () => {
    const before = await h.eventCount();
    const body = await ambiguousBody('c-dup-2');
    expectRefused(await socketRequest(h.service.url, { method: 'POST', path: '/v1/contributions', headers: { 'content-type': 'application/json' }, body }));
    expect(await h.eventCount()).toBe(before);
  });

  it('the same contribution without the duplicate is accepted (the refusal is about the key alone)', async () => {
    const raw = (await ambiguousBody('c-dup-3')).replace('"kind":"training",', '');
    const r = await h.request('POST', '/v1/contributions', { raw });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.events[0].data.kind).toBe('compute');
  });
});
