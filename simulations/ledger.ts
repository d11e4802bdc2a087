/**
 * The simulation's ledger: the domain's decide → evolve over an in-memory state with an explicit
 * clock, exactly as the service runs commands, minus storage and the hash chain (closes record the
 * zero log head and no stateHash: nothing in the tokenomics depends on them).
 */
import * as E from 'fp-ts/lib/Either.js';
import { decide, evolve, initialState, ZERO_HASH, type Command, type CorexEvent, type EventData, type LedgerState, type ProtocolParams, type Refusal } from '../domain/index.ts';

export interface SimLedger {
  readonly state: LedgerState;
  readonly params: ProtocolParams;
  /** Unix seconds; the run moves it forward explicitly. */
  now: number;
  startOf(epoch: number): number;
  /** Runs one command; a refusal is returned, never thrown, and writes nothing. */
  attempt(command: Command): E.Either<Refusal, readonly CorexEvent[]>;
  /** Moves the clock to the end of `epoch` and closes it; returns the recorded EpochClosed data. */
  close(epoch: number): E.Either<Refusal, EventData<'EpochClosed'>>;
  /** Every event the last close recorded (EpochClosed, tier changes, task outcomes). */
  readonly lastClose: readonly CorexEvent[];
}

export const createSimLedger = (params: ProtocolParams): SimLedger => {
  const state = initialState();
  let lastClose: readonly CorexEvent[] = [];
  const ledger: SimLedger = {
    get lastClose() {
      return lastClose;
    },
    state,
    params,
    now: params.genesisTimeSeconds,
    startOf: (epoch) => params.genesisTimeSeconds + epoch * params.epochLengthSeconds,
    attempt(command) {
      const decision = decide(command, state, ledger.now);
      if (E.isRight(decision)) for (const e of decision.right) evolve(state, e);
      return decision;
    },
    close(epoch) {
      ledger.now = Math.max(ledger.now, ledger.startOf(epoch + 1));
      return E.map((events: readonly CorexEvent[]) => {
        lastClose = events;
        const closed = events.find((e) => e.type === 'EpochClosed');
        if (closed?.type !== 'EpochClosed') throw new Error(`closing epoch ${epoch} recorded no EpochClosed`);
        return closed.data;
      })(ledger.attempt({ type: 'CloseEpoch', epoch, logHead: ZERO_HASH, omitStateHash: true }));
    },
  };
  return ledger;
};
