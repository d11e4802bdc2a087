/**
 * recordedAt against the genesis epoch grid (adapters/audit/recordingTime.ts), on small logs whose
 * events the domain decided at chosen times and whose seals were then placed: where an honest store
 * puts them (at or shortly after the decision, or on a second instance's clock a little behind), and
 * where none could (a close sealed before its epoch ended, an epoch field behind its own timestamp,
 * work outside the late window, time running backwards).
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_ALLOWANCE_SECONDS, type AuditReport } from '../../adapters/audit/index.ts';
import { cxt } from '../../domain/index.ts';
import { edited, resealedFrom, withData } from './tamper.ts';
import { closeStep, epochStart, lineAuditor, OPERATOR, setUpSteps, timedLog, workSteps, type TimedStep } from './timedLog.ts';

const audit = lineAuditor('cxt-audit-time-');

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const deposit = (ref: string, decidedAt: number, sealedAt?: number): TimedStep => ({
  command: { type: 'DepositStake', account: OPERATOR, amount: cxt(5), ref },
  decidedAt,
  ...(sealedAt === undefined ? {} : { sealedAt }),
});
const positionOf = (lines: readonly string[], type: string, nth = 0): number => {
  let seen = 0;
  return lines.findIndex((l) => (JSON.parse(l) as { type: string }).type === type && seen++ === nth) + 1;
};
const at = (lines: readonly string[], position: number) => JSON.parse(lines[position - 1]!) as { recordedAt: string; data: Record<string, unknown> };

describe('an honest log', () => {
  it('sealed at its decision times, with a genesis window before genesis and a close right at the end, is clean', async () => {
    const lines = timedLog([
      { command: setUpSteps()[0]!.command, decidedAt: epochStart(0) - 3600 },
      deposit('pre-genesis', epochStart(0) - 60),
      ...setUpSteps().slice(1),
      ...workSteps('c0', 0, epochStart(0) + 100),
      closeStep(0, epochStart(1)),
      ...workSteps('c1', 1, epochStart(1) + 100),
      closeStep(1, epochStart(2) + 5),
    ]);
    const report = await audit(lines);
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ verdict: 'clean', counts: { epochs: 2 } });
  });

  it('sealed within the allowance after a decision made just before a boundary, is clean', async () => {
    const lines = timedLog([...setUpSteps(), ...workSteps('c0', 0, epochStart(0) + 100).slice(0, 1), { ...workSteps('c0', 0, 0)[1]!, decidedAt: epochStart(1) - 1, sealedAt: epochStart(1) + CLOCK_ALLOWANCE_SECONDS - 1 }, closeStep(0, epochStart(1) + 200)]);
    expect((await audit(lines)).findings).toEqual([]);
  });

  it('with an event from an instance whose clock is a little behind, recorded after the close into the first open epoch, is clean', async () => {
    const lines = timedLog([...setUpSteps(), closeStep(0, epochStart(1) + 5), deposit('behind', epochStart(1) - 10)]);
    expect(at(lines, lines.length).data.epoch).toBe(1);
    expect((await audit(lines)).findings).toEqual([]);
  });

  it('with work recorded up to maxLateEpochs after its epoch, is clean', async () => {
    const lines = timedLog([...setUpSteps(), ...workSteps('late', 0, epochStart(2) + 100)]);
    expect((await audit(lines)).findings).toEqual([]);
  });
});

describe('findings', () => {
  it('an EpochClosed recorded before its epoch ended', async () => {
    const lines = timedLog([...setUpSteps(), ...workSteps('c0', 0, epochStart(0) + 100), closeStep(0, epochStart(1) + 1, epochStart(1) - 3600)]);
    const report = await audit(lines);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'close-before-end', class: 'log', position: positionOf(lines, 'EpochClosed'), epoch: 0, field: 'recordedAt', expected: `≥ ${iso(epochStart(1))}`, found: iso(epochStart(1) - 3600) }),
    ]);
    expect(report.verdict).toBe('findings');
    expect(report.headline).toContain('the log does not re-derive');
  });

  it('a verdict sealed more than the allowance after the boundary, but in the epoch before it', async () => {
    const sealedAt = epochStart(1) + CLOCK_ALLOWANCE_SECONDS + 30;
    const lines = timedLog([...setUpSteps(), ...workSteps('c0', 0, epochStart(0) + 100).slice(0, 1), { ...workSteps('c0', 0, 0)[1]!, decidedAt: epochStart(1) - 1, sealedAt }, closeStep(0, epochStart(1) + 200)]);
    const report = await audit(lines);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'recording-epoch', position: positionOf(lines, 'ContributionVerified'), field: 'epoch', expected: '1', found: '0' }),
    ]);
  });

  it('an event whose epoch is one already closed', async () => {
    const honest = timedLog([...setUpSteps(), closeStep(0, epochStart(1) + 5), deposit('after-close', epochStart(1) + 100)]);
    const last = honest.length - 1;
    const report = await audit(resealedFrom(edited(honest, last, withData({ epoch: 0 })), last));
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'recording-epoch', position: last + 1, field: 'epoch', expected: '1', found: '0' })]);
    expect(report.findings[0]!.message).toContain('epoch 0 is already closed');
  });

  it('an event whose epoch lies after the one its recordedAt is in', async () => {
    const honest = timedLog([...setUpSteps(), deposit('ahead', epochStart(0) + 100)]);
    const last = honest.length - 1;
    const report = await audit(resealedFrom(edited(honest, last, withData({ epoch: 2 })), last));
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'recording-epoch', position: last + 1, field: 'epoch', expected: '0', found: '2' })]);
  });

  it('work outside the late window of its recordedAt, or in an epoch after it', async () => {
    const tooLate = timedLog([...setUpSteps(), { ...workSteps('old', 0, 0)[0]!, decidedAt: epochStart(2) + 100, sealedAt: epochStart(3) + 100 }]);
    const late = await audit(tooLate);
    expect(late.findings).toEqual([expect.objectContaining({ kind: 'recording-epoch', position: tooLate.length, field: 'epoch', expected: '1–3', found: '0' })]);
    expect(late.findings[0]!.message).toContain('maxLateEpochs');

    const honest = timedLog([...setUpSteps(), workSteps('early', 0, epochStart(0) + 100)[0]!]);
    const last = honest.length - 1;
    const future = await audit(resealedFrom(edited(honest, last, withData({ epoch: 1 })), last));
    expect(future.findings).toEqual([expect.objectContaining({ kind: 'recording-epoch', position: last + 1, field: 'epoch', expected: '0', found: '1' })]);
  });

  it('recordedAt going back by more than the allowance, and one that is not a timestamp', async () => {
    const behind = timedLog([...setUpSteps(), closeStep(0, epochStart(1) + 5), deposit('far-behind', epochStart(1) - 300)]);
    const back = await audit(behind);
    expect(back.findings).toEqual([
      expect.objectContaining({ kind: 'recorded-at', position: behind.length, field: 'recordedAt', expected: `≥ ${iso(epochStart(1) + 5 - CLOCK_ALLOWANCE_SECONDS)}`, found: iso(epochStart(1) - 300) }),
    ]);

    const honest = timedLog(setUpSteps());
    const garbled = await audit(resealedFrom(edited(honest, 2, (e) => ({ ...e, recordedAt: 'yesterday' })), 2));
    expect(garbled.findings).toEqual([expect.objectContaining({ kind: 'recorded-at', position: 3, field: 'recordedAt', found: 'yesterday' })]);
  });
});
