/**
 * POST /v1/contributions/batch and /v1/verdicts/batch: one result per item in request order, each
 * what the single endpoint would have answered (accepted, duplicate, or refused with its problem),
 * the accepted ones in one append; a malformed item or too many items fail the whole request
 * (400 naming items.N.field) and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signContributionBatch } from '../../adapters/http/eip712.ts';
import { MAX_BATCH_ITEMS } from '../../adapters/http/requestCodecs.ts';
import { ADMIN, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

const signer = wallet('batch-signer');
const operator = wallet('batch-operator');
const verifier = wallet('batch-verifier');
const stranger = wallet('batch-stranger');

describe('batch ingestion', () => {
  let h: Harness;
  let chainId: number;
  const contribution = (id: string, by = signer, nodeId = 'node-b') =>
    signedContribution(by, chainId, { contributionId: id, nodeId, epoch: 0, kind: 'compute', units: 5, proofHash: proofHash(5) });

  beforeAll(async () => {
    h = await startHarness();
    chainId = h.service.chain.chainId;
    expect((await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'node-b', operator: operator.address, signer: signer.address, hardwareClass: 'gpu' } })).status).toBe(201);
    expect((await h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } })).status).toBe(201);
    expect((await h.request('POST', '/v1/contributions', { body: await contribution('earlier') })).status).toBe(201);
  });
  afterAll(() => h?.destroy());

  it('answers each item as the single endpoint would, in request order, and appends the accepted ones together', async () => {
    const head = await h.eventCount();
    const earlier = await h.service.store.readById('contribution:earlier');
    const unrecoverable = { ...(await contribution('b-bad-sig')), signature: `0x${'ff'.repeat(64)}1b` };
    const items = [
      await contribution('b-1'),
      await contribution('earlier'), // already recorded: a replay
      await contribution('b-wrong-key', stranger), // signed by someone else: 403
      await contribution('b-ghost', signer, 'node-unknown'), // the domain's refusal: 422
      unrecoverable, // 400 on items.4.signature
      await contribution('b-2'),
    ];
    const r = await h.request('POST', '/v1/contributions/batch', { body: { items } });
    expect(r.status).toBe(200);
    const results = r.json.results as Array<{ status: string; events?: Array<{ id: string; position: number }>; problem?: Record<string, unknown> }>;
    expect(results.map((x) => x.status)).toEqual(['accepted', 'duplicate', 'refused', 'refused', 'refused', 'accepted']);
    expect(results[1]!.events![0]!.position).toBe(earlier!.position);
    expect(results[2]!.problem).toMatchObject({ status: 403, code: 'SIGNATURE_MISMATCH' });
    expect(results[3]!.problem).toMatchObject({ status: 422, code: 'NODE_UNKNOWN' });
    expect(results[4]!.problem).toMatchObject({ status: 400, errors: [{ field: 'items.4.signature' }] });
    expect([results[0]!.events![0]!.position, results[5]!.events![0]!.position]).toEqual([head + 1, head + 2]);
    expect(await h.eventCount()).toBe(head + 2);
  });

  it('takes verdicts in batches too', async () => {
    await h.request('POST', '/v1/contributions/batch', { body: { items: [await contribution('v-1'), await contribution('v-2')] } });
    const r = await h.request('POST', '/v1/verdicts/batch', {
      body: {
        items: [
          await signedVerdict(verifier, chainId, { contributionId: 'v-1', verdict: 'verified' }),
          await signedVerdict(verifier, chainId, { contributionId: 'v-2', verdict: 'invalid' }),
          await signedVerdict(stranger, chainId, { contributionId: 'v-2', verdict: 'verified' }), // not a verifier, and v-2 is judged: its key conflicts
          await signedVerdict(verifier, chainId, { contributionId: 'nowhere', verdict: 'verified' }),
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { status: string; problem?: { code?: string } }) => x.problem?.code ?? x.status)).toEqual([
      'accepted',
      'accepted',
      'IDEMPOTENCY_CONFLICT',
      'CONTRIBUTION_UNKNOWN',
    ]);
    expect(r.json.results[1].events[0].type).toBe('ContributionRejected');
  });

  it('refuses a malformed item, an empty batch and one item too many as a whole, writing nothing', async () => {
    const head = await h.eventCount();
    const good = await contribution('m-1');
    const bad = { ...(await contribution('m-2')), contribution: { ...good.contribution, contributionId: 'm-2', units: -1 } };
    const malformed = await h.request('POST', '/v1/contributions/batch', { body: { items: [good, bad] } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors.map((e: { field: string }) => e.field)).toEqual(['items.1.contribution.units']);
    const empty = await h.request('POST', '/v1/contributions/batch', { body: { items: [] } });
    expect(empty.json.errors).toEqual([{ field: 'items', message: `must hold 1 to ${MAX_BATCH_ITEMS} items, not 0` }]);
    const tooMany = await h.request('POST', '/v1/contributions/batch', { body: { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => good) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors[0].field).toBe('items');
    expect(await h.eventCount()).toBe(head);
  });

  it('takes a full batch of 1,000 within its own body limit, above the single-request one', async () => {
    const items = await Promise.all(Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => contribution(`full-${i}`)));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(65_536);
    const r = await h.request('POST', '/v1/contributions/batch', { body: { items } });
    expect(r.status).toBe(200);
    expect(new Set(r.json.results.map((x: { status: string }) => x.status))).toEqual(new Set(['accepted']));
    // The 1,000 were one group commit: one observation of 1,000 in the group-size histogram.
    const metrics = (await h.request('GET', '/metrics')).json as string;
    expect(metrics).toMatch(/cxt_command_group_size_bucket\{le="500"\} (\d+)/);
    const at = (le: string) => Number(new RegExp(`cxt_command_group_size_bucket\\{le="${le}"\\} (\\d+)`).exec(metrics)![1]);
    expect(at('1000') - at('500')).toBe(1);
    const tooBig = await h.request('POST', '/v1/contributions', { raw: JSON.stringify({ items }) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.detail).toContain('65536');
  });

  describe('signed once (POST /v1/contributions/signed-batch)', () => {
    const message = (id: string, nodeId = 'node-b') => ({ contributionId: id, nodeId, epoch: 0, kind: 'compute' as const, units: 5, proofHash: proofHash(5) });

    it('given a batch signed once by its node’s signer, when submitted, then every item is accepted in one append; a replay answers duplicate', async () => {
      const head = await h.eventCount();
      const contributions = [message('s-1'), message('s-2'), message('s-3')];
      const body = { contributions, signature: await signContributionBatch(signer, chainId, contributions) };
      const r = await h.request('POST', '/v1/contributions/signed-batch', { body });
      expect(r.status).toBe(200);
      expect(r.json.results.map((x: { status: string }) => x.status)).toEqual(['accepted', 'accepted', 'accepted']);
      expect(r.json.results.map((x: { events: Array<{ position: number }> }) => x.events[0]!.position)).toEqual([head + 1, head + 2, head + 3]);
      const again = await h.request('POST', '/v1/contributions/signed-batch', { body });
      expect(again.json.results.map((x: { status: string }) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(await h.eventCount()).toBe(head + 3);
    });

    it('refuses an item of a node with another signer, and every item of a batch changed after signing', async () => {
      expect((await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'node-other', operator: operator.address, signer: stranger.address, hardwareClass: 'gpu' } })).status).toBe(201);
      const head = await h.eventCount();
      const mixed = [message('s-4'), message('s-5', 'node-other'), message('s-6', 'node-nowhere')];
      const r = await h.request('POST', '/v1/contributions/signed-batch', { body: { contributions: mixed, signature: await signContributionBatch(signer, chainId, mixed) } });
      expect(r.json.results.map((x: { status: string; problem?: { code?: string } }) => x.problem?.code ?? x.status)).toEqual(['accepted', 'SIGNATURE_MISMATCH', 'NODE_UNKNOWN']);
      const signed = [message('s-7'), message('s-8')];
      const signature = await signContributionBatch(signer, chainId, signed);
      const changed = await h.request('POST', '/v1/contributions/signed-batch', { body: { contributions: [signed[0], { ...signed[1]!, units: 500 }], signature } });
      expect(changed.json.results.map((x: { problem?: { code?: string } }) => x.problem?.code)).toEqual(['SIGNATURE_MISMATCH', 'SIGNATURE_MISMATCH']);
      const reordered = await h.request('POST', '/v1/contributions/signed-batch', { body: { contributions: [signed[1], signed[0]], signature } });
      expect(reordered.json.results.map((x: { problem?: { code?: string } }) => x.problem?.code)).toEqual(['SIGNATURE_MISMATCH', 'SIGNATURE_MISMATCH']);
      expect(await h.eventCount()).toBe(head + 1);
    });

    it('refuses an unrecoverable signature and a malformed item as a whole, writing nothing', async () => {
      const head = await h.eventCount();
      const bad = await h.request('POST', '/v1/contributions/signed-batch', { body: { contributions: [message('s-9')], signature: `0x${'ff'.repeat(64)}1b` } });
      expect(bad.status).toBe(400);
      expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['signature']);
      const malformed = await h.request('POST', '/v1/contributions/signed-batch', { body: { contributions: [message('s-10'), { ...message('s-11'), units: 0 }], signature: `0x${'11'.repeat(65)}` } });
      expect(malformed.status).toBe(400);
      expect(malformed.json.errors.map((e: { field: string }) => e.field)).toEqual(['contributions.1.units']);
      expect(await h.eventCount()).toBe(head);
    });
  });
});
