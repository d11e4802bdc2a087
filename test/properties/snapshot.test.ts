/**
 * DESIGN §10 — the canonical snapshot and stateHash: replay from genesis gives byte-identical
 * snapshots; a state restored from a snapshot decides and settles exactly as the folded one (the
 * rest of the history folded into both gives the same snapshot, close by close); the JSON text is
 * RFC 8785 itself, and its hash is the same however the text is cut into parts (a snapshot is never
 * one string: V8 caps strings near 2^29 characters); and the hash each EpochClosed records is that
 * of the state at its logHead.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keccak256, toUtf8Bytes } from 'ethers';
import {
  canonicalForm,
  canonicalSnapshot,
  evolve,
  initialState,
  jcs,
  joinSnapshotParts,
  restoreSnapshotParts,
  snapshotOf,
  stateHash,
  type CorexEvent,
  type LedgerState,
} from '../../domain/index.ts';
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
        const state = fold(ledger.events);
        const once = canonicalSnapshot(state);
        expect(canonicalSnapshot(fold(ledger.events)).parts).toEqual(once.parts);
        // stateHash is keccak256 of the JCS text (computed here by another keccak, on one string) …
        const text = jcs(snapshotOf(state));
        expect(JSON.stringify(snapshotOf(state))).toBe(text);
        expect(once.hash).toBe(keccak256(toUtf8Bytes(text)));
        // … however the text is cut into parts, and the parts join back into the snapshot.
        const cut = canonicalForm(snapshotOf(state), 2);
        expect(cut.hash).toBe(once.hash);
        expect(joinSnapshotParts(cut.parts)).toEqual(snapshotOf(state));
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
        // Restored from parts cut small, so every long-array path is exercised.
        const restored = restoreSnapshotParts(canonicalForm(snapshotOf(original), 2).parts);
        expect(stateHash(restored)).toBe(stateHash(original));
        for (const e of ledger.events.slice(cut)) {
          evolve(original, e);
          evolve(restored, e);
          if (e.type === 'EpochClosed') expect(stateHash(restored)).toBe(stateHash(original));
        }
        expect(canonicalSnapshot(restored).parts).toEqual(canonicalSnapshot(original).parts);
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
