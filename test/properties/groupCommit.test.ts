/**
 * Group commit (domain/groupCommit.ts): the commands the handler decides together, each on the
 * state before the group, get exactly the events they would get decided one after the other with
 * each one's events folded first — on random histories and random groups, refusals included.
 * Fraud rejections (keyless) are generated too: were they wrongly given a key, two of them on one
 * operator would slash on a stale stake and this property would fail.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decide, evolve, groupLength, type Command, type CorexEvent, type LedgerState } from '../../domain/index.ts';
import { historyArb, runHistory, slashHeavy } from '../support/arbitraries.ts';
import { RUNS, canonicalJson, stateJson } from './helpers.ts';

interface GroupStep {
  readonly kind: 'contribute' | 'verify' | 'invalid' | 'fraud' | 'unknownNode' | 'unknownContribution';
  readonly pick: number;
  readonly verifier: number;
  readonly lag: number;
  readonly units: number;
}

const stepArb: fc.Arbitrary<GroupStep> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constantFrom('contribute' as const, 'fraud' as const), weight: 4 },
    { arbitrary: fc.constantFrom('verify' as const, 'invalid' as const, 'unknownNode' as const, 'unknownContribution' as const), weight: 2 },
  ),
  pick: fc.nat({ max: 50 }),
  verifier: fc.nat({ max: 5 }),
  lag: fc.integer({ min: -1, max: 3 }),
  units: fc.integer({ min: 1, max: 1_000_000 }),
});

const at = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

/** Concrete commands for the steps against `state` (a contribution recorded in the group may be judged in it too). */
const commandsFor = (steps: readonly GroupStep[], state: LedgerState, epoch: number): Command[] => {
  const nodes = [...state.nodes.keys()];
  // Mostly registered verifiers (operators too, now and then: self-verification is refused).
  const verifiers = [...state.verifiers, ...state.verifiers, ...state.verifiers, ...[...state.nodes.values()].map((n) => n.operator)];
  const open: string[] = [...state.contributions.values()].filter((c) => c.status === 'recorded').map((c) => c.contributionId);
  return steps.flatMap((s, i): Command[] => {
    const verifier = at(verifiers, s.verifier) ?? '0x000000000000000000000000000000000000dead';
    switch (s.kind) {
      case 'contribute':
      case 'unknownNode': {
        const nodeId = s.kind === 'unknownNode' ? `ghost-${i}` : (at(nodes, s.pick) ?? `ghost-${i}`);
        const contributionId = `g-${i}`;
        open.push(contributionId);
        return [{ type: 'RecordContribution', contributionId, nodeId, epoch: Math.max(0, epoch - s.lag), kind: 'compute', units: s.units, proofHash: `0x${'ab'.repeat(32)}` }];
      }
      case 'unknownContribution':
        return [{ type: 'VerifyContribution', contributionId: `nowhere-${i}`, verifier }];
      default: {
        const contributionId = at(open, s.pick);
        if (contributionId === undefined) return [];
        return s.kind === 'verify'
          ? [{ type: 'VerifyContribution', contributionId, verifier }]
          : [{ type: 'RejectContribution', contributionId, verifier, reason: s.kind }];
      }
    }
  });
};

type Outcome = { readonly refused: string } | { readonly events: readonly CorexEvent[] };

const outcomeOf = (decision: ReturnType<typeof decide>): Outcome => (E.isLeft(decision) ? { refused: decision.left.code } : { events: decision.right });

describe('group commit: deciding a group on one state = deciding its commands in turn', () => {
  it('holds for random histories and random groups', () => {
    fc.assert(
      fc.property(fc.oneof(historyArb({ maxSteps: 40 }), historyArb({ maxSteps: 40 }).map(slashHeavy)), fc.array(stepArb, { minLength: 1, maxLength: 24 }), (history, steps) => {
        const sequential = runHistory(history);
        const grouped = runHistory(history).state;
        const now = sequential.applied.at(-1)?.now ?? history.params.genesisTimeSeconds;
        const epoch = Math.floor((now - history.params.genesisTimeSeconds) / history.params.epochLengthSeconds);
        let queue = commandsFor(steps, grouped, epoch);
        while (queue.length > 0) {
          const n = groupLength(queue, 1000, (c) => c);
          const group = queue.slice(0, n);
          queue = queue.slice(n);
          // Sequentially: decide, fold, next. Grouped: decide all on one state, then fold all.
          const inTurn = group.map((c) => {
            const outcome = outcomeOf(decide(c, sequential.state, now));
            if ('events' in outcome) for (const e of outcome.events) evolve(sequential.state, e);
            return outcome;
          });
          const together = group.map((c) => outcomeOf(decide(c, grouped, now)));
          for (const o of together) if ('events' in o) for (const e of o.events) evolve(grouped, e);
          expect(canonicalJson(together)).toBe(canonicalJson(inTurn));
        }
        expect(stateJson(grouped)).toBe(stateJson(sequential.state));
      }),
      { numRuns: RUNS },
    );
  });

  it('takes the front of the queue: distinct keys up to the cap, a keyless command alone', () => {
    const record = (id: string): Command => ({ type: 'RecordContribution', contributionId: id, nodeId: 'n', epoch: 0, kind: 'compute', units: 1, proofHash: `0x${'ab'.repeat(32)}` });
    const fraud: Command = { type: 'RejectContribution', contributionId: 'a', verifier: '0x1', reason: 'fraud' };
    const verify = (id: string): Command => ({ type: 'VerifyContribution', contributionId: id, verifier: '0x1' });
    const length = (q: Command[], max = 1000) => groupLength(q, max, (c) => c);
    expect(length([record('a'), record('b'), verify('c'), fraud, record('d')])).toBe(3);
    expect(length([fraud, record('a')])).toBe(1);
    expect(length([record('a'), verify('a'), record('b')])).toBe(1);
    expect(length([record('a'), record('b'), record('c')], 2)).toBe(2);
    expect(length([{ type: 'CloseEpoch', epoch: 0, logHead: '0x' }, record('a')])).toBe(1);
    expect(length([])).toBe(0);
  });
});
