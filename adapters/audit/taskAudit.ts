/**
 * Tasks re-derived by the audit with the domain's own rules (domain/tasks.ts, taskSettlement.ts):
 * - a TaskPosted is decided again on the audit's state (its salt must be the hash of the event
 *   before it: the log head it was posted on), and the FragmentAssigned events that must follow it
 *   are computed;
 * - a task result (ContributionRecorded with a fragmentId) is decided again: the rules must accept
 *   it, and a FragmentAccepted must follow exactly when it completes a quorum;
 * - a close's reassignments (salted with the close's log head), failures and task settlements
 *   are computed from the same settlement the epoch audit re-derives.
 * Each derived event the log records is compared with the expected one about the same task and
 * fragment; one missing, extra or different is a `task-mismatch` finding at its position.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  encodeEventData,
  paramsForEpoch,
  postTask,
  recordTaskResult,
  recordingEpoch,
  settleEpoch,
  taskCloseEvents,
  type CorexEvent,
  type EventData,
  type LedgerState,
  type StoredEvent,
} from '../../domain/index.ts';
import type { Finding } from './findings.ts';
import { diffJson } from './jsonDiff.ts';

export interface TaskAudit {
  posted(e: StoredEvent, line: number, data: EventData<'TaskPosted'>): void;
  result(e: StoredEvent, line: number, data: EventData<'ContributionRecorded'>): void;
  /** Before the close is folded: what must follow it. */
  closing(e: StoredEvent, data: EventData<'EpochClosed'>): void;
  /** A FragmentAssigned, FragmentAccepted, FragmentFailed or TaskSettled: must be the next expected. */
  derived(e: StoredEvent, line: number, ev: CorexEvent): void;
  /** Any other event (or the end of the log): every expected event must have come before it. */
  otherEvent(line?: number): void;
}

interface Expected {
  readonly event: CorexEvent;
  /** The position of the event that makes it due. */
  readonly cause: number;
}

const describe = (ev: CorexEvent): string => {
  const d = ev.data as { taskId?: string; fragmentId?: string };
  return `${ev.type} of ${d.taskId ?? '?'}${d.fragmentId === undefined ? '' : `/${d.fragmentId}`}`;
};

export const createTaskAudit = (state: LedgerState, report: (f: Finding) => void): TaskAudit => {
  let queue: Expected[] = [];
  const mismatch = (e: StoredEvent | undefined, line: number | undefined, fields: Omit<Finding, 'kind' | 'line'>): void =>
    report({ kind: 'task-mismatch', ...(line === undefined ? {} : { line }), ...(e ? { position: e.position } : {}), ...fields });

  const missing = (line: number | undefined): void => {
    for (const x of queue)
      mismatch(undefined, line, {
        position: x.cause,
        field: x.event.type,
        expected: describe(x.event),
        found: '(absent)',
        message: `the event at position ${x.cause} requires ${describe(x.event)}, but the log records none`,
      });
    queue = [];
  };

  const expect = (cause: StoredEvent, events: readonly CorexEvent[]): void => {
    missing(undefined);
    queue = events.map((event) => ({ event, cause: cause.position }));
  };

  return {
    posted(e, line, data) {
      missing(line);
      if (data.salt !== e.prevHash)
        mismatch(e, line, { field: 'salt', expected: e.prevHash, found: data.salt, message: `TaskPosted ${data.taskId}: its salt must be the log head it was posted on, ${e.prevHash}` });
      const p = paramsForEpoch(state, data.epoch);
      const { epoch, ...terms } = data;
      const decided = p ? postTask({ type: 'PostTask', ...terms }, state, epoch, p) : E.left({ code: 'NOT_CONFIGURED', message: 'no parameters' });
      if (E.isLeft(decided)) {
        mismatch(e, line, { field: 'TaskPosted', message: `TaskPosted ${data.taskId} is one the rules refuse: ${decided.left.message}` });
        return;
      }
      queue = decided.right.slice(1).map((event) => ({ event, cause: e.position }));
    },
    result(e, line, data) {
      missing(line);
      if (data.fragmentId === undefined) return;
      // Decided in the epoch it was recorded in (its envelope's time), as the service decided it.
      const recordedIn = recordingEpoch(state, Math.floor(Date.parse(e.recordedAt) / 1000));
      const decided = recordTaskResult({ type: 'RecordContribution', ...data, fragmentId: data.fragmentId }, state, recordedIn);
      if (E.isLeft(decided)) {
        mismatch(e, line, { field: 'fragmentId', message: `the result ${data.contributionId} for ${data.taskId}/${data.fragmentId} is one the rules refuse: ${decided.left.message}` });
        return;
      }
      queue = decided.right.slice(1).map((event) => ({ event, cause: e.position }));
    },
    closing(e, data) {
      expect(e, taskCloseEvents(settleEpoch(state, data.epoch).tasks, data.epoch, e.prevHash));
    },
    derived(e, line, ev) {
      // Matched by what it is about (type, task, fragment), so one event dropped or added is one
      // finding, not a shifted comparison of every event after it.
      const at = queue.findIndex((x) => describe(x.event) === describe(ev));
      if (at < 0) {
        mismatch(e, line, { field: ev.type, expected: '(none)', found: describe(ev), message: `${describe(ev)} at position ${e.position} follows nothing that requires it` });
        return;
      }
      const [next] = queue.splice(at, 1);
      for (const d of diffJson(encodeEventData(next!.event), encodeEventData(ev)))
        mismatch(e, line, { ...d, field: `${ev.type}.${d.field}`, message: `${describe(ev)} at position ${e.position}: ${d.field} re-derives to ${d.expected}, the log records ${d.found}` });
    },
    otherEvent(line) {
      if (queue.length > 0) missing(line);
    },
  };
};
