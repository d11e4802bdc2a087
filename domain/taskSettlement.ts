/**
 * What a close does to tasks (README, "Tasks"), as a pure computation over the state, part of the
 * epoch's settlement (settlement.ts) so decide, evolve and the audit share it:
 * - a fragment past its deadline without a quorum is reassigned once to fresh nodes (none of its
 *   seated operators), with a new deadline; past the second deadline, or with too few fresh nodes,
 *   it fails and its results are rejected as invalid;
 * - a task whose fragments are all accepted or failed, the last in an epoch ≤ this one, settles:
 *   per accepted fragment its share of the budget, budget · units_f / Σ units (rounded down), less
 *   the protocol fee, in equal parts (rounded down) to the operators whose results formed the
 *   quorum; the fee goes to stakers and buyback like revenue (source `task`); the shares of failed
 *   fragments and all rounding dust are refunded to the initiator. So, to the base unit,
 *   budget = Σ node pay + fee + refund.
 */
import { event, type CorexEvent } from './events.ts';
import { verificationWindow, type ProtocolParams } from './params.ts';
import type { LedgerState, NodeState } from './state.ts';
import { candidateOperators, chooseSeats, eligibleNodes, seatCapacity } from './assignment.ts';
import { roundSpanEpochs, type TaskState } from './taskState.ts';
import { mulBps } from './units.ts';

export interface TaskSettlement {
  readonly taskId: string;
  readonly asset: string;
  readonly initiator: string;
  readonly budgetWei: bigint;
  /** Per operator, sorted by account; amounts > 0. */
  readonly nodePay: ReadonlyArray<{ readonly account: string; readonly amountWei: bigint }>;
  readonly feeWei: bigint;
  readonly refundWei: bigint;
  readonly accepted: number;
  readonly failed: number;
}

export interface Reassignment {
  readonly taskId: string;
  readonly fragmentId: string;
  /** Eligible nodes of the fragment's class, in node id order (shared by the fragments of the class)… */
  readonly candidates: readonly NodeState[];
  /** …less these operators, already seated in it: the seats are chosen with the close's log head as salt. */
  readonly excludedOperators: ReadonlySet<string>;
  readonly redundancy: number;
  readonly deadlineEpoch: number;
}

export interface FragmentFailure {
  readonly taskId: string;
  readonly fragmentId: string;
  /** Its results still counted, rejected as invalid by the failure. */
  readonly rejected: readonly string[];
}

export interface TaskCloseOutcomes {
  readonly reassigned: readonly Reassignment[];
  readonly failed: readonly FragmentFailure[];
  readonly settled: readonly TaskSettlement[];
}

/** A task's settlement once its fragments are finished; `failedNow` are those failing at this close. */
export const settleTask = (task: TaskState, failedNow: ReadonlySet<string>, p: Pick<ProtocolParams, 'protocolFeeBps'>): TaskSettlement => {
  let totalUnits = 0n;
  for (const f of task.fragments) totalUnits += BigInt(f.units);
  const pay = new Map<string, bigint>();
  let shared = 0n;
  let feeWei = 0n;
  let refundWei = 0n;
  let accepted = 0;
  for (const f of task.fragments) {
    const share = (task.budgetWei * BigInt(f.units)) / totalUnits;
    shared += share;
    if (f.status !== 'accepted' || failedNow.has(f.fragmentId)) {
      refundWei += share;
      continue;
    }
    accepted++;
    const fee = mulBps(share, p.protocolFeeBps);
    const net = share - fee;
    const each = net / BigInt(f.quorumOperators.length);
    for (const operator of f.quorumOperators) pay.set(operator, (pay.get(operator) ?? 0n) + each);
    feeWei += fee;
    refundWei += net - each * BigInt(f.quorumOperators.length);
  }
  refundWei += task.budgetWei - shared;
  const nodePay = [...pay]
    .filter(([, amountWei]) => amountWei > 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, amountWei]) => ({ account, amountWei }));
  return { taskId: task.taskId, asset: task.asset, initiator: task.initiator, budgetWei: task.budgetWei, nodePay, feeWei, refundWei, accepted, failed: task.fragments.length - accepted };
};

export const taskCloseOutcomes = (state: LedgerState, p: ProtocolParams, epoch: number): TaskCloseOutcomes => {
  const reassigned: Reassignment[] = [];
  const failed: FragmentFailure[] = [];
  const settled: TaskSettlement[] = [];
  const window = verificationWindow(p);
  // Found once per hardware class for the whole close, not once per fragment past its deadline.
  const eligibleByClass = new Map<string, { nodes: NodeState[]; operators: ReadonlySet<string> }>();
  const eligibleFor = (hardwareClass: NodeState['hardwareClass']) => {
    let e = eligibleByClass.get(hardwareClass);
    if (!e) {
      const nodes = eligibleNodes(state, hardwareClass, epoch, window);
      eligibleByClass.set(hardwareClass, (e = { nodes, operators: candidateOperators(nodes) }));
    }
    return e;
  };
  const taskIds = [...state.tasks.keys()].sort();
  for (const taskId of taskIds) {
    const task = state.tasks.get(taskId)!;
    const failedNow = new Set<string>();
    let finishedBy = -1;
    let open = false;
    for (const f of task.fragments) {
      if (f.status !== 'open') {
        finishedBy = Math.max(finishedBy, f.finishedEpoch ?? epoch);
        continue;
      }
      if (f.deadlineEpoch > epoch) {
        open = true;
        continue;
      }
      if (f.round === 1) {
        const eligible = eligibleFor(f.hardwareClass);
        const excludedOperators = new Set(f.seats.map((s) => s.operator));
        if (seatCapacity(eligible.operators, excludedOperators) >= task.redundancy) {
          reassigned.push({ taskId, fragmentId: f.fragmentId, candidates: eligible.nodes, excludedOperators, redundancy: task.redundancy, deadlineEpoch: epoch + roundSpanEpochs(task) });
          open = true;
          continue;
        }
      }
      failed.push({ taskId, fragmentId: f.fragmentId, rejected: f.results.filter((r) => r.counted).map((r) => r.contributionId) });
      failedNow.add(f.fragmentId);
      finishedBy = Math.max(finishedBy, epoch);
    }
    if (!open && finishedBy <= epoch) settled.push(settleTask(task, failedNow, p));
  }
  return { reassigned, failed, settled };
};

/** What a settled task allocates: its node pay and its refund (its fee is revenue). */
export const taskPaidWei = (s: Pick<TaskSettlement, 'nodePay' | 'refundWei'>): bigint => {
  let total = s.refundWei;
  for (const x of s.nodePay) total += x.amountWei;
  return total;
};

/** Σ node pay + fee + refund = budget, exactly: the task conservation invariant. */
export const taskConserves = (s: Pick<TaskSettlement, 'budgetWei' | 'nodePay' | 'feeWei' | 'refundWei'>): boolean =>
  taskPaidWei(s) + s.feeWei === s.budgetWei && s.feeWei >= 0n && s.refundWei >= 0n;

/**
 * The events a close records for its task outcomes, after its EpochClosed (and tier changes):
 * the new round's seats, salted with the log head the close was decided on (unknown before it),
 * the failures, the settlements. decide writes them; the audit expects exactly these.
 */
export const taskCloseEvents = (outcomes: TaskCloseOutcomes, epoch: number, logHead: string): CorexEvent[] => [
  ...outcomes.reassigned.map((r) =>
    event('FragmentAssigned', {
      taskId: r.taskId,
      fragmentId: r.fragmentId,
      round: 2,
      nodeIds: chooseSeats(logHead, r.taskId, r.fragmentId, r.candidates, r.redundancy, r.excludedOperators).map((n) => n.nodeId),
      deadlineEpoch: r.deadlineEpoch,
      salt: logHead,
    }),
  ),
  ...outcomes.failed.map((f) => event('FragmentFailed', { taskId: f.taskId, fragmentId: f.fragmentId, epoch, rejected: [...f.rejected] })),
  ...outcomes.settled.map((t) =>
    event('TaskSettled', {
      taskId: t.taskId,
      epoch,
      asset: t.asset,
      budget: t.budgetWei,
      nodePay: t.nodePay.map((x) => ({ account: x.account, amount: x.amountWei })),
      fee: t.feeWei,
      refund: t.refundWei,
      initiator: t.initiator,
      accepted: t.accepted,
      failed: t.failed,
    }),
  ),
];
