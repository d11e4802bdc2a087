/**
 * The task rules as decisions (README, "Tasks"): posting a task assigns its fragments; a result
 * from a seated node is recorded, and the q-th agreeing result accepts its fragment. Deadlines,
 * reassignment and settlement happen at the close (taskSettlement.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.ts';
import { event, type CorexEvent } from './events.ts';
import { refuse, type Refusal } from './errors.ts';
import { verificationWindow, type ProtocolParams } from './params.ts';
import type { LedgerState, NodeState } from './state.ts';
import { candidateOperators, chooseSeats, eligibleNodes, seatCapacity } from './assignment.ts';
import { resultKind, type FragmentState, type TaskState } from './taskState.ts';

type Decision = E.Either<Refusal, CorexEvent[]>;

const no = (code: Refusal['code'], message: string): Decision => E.left(refuse(code, message));

/** ⌈r/2⌉ ≤ q ≤ r: fewer could let a minority accept a result, more could never be reached. */
export const quorumProblem = (redundancy: number, quorum: number): string | undefined =>
  quorum < Math.ceil(redundancy / 2) || quorum > redundancy
    ? `quorum ${quorum} must be from ⌈redundancy/2⌉ = ${Math.ceil(redundancy / 2)} to redundancy ${redundancy}`
    : undefined;

/**
 * Most node scores one PostTask may compute (fragments × eligible nodes of their classes), about
 * 1 µs each: a decision runs alone in the command handler, so a bigger task would stall every
 * other writer for seconds. Such work is split into several tasks.
 */
export const MAX_ASSIGNMENT_SCORES = 5_000_000;

export const postTask = (c: CommandOf<'PostTask'>, state: LedgerState, epoch: number, p: ProtocolParams): Decision => {
  if (state.tasks.has(c.taskId)) return no('TASK_EXISTS', `task ${c.taskId} is already posted`);
  if (!state.assetRegistry.has(c.asset)) return no('ASSET_UNKNOWN', `asset ${c.asset} is not registered; register the ERC-20 first (POST /v1/assets or cxt asset register)`);
  const quorum = quorumProblem(c.redundancy, c.quorum);
  if (quorum) return no('INVALID_TASK', `quorum: ${quorum}`);
  if (c.deadlineEpoch < epoch) return no('INVALID_TASK', `deadlineEpoch: ${c.deadlineEpoch} is before the current epoch ${epoch}`);
  const seen = new Set<string>();
  let units = 0;
  for (const [i, f] of c.fragments.entries()) {
    if (seen.has(f.fragmentId)) return no('INVALID_TASK', `fragments.${i}.fragmentId: ${f.fragmentId} appears twice`);
    seen.add(f.fragmentId);
    units += f.units;
    if (!Number.isSafeInteger(units)) return no('INVALID_TASK', `fragments: the units add up to more than ${Number.MAX_SAFE_INTEGER}`);
  }
  // Candidates per hardware class, found once: no operator holds a seat of a fragment not yet posted.
  const candidatesByClass = new Map<string, { nodes: NodeState[]; capacity: number }>();
  const assigned: CorexEvent[] = [];
  let scores = 0;
  for (const [i, f] of c.fragments.entries()) {
    let eligible = candidatesByClass.get(f.hardwareClass);
    if (!eligible) {
      const nodes = eligibleNodes(state, f.hardwareClass, epoch, verificationWindow(p));
      candidatesByClass.set(f.hardwareClass, (eligible = { nodes, capacity: seatCapacity(candidateOperators(nodes)) }));
    }
    const { nodes: candidates, capacity } = eligible;
    scores += candidates.length;
    if (scores > MAX_ASSIGNMENT_SCORES)
      return no(
        'TASK_TOO_LARGE',
        `assigning ${c.fragments.length} fragments over the eligible nodes would score more than ${MAX_ASSIGNMENT_SCORES.toLocaleString('en')} nodes (fragments.${i} reaches it); split the work into several tasks`,
      );
    if (capacity < c.redundancy)
      return no(
        'TOO_FEW_ELIGIBLE_NODES',
        `fragments.${i} (${f.fragmentId}) needs ${c.redundancy} ${f.hardwareClass} nodes of distinct operators; ${capacity} eligible ` +
          `(${candidates.length} ${f.hardwareClass} nodes registered and not recently slashed)`,
      );
    const seats = chooseSeats(c.salt, c.taskId, f.fragmentId, candidates, c.redundancy);
    assigned.push(
      event('FragmentAssigned', { taskId: c.taskId, fragmentId: f.fragmentId, round: 1, nodeIds: seats.map((n) => n.nodeId), deadlineEpoch: c.deadlineEpoch, salt: c.salt }),
    );
  }
  const { type: _type, ...terms } = c;
  return E.right([event('TaskPosted', { ...terms, epoch }), ...assigned]);
};

/** The task and fragment a result names, if both are open. */
const openFragment = (state: LedgerState, taskId: string | undefined, fragmentId: string): E.Either<Refusal, { task: TaskState; fragment: FragmentState }> => {
  if (taskId === undefined) return E.left(refuse('FRAGMENT_UNKNOWN', `fragmentId ${fragmentId} names no task: a task result carries its taskId too`));
  const task = state.tasks.get(taskId);
  if (!task) return E.left(refuse('TASK_UNKNOWN', `task ${taskId} is not open (never posted, or already settled)`));
  const fragment = task.fragments.find((f) => f.fragmentId === fragmentId);
  if (!fragment) return E.left(refuse('FRAGMENT_UNKNOWN', `task ${taskId} has no fragment ${fragmentId}`));
  if (fragment.status !== 'open') return E.left(refuse('FRAGMENT_CLOSED', `fragment ${fragmentId} of task ${taskId} is already ${fragment.status}`));
  return E.right({ task, fragment });
};

/**
 * A task result (a contribution with taskId and fragmentId), after the checks every contribution
 * gets: from a node seated in the fragment's current round, once, by the round's deadline, of the
 * task's kind and the fragment's units. The q-th result with one hash accepts the fragment.
 */
export const recordTaskResult = (c: CommandOf<'RecordContribution'> & { fragmentId: string }, state: LedgerState, epoch: number): Decision => {
  const found = openFragment(state, c.taskId, c.fragmentId);
  if (E.isLeft(found)) return found;
  const { task, fragment } = found.right;
  const seat = fragment.seats.find((s) => s.nodeId === c.nodeId);
  if (!seat) return no('NOT_ASSIGNED', `node ${c.nodeId} holds no seat of fragment ${c.fragmentId} of task ${task.taskId}`);
  if (fragment.results.some((r) => r.nodeId === c.nodeId))
    return no('RESULT_EXISTS', `node ${c.nodeId} already submitted a result for fragment ${c.fragmentId} of task ${task.taskId}`);
  if (seat.round !== fragment.round)
    return no('RESULT_AFTER_DEADLINE', `node ${c.nodeId}'s round ${seat.round} of fragment ${c.fragmentId} ended; the fragment was reassigned`);
  if (epoch > fragment.deadlineEpoch)
    return no('RESULT_AFTER_DEADLINE', `fragment ${c.fragmentId} of task ${task.taskId} was due by epoch ${fragment.deadlineEpoch}; it is epoch ${epoch}`);
  const kind = resultKind(task.kind);
  if (c.kind !== kind || c.units !== fragment.units)
    return no(
      'RESULT_DOES_NOT_MATCH_FRAGMENT',
      `a result for fragment ${c.fragmentId} is ${kind} work of ${fragment.units} units (the task's terms); this one is ${c.kind} of ${c.units}`,
    );
  const { type: _type, ...data } = c;
  const events: CorexEvent[] = [event('ContributionRecorded', data)];
  const agreeing = fragment.results.filter((r) => r.counted && r.resultHash === c.proofHash);
  if (agreeing.length + 1 >= task.quorum)
    events.push(
      event('FragmentAccepted', {
        taskId: task.taskId,
        fragmentId: fragment.fragmentId,
        epoch,
        resultHash: c.proofHash,
        quorum: [...agreeing.map((r) => r.contributionId), c.contributionId],
        dissent: fragment.results.filter((r) => r.counted && r.resultHash !== c.proofHash).map((r) => r.contributionId),
      }),
    );
  return E.right(events);
};
