/**
 * How task events change the state (evolve.ts calls these), and how a close's task outcomes
 * (taskSettlement.ts) are applied. FragmentFailed and TaskSettled are records of what the close
 * applied: the close itself fails fragments and removes settled tasks, so a log that lost those
 * records can never pay a task twice.
 */
import type { EventOf } from './events.ts';
import { verificationWindow, type ProtocolParams } from './params.ts';
import type { LedgerState } from './state.ts';
import type { TaskCloseOutcomes } from './taskSettlement.ts';
import type { TaskState } from './taskState.ts';

const fragmentOf = (state: LedgerState, taskId: string, fragmentId: string) => state.tasks.get(taskId)?.fragments.find((f) => f.fragmentId === fragmentId);

export const taskPosted = (state: LedgerState, { data }: EventOf<'TaskPosted'>): void => {
  const task: TaskState = {
    taskId: data.taskId,
    initiator: data.initiator,
    kind: data.kind,
    asset: data.asset,
    budgetWei: data.budget,
    redundancy: data.redundancy,
    quorum: data.quorum,
    postedEpoch: data.epoch,
    deadlineEpoch: data.deadlineEpoch,
    salt: data.salt,
    fragments: data.fragments.map((f) => ({
      fragmentId: f.fragmentId,
      units: f.units,
      hardwareClass: f.hardwareClass,
      seats: [],
      round: 1,
      deadlineEpoch: data.deadlineEpoch,
      results: [],
      status: 'open',
      quorumOperators: [],
    })),
  };
  state.tasks.set(task.taskId, task);
};

export const fragmentAssigned = (state: LedgerState, { data }: EventOf<'FragmentAssigned'>): void => {
  const f = fragmentOf(state, data.taskId, data.fragmentId);
  if (!f) return;
  for (const nodeId of data.nodeIds) f.seats.push({ nodeId, operator: state.nodes.get(nodeId)?.operator ?? '', round: data.round });
  f.round = data.round;
  f.deadlineEpoch = data.deadlineEpoch;
};

/** A result joins its fragment; it is judged by the consensus, so it never expires unjudged. */
export const taskResultRecorded = (state: LedgerState, data: EventOf<'ContributionRecorded'>['data']): void => {
  if (data.taskId === undefined || data.fragmentId === undefined) return;
  const f = fragmentOf(state, data.taskId, data.fragmentId);
  f?.results.push({
    contributionId: data.contributionId,
    nodeId: data.nodeId,
    operator: state.nodes.get(data.nodeId)?.operator ?? '',
    resultHash: data.proofHash,
    counted: true,
  });
};

export const fragmentAccepted = (state: LedgerState, { data }: EventOf<'FragmentAccepted'>, window: number): void => {
  const f = fragmentOf(state, data.taskId, data.fragmentId);
  if (f) {
    f.status = 'accepted';
    f.finishedEpoch = data.epoch;
    const quorum = new Set(data.quorum);
    f.quorumOperators = f.results.filter((r) => quorum.has(r.contributionId)).map((r) => r.operator);
  }
  for (const id of data.quorum) {
    const c = state.contributions.get(id);
    if (!c) continue;
    c.status = 'verified';
    c.judgedEpoch = data.epoch;
    // Verified by consensus: paid from the compute pool like any verified work, no verifier's verdict to pay.
    state.unpaidWork.push({ contributionId: c.contributionId, nodeId: c.nodeId, kind: c.kind, units: c.units, verifiedEpoch: data.epoch });
  }
  for (const id of data.dissent) {
    const c = state.contributions.get(id);
    if (!c) continue;
    c.status = 'rejected';
    c.judgedEpoch = data.epoch;
    c.fraudOpenUntilEpoch = data.epoch + window;
  }
};

/** A fraud verdict on a task result: it no longer counts toward a quorum, and a dissent can no longer be marked again. */
export const taskResultRejected = (state: LedgerState, contributionId: string): void => {
  const c = state.contributions.get(contributionId);
  if (!c || c.taskId === undefined || c.fragmentId === undefined) return;
  c.fraudOpenUntilEpoch = undefined;
  const result = fragmentOf(state, c.taskId, c.fragmentId)?.results.find((r) => r.contributionId === contributionId);
  if (result) result.counted = false;
};

/** The close's task outcomes: new rounds, failures (their results rejected), settled tasks gone. */
export const applyTaskOutcomes = (state: LedgerState, outcomes: TaskCloseOutcomes, epoch: number, p: ProtocolParams): void => {
  for (const r of outcomes.reassigned) {
    const f = fragmentOf(state, r.taskId, r.fragmentId);
    if (!f) continue;
    f.round = 2;
    f.deadlineEpoch = r.deadlineEpoch;
  }
  for (const failure of outcomes.failed) {
    const f = fragmentOf(state, failure.taskId, failure.fragmentId);
    if (f) {
      f.status = 'failed';
      f.finishedEpoch = epoch;
    }
    for (const id of failure.rejected) {
      const c = state.contributions.get(id);
      if (c && c.status === 'recorded') {
        c.status = 'rejected';
        c.judgedEpoch = epoch;
      }
    }
  }
  for (const s of outcomes.settled) state.tasks.delete(s.taskId);
  // Slashes older than the window no longer bar an operator from seats.
  const window = verificationWindow(p);
  for (const [account, at] of state.recentSlashes) if (at <= epoch - window) state.recentSlashes.delete(account);
};
