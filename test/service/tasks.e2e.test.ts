/**
 * Issue 12's end to end flow over HTTP and the in-process chain: billing posts a task of 20
 * fragments (r = 3, q = 2); seated nodes submit signed results; one node returns a wrong hash and
 * one misses its deadline, so that fragment is reassigned at the close and accepted in the next
 * round; the close that settles the task pays the quorum operators, the cheat's result is rejected,
 * and the initiator's refund (the rounding dust) is claimed on-chain with the served proof.
 */
import { rm } from 'node:fs/promises';
import { JsonRpcProvider } from 'ethers';
import { main } from '../../adapters/cli/main.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributorClient } from '../../adapters/chain/index.ts';
import { ADMIN, BILLING, signedContribution, startHarness, wallet, type Harness } from './harness.ts';

/** Reply bodies are inspected field by field. */
type Body = Record<string, any>;

const NODES = 12;
const operators = Array.from({ length: NODES }, (_, i) => wallet(`task-operator-${i}`));
const signers = Array.from({ length: NODES }, (_, i) => wallet(`task-signer-${i}`));
const buyer = wallet('task-buyer');
const nodeIndex = (nodeId: string): number => Number(nodeId.slice('gpu-'.length));
const RIGHT = `0x${'a1'.repeat(32)}`;
const WRONG = `0x${'0b'.repeat(32)}`;
const BUDGET = 2_000_000_003n;
/** Units 1…20: shares of the budget that do not divide evenly, so there is dust to refund. */
const FRAGMENTS = Array.from({ length: 20 }, (_, i) => ({ fragmentId: `f${String(i).padStart(2, '0')}`, units: i + 1, hardwareClass: 'gpu' as const }));

let h: Harness;
let chainId: number;
let wbnb: string;
let rpc: JsonRpcProvider;
let stopped = false;

const ok = async (r: Promise<{ status: number; json: unknown }>, status = 201): Promise<Body> => {
  const reply = await r;
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  return reply.json as Body;
};

const seatsOf = (task: Body, fragmentId: string, round: number): string[] =>
  task.fragments.find((f: Body) => f.fragmentId === fragmentId).seats.filter((s: Body) => s.round === round).map((s: Body) => s.nodeId);

const submit = async (nodeId: string, fragmentId: string, proofHash: string, epoch: number) => {
  const units = FRAGMENTS.find((f) => f.fragmentId === fragmentId)!.units;
  const c = { contributionId: `${fragmentId}/${nodeId}`, nodeId, epoch, kind: 'training' as const, units, proofHash, taskId: 'llm-42', fragmentId };
  return h.request('POST', '/v1/contributions', { body: await signedContribution(signers[nodeIndex(nodeId)]!, chainId, c) });
};

describe('a task end to end (HTTP, in-process EVM)', () => {
  beforeAll(async () => {
    h = await startHarness();
    chainId = h.service.chain.chainId;
    wbnb = h.service.chain.wbnbToken!;
    rpc = new JsonRpcProvider(h.service.chain.rpcUrl, undefined, { staticNetwork: true });
  });
  afterAll(async () => {
    rpc?.destroy();
    if (stopped) await rm(h.dataDir, { recursive: true, force: true });
    else await h?.destroy();
  });

  it('refuses a fragment list that is empty or too long (400 naming it), and a quorum out of range (422)', async () => {
    h.at(0);
    const base = { taskId: 'bad', initiator: buyer.address, kind: 'data', asset: wbnb, budget: '10', redundancy: 3, quorum: 2, deadlineEpoch: 0 };
    for (const fragments of [[], Array.from({ length: 1001 }, (_, i) => ({ fragmentId: `x${i}`, units: 1, hardwareClass: 'gpu' }))]) {
      const r = await h.request('POST', '/v1/tasks', { token: BILLING, body: { ...base, fragments } });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.json)).toContain('"fragments"');
    }
    const r = await h.request('POST', '/v1/tasks', { token: BILLING, body: { ...base, quorum: 1, fragments: FRAGMENTS.slice(0, 1) } });
    expect([r.status, (r.json as Body).code]).toEqual([422, 'INVALID_TASK']);
  });

  let lateFragment: Body;
  it('epoch 0: billing posts the task; each fragment is seated at once; the seated nodes submit results', async () => {
    h.at(0);
    for (let i = 0; i < NODES; i++)
      await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: `gpu-${i}`, operator: operators[i]!.address, signer: signers[i]!.address, hardwareClass: 'gpu' } }));
    const body = { taskId: 'llm-42', initiator: buyer.address, kind: 'training', asset: wbnb, budget: BUDGET.toString(), fragments: FRAGMENTS, redundancy: 3, quorum: 2, deadlineEpoch: 0 };
    expect((await h.request('POST', '/v1/tasks', { body })).status).toBe(401);
    const posted = await ok(h.request('POST', '/v1/tasks', { token: BILLING, body }));
    expect(posted.events.map((e: Body) => e.type)).toEqual(['TaskPosted', ...FRAGMENTS.map(() => 'FragmentAssigned')]);
    const task = await ok(h.request('GET', '/v1/tasks/llm-42'), 200);
    expect(task).toMatchObject({ status: 'open', redundancy: 3, quorum: 2, budget: BUDGET.toString() });
    for (const f of FRAGMENTS.slice(0, 19)) {
      const [a, b] = seatsOf(task, f.fragmentId, 1);
      await ok(submit(a!, f.fragmentId, RIGHT, 0));
      const second = await ok(submit(b!, f.fragmentId, RIGHT, 0));
      expect(second.events.map((e: Body) => e.type)).toEqual(['ContributionRecorded', 'FragmentAccepted']);
    }
    // The last fragment: one right, one wrong (the cheat), and the third node never answers.
    lateFragment = task.fragments.find((f: Body) => f.fragmentId === 'f19');
    const [right, cheat, late] = seatsOf(task, 'f19', 1) as [string, string, string];
    await ok(submit(right, 'f19', RIGHT, 0));
    await ok(submit(cheat, 'f19', WRONG, 0));
    const todo = await ok(h.request('GET', `/v1/nodes/${late}/assignments`), 200);
    expect(todo.assignments).toContainEqual(expect.objectContaining({ taskId: 'llm-42', fragmentId: 'f19', state: 'to-do', round: 1, deadlineEpoch: 0 }));
    lateFragment = { ...lateFragment, right, cheat, late };
    // Paged with an opaque cursor: one seat a page walks every seat once; a made-up cursor is a 400.
    const all = await ok(h.request('GET', `/v1/nodes/${late}/assignments?limit=1000`), 200);
    const walked: Body[] = [];
    let after: string | null = null;
    do {
      const page: Body = await ok(h.request('GET', `/v1/nodes/${late}/assignments?limit=1${after ? `&after=${after}` : ''}`), 200);
      walked.push(...page.assignments);
      after = page.next;
    } while (after !== null);
    expect(walked).toEqual(all.assignments);
    for (const bad of ['not-a-cursor!', Buffer.from('["only one"]').toString('base64url')]) {
      const r = await h.request('GET', `/v1/nodes/${late}/assignments?after=${encodeURIComponent(bad)}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.json)).toContain('after');
    }
  });

  it('epoch 1: the close reassigns the late fragment to fresh operators; the late node is refused; the new round completes it', async () => {
    h.at(1);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const task = await ok(h.request('GET', '/v1/tasks/llm-42'), 200);
    const f19 = task.fragments.find((f: Body) => f.fragmentId === 'f19');
    expect(f19).toMatchObject({ status: 'open', round: 2, deadlineEpoch: 1 });
    const round2 = seatsOf(task, 'f19', 2);
    const round1Operators = seatsOf(task, 'f19', 1).map((id) => operators[nodeIndex(id)]!.address.toLowerCase());
    for (const id of round2) expect(round1Operators).not.toContain(operators[nodeIndex(id)]!.address.toLowerCase());
    const refused = await submit(lateFragment.late, 'f19', RIGHT, 1);
    expect(refused.status).toBe(422);
    expect((refused.json as Body).code).toBe('RESULT_AFTER_DEADLINE');
    const accepted = await ok(submit(round2[0]!, 'f19', RIGHT, 1));
    expect(accepted.events.map((e: Body) => e.type)).toEqual(['ContributionRecorded', 'FragmentAccepted']);
    expect(accepted.events[1].data.dissent).toEqual([`f19/${lateFragment.cheat}`]);
    const metrics = (await h.request('GET', '/metrics')).json as string;
    expect(metrics).toMatch(/^cxt_tasks_open 1$/m);
    expect(metrics).toMatch(/^cxt_task_reassignments_total 1$/m);
    expect(metrics).toMatch(/^cxt_task_fragments\{status="accepted",round="2"\} 1$/m);
    expect(metrics).toMatch(/^cxt_task_fragments_failed_total 0$/m);
  });

  it('epoch 2: the close settles the task: quorum operators paid, fee to buyback, the dust refunded and claimed on-chain', async () => {
    h.at(2);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const task = await ok(h.request('GET', '/v1/tasks/llm-42'), 200);
    expect(task.status).toBe('settled');
    expect((await h.request('GET', '/metrics')).json as string).toMatch(/^cxt_tasks_open 0$/m);
    const settlement = task.settlement as Body;
    const nodePay = settlement.nodePay.reduce((n: bigint, x: Body) => n + BigInt(x.amount), 0n);
    expect(nodePay + BigInt(settlement.fee) + BigInt(settlement.refund)).toBe(BUDGET);
    expect(settlement).toMatchObject({ accepted: 20, failed: 0, epoch: 1 });
    // By hand: share_f = floor(B·u/210), fee 10 %, the rest halved; what no one gets is refunded.
    let paid = 0n;
    let fee = 0n;
    for (const f of FRAGMENTS) {
      const share = (BUDGET * BigInt(f.units)) / 210n;
      const f10 = (share * 1000n) / 10_000n;
      fee += f10;
      paid += ((share - f10) / 2n) * 2n;
    }
    expect(BigInt(settlement.fee)).toBe(fee);
    expect(BigInt(settlement.refund)).toBe(BUDGET - paid - fee);
    expect(BigInt(settlement.refund)).toBeGreaterThan(0n);
    // The cheat is not paid; the node that answered on time for f19 in round 1 is.
    const paidAccounts = settlement.nodePay.map((x: Body) => x.account);
    expect(paidAccounts).toContain(operators[nodeIndex(lateFragment.right)]!.address.toLowerCase());

    // The distribution of that close: accepted after the timelock, then the buyer claims its refund.
    // (The distribution of the close of epoch 0 may still be ahead of it in the timelock.)
    for (let i = 0; i < 3; i++) {
      const active = (await ok(h.request('GET', `/v1/accounts/${buyer.address}/proofs`), 200)).active;
      if (active?.throughEpoch >= 1) break;
      await rpc.send('evm_increaseTime', [3601]);
      await rpc.send('evm_mine', []);
      h.clock.nowSeconds += 3601;
      expect((await h.service.scheduler.tick()).failed).toEqual({});
    }
    const proofs = await ok(h.request('GET', `/v1/accounts/${buyer.address}/proofs`), 200);
    const leaf = proofs.active.claims.find((c: Body) => c.token === wbnb);
    expect(BigInt(leaf.cumulative)).toBe(BigInt(settlement.refund));
    const erc20 = new (await import('ethers')).Contract(wbnb, ['function balanceOf(address) view returns (uint256)'], rpc);
    const before = (await erc20.getFunction('balanceOf')(buyer.address)) as bigint;
    await distributorClient(proofs.active.contract, await rpc.getSigner(5)).claim({ account: buyer.address.toLowerCase(), token: wbnb, cumulative: BigInt(leaf.cumulative), proof: leaf.proof });
    expect(((await erc20.getFunction('balanceOf')(buyer.address)) as bigint) - before).toBe(BigInt(settlement.refund));
  });

  it('the task list shows the settled task with its counts', async () => {
    const list = await ok(h.request('GET', '/v1/tasks'), 200);
    expect(list).toMatchObject({ next: null, tasks: [{ taskId: 'llm-42', status: 'settled', fragments: 20, fragmentsAccepted: 20, fragmentsFailed: 0, settledEpoch: 1 }] });
  });

  it('cxt task show prints the settled task from the read models, and --json its document', async () => {
    rpc.destroy();
    await h.stop();
    stopped = true;
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await main(['task', 'show', ...args, '--data-dir', h.dataDir], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTty: false });
      return { code, out: out.join('\n') };
    };
    const shown = await run('--task', 'llm-42');
    expect(shown.code, shown.out).toBe(0);
    expect(shown.out).toMatch(/^task llm-42: settled, training, budget 2000000003 of /);
    expect(shown.out).toMatch(/^f19 +20 +gpu +accepted +2 +1 +6 +3$/m);
    expect(shown.out).toMatch(/settled by the close of epoch 1: 20 accepted, 0 failed/);
    const json = await run('--task', 'llm-42', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ taskId: 'llm-42', status: 'settled', settlement: { accepted: 20 } });
    expect(await run('--task', 'nope')).toMatchObject({ code: 1, out: 'task nope is not known to this log' });
  });
});
