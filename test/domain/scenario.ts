/**
 * A tiny in-memory ledger for given/when/then tests: commands go through decide → evolve, time is
 * explicit, and refusals are returned rather than thrown.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  decide,
  defaultParams,
  evolve,
  initialState,
  ZERO_HASH,
  type Command,
  type CorexEvent,
  type LedgerState,
  type ProtocolParams,
  type Refusal,
} from '../../domain/index.ts';

export const address = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
export const hash32 = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

export interface Scenario {
  readonly state: LedgerState;
  readonly params: ProtocolParams;
  readonly events: CorexEvent[];
  /** Unix seconds; tests move it explicitly. */
  now: number;
  /** Start of epoch e. */
  startOf(epoch: number): number;
  /** Moves the clock to the middle of epoch e. */
  at(epoch: number): Scenario;
  run(command: Command): CorexEvent[];
  attempt(command: Command): E.Either<Refusal, CorexEvent[]>;
  close(epoch: number): CorexEvent[];
}

export const scenario = (overrides: Partial<ProtocolParams> = {}): Scenario => {
  const params = defaultParams(overrides);
  const state = initialState();
  const events: CorexEvent[] = [];
  const s: Scenario = {
    state,
    params,
    events,
    now: params.genesisTimeSeconds,
    startOf: (epoch) => params.genesisTimeSeconds + epoch * params.epochLengthSeconds,
    at(epoch) {
      s.now = s.startOf(epoch) + Math.floor(params.epochLengthSeconds / 2);
      return s;
    },
    attempt(command) {
      const decision = decide(command, state, s.now);
      if (E.isRight(decision)) for (const e of decision.right) { evolve(state, e); events.push(e); }
      return decision;
    },
    run(command) {
      const decision = s.attempt(command);
      if (E.isLeft(decision)) throw new Error(`${command.type} refused: ${decision.left.code} ${decision.left.message}`);
      return decision.right;
    },
    close(epoch) {
      if (s.now < s.startOf(epoch + 1)) s.now = s.startOf(epoch + 1);
      return s.run({ type: 'CloseEpoch', epoch, logHead: ZERO_HASH });
    },
  };
  s.run({ type: 'ConfigureProtocol', params });
  return s;
};
