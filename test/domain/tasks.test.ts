/**
 * Tasks (README, "Tasks"): posting assigns each fragment's seats; seated nodes submit results; q
 * agreeing results accept a fragment; deadlines reassign once, then fail; the close of the epoch
 * a task finishes pays the quorum operators, takes the protocol fee and refunds the rest.
 */
import { describe, expect, it } from 'vitest';
import {
  decide,
  restoreSnapshot,
  snapshotOf,
  taskConserves,
  type Command,
  type CommandOf,
  type HardwareClass,
} from '../../domain/index.ts';
import { address, hash32, ofType, scenario, type Scenario } from './scenario.ts';

const ASSET = address(0xa55e7);
const BUYER = address(0xb0b);
const VERIFIER = address(0x91);
const SALT = hash32(0x5a17);
const RIGHT = hash32(0xaaa);
const WRONG = hash32(0xbad);

/** `count` nodes of `hardwareClass`, node i operated by operator i (its own account), from offset. */
const nodes = (s: Scenario, count: number, hardwareClass: HardwareClass = 'gpu', offset = 0): Scenario => {
  for (let i = offset; i < offset + count; i++) {
    const operator = address(0x1000 + i);
    s.run({ type: 'RegisterNode', nodeId: `${hardwareClass}-${i}`, operator, signer: operator, hardwareClass });
  }
  return s;
};

const post = (overrides: Partial<CommandOf<'PostTask'>> = {}): CommandOf<'PostTask'> => ({
  type: 'PostTask',
  taskId: 't1',
  initiator: BUYER,
  kind: 'training',
  asset: ASSET,
  budget: 1_000_000n,
  fragments: [
    { fragmentId: 'f1', units: 10, hardwareClass: 'gpu' },
    { fragmentId: 'f2', units: 20, hardwareClass: 'gpu' },
  ],
  redundancy: 3,
  quorum: 2,
  deadlineEpoch: 2,
  salt: SALT,
  ...overrides,
});

const setUp = (nodeCount = 8) => nodes(scenario().at(0).asset(ASSET).verifier(VERIFIER), nodeCount);

const seatsOf = (s: Scenario, taskId: string, fragmentId: string, round = 1): string[] =>
  s.state.tasks.get(taskId)!.fragments.find((f) => f.fragmentId === fragmentId)!.seats.filter((x) => x.round === round).map((x) => x.nodeId);

const result = (s: Scenario, nodeId: string, fragmentId: string, proofHash: string, units = fragmentId === 'f1' ? 10 : 20): CommandOf<'RecordContribution'> => ({
  type: 'RecordContribution',
  contributionId: `${fragmentId}/${nodeId}`,
  nodeId,
  epoch: Math.max(s.epoch(), s.state.lastClosedEpoch + 1),
  kind: 'training',
  units,
  proofHash,
  taskId: 't1',
  fragmentId,
});

describe('posting a task', () => {
  it('gives each fragment r distinct nodes of its class, one per operator, the same on every replay', () => {
    const s = setUp(8);
    nodes(s, 4, 'cpu');
    const first = decide(post(), s.state, s.now);
    const again = decide(post(), s.state, s.now);
    expect(first).toEqual(again);
    const events = s.run(post());
    const assigned = ofType(events, 'FragmentAssigned');
    expect(assigned.map((e) => e.data.fragmentId)).toEqual(['f1', 'f2']);
    for (const a of assigned) {
      expect(a.data.nodeIds).toHaveLength(3);
      expect(new Set(a.data.nodeIds).size).toBe(3);
      for (const id of a.data.nodeIds) expect(s.state.nodes.get(id)!.hardwareClass).toBe('gpu');
      expect(a.data).toMatchObject({ round: 1, deadlineEpoch: 2, salt: SALT });
    }
  });

  it('seats at most one node per operator, however many nodes it runs', () => {
    const s = scenario().at(0).asset(ASSET);
    const big = address(0xb16);
    for (let i = 0; i < 20; i++) s.run({ type: 'RegisterNode', nodeId: `big-${i}`, operator: big, signer: big, hardwareClass: 'gpu' });
    nodes(s, 2);
    const [assigned] = ofType(s.run(post({ fragments: [{ fragmentId: 'f1', units: 1, hardwareClass: 'gpu' }] })), 'FragmentAssigned');
    const operators = assigned!.data.nodeIds.map((id) => s.state.nodes.get(id)!.operator);
    expect(new Set(operators).size).toBe(3);
  });

  it('depends on the salt: another log head gives another assignment', () => {
    const s = setUp(40);
    const seats = (salt: string) => {
      const d = decide(post({ salt }), s.state, s.now);
      if (d._tag === 'Left') throw new Error(d.left.message);
      return ofType(d.right, 'FragmentAssigned').map((e) => e.data.nodeIds);
    };
    expect(seats(hash32(1))).not.toEqual(seats(hash32(2)));
  });

  it('refuses too few eligible nodes with the count (TOO_FEW_ELIGIBLE_NODES), writing nothing', () => {
    const s = setUp(2);
    const refusal = s.refused(post());
    expect(refusal.code).toBe('TOO_FEW_ELIGIBLE_NODES');
    expect(refusal.message).toContain('needs 3 gpu nodes of distinct operators; 2 eligible');
  });

  it('refuses a task whose assignment would score more than MAX_ASSIGNMENT_SCORES nodes (TASK_TOO_LARGE), writing nothing', () => {
    const s = setUp(5_001);
    const fragments = Array.from({ length: 1_000 }, (_, i) => ({ fragmentId: `f${i}`, units: 1, hardwareClass: 'gpu' as const }));
    const refusal = s.refused(post({ fragments }));
    expect(refusal.code).toBe('TASK_TOO_LARGE');
    expect(refusal.message).toContain('fragments.999 reaches it');
    expect(ofType(s.run(post({ fragments: fragments.slice(0, 999) })), 'FragmentAssigned')).toHaveLength(999);
  });

  it('does not seat the nodes of an operator slashed within the verification window', () => {
    const s = setUp(3);
    s.run({ type: 'RecordContribution', contributionId: 'bad', nodeId: 'gpu-0', epoch: 0, kind: 'compute', units: 1, proofHash: hash32(1) });
    s.run({ type: 'RejectContribution', contributionId: 'bad', verifier: VERIFIER, reason: 'fraud' });
    expect(s.refused(post()).message).toContain('2 eligible');
    // Seven epochs (the window) later it is eligible again.
    for (let e = 0; e < 7; e++) s.close(e);
    s.at(7);
    expect(ofType(s.run(post({ deadlineEpoch: 9 })), 'FragmentAssigned')).toHaveLength(2);
  });

  it.each([
    [{ quorum: 1 }, 'quorum: quorum 1 must be from ⌈redundancy/2⌉ = 2 to redundancy 3'],
    [{ quorum: 4 }, 'quorum: quorum 4 must be from'],
    [{ deadlineEpoch: 0, fragments: [{ fragmentId: 'f1', units: 1, hardwareClass: 'gpu' as const }, { fragmentId: 'f1', units: 2, hardwareClass: 'gpu' as const }] }, 'fragments.1.fragmentId: f1 appears twice'],
  ])('refuses inconsistent terms (INVALID_TASK): %j', (overrides, message) => {
    const s = setUp();
    const refusal = s.refused(post(overrides));
    expect(refusal).toMatchObject({ code: 'INVALID_TASK' });
    expect(refusal.message).toContain(message);
  });

  it('refuses a deadline already past, an unregistered asset and a second posting', () => {
    const s = setUp();
    s.at(3);
    expect(s.refused(post({ deadlineEpoch: 2 })).message).toBe('deadlineEpoch: 2 is before the current epoch 3');
    expect(s.refused(post({ asset: address(0xdead), deadlineEpoch: 5 })).code).toBe('ASSET_UNKNOWN');
    s.run(post({ deadlineEpoch: 5 }));
    expect(s.refused(post({ deadlineEpoch: 5 })).code).toBe('TASK_EXISTS');
  });
});

describe('results and consensus', () => {
  it('accepts a fragment on the q-th agreeing result: the quorum verified, a dissent rejected', () => {
    const s = setUp();
    s.run(post());
    const [a, b, c] = seatsOf(s, 't1', 'f1') as [string, string, string];
    s.run(result(s, a, 'f1', WRONG));
    expect(ofType(s.run(result(s, b, 'f1', RIGHT)), 'FragmentAccepted')).toEqual([]);
    const [accepted] = ofType(s.run(result(s, c, 'f1', RIGHT)), 'FragmentAccepted');
    expect(accepted!.data).toEqual({ taskId: 't1', fragmentId: 'f1', epoch: 0, resultHash: RIGHT, quorum: [`f1/${b}`, `f1/${c}`], dissent: [`f1/${a}`] });
    expect(s.state.contributions.get(`f1/${b}`)!.status).toBe('verified');
    expect(s.state.contributions.get(`f1/${a}`)!.status).toBe('rejected');
    expect(s.state.unpaidWork.map((w) => w.contributionId)).toEqual([`f1/${b}`, `f1/${c}`]);
  });

  it('refuses results from an unseated node, twice from one node, of other terms, and after acceptance', () => {
    const s = setUp();
    s.run(post());
    const seated = seatsOf(s, 't1', 'f1');
    const outsider = [...s.state.nodes.keys()].find((id) => !seated.includes(id))!;
    expect(s.refused(result(s, outsider, 'f1', RIGHT)).code).toBe('NOT_ASSIGNED');
    s.run(result(s, seated[0]!, 'f1', RIGHT));
    expect(s.refused({ ...result(s, seated[0]!, 'f1', RIGHT), contributionId: 'again' }).code).toBe('RESULT_EXISTS');
    expect(s.refused(result(s, seated[1]!, 'f1', RIGHT, 99)).code).toBe('RESULT_DOES_NOT_MATCH_FRAGMENT');
    s.run(result(s, seated[1]!, 'f1', RIGHT));
    expect(s.refused(result(s, seated[2]!, 'f1', RIGHT)).code).toBe('FRAGMENT_CLOSED');
    expect(s.refused({ ...result(s, seated[2]!, 'f9', RIGHT) }).code).toBe('FRAGMENT_UNKNOWN');
    expect(s.refused({ ...result(s, seated[2]!, 'f1', RIGHT), taskId: 'nope' }).code).toBe('TASK_UNKNOWN');
  });

  it('leaves task results to the consensus: a verifier may only mark a dissent (or an open result) as fraud, which slashes', () => {
    const s = setUp();
    const [a, b, c] = (s.run(post()), seatsOf(s, 't1', 'f1')) as [string, string, string];
    const dissenter = s.state.nodes.get(a)!.operator;
    s.stake(dissenter, 1_000n * 10n ** 18n);
    s.at(1);
    s.run(result(s, a, 'f1', WRONG));
    expect(s.refused({ type: 'VerifyContribution', contributionId: `f1/${a}`, verifier: VERIFIER }).code).toBe('JUDGED_BY_CONSENSUS');
    expect(s.refused({ type: 'RejectContribution', contributionId: `f1/${a}`, verifier: VERIFIER, reason: 'invalid' }).code).toBe('JUDGED_BY_CONSENSUS');
    s.run(result(s, b, 'f1', RIGHT));
    s.run(result(s, c, 'f1', RIGHT));
    const fraud = s.run({ type: 'RejectContribution', contributionId: `f1/${a}`, verifier: VERIFIER, reason: 'fraud' });
    expect(ofType(fraud, 'StakeSlashed')[0]!.data.account).toBe(dissenter);
    expect(s.refused({ type: 'RejectContribution', contributionId: `f1/${a}`, verifier: VERIFIER, reason: 'fraud' }).code).toBe('CONTRIBUTION_ALREADY_JUDGED');
  });
});

describe('deadlines', () => {
  it('reassign a fragment without a quorum once to fresh operators at the close of its deadline, then fail it', () => {
    const s = setUp(8);
    s.run(post({ deadlineEpoch: 1 }));
    const round1 = seatsOf(s, 't1', 'f1');
    s.run(result(s, round1[0]!, 'f1', RIGHT));
    s.close(0);
    const closing = s.close(1);
    const reassigned = ofType(closing, 'FragmentAssigned');
    expect(reassigned.map((e) => [e.data.fragmentId, e.data.round, e.data.deadlineEpoch])).toEqual([
      ['f1', 2, 3],
      ['f2', 2, 3],
    ]);
    const round2 = reassigned[0]!.data.nodeIds;
    const operatorsOf = (ids: readonly string[]) => ids.map((id) => s.state.nodes.get(id)!.operator);
    for (const op of operatorsOf(round2)) expect(operatorsOf(round1)).not.toContain(op);
    // The round-1 result still counts; a round-1 node that missed its deadline is refused.
    s.at(2);
    expect(s.refused(result(s, round1[1]!, 'f1', RIGHT)).code).toBe('RESULT_AFTER_DEADLINE');
    expect(ofType(s.run(result(s, round2[0]!, 'f1', RIGHT)), 'FragmentAccepted')).toHaveLength(1);
    s.close(2);
    const last = s.close(3);
    expect(ofType(last, 'FragmentFailed').map((e) => e.data.fragmentId)).toEqual(['f2']);
    expect(ofType(last, 'TaskSettled')).toHaveLength(1);
    expect(s.state.tasks.size).toBe(0);
  });

  it('fail at once when no fresh operators are left to reassign to, rejecting the results in', () => {
    const s = setUp(3);
    s.run(post({ deadlineEpoch: 0 }));
    const [a] = seatsOf(s, 't1', 'f1') as [string];
    s.run(result(s, a, 'f1', RIGHT));
    const closing = s.close(0);
    expect(ofType(closing, 'FragmentFailed').map((e) => e.data)).toEqual([
      { taskId: 't1', fragmentId: 'f1', epoch: 0, rejected: [`f1/${a}`] },
      { taskId: 't1', fragmentId: 'f2', epoch: 0, rejected: [] },
    ]);
    const [settled] = ofType(closing, 'TaskSettled');
    expect(settled!.data).toMatchObject({ refund: 1_000_000n, fee: 0n, nodePay: [], accepted: 0, failed: 2 });
    expect(s.allocated(BUYER, ASSET)).toBe(1_000_000n);
  });
});

describe('settlement', () => {
  it('pays each accepted fragment’s share less the fee to its quorum operators in equal parts; dust and failed shares go back', () => {
    const s = setUp(8);
    // 1,000,001 over units 10 and 20: shares 333,333 and 666,667 (sum 1,000,000; 1 of rounding dust).
    s.run(post({ budget: 1_000_001n, deadlineEpoch: 0 }));
    const f1 = seatsOf(s, 't1', 'f1');
    s.run(result(s, f1[0]!, 'f1', RIGHT));
    s.run(result(s, f1[1]!, 'f1', RIGHT));
    const closing = s.close(0); // f2 has no results: reassigned (through epoch 1), not yet failed
    expect(ofType(closing, 'TaskSettled')).toEqual([]);
    const last = s.close(1);
    const [settled] = ofType(last, 'TaskSettled');
    // f1: share 333,333, fee 33,333 (10 %), net 300,000 → 150,000 each. f2 failed: 666,667 back.
    const pay = f1.slice(0, 2).map((id) => s.state.nodes.get(id)!.operator).sort();
    expect(settled!.data).toEqual({
      taskId: 't1',
      epoch: 1,
      asset: ASSET,
      budget: 1_000_001n,
      nodePay: pay.map((account) => ({ account, amount: 150_000n })),
      fee: 33_333n,
      refund: 1n + 666_667n,
      initiator: BUYER,
      accepted: 1,
      failed: 1,
    });
    expect(taskConserves({ budgetWei: 1_000_001n, nodePay: settled!.data.nodePay.map((x) => ({ account: x.account, amountWei: x.amount })), feeWei: 33_333n, refundWei: 666_668n })).toBe(true);
    // Paid in the close that settles it: the allocations, and the fee as revenue of the asset (no stakers: all buyback).
    expect(s.allocated(pay[0]!, ASSET)).toBe(150_000n);
    expect(s.allocated(BUYER, ASSET)).toBe(666_668n);
    expect(s.closed(1).revenue).toEqual([{ asset: ASSET, gross: 33_333n, fees: 33_333n, provider: 0n, stakers: 0n, buyback: 33_333n }]);
  });

  it('settles at the close of the epoch the last fragment is accepted in, paying the quorum’s compute work too', () => {
    const s = setUp(8);
    s.run(post({ fragments: [{ fragmentId: 'f1', units: 10, hardwareClass: 'gpu' }] }));
    const [a, b] = seatsOf(s, 't1', 'f1') as [string, string];
    s.run(result(s, a, 'f1', RIGHT));
    s.run(result(s, b, 'f1', RIGHT));
    const [settled] = ofType(s.close(0), 'TaskSettled');
    expect(settled!.data.nodePay.map((x) => x.amount)).toEqual([450_000n, 450_000n]);
    expect(settled!.data.refund).toBe(0n);
    expect(s.allocated(s.state.nodes.get(a)!.operator)).toBeGreaterThan(0n); // the compute pool, in CXT
    expect(s.closed(0).pools.verification.minted).toBe(0n); // no verifier judged anything
  });
});

describe('the state of tasks in a snapshot', () => {
  it('restores to a state that decides the same and snapshots byte for byte the same', () => {
    const s = setUp(8);
    s.run(post({ deadlineEpoch: 1 }));
    const seated = seatsOf(s, 't1', 'f1');
    s.run(result(s, seated[0]!, 'f1', WRONG));
    const restored = restoreSnapshot(JSON.parse(JSON.stringify(snapshotOf(s.state))));
    expect(JSON.stringify(snapshotOf(restored))).toBe(JSON.stringify(snapshotOf(s.state)));
    const next = result(s, seated[1]!, 'f1', RIGHT);
    expect(decide(next, restored, s.now)).toEqual(decide(next, s.state, s.now));
    const close: Command = { type: 'CloseEpoch', epoch: 0, logHead: SALT };
    const later = s.startOf(2);
    expect(decide(close, restored, later)).toEqual(decide(close, s.state, later));
  });

  it('is absent from the snapshot of a state without tasks or recent slashes (its stateHash is as before tasks)', () => {
    const s = setUp(3);
    expect(Object.keys(snapshotOf(s.state))).not.toContain('tasks');
    expect(Object.keys(snapshotOf(s.state))).not.toContain('recentSlashes');
  });
});
