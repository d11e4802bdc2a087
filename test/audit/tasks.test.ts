/**
 * The audit on a log with tasks: every assignment, consensus and task settlement is re-derived
 * (adapters/audit/taskAudit.ts), so the log audits clean, and a tampered assignment, a tampered
 * settlement, a dropped failure or a forged salt is a `task-mismatch` at its position — also when
 * the forger re-sealed the chain after the edit.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_HASH, type Command, type LedgerState, type StoredEvent } from '../../domain/index.ts';
import { addr } from '../support/history.ts';
import { edited, indexOfType, resealedFrom, withData, withoutLine } from './tamper.ts';
import { closeStep, epochStart, lineAuditor, setUpSteps, timedLog, timedParams, type TimedStep } from './timedLog.ts';

const audit = lineAuditor('cxt-audit-tasks-');

const RIGHT = `0x${'aa'.repeat(32)}`;
const WRONG = `0x${'bb'.repeat(32)}`;

/** The node holding seat `seat` of a fragment's current round, as the state says. */
const seated = (state: LedgerState, fragmentId: string, seat: number): string => {
  const f = state.tasks.get('t1')!.fragments.find((x) => x.fragmentId === fragmentId)!;
  return f.seats.filter((s) => s.round === f.round)[seat]!.nodeId;
};

const result = (fragmentId: string, seat: number, proofHash: string, at: number): TimedStep => ({
  command: (state): Command => {
    const nodeId = seated(state, fragmentId, seat);
    return { type: 'RecordContribution', contributionId: `${fragmentId}/${nodeId}`, nodeId, epoch: 0, kind: 'training', units: 10, proofHash, taskId: 't1', fragmentId };
  },
  decidedAt: at,
});

/**
 * Six gpu nodes of six operators; a task of three fragments, r = 3, q = 2: f1 accepted over a
 * dissent, f2 with one result (reassigned at the close of epoch 0, then failed), f3 without any.
 */
const taskLog = (): string[] =>
  timedLog([
    ...setUpSteps(),
    ...Array.from({ length: 6 }, (_, i): TimedStep => ({
      command: { type: 'RegisterNode', nodeId: `gpu-${i}`, operator: addr(300 + i), signer: addr(400 + i), hardwareClass: 'gpu' },
      decidedAt: epochStart(0) + 50 + i,
    })),
    {
      command: {
        type: 'PostTask',
        taskId: 't1',
        initiator: addr(500),
        kind: 'training',
        asset: timedParams.cxtToken,
        budget: 1_000_001n,
        fragments: ['f1', 'f2', 'f3'].map((fragmentId) => ({ fragmentId, units: 10, hardwareClass: 'gpu' as const })),
        redundancy: 3,
        quorum: 2,
        deadlineEpoch: 0,
        salt: ZERO_HASH,
      },
      decidedAt: epochStart(0) + 100,
    },
    result('f1', 0, WRONG, epochStart(0) + 200),
    result('f1', 1, RIGHT, epochStart(0) + 210),
    result('f1', 2, RIGHT, epochStart(0) + 220),
    result('f2', 0, RIGHT, epochStart(0) + 230),
    closeStep(0, epochStart(1) + 10),
    closeStep(1, epochStart(2) + 10),
  ]);

const typeAt = (lines: readonly string[], i: number): string => (JSON.parse(lines[i]!) as StoredEvent).type;

describe('the audit of a log with tasks', () => {
  const lines = taskLog();

  it('is clean: every assignment, acceptance, reassignment, failure and settlement re-derives', async () => {
    for (const type of ['TaskPosted', 'FragmentAssigned', 'FragmentAccepted', 'FragmentFailed', 'TaskSettled']) expect(indexOfType(lines, type)).toBeGreaterThan(0);
    // The close of epoch 0 reassigns f2 and f3 (round 2); the close of epoch 1 fails them and settles the task.
    expect(lines.filter((_, i) => typeAt(lines, i) === 'FragmentAssigned')).toHaveLength(5);
    const report = await audit(lines);
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('clean');
  });

  it('finds a tampered assignment at its position, re-sealed or not', async () => {
    const i = indexOfType(lines, 'FragmentAssigned');
    const swap = (e: StoredEvent): StoredEvent => {
      const nodeIds = e.data.nodeIds as string[];
      const outsider = ['gpu-0', 'gpu-1', 'gpu-2', 'gpu-3', 'gpu-4', 'gpu-5'].find((id) => !nodeIds.includes(id))!;
      return withData({ nodeIds: [outsider, ...nodeIds.slice(1)] })(e);
    };
    for (const log of [edited(lines, i, swap), resealedFrom(edited(lines, i, swap), i)]) {
      const report = await audit(log);
      const task = report.findings.filter((f) => f.kind === 'task-mismatch');
      expect(task[0]).toMatchObject({ position: i + 1, field: 'FragmentAssigned.nodeIds[0]' });
    }
  });

  it('finds a tampered task settlement, and a dropped failure, at their positions', async () => {
    const i = indexOfType(lines, 'TaskSettled');
    const raised = await audit(resealedFrom(edited(lines, i, withData({ refund: '999' })), i));
    expect(raised.findings.filter((f) => f.kind === 'task-mismatch')).toEqual([
      expect.objectContaining({ position: i + 1, field: 'TaskSettled.refund', found: '999' }),
    ]);
    const j = indexOfType(lines, 'FragmentFailed');
    const dropped = await audit(resealedFrom(withoutLine(lines, j).map((l, k) => (k < j ? l : renumber(l, k + 1))), j));
    expect(dropped.findings.filter((f) => f.kind === 'task-mismatch')).toEqual([
      expect.objectContaining({ position: j, field: 'FragmentFailed', expected: `FragmentFailed of t1/${(JSON.parse(lines[j]!) as StoredEvent).data.fragmentId as string}`, found: '(absent)' }),
    ]);
  });

  it('finds a salt that is not the log head the task was posted on', async () => {
    const i = indexOfType(lines, 'TaskPosted');
    const report = await audit(resealedFrom(edited(lines, i, withData({ salt: `0x${'5'.repeat(64)}` })), i));
    expect(report.findings.find((f) => f.kind === 'task-mismatch')).toMatchObject({ position: i + 1, field: 'salt' });
  });
});

/** An envelope moved to `position` (after a deleted line), for re-sealing. */
const renumber = (line: string, position: number): string => JSON.stringify({ ...(JSON.parse(line) as StoredEvent), position });
