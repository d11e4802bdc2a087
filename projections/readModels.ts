/**
 * The read-model fold: every event goes through the domain's evolve (so allocations are re-derived,
 * never read from the log) and reports which rows it changed, so a runner can write just those.
 */
import {
  evolve,
  initialState,
  type CorexEvent,
  type LedgerState,
} from '../domain/index.ts';
import { epochRow, type EpochRow } from './epochs.ts';

export interface Touched {
  readonly accounts: Set<string>;
  readonly assets: Set<string>;
  readonly epochs: Set<number>;
  supply: boolean;
}

export const emptyTouched = (): Touched => ({ accounts: new Set(), assets: new Set(), epochs: new Set(), supply: false });

export interface ReadModels {
  readonly state: LedgerState;
  /** Closed epochs as recorded, by epoch number. */
  readonly epochs: Map<number, EpochRow>;
}

export const initialReadModels = (): ReadModels => ({ state: initialState(), epochs: new Map() });

const ACCOUNT_FIELDS = ['account', 'operator', 'provider', 'verifier'] as const;

/** Folds one event into the read models and records in `touched` what it changed. */
export const projectEvent = (
  models: ReadModels,
  e: CorexEvent,
  meta: { position: number; recordedAt: string },
  touched: Touched,
): ReadModels => {
  const { state } = models;
  evolve(state, e);
  const data = e.data as Record<string, unknown>;
  for (const field of ACCOUNT_FIELDS) if (typeof data[field] === 'string') touched.accounts.add(data[field] as string);
  switch (e.type) {
    case 'ContributionRejected': {
      const operator = state.nodes.get(e.data.nodeId)?.operator;
      if (operator) touched.accounts.add(operator);
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
