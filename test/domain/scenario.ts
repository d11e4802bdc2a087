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
  type Allocation,
  type Command,
  type ContributionKind,
  type CorexEvent,
  type EventData,
  type EventOf,
  type EventType,
  type LedgerState,
  type ProtocolParams,
  type Refusal,
} from '../../domain/index.ts';

export const address = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
export const hash32 = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

/** Events of one type from a list, in order. */
export const ofType = <K extends EventType>(events: readonly CorexEvent[], type: K): EventOf<K>[] =>
  events.filter((e): e is EventOf<K> => e.type === type);

export interface WorkOptions {
  readonly kind?: ContributionKind;
  /** Epoch the contribution claims; defaults to the current recording epoch. */
  readonly epoch?: number;
  /** Verifier that verifies it at once; `null` leaves it recorded only. Defaults to `scenario.defaultVerifier`. */
  readonly verifier?: string | null;
}

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
  /** The epoch the clock is in (on the genesis grid). */
  epoch(): number;
  run(command: Command): CorexEvent[];
  attempt(command: Command): E.Either<Refusal, CorexEvent[]>;
  /** Runs a command that must be refused; checks nothing was written and returns the refusal. */
  refused(command: Command): Refusal;
  close(epoch: number): CorexEvent[];
  /** The EpochClosed data recorded for `epoch`. */
  closed(epoch: number): EventData<'EpochClosed'>;

  // Conveniences for the common set-ups.
  /** Verifier used by `work` when none is named (registered on first use). */
  readonly defaultVerifier: string;
  node(nodeId: string, operator: string): Scenario;
  verifier(verifier: string): Scenario;
  /** Registers an ERC-20 revenue and buybacks may be recorded in. */
  asset(asset: string, symbol?: string): Scenario;
  /** Deposit of `amountWei` for `account` in the current epoch, with a fresh ref. */
  stake(account: string, amountWei: bigint): Scenario;
  /** Records `units` of work on `nodeId` and (unless `verifier: null`) verifies it in the current epoch. */
  work(contributionId: string, nodeId: string, units: number, options?: WorkOptions): Scenario;
  /** Allocations of the most recent close. */
  allocations(): readonly Allocation[];
  /** Amount allocated to `account` in `token` (CXT by default) by the most recent close. */
  allocated(account: string, token?: string): bigint;
}

export const scenario = (overrides: Partial<ProtocolParams> = {}): Scenario => {
  const params = defaultParams(overrides);
  const state = initialState();
  const events: CorexEvent[] = [];
  let refs = 0;
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
    epoch: () => Math.floor((s.now - params.genesisTimeSeconds) / params.epochLengthSeconds),
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
    refused(command) {
      const before = events.length;
      const decision = s.attempt(command);
      if (E.isRight(decision)) throw new Error(`${command.type} was expected to be refused but recorded ${decision.right.map((e) => e.type).join(', ')}`);
      if (events.length !== before) throw new Error(`${command.type} was refused but wrote events`);
      return decision.left;
    },
    close(epoch) {
      if (s.now < s.startOf(epoch + 1)) s.now = s.startOf(epoch + 1);
      return s.run({ type: 'CloseEpoch', epoch, logHead: ZERO_HASH });
    },
    closed(epoch) {
      const found = ofType(events, 'EpochClosed').find((e) => e.data.epoch === epoch);
      if (!found) throw new Error(`epoch ${epoch} is not closed`);
      return found.data;
    },
    defaultVerifier: address(0xfe11),
    node(nodeId, operator) {
      s.run({ type: 'RegisterNode', nodeId, operator, signer: operator, hardwareClass: 'gpu' });
      return s;
    },
    verifier(verifier) {
      s.run({ type: 'RegisterVerifier', verifier });
      return s;
    },
    asset(asset, symbol = 'TKN') {
      s.run({ type: 'RegisterAsset', asset, symbol, decimals: 18 });
      return s;
    },
    stake(account, amountWei) {
      s.run({ type: 'DepositStake', account, amount: amountWei, ref: `auto-${++refs}` });
      return s;
    },
    work(contributionId, nodeId, units, options = {}) {
      const epoch = options.epoch ?? Math.max(s.epoch(), state.lastClosedEpoch + 1);
      s.run({ type: 'RecordContribution', contributionId, nodeId, epoch, kind: options.kind ?? 'compute', units, proofHash: hash32(1) });
      const verifier = options.verifier === undefined ? s.defaultVerifier : options.verifier;
      if (verifier !== null) {
        if (!state.verifiers.has(verifier)) s.verifier(verifier);
        s.run({ type: 'VerifyContribution', contributionId, verifier });
      }
      return s;
    },
    allocations: () => state.lastAllocations,
    allocated(account, token = params.cxtToken) {
      return state.lastAllocations.find((a) => a.account === account && a.token === token)?.amountWei ?? 0n;
    },
  };
  s.run({ type: 'ConfigureProtocol', params });
  return s;
};
