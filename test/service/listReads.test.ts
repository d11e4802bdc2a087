/**
 * The list reads (issue 13, first part): nodes paged and by operator, one node with its open work,
 * the verifiers, and the event log as stored, paged by position — and the bad-input rules of every
 * read (bad cursors, limits, addresses, positions → 400 problem+json naming the field).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, proofHash, signedContribution, startHarness, wallet, type Harness } from './harness.ts';

type Body = Record<string, any>;
const ops = [wallet('list-op-a'), wallet('list-op-b')];
const signer = wallet('list-signer');
const verifier = wallet('list-verifier');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.at(0);
  for (let i = 0; i < 5; i++)
    expect((await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: `n-${i}`, operator: ops[i % 2]!.address, signer: signer.address, hardwareClass: 'cpu' } })).status).toBe(201);
  expect((await h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } })).status).toBe(201);
  const c = { contributionId: 'list-c', nodeId: 'n-1', epoch: 0, kind: 'compute' as const, units: 3, proofHash: proofHash(3) };
  expect((await h.request('POST', '/v1/contributions', { body: await signedContribution(signer, h.service.chain.chainId, c) })).status).toBe(201);
});
afterAll(() => h?.destroy());

const get = async (url: string, status = 200): Promise<Body> => {
  const r = await h.request('GET', url);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  return r.json as Body;
};

describe('list reads', () => {
  it('pages the nodes with an opaque cursor, and lists one operator’s', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: Body = await get(`/v1/nodes?limit=2${next ? `&after=${next}` : ''}`);
      expect(page.nodes.length).toBeLessThanOrEqual(2);
      seen.push(...page.nodes.map((n: Body) => n.nodeId));
      next = page.next;
    } while (next !== null);
    expect(seen).toEqual(['n-0', 'n-1', 'n-2', 'n-3', 'n-4']);
    const b = await get(`/v1/nodes?operator=${ops[1]!.address}`);
    expect(b.nodes.map((n: Body) => [n.nodeId, n.operator])).toEqual([
      ['n-1', ops[1]!.address.toLowerCase()],
      ['n-3', ops[1]!.address.toLowerCase()],
    ]);
  });

  it('shows one node with its open contributions; an unknown node is a 404', async () => {
    const n = await get('/v1/nodes/n-1');
    expect(n).toMatchObject({ nodeId: 'n-1', hardwareClass: 'cpu', region: null, assignments: [] });
    expect(n.openContributions).toEqual([{ contributionId: 'list-c', epoch: 0, kind: 'compute', units: 3, status: 'recorded', judgedEpoch: null, taskId: null, fragmentId: null }]);
    expect((await get('/v1/nodes/nope', 404)).type).toMatch(/not-found/);
  });

  it('lists the verifiers', async () => {
    expect(await get('/v1/verifiers')).toEqual({ verifiers: [verifier.address.toLowerCase()] });
  });

  it('walks the event log by position: every envelope once, each linked to the one before', async () => {
    const envelopes: Body[] = [];
    let from: number | null = 1;
    while (from !== null) {
      const page: Body = await get(`/v1/events?fromPosition=${from}&limit=4`);
      envelopes.push(...page.events);
      from = page.nextPosition;
    }
    expect(envelopes.length).toBe(await h.eventCount());
    envelopes.forEach((e, i) => {
      expect(e.position).toBe(i + 1);
      if (i > 0) expect(e.prevHash).toBe(envelopes[i - 1]!.hash);
    });
  });

  it.each([
    ['/v1/nodes?limit=0', 'query.limit'],
    ['/v1/nodes?limit=1001', 'query.limit'],
    ['/v1/nodes?operator=0x123', 'query.operator'],
    ['/v1/nodes?after=not-a-cursor!', 'query.after'],
    [`/v1/nodes?after=${Buffer.from('{"a":1}').toString('base64url')}`, 'query.after'],
    ['/v1/events?fromPosition=0', 'query.fromPosition'],
    ['/v1/events?fromPosition=1.5', 'query.fromPosition'],
    ['/v1/events?limit=-1', 'query.limit'],
    ['/v1/nodes/has%20space', 'params.nodeId'],
  ])('refuses %s naming %s (400 problem+json)', async (url, field) => {
    const r = await h.request('GET', url);
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect((r.json as Body).errors.map((e: Body) => e.field)).toEqual([field]);
  });
});
