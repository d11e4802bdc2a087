/**
 * DESIGN §9.7 on random histories: replaying the same log gives the same numbers, and the hash
 * chain verifies end to end (and catches any edit, deletion, insertion or reordering).
 *
 * The log is the runner's sealed envelopes, passed through JSON text (as an export/import would).
 * Replay = verify the chain, decode every event (decodeEvent), fold from initialState(). It is done
 * twice, and both replays must equal each other and the live ledger:
 * - the canonical JSON of the whole state (Maps/Sets/bigints made explicit, insertion order kept);
 * - state.lastAllocations and its allocationsHash after every EpochClosed;
 * - re-deciding each close (CloseEpoch with the recorded epoch, logHead and time) from the replayed
 *   state gives byte-identical EpochClosed + TierChanged data (encodeEventData + JCS);
 * - re-planning each distribution gives the recorded root, tree hash, leaves and totals;
 * - the read models (projections) are identical.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  allocationsHash,
  decide,
  decodeEvent,
  encodeEventData,
  hashEnvelope,
  jcs,
  planDistribution,
  verifyChain,
  type Allocation,
  type CorexEvent,
  type LedgerState,
  type StoredEvent,
} from '../../domain/index.ts';
import { accountView, assetViews, emptyTouched, initialReadModels, projectEvent, supplyView } from '../../projections/index.ts';
import { historyArb, runHistory, slashHeavy } from '../support/arbitraries.ts';
import { canonicalJson, check, RUNS, stateJson } from './helpers.ts';

interface Replay {
  readonly state: LedgerState;
  /** lastAllocations after each EpochClosed, in log order. */
  readonly allocations: Allocation[][];
  readonly readModels: string;
}

const decodeAll = (log: readonly StoredEvent[]): CorexEvent[] =>
  log.map((s) => {
    const d = decodeEvent(s.type, s.data);
    if (E.isLeft(d)) throw new Error(`event ${s.position} (${s.type}) does not decode: ${JSON.stringify(d.left)}`);
    return d.right;
  });

/**
 * Folds the log through the projections (projectEvent runs the domain's evolve, so the ledger state
 * is models.state). With `audit`, also verifies the chain and re-decides every close and distribution
 * from the replayed state before applying it.
 */
const replay = (log: readonly StoredEvent[], audit: boolean): Replay => {
  if (audit) {
    const verified = verifyChain(log);
    check(verified.ok, 'the hash chain does not verify', verified);
    if (verified.ok) {
      expect(verified.count).toBe(log.length);
      if (log.length > 0) expect(verified.head).toBe(log[log.length - 1]!.hash);
    }
  }
  const events = decodeAll(log);
  const models = initialReadModels();
  const state = models.state;
  const allocations: Allocation[][] = [];
  events.forEach((e, i) => {
    const stored = log[i]!;
    if (audit && e.type === 'EpochClosed') {
      // Re-decide the close from the replayed state: the same bytes must come out.
      const now = Date.parse(stored.recordedAt) / 1000;
      const decided = decide({ type: 'CloseEpoch', epoch: e.data.epoch, logHead: e.data.logHead }, state, now);
      if (E.isLeft(decided)) throw new Error(`re-deciding close ${e.data.epoch} was refused: ${decided.left.message}`);
      const recorded = log.slice(i, i + decided.right.length);
      expect(decided.right.map((d) => d.type)).toEqual(recorded.map((r) => r.type));
      decided.right.forEach((d, j) => expect(jcs(encodeEventData(d))).toBe(jcs(recorded[j]!.data)));
    }
    if (audit && e.type === 'DistributionCreated') {
      const plan = planDistribution(state, e.data.throughEpoch, e.data.logHead);
      if (E.isLeft(plan)) throw new Error(`re-planning distribution ${e.data.seq} was refused: ${plan.left.message}`);
      expect(jcs(encodeEventData({ type: 'DistributionCreated', data: plan.right.data }))).toBe(jcs(stored.data));
    }
    projectEvent(models, e, { position: stored.position, recordedAt: stored.recordedAt }, emptyTouched());
    if (e.type === 'EpochClosed') {
      allocations.push([...state.lastAllocations]);
      expect(allocationsHash(state.lastAllocations)).toBe(e.data.allocationsHash);
    }
  });
  const readModels = canonicalJson({
    epochs: models.epochs,
    supply: supplyView(state),
    accounts: [...state.accounts.keys()].sort().map((a) => accountView(state, a)),
    assets: assetViews(state),
  });
  return { state, allocations, readModels };
};

describe('§9.7 replay determinism and the hash chain', () => {
  it(`two replays of the exported log equal each other and the live ledger (${RUNS} runs)`, () => {
    let closes = 0;
    fc.assert(
      fc.property(fc.oneof(historyArb(), historyArb().map(slashHeavy)), (h) => {
        const live = runHistory(h);
        const exported = live.log.map((e) => JSON.stringify(e)).join('\n');
        const imported = (): StoredEvent[] => (exported === '' ? [] : exported.split('\n').map((line) => JSON.parse(line) as StoredEvent));
        const first = replay(imported(), true);
        const second = replay(imported(), false);
        // Identical state, byte for byte, and identical to the live one.
        const liveJson = stateJson(live.state);
        expect(stateJson(first.state)).toBe(liveJson);
        expect(stateJson(second.state)).toBe(liveJson);
        expect(canonicalJson(first.state.lastAllocations)).toBe(canonicalJson(live.state.lastAllocations));
        // Allocations of every close: the same in both replays and as recorded live.
        expect(first.allocations.length).toBe(live.closes.length);
        live.closes.forEach((c, i) => {
          closes++;
          expect(canonicalJson(first.allocations[i])).toBe(canonicalJson(c.allocations));
          expect(canonicalJson(second.allocations[i])).toBe(canonicalJson(c.allocations));
          expect(allocationsHash(first.allocations[i]!)).toBe(c.data.allocationsHash);
        });
        expect(second.readModels).toBe(first.readModels);
        // Every close names the head of the log before it.
        live.log.forEach((s, i) => {
          if (s.type === 'EpochClosed') expect((s.data as { logHead: string }).logHead).toBe(i === 0 ? s.prevHash : live.log[i - 1]!.hash);
        });
      }),
      { numRuns: RUNS },
    );
    expect(closes).toBeGreaterThan(RUNS);
  });

  it(`any edit, deletion, insertion or reordering of the log breaks the chain (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        historyArb({ maxSteps: 20 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('edit-data', 'edit-recordedAt', 'delete', 'insert', 'swap', 'rehash-edit'),
        (h, i, j, kind) => {
          const log = runHistory(h).log;
          fc.pre(log.length >= 2);
          const at = i % log.length;
          const other = j % log.length;
          const tampered: StoredEvent[] = log.map((e) => ({ ...e }));
          switch (kind) {
            case 'edit-data':
              tampered[at] = { ...tampered[at]!, data: { ...tampered[at]!.data, tampered: true } };
              break;
            case 'edit-recordedAt':
              tampered[at] = { ...tampered[at]!, recordedAt: new Date(Date.parse(tampered[at]!.recordedAt) + 1).toISOString() };
              break;
            case 'rehash-edit': {
              // An editor who also recomputes this event's hash still breaks the next link.
              fc.pre(at < log.length - 1);
              const edited = { ...tampered[at]!, data: { ...tampered[at]!.data, tampered: true } };
              tampered[at] = { ...edited, hash: hashEnvelope(edited) };
              break;
            }
            case 'delete':
              tampered.splice(at, 1);
              break;
            case 'insert':
              tampered.splice(at, 0, { ...log[other]! });
              break;
            case 'swap':
              fc.pre(at !== other);
              [tampered[at], tampered[other]] = [tampered[other]!, tampered[at]!];
              break;
          }
          const verdict = verifyChain(tampered);
          if (kind === 'delete' && at === log.length - 1) {
            // Cutting the tail leaves a valid shorter chain: only a head anchored elsewhere (the
            // distribution's logHead, published on-chain as dataHash) reveals it.
            expect(verdict.ok && verdict.head).not.toBe(log[log.length - 1]!.hash);
          } else expect(verdict.ok).toBe(false);
          // The untouched log still verifies.
          expect(verifyChain(log).ok).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
