/**
 * DESIGN §10 — the canonical snapshot and stateHash: replay from genesis gives byte-identical
 * snapshots; a state restored from a snapshot decides and settles exactly as the folded one (the
 * rest of the history folded into both gives the same snapshot, close by close); the JSON text is
 * RFC 8785 itself; and the hash each EpochClosed records is that of the state at its logHead.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evolve, initialState, jcs, restoreSnapshot, snapshotOf, stateHash, canonicalSnapshot, type CorexEvent, type LedgerState } from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { RUNS } from './helpers.ts';

const fold = (events: readonly CorexEvent[], state: LedgerState = initialState()): LedgerState => {
  for (const e of events) evolve(state, e);
  return state;
};

describe('ledger snapshots', () => {
  it(`replay from genesis gives byte-identical snapshots, whose text is their JCS form (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(historyArb(), (h) => {
        const ledger = runHistory(h);
        const once = canonicalSnapshot(fold(ledger.events)).text;
        expect(canonicalSnapshot(fold(ledger.events)).text).toBe(once);
        expect(jcs(snapshotOf(fold(ledger.events)))).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it(`a state restored at any point folds the rest of the history exactly as the original (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(historyArb(), fc.double({ min: 0, max: 1, noNaN: true }), (h, at) => {
        const ledger = runHistory(h);
        const cut = Math.floor(ledger.events.length * at);
        const original = fold(ledger.events.slice(0, cut));
        const restored = restoreSnapshot(JSON.parse(canonicalSnapshot(original).text));
        expect(stateHash(restored)).toBe(stateHash(original));
        for (const e of ledger.events.slice(cut)) {
          evolve(original, e);
          evolve(restored, e);
          if (e.type === 'EpochClosed') expect(stateHash(restored)).toBe(stateHash(original));
        }
        expect(canonicalSnapshot(restored).text).toBe(canonicalSnapshot(original).text);
      }),
      { numRuns: RUNS },
    );
  });

  it(`every EpochClosed records the hash of the state at its logHead (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(historyArb(), (h) => {
        const ledger = runHistory(h);
        const state = initialState();
        for (const e of ledger.events) {
          if (e.type === 'EpochClosed') expect(e.data.stateHash).toBe(stateHash(state));
          evolve(state, e);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
