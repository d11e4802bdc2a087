/**
 * Each EpochClosed re-derived: the domain's settleEpoch on the audit's own state just before the
 * event, recorded with epochClosedData and logHead = the envelope's prevHash (the hash of the event
 * before it), then compared field by field with what the log recorded. The §9 invariants run on
 * every close, and the TierChanged events a close writes are checked against the settlement's.
 *
 * The state then moves on exactly as a replaying service's would: the settlement is applied as
 * evolve applies it (it re-derives; the log carries no allocations), whatever the recorded numbers
 * say. So a tampered number in one close is one finding there, and the closes after it — computed
 * by the service from the true state — still match. The invariants are checked on the re-derived
 * close, so a tampered number is reported once (by field), not again by each invariant it breaks.
 */
import {
  encodeEventData,
  evolve,
  epochClosedData,
  event,
  settleEpoch,
  stateHash,
  type EventData,
  type LedgerState,
  type StoredEvent,
} from '../../domain/index.ts';
import { checkEpochClose, snapshotLedger } from '../../domain/invariants.ts';
import type { Finding } from './findings.ts';
import { diffJson } from './jsonDiff.ts';
import type { EpochRow } from './rows.ts';

interface ExpectedTierChange {
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly epoch: number;
  readonly closedAt: number;
}

export interface EpochAudit {
  /** Re-derives, compares, checks and applies one close. */
  close(e: StoredEvent, line: number, recorded: EventData<'EpochClosed'>): void;
  /** A recorded TierChanged: must be the next one the last close produced. */
  tierChanged(e: StoredEvent, line: number, recorded: EventData<'TierChanged'>): void;
  /** Any other event (or the end of the log): the close's tier changes must all have come before it. */
  otherEvent(line?: number): void;
  readonly rows: readonly EpochRow[];
  /** Resolves once every stateHash handed to `stateHashLater` is compared (and its finding reported). */
  settled(): Promise<void>;
}

/**
 * `stateHashLater`: hashes a state's snapshot elsewhere (the audit's hash workers). Its snapshot text
 * is taken at once, so the state can move on; the recorded stateHash is compared when the hash
 * arrives. Without it the hash is computed here, in order.
 */
export interface EpochAuditOptions {
  readonly stateHashLater?: (state: LedgerState) => Promise<string>;
}

export const createEpochAudit = (state: LedgerState, report: (f: Finding) => void, options: EpochAuditOptions = {}): EpochAudit => {
  const rows: Array<{ -readonly [K in keyof EpochRow]: EpochRow[K] }> = [];
  const later = new Set<Promise<void>>();
  let laterFailure: unknown;
  let tierQueue: ExpectedTierChange[] = [];
  let findingsOfClose = 0;
  const reportForClose = (f: Finding): void => {
    findingsOfClose++;
    report(f);
  };

  /** Reports each field the two differ in; returns how many. */
  const compare = (e: StoredEvent, line: number, recorded: EventData<'EpochClosed'>, expected: EventData<'EpochClosed'>): number => {
    const diffs = diffJson(encodeEventData(event('EpochClosed', expected)), encodeEventData(event('EpochClosed', recorded)));
    for (const d of diffs)
      report({
        kind: 'epoch-mismatch',
        line,
        position: e.position,
        epoch: recorded.epoch,
        ...d,
        message: `EpochClosed of epoch ${recorded.epoch}: ${d.field} re-derives to ${d.expected}, the log records ${d.found}`,
      });
    return diffs.length;
  };

  const rowOf = (e: StoredEvent, line: number, recorded: EventData<'EpochClosed'>, expected: EventData<'EpochClosed'>): (typeof rows)[number] => ({
    epoch: recorded.epoch,
    position: e.position,
    line,
    budgetWei: recorded.budget.toString(),
    mintedWei: recorded.minted.toString(),
    recipients: recorded.recipients,
    allocationsHash: recorded.allocationsHash,
    expectedMintedWei: expected.minted.toString(),
    expectedAllocationsHash: expected.allocationsHash,
    totalMintedWei: state.mintedWei.toString(),
    totalBurnedWei: state.burnedWei.toString(),
    circulatingWei: (state.mintedWei - state.burnedWei).toString(),
    stakedWei: state.stakedWei.toString(),
    findings: findingsOfClose,
  });

  const missingTierChanges = (line: number | undefined): void => {
    for (const t of tierQueue)
      report({
        kind: 'tier-mismatch',
        position: t.closedAt,
        ...(line === undefined ? {} : { line }),
        epoch: t.epoch - 1,
        field: 'TierChanged',
        expected: `${t.account} ${t.from}→${t.to}`,
        found: '(absent)',
        message: `the close at position ${t.closedAt} moves ${t.account} from ${t.from} to ${t.to}, but the log records no such TierChanged`,
      });
    tierQueue = [];
  };

  /**
   * A log written before a field existed (stateHash, expired) is audited on what it could record:
   * the field is compared only when the log has it (an expired count above 0 is always compared).
   */
  const asRecordedThen = (expected: EventData<'EpochClosed'>, recorded: EventData<'EpochClosed'>): EventData<'EpochClosed'> => {
    const { stateHash: hash, expired, ...rest } = expected;
    return {
      ...rest,
      ...(recorded.stateHash === undefined ? {} : { stateHash: hash }),
      ...(recorded.expired === undefined && expired === 0 ? {} : { expired }),
    };
  };

  return {
    rows,
    close(e, line, recorded) {
      missingTierChanges(line);
      findingsOfClose = 0;
      const before = snapshotLedger(state);
      const settlement = settleEpoch(state, recorded.epoch);
      // A log without stateHash (written before it existed) has nothing to compare it with; a
      // deferred hash stands in as the recorded one here and is compared when it arrives.
      const recordedHash = recorded.stateHash;
      const deferred = recordedHash !== undefined ? options.stateHashLater?.(state) : undefined;
      const hashNow = recordedHash === undefined || deferred ? (recordedHash ?? '') : stateHash(state);
      const expected = asRecordedThen(epochClosedData(settlement, e.prevHash, hashNow), recorded);
      findingsOfClose += compare(e, line, recorded, expected);
      // Folded as any replaying service folds it: evolve re-derives the settlement (the one just
      // computed, from its cache) and counts the event, which keys the domain's per-state caches.
      evolve(state, event('EpochClosed', recorded));
      const violations = checkEpochClose({ params: settlement.params, before, after: snapshotLedger(state), closed: expected, allocations: settlement.allocations, tasksSettled: settlement.tasks.settled });
      for (const v of violations)
        reportForClose({ kind: 'invariant', line, position: e.position, epoch: recorded.epoch, field: v.invariant, message: v.message });
      tierQueue = settlement.tierChanges.map((t) => ({ ...t, epoch: recorded.epoch + 1, closedAt: e.position }));
      const row = rowOf(e, line, recorded, expected);
      rows.push(row);
      if (deferred) {
        // Only the hashes still on their way are kept, so this does not grow with the log.
        const done: Promise<void> = deferred
          .then((hash) => {
            row.findings += compare(e, line, recorded, { ...recorded, stateHash: hash });
          })
          .catch((error: unknown) => {
            laterFailure ??= error;
          })
          .finally(() => later.delete(done));
        later.add(done);
      }
    },
    tierChanged(e, line, recorded) {
      const next = tierQueue.shift();
      const found = { account: recorded.account, from: recorded.from, to: recorded.to, epoch: recorded.epoch };
      const expected = next ? { account: next.account, from: next.from, to: next.to, epoch: next.epoch } : undefined;
      const diffs = expected ? diffJson(expected, found) : [{ field: 'TierChanged', expected: '(none)', found: `${recorded.account} ${recorded.from}→${recorded.to}` }];
      for (const d of diffs)
        report({
          kind: 'tier-mismatch',
          line,
          position: e.position,
          epoch: recorded.epoch - 1,
          ...d,
          message: expected
            ? `TierChanged: ${d.field} re-derives to ${d.expected}, the log records ${d.found}`
            : `TierChanged of ${recorded.account} to ${recorded.to} follows no close that decided it`,
        });
    },
    otherEvent: (line) => {
      if (tierQueue.length > 0) missingTierChanges(line);
    },
    settled: async () => {
      await Promise.all(later);
      if (laterFailure !== undefined) throw laterFailure;
    },
  };
};
