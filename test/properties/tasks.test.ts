/**
 * Task invariants (README, "Tasks") on random histories and random node sets:
 * - conservation per task: every TaskSettled has budget = Σ node pay + fee + refund, to the base
 *   unit, and its numbers are re-derived independently from the task's own events;
 * - at most one seat per operator per fragment, across both rounds;
 * - assignment identical on replay: every FragmentAssigned re-derives from the state before it;
 * - splitting an operator's k nodes across accounts only undoes the per-operator cap: over many
 *   fragments its seats never exceed the proportional share r·k/N beyond sampling error.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  chooseSeats,
  eligibleNodes,
  keccakJcs,
  paramsForEpoch,
  verificationWindow,
  type EventData,
  type NodeState,
} from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { RUNS, sum } from './helpers.ts';

interface TaskModel {
  readonly posted: EventData<'TaskPosted'>;
  readonly accepted: Map<string, EventData<'FragmentAccepted'>>;
  readonly failed: Set<string>;
  readonly operatorsOf: Map<string, string>;
}

/** What the task's own events say it must pay: an independent reading of the settlement rule. */
const expectedSettlement = (m: TaskModel, protocolFeeBps: number) => {
  const totalUnits = BigInt(m.posted.fragments.reduce((n, f) => n + f.units, 0));
  const pay = new Map<string, bigint>();
  let fee = 0n;
  let paid = 0n;
  for (const f of m.posted.fragments) {
    const share = (m.posted.budget * BigInt(f.units)) / totalUnits;
    const accepted = m.accepted.get(f.fragmentId);
    if (!accepted) continue;
    const fragmentFee = (share * BigInt(protocolFeeBps)) / 10_000n;
    const each = (share - fragmentFee) / BigInt(accepted.quorum.length);
    for (const id of accepted.quorum) {
      const operator = m.operatorsOf.get(id)!;
      pay.set(operator, (pay.get(operator) ?? 0n) + each);
    }
    fee += fragmentFee;
    paid += each * BigInt(accepted.quorum.length);
  }
  return { pay, fee, refund: m.posted.budget - paid - fee };
};

describe('task invariants on random histories', () => {
  it(`conserve every task's budget, seat one node per operator, and re-derive every assignment (${RUNS} runs)`, () => {
    let settledTasks = 0;
    let assignments = 0;
    let acceptedFragments = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        const tasks = new Map<string, TaskModel>();
        const contributionOperator = new Map<string, string>();
        runHistory(h, {
          beforeEvent: (state, e) => {
            if (e.type === 'TaskPosted') tasks.set(e.data.taskId, { posted: e.data, accepted: new Map(), failed: new Set(), operatorsOf: contributionOperator });
            if (e.type === 'ContributionRecorded' && e.data.fragmentId !== undefined) contributionOperator.set(e.data.contributionId, state.nodes.get(e.data.nodeId)!.operator);
            if (e.type === 'FragmentAccepted') {
              acceptedFragments++;
              tasks.get(e.data.taskId)!.accepted.set(e.data.fragmentId, e.data);
            }
            if (e.type === 'FragmentFailed') tasks.get(e.data.taskId)!.failed.add(e.data.fragmentId);
            if (e.type === 'FragmentAssigned') {
              assignments++;
              const task = state.tasks.get(e.data.taskId)!;
              const fragment = task.fragments.find((f) => f.fragmentId === e.data.fragmentId)!;
              const p = paramsForEpoch(state, Math.max(0, state.lastClosedEpoch))!;
              const operators = e.data.nodeIds.map((id) => state.nodes.get(id)!.operator);
              const earlier = new Set(fragment.seats.map((s) => s.operator));
              expect(new Set(operators).size).toBe(operators.length);
              for (const op of operators) expect(earlier.has(op)).toBe(false);
              expect(operators).toHaveLength(task.redundancy);
              // Re-derived from the state before it: the same nodes, in the same order.
              const epoch = e.data.round === 1 ? task.postedEpoch : state.lastClosedEpoch;
              const params = e.data.round === 1 ? paramsForEpoch(state, epoch)! : p;
              const candidates = eligibleNodes(state, fragment.hardwareClass, epoch, verificationWindow(params));
              expect(chooseSeats(e.data.salt, e.data.taskId, e.data.fragmentId, candidates, task.redundancy, earlier).map((n) => n.nodeId)).toEqual(e.data.nodeIds);
            }
            if (e.type === 'TaskSettled') {
              settledTasks++;
              const nodePay = sum(e.data.nodePay.map((x) => x.amount));
              expect(nodePay + e.data.fee + e.data.refund).toBe(e.data.budget);
              const m = tasks.get(e.data.taskId)!;
              const expected = expectedSettlement(m, paramsForEpoch(state, e.data.epoch)!.protocolFeeBps);
              expect(e.data.fee).toBe(expected.fee);
              expect(e.data.refund).toBe(expected.refund);
              expect(new Map(e.data.nodePay.map((x) => [x.account, x.amount]))).toEqual(new Map([...expected.pay].filter(([, v]) => v > 0n)));
              expect(e.data.accepted + e.data.failed).toBe(m.posted.fragments.length);
              expect(e.data.accepted).toBe(m.accepted.size);
            }
          },
        });
      }),
      { numRuns: RUNS },
    );
    // The histories reach every part of the rule.
    expect(assignments).toBeGreaterThan(RUNS / 4);
    expect(acceptedFragments).toBeGreaterThan(0);
    expect(settledTasks).toBeGreaterThan(0);
  });
});

describe('seats of an operator however it splits its nodes', () => {
  const node = (nodeId: string, operator: string): NodeState => ({ nodeId, operator, signer: operator, hardwareClass: 'gpu' });

  it('never exceed r·k/N per fragment beyond sampling error; one account is capped at one seat', () => {
    const FRAGMENTS = 400;
    fc.assert(
      fc.property(
        fc.record({
          others: fc.integer({ min: 4, max: 40 }),
          k: fc.integer({ min: 1, max: 12 }),
          accounts: fc.integer({ min: 1, max: 12 }),
          r: fc.integer({ min: 1, max: 5 }),
          salt: fc.integer({ min: 0, max: 2 ** 30 }),
        }),
        ({ others, k, accounts, r, salt }) => {
          const m = Math.min(accounts, k);
          const candidates = [
            ...Array.from({ length: k }, (_, i) => node(`split-${i}`, `sybil-${i % m}`)),
            ...Array.from({ length: others }, (_, i) => node(`other-${i}`, `op-${i}`)),
          ];
          const n = candidates.length;
          if (new Set(candidates.map((c) => c.operator)).size < r) return;
          let seats = 0;
          for (let f = 0; f < FRAGMENTS; f++) {
            const chosen = chooseSeats(keccakJcs(['salt', salt]), 'task', `f${f}`, candidates, r);
            const mine = chosen.filter((c) => c.operator.startsWith('sybil-')).length;
            expect(mine).toBeLessThanOrEqual(m);
            seats += mine;
          }
          // Uniform odds: r·k/N seats per fragment on average (hypergeometric, variance ≤ mean).
          const mean = (r * k) / n;
          const bound = mean + 4 * Math.sqrt(mean / FRAGMENTS) + 1e-9;
          expect(seats / FRAGMENTS).toBeLessThanOrEqual(bound);
        },
      ),
      { numRuns: 40 },
    );
  });
});
