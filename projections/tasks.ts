/**
 * Task read model: one JSON document per task — its terms, each fragment's seats, results and
 * status, and once settled, its settlement — and the open seats a node holds, for node agents.
 * Amounts as decimal strings.
 */
import type { EventData, LedgerState, TaskState } from '../domain/index.ts';

export type TaskDocument = Record<string, unknown>;

const s = (v: bigint): string => v.toString();

export const taskDocument = (task: TaskState, settlement?: EventData<'TaskSettled'>): TaskDocument => ({
  taskId: task.taskId,
  status: settlement ? 'settled' : 'open',
  initiator: task.initiator,
  kind: task.kind,
  asset: task.asset,
  budget: s(task.budgetWei),
  redundancy: task.redundancy,
  quorum: task.quorum,
  postedEpoch: task.postedEpoch,
  deadlineEpoch: task.deadlineEpoch,
  salt: task.salt,
  fragments: task.fragments.map((f) => ({
    fragmentId: f.fragmentId,
    units: f.units,
    hardwareClass: f.hardwareClass,
    status: f.status,
    round: f.round,
    deadlineEpoch: f.deadlineEpoch,
    finishedEpoch: f.finishedEpoch ?? null,
    seats: f.seats.map((x) => ({ nodeId: x.nodeId, operator: x.operator, round: x.round })),
    results: f.results.map((r) => ({ contributionId: r.contributionId, nodeId: r.nodeId, resultHash: r.resultHash, counted: r.counted })),
    quorumOperators: f.quorumOperators,
  })),
  settlement: settlement
    ? {
        epoch: settlement.epoch,
        nodePay: settlement.nodePay.map((x) => ({ account: x.account, amount: s(x.amount) })),
        fee: s(settlement.fee),
        refund: s(settlement.refund),
        accepted: settlement.accepted,
        failed: settlement.failed,
      }
    : null,
});

export interface NodeAssignment {
  readonly taskId: string;
  readonly fragmentId: string;
  readonly kind: string;
  readonly units: number;
  readonly round: number;
  readonly deadlineEpoch: number;
  /** `to-do`: the seat's round is current and no result is in; `submitted`: its result is in; `ended`: the fragment was reassigned, accepted or failed. */
  readonly state: 'to-do' | 'submitted' | 'ended';
}

/** The seats `nodeId` holds in open tasks, ordered by task then fragment id; at most `limit` after the `after` cursor ("taskId/fragmentId" as JSON). */
export const nodeAssignments = (state: LedgerState, nodeId: string, after: string | undefined, limit: number): { assignments: NodeAssignment[]; next: string | null } => {
  const all: Array<NodeAssignment & { cursor: string }> = [];
  for (const task of state.tasks.values())
    for (const f of task.fragments)
      for (const seat of f.seats) {
        if (seat.nodeId !== nodeId) continue;
        const submitted = f.results.some((r) => r.nodeId === nodeId);
        const current = f.status === 'open' && seat.round === f.round;
        all.push({
          taskId: task.taskId,
          fragmentId: f.fragmentId,
          kind: task.kind,
          units: f.units,
          round: seat.round,
          deadlineEpoch: seat.round === f.round ? f.deadlineEpoch : task.deadlineEpoch,
          state: submitted ? 'submitted' : current ? 'to-do' : 'ended',
          cursor: JSON.stringify([task.taskId, f.fragmentId]),
        });
      }
  all.sort((a, b) => (a.cursor < b.cursor ? -1 : a.cursor > b.cursor ? 1 : 0));
  const from = after === undefined ? all : all.filter((a) => a.cursor > after);
  const page = from.slice(0, limit);
  return { assignments: page.map(({ cursor: _c, ...a }) => a), next: from.length > limit ? page[page.length - 1]!.cursor : null };
};
