/**
 * The read-model fold: every event goes through the domain's evolve (so allocations are re-derived,
 * never read from the log) and reports which rows it changed, so a runner can write just those.
 */
import {
  evolve,
  initialState,
  rewardReceipts,
  settleEpoch,
  type TaskState,
  type CorexEvent,
  type LedgerState,
} from '../domain/index.ts';
import { epochRow, type EpochRow } from './epochs.ts';
import { receiptDocument, type ReceiptDocument } from './receipts.ts';
import { taskDocument, type TaskDocument } from './tasks.ts';

export interface Touched {
  readonly accounts: Set<string>;
  readonly assets: Set<string>;
  readonly epochs: Set<number>;
  readonly tasks: Set<string>;
  supply: boolean;
}

export const emptyTouched = (): Touched => ({ accounts: new Set(), assets: new Set(), epochs: new Set(), tasks: new Set(), supply: false });

export interface ReadModels {
  readonly state: LedgerState;
  /** Closed epochs as recorded, by epoch number. */
  readonly epochs: Map<number, EpochRow>;
  /** Tasks settled since the last write, as their final documents (the state forgets them). */
  readonly settledTasks: Map<string, TaskDocument>;
  /** Tasks the close being folded settles, taken before the close removes them from the state. */
  readonly settling: Map<string, TaskState>;
  /**
   * Reward receipts of the closes folded since the last write, or null when this fold keeps none
   * (the warm-up before the checkpoint, whose receipts are already in the tables).
   */
  receipts: ReceiptDocument[] | null;
}

export const initialReadModels = (withReceipts = true): ReadModels => ({
  state: initialState(),
  epochs: new Map(),
  settledTasks: new Map(),
  settling: new Map(),
  receipts: withReceipts ? [] : null,
});

const ACCOUNT_FIELDS = ['account', 'operator', 'provider', 'verifier'] as const;

/** Folds one event into the read models and records in `touched` what it changed. */
export const projectEvent = (
  models: ReadModels,
  e: CorexEvent,
  meta: { position: number; recordedAt: string },
  touched: Touched,
): ReadModels => {
  const { state } = models;
  if (e.type === 'EpochClosed') {
    // The settlement evolve applies next (settleEpoch caches it), read on the state it settles.
    const settlement = settleEpoch(state, e.data.epoch);
    for (const t of settlement.tasks.settled) models.settling.set(t.taskId, state.tasks.get(t.taskId)!);
    if (models.receipts) for (const r of rewardReceipts(settlement, state).values()) models.receipts.push(receiptDocument(r));
  }
  evolve(state, e);
  const data = e.data as Record<string, unknown>;
  for (const field of ACCOUNT_FIELDS) if (typeof data[field] === 'string') touched.accounts.add(data[field] as string);
  switch (e.type) {
    case 'ContributionRejected': {
      const operator = state.nodes.get(e.data.nodeId)?.operator;
      if (operator) touched.accounts.add(operator);
      const taskId = state.contributions.get(e.data.contributionId)?.taskId;
      if (taskId !== undefined) touched.tasks.add(taskId);
      break;
    }
    case 'RevenueRecorded':
      touched.assets.add(e.data.asset);
      break;
    case 'TokensBurned':
      touched.supply = true;
      if (e.data.asset) touched.assets.add(e.data.asset);
      break;
    case 'EpochClosed':
      models.epochs.set(e.data.epoch, epochRow(e.data, meta.position, meta.recordedAt));
      touched.epochs.add(e.data.epoch);
      touched.supply = true;
      for (const a of state.lastAllocations) touched.accounts.add(a.account);
      for (const a of state.accounts.values()) if (a.nodeIds.length > 0) touched.accounts.add(a.account);
      for (const r of e.data.revenue) touched.assets.add(r.asset);
      break;
    case 'TaskPosted':
    case 'FragmentAssigned':
    case 'FragmentAccepted':
    case 'FragmentFailed':
      touched.tasks.add(e.data.taskId);
      break;
    case 'TaskSettled': {
      const task = models.settling.get(e.data.taskId);
      models.settling.delete(e.data.taskId);
      if (task) models.settledTasks.set(e.data.taskId, taskDocument(task, e.data));
      touched.tasks.add(e.data.taskId);
      break;
    }
    case 'ContributionRecorded':
      if (e.data.taskId !== undefined && e.data.fragmentId !== undefined) touched.tasks.add(e.data.taskId);
      break;
    case 'ProtocolConfigured':
      // Governance weights follow the tier multipliers in force.
      for (const a of state.accounts.keys()) touched.accounts.add(a);
      touched.supply = true;
      break;
    case 'StakeDeposited':
    case 'UnstakeRequested':
    case 'StakeSlashed':
      touched.supply = true;
      break;
    default:
      break;
  }
  return models;
};
