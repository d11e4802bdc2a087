/**
 * Synthetic but rule-abiding event histories for benchmarks: genesis, many nodes, a verifier, and
 * per epoch one verified contribution per node plus a close. Events are produced by the domain's own
 * decide, so they are valid; no store is involved.
 */
import * as E from 'fp-ts/lib/Either.js';
import { cxt, decide, defaultParams, evolve, initialState, ZERO_HASH, type Command, type CorexEvent, type LedgerState } from '../../domain/index.ts';

export const benchAddress = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const proof = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

export interface SyntheticOptions {
  readonly nodes: number;
  /** Verified contributions per node per epoch. */
  readonly contributionsPerNode: number;
  readonly epochs: number;
  /** Operators the nodes are spread over (default: one per node). */
  readonly operators?: number;
  /** Close each epoch (default true). */
  readonly close?: boolean;
  /** Told before each close is decided, with the state it closes (to snapshot it). */
  readonly beforeClose?: (epoch: number, state: LedgerState) => void;
}

/** Yields [command key, events, the decision time] in log order; the caller folds or stores them. */
export function* syntheticHistory(o: SyntheticOptions): Generator<{ key: string; events: CorexEvent[]; nowSeconds: number }> {
  const params = defaultParams();
  const state: LedgerState = initialState();
  const start = (e: number) => params.genesisTimeSeconds + e * params.epochLengthSeconds;
  let now = start(0);
  function* run(key: string, c: Command) {
    const d = decide(c, state, now);
    if (E.isLeft(d)) throw new Error(`${key}: ${d.left.message}`);
    for (const ev of d.right) evolve(state, ev);
    yield { key, events: d.right, nowSeconds: now };
  }
  yield* run('genesis', { type: 'ConfigureProtocol', params });
  const verifier = benchAddress(1);
  yield* run('verifier', { type: 'RegisterVerifier', verifier });
  const operators = o.operators ?? o.nodes;
  for (let n = 0; n < o.nodes; n++)
    yield* run(`node:${n}`, { type: 'RegisterNode', nodeId: `n${n}`, operator: benchAddress(1000 + (n % operators)), signer: benchAddress(10_000_000 + n), hardwareClass: 'gpu' });
  for (let op = 0; op < Math.min(operators, 1000); op++)
    yield* run(`stake:${op}`, { type: 'DepositStake', account: benchAddress(1000 + op), amount: cxt(100 + op), ref: `s${op}` });
  for (let e = 0; e < o.epochs; e++) {
    now = start(e) + 1;
    for (let n = 0; n < o.nodes; n++)
      for (let k = 0; k < o.contributionsPerNode; k++) {
        const id = `c${e}.${n}.${k}`;
        yield* run(`contribution:${id}`, { type: 'RecordContribution', contributionId: id, nodeId: `n${n}`, epoch: e, kind: 'compute', units: 10 + ((n + k) % 90), proofHash: proof(n + 1) });
        yield* run(`verdict:${id}`, { type: 'VerifyContribution', contributionId: id, verifier });
      }
    if (o.close ?? true) {
      now = start(e + 1);
      o.beforeClose?.(e, state);
      yield* run(`epoch:${e}`, { type: 'CloseEpoch', epoch: e, logHead: ZERO_HASH });
    }
  }
}

/** The ledger state after the history, built by folding it in memory. */
export const syntheticState = (o: SyntheticOptions): { state: LedgerState; events: number } => {
  const state = initialState();
  let events = 0;
  for (const { events: evs } of syntheticHistory(o)) for (const e of evs) { evolve(state, e); events++; }
  return { state, events };
};
