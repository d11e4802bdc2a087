/**
 * What the ledger keeps of an open task (DESIGN-level rules in the README, "Tasks"): its terms,
 * each fragment's seats (the nodes assigned to it, round by round) and the results submitted.
 * A task leaves the state at the close that settles it.
 */
import type { HardwareClass, TaskKind } from './events.ts';

export interface FragmentSeat {
  readonly nodeId: string;
  readonly operator: string;
  /** 1 for the assignment at posting, 2 for the one reassignment. */
  readonly round: number;
}

export interface FragmentResult {
  readonly contributionId: string;
  readonly nodeId: string;
  readonly operator: string;
  readonly resultHash: string;
  /** Still counted toward a quorum (not rejected as fraud). */
  counted: boolean;
}

export type FragmentStatus = 'open' | 'accepted' | 'failed';

export interface FragmentState {
  readonly fragmentId: string;
  readonly units: number;
  readonly hardwareClass: HardwareClass;
  /** Every seat of every round, in assignment order. */
  readonly seats: FragmentSeat[];
  round: number;
  /** The last epoch in which the current round's seats may submit. */
  deadlineEpoch: number;
  readonly results: FragmentResult[];
  status: FragmentStatus;
  /** Accepted: the operators whose results formed the quorum, in the order they came in. */
  quorumOperators: string[];
  /** Recording epoch of the acceptance or failure. */
  finishedEpoch?: number;
}

export interface TaskState {
  readonly taskId: string;
  readonly initiator: string;
  readonly kind: TaskKind;
  readonly asset: string;
  readonly budgetWei: bigint;
  readonly redundancy: number;
  readonly quorum: number;
  readonly postedEpoch: number;
  readonly deadlineEpoch: number;
  /** The log head when the task was posted: the salt of its first assignment. */
  readonly salt: string;
  /** In posted order. */
  readonly fragments: FragmentState[];
}

/** The contribution kind a task's results are recorded as (and paid from the compute pool by). */
export const resultKind = (kind: TaskKind): 'compute' | 'training' | 'data' => (kind === 'inference' ? 'compute' : kind);

/** Epochs a reassigned round gets: as many as the first round had, from its posting epoch through its deadline. */
export const roundSpanEpochs = (task: TaskState): number => task.deadlineEpoch - task.postedEpoch + 1;
