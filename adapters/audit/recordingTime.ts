/**
 * Every envelope's recordedAt against the genesis epoch grid. recordedAt is the store's clock when
 * it sealed the event under the append lock, after the command handler decided it with the same
 * clock: so the decision time t lies in [recordedAt − A, recordedAt], A being the allowance below,
 * and every check asks the domain what it would have decided at some t in that window, on the
 * audit's state just before the event:
 * - an EpochClosed of e is sealed at or after the end of e (decide refuses a close before then, and
 *   the seal follows the decision on the same clock: no allowance);
 * - an event carrying its recording epoch has recordingEpoch(state, r − A) ≤ epoch ≤
 *   recordingEpoch(state, r);
 * - a ContributionRecorded (its epoch is the work epoch) passes decide's late window at r − A or r;
 * - recordedAt is a UTC timestamp and goes back by at most A from one position to the next.
 * The allowance covers the latency from decision to seal (the append lock can be queued behind
 * other writers) and the clock skew between service instances writing to one database.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  decide,
  epochEndSeconds,
  genesisParams,
  latestParams,
  paramsForEpoch,
  recordingEpoch,
  type CorexEvent,
  type LedgerState,
  type StoredEvent,
} from '../../domain/index.ts';
import type { Finding } from './findings.ts';

/** One minute: far beyond a decision-to-seal latency or NTP skew, far below an epoch. */
export const CLOCK_ALLOWANCE_SECONDS = 60;

/** The ISO 8601 UTC form stores write (Date#toISOString), fractions optional. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Events whose `epoch` is the epoch current when they were recorded (DESIGN §3). */
const RECORDING_EPOCH_TYPES = new Set([
  'ContributionVerified',
  'ContributionRejected',
  'StakeDeposited',
  'UnstakeRequested',
  'StakeWithdrawn',
  'StakeSlashed',
  'RevenueRecorded',
  'TokensBurned',
]);

const LATE_WINDOW_REFUSALS = new Set(['EPOCH_IN_FUTURE', 'EPOCH_TOO_OLD']);

const range = (lo: number, hi: number): string => (lo === hi ? String(lo) : `${lo}–${hi}`);

export interface RecordingTimeAudit {
  /** Checks one event before it is folded; `ev` is absent when its data did not decode. */
  check(e: StoredEvent, line: number, ev: CorexEvent | undefined): void;
}

export const createRecordingTimeAudit = (state: LedgerState, report: (f: Finding) => void): RecordingTimeAudit => {
  let previousMs: number | undefined;
  let previousAt = '';

  const at = (e: StoredEvent, line: number) => ({ line, position: e.position });

  const readTime = (e: StoredEvent, line: number): number | undefined => {
    // The events of one append share their recordedAt: parse it once.
    if (e.recordedAt === previousAt) return previousMs;
    const ms = ISO_UTC.test(e.recordedAt) ? Date.parse(e.recordedAt) : Number.NaN;
    if (!Number.isFinite(ms)) {
      report({ kind: 'recorded-at', ...at(e, line), field: 'recordedAt', found: e.recordedAt, message: `${e.type} at position ${e.position} has recordedAt ${JSON.stringify(e.recordedAt)}, which is not a UTC timestamp` });
      return undefined;
    }
    if (previousMs !== undefined && ms < previousMs - CLOCK_ALLOWANCE_SECONDS * 1000)
      report({
        kind: 'recorded-at',
        ...at(e, line),
        field: 'recordedAt',
        expected: `≥ ${new Date(previousMs - CLOCK_ALLOWANCE_SECONDS * 1000).toISOString()}`,
        found: e.recordedAt,
        message: `${e.type} at position ${e.position} is recorded at ${e.recordedAt}, more than ${CLOCK_ALLOWANCE_SECONDS} s before the event at the position before it (${previousAt})`,
      });
    previousMs = ms;
    previousAt = e.recordedAt;
    return ms;
  };

  const closedEarly = (e: StoredEvent, line: number, epoch: number, ms: number): void => {
    const p = genesisParams(state);
    if (p === undefined) return;
    const endSeconds = epochEndSeconds(p, epoch);
    if (ms >= endSeconds * 1000) return;
    const end = new Date(endSeconds * 1000).toISOString();
    report({ kind: 'close-before-end', ...at(e, line), epoch, field: 'recordedAt', expected: `≥ ${end}`, found: e.recordedAt, message: `EpochClosed of epoch ${epoch} is recorded at ${e.recordedAt}, before the epoch ended at ${end}: no close can be decided before its epoch ends` });
  };

  const recordingEpochOff = (e: StoredEvent, line: number, epoch: number, seconds: number): void => {
    const lo = recordingEpoch(state, seconds - CLOCK_ALLOWANCE_SECONDS);
    const hi = recordingEpoch(state, seconds);
    if (epoch >= lo && epoch <= hi) return;
    const why =
      epoch <= state.lastClosedEpoch
        ? `epoch ${epoch} is already closed (the last close is of epoch ${state.lastClosedEpoch})`
        : epoch < lo
          ? `its recordedAt ${e.recordedAt} lies in epoch ${lo}, more than ${CLOCK_ALLOWANCE_SECONDS} s after epoch ${epoch} ended`
          : `its recordedAt ${e.recordedAt} lies in epoch ${hi}, before epoch ${epoch} began`;
    report({ kind: 'recording-epoch', ...at(e, line), epoch, field: 'epoch', expected: range(lo, hi), found: String(epoch), message: `${e.type} at position ${e.position} records epoch ${epoch}, but ${why}` });
  };

  /** decide's own late window, asked at both ends of the decision window. */
  const outsideLateWindow = (e: StoredEvent, line: number, ev: Extract<CorexEvent, { type: 'ContributionRecorded' }>, seconds: number): void => {
    const refusals: string[] = [];
    // At r first: for work on time it is the one decision needed.
    for (const t of [seconds, seconds - CLOCK_ALLOWANCE_SECONDS]) {
      const decision = decide({ type: 'RecordContribution', ...ev.data }, state, t);
      if (E.isRight(decision) || !LATE_WINDOW_REFUSALS.has(decision.left.code)) return;
      refusals.push(decision.left.message);
    }
    const lo = recordingEpoch(state, seconds - CLOCK_ALLOWANCE_SECONDS);
    const hi = recordingEpoch(state, seconds);
    const maxLate = (paramsForEpoch(state, lo) ?? latestParams(state))?.maxLateEpochs ?? 0;
    report({
      kind: 'recording-epoch',
      ...at(e, line),
      epoch: ev.data.epoch,
      field: 'epoch',
      expected: range(Math.max(0, lo - maxLate), hi),
      found: String(ev.data.epoch),
      message: `ContributionRecorded ${ev.data.contributionId} at position ${e.position} is for work epoch ${ev.data.epoch}, outside the late window of its recordedAt ${e.recordedAt} (the recording epoch or at most maxLateEpochs = ${maxLate} before it): ${refusals[0]}`,
    });
  };

  return {
    check(e, line, ev) {
      const ms = readTime(e, line);
      if (ms === undefined || ev === undefined) return;
      const seconds = Math.floor(ms / 1000);
      if (ev.type === 'EpochClosed') closedEarly(e, line, ev.data.epoch, ms);
      else if (ev.type === 'ContributionRecorded') outsideLateWindow(e, line, ev, seconds);
      else if (RECORDING_EPOCH_TYPES.has(ev.type)) recordingEpochOff(e, line, (ev.data as { epoch: number }).epoch, seconds);
    },
  };
};
