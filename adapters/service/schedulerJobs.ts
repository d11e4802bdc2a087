/** The service's own scheduler jobs (the distribution jobs come from distributionWiring.ts). */
import type { LedgerState } from '../../domain/index.ts';
import type { CommandHandler } from '../ledger/index.ts';
import type { ProjectionRunner } from '../projections/index.ts';
import { closeDueEpochs } from '../scheduler/epochCloser.ts';
import type { SchedulerJob } from '../scheduler/scheduler.ts';

export const epochJob = (deps: { fresh: () => Promise<LedgerState>; commands: CommandHandler; clock: () => number }): SchedulerJob => ({
  name: 'epochs',
  run: async () => {
    const r = await closeDueEpochs(deps);
    const closed = r.closed.length === 0 ? undefined : `closed epoch${r.closed.length > 1 ? `s ${r.closed[0]}–${r.closed.at(-1)}` : ` ${r.closed[0]}`}`;
    if (r.refusal) throw new Error(`${closed ? `${closed}, then ` : ''}a close was refused: ${r.refusal.code} ${r.refusal.message}`);
    return closed;
  },
});

/** Keeps the read-model tables (SQL consumers, dashboards) at the log head. */
export const readModelJob = (projections: ProjectionRunner): SchedulerJob => ({
  name: 'read-models',
  run: async () => {
    await projections.catchUp();
    return undefined;
  },
});
