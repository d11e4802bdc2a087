/**
 * Closes every epoch that has ended, oldest first. After downtime that is several epochs in one
 * tick, in order, each settled by its events' own epochs (DESIGN §5), so a late close gives what
 * an on-time one would have. An epoch's close is keyed by its number: a second process, or a
 * retried tick, finds it recorded and writes nothing.
 */
import { epochEndSeconds, paramsForEpoch, latestParams, type LedgerState, type Refusal, ZERO_HASH } from '../../domain/index.ts';
import type { CommandHandler } from '../ledger/index.ts';

export interface EpochCloserDeps {
  readonly fresh: () => Promise<LedgerState>;
  readonly commands: CommandHandler;
  /** Unix seconds. */
  readonly clock: () => number;
  /** Bound on closes per tick, so one tick cannot run for minutes; the next tick continues. */
  readonly maxPerTick?: number;
}

export interface CloseReport {
  readonly closed: readonly number[];
  /** Set when a close was refused (and the loop stopped there). */
  readonly refusal?: Refusal;
}

/** The first epoch not closed yet, if it has ended by `now`. */
export const nextDueEpoch = (state: LedgerState, now: number): number | undefined => {
  const next = state.lastClosedEpoch + 1;
  const p = paramsForEpoch(state, next) ?? latestParams(state);
  return p !== undefined && now >= epochEndSeconds(p, next) ? next : undefined;
};

export const closeDueEpochs = async ({ fresh, commands, clock, maxPerTick = 1000 }: EpochCloserDeps): Promise<CloseReport> => {
  const closed: number[] = [];
  while (closed.length < maxPerTick) {
    const epoch = nextDueEpoch(await fresh(), clock());
    if (epoch === undefined) break;
    // logHead is replaced by the store's head inside the command handler.
    const result = await commands.handle({ type: 'CloseEpoch', epoch, logHead: ZERO_HASH });
    if (result.status === 'refused') return { closed, refusal: result.refusal };
    closed.push(epoch);
  }
  return { closed };
};
