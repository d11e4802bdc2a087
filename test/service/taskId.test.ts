/**
 * `"taskId": ""` means "no task" (issue 9, defect 6): the README tells signers to send it, and
 * EIP-712 signs an absent taskId as "". It is the same command as an omitted field — same event
 * data (no taskId key), same digest — so the two are idempotent replays of each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contributionDigest } from '../../adapters/http/eip712.ts';
import { ADMIN, proofHash, signedContribution, startHarness, storagesUnderTest, wallet, type Harness } from './harness.ts';

const signer = wallet('task-id-signer');
const operator = wallet('task-id-operator');

const contribution = (contributionId: string) => ({ contributionId, nodeId: 'node-t', epoch: 0, kind: 'training' as const, units: 7, proofHash: proofHash(7) });

describe.each(await storagesUnderTest())('taskId "" on %s', (storage) => {
  let h: Harness;
  let chainId: number;
  beforeAll(async () => {
    h = await startHarness({ storage });
    chainId = h.service.chain.chainId;
    const r = await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'node-t', operator: operator.address, signer: signer.address, hardwareClass: 'edge' } });
    expect(r.status).toBe(201);
  });
  afterAll(() => h?.destroy());

  const post = (body: unknown) => h.request('POST', '/v1/contributions', { body });

  it('signs "" and an absent taskId alike', () => {
    expect(contributionDigest(chainId, { ...contribution('c'), taskId: '' })).toBe(contributionDigest(chainId, contribution('c')));
  });

  it.each([
    ['"" first, then omitted', 'c-empty-first', true],
    ['omitted first, then ""', 'c-omitted-first', false],
  ])('%s: recorded without a taskId, the second is a replay', async (_label, id, emptyFirst) => {
    const signed = await signedContribution(signer, chainId, contribution(id));
    const withEmpty = { ...signed, contribution: { ...signed.contribution, taskId: '' } };
    const [first, second] = emptyFirst ? [withEmpty, signed] : [signed, withEmpty];

    const accepted = await post(first);
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(201);
    const data = accepted.json.events[0].data;
    expect(data).toMatchObject({ contributionId: id, kind: 'training', units: 7 });
    expect(Object.keys(data)).not.toContain('taskId');

    const head = await h.eventCount();
    const replay = await post(second);
    expect(replay.status, JSON.stringify(replay.json)).toBe(200);
    expect(replay.json).toEqual({ status: 'duplicate', events: accepted.json.events });
    expect(await h.eventCount()).toBe(head);
  });

  it('a real taskId is still recorded; another taskId under the same id is a conflict', async () => {
    const withTask = { ...contribution('c-with-task'), taskId: 'task-42' };
    const r = await post(await signedContribution(signer, chainId, withTask));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.events[0].data.taskId).toBe('task-42');
    expect((await post(await signedContribution(signer, chainId, { ...withTask, taskId: 'task-43' }))).status).toBe(409);
  });

  it('a malformed taskId is still named', async () => {
    const signed = await signedContribution(signer, chainId, contribution('c-bad-task'));
    const r = await post({ ...signed, contribution: { ...signed.contribution, taskId: 'has space' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ field: 'contribution.taskId', message: expect.stringContaining('"" for no task') }]);
  });
});
