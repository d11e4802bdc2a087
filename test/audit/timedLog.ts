/**
 * Small logs whose timing is chosen event by event: each command is decided by the domain at
 * `decidedAt` on the state so far (as a command handler would), and sealed into the hash chain with
 * `recordedAt` = `sealedAt` (default: the decision time, as a store sharing the handler's clock
 * does). So a test can place a seal after its decision (latency), on another instance's clock
 * (skew), or where no honest store could have put it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll } from 'vitest';
import { runAudit, type AuditReport } from '../../adapters/audit/index.ts';
import { cxt, decide, defaultParams, encodeEventData, evolve, initialState, sealEnvelope, ZERO_HASH, type Command, type LedgerState, type ProtocolParams } from '../../domain/index.ts';
import { addr } from '../support/history.ts';

export interface TimedStep {
  /** A command, or one made from the state so far (a task result from a node the task seated). */
  readonly command: Command | ((state: LedgerState) => Command);
  /** Unix seconds the command is decided at. */
  readonly decidedAt: number;
  /** Unix seconds (fractions allowed) the envelope is sealed at; default `decidedAt`. */
  readonly sealedAt?: number;
}

export const timedParams: ProtocolParams = defaultParams();
const G = timedParams.genesisTimeSeconds;
const L = timedParams.epochLengthSeconds;
/** Start of epoch e on the genesis grid, in unix seconds. */
export const epochStart = (e: number): number => G + e * L;

/** The log as JSON lines, sealed and chained as `cxt export` writes it. */
export const timedLog = (steps: readonly TimedStep[]): string[] => {
  const state = initialState();
  const lines: string[] = [];
  let prevHash = ZERO_HASH;
  steps.forEach(({ command: made, decidedAt, sealedAt = decidedAt }, n) => {
    const command = typeof made === 'function' ? made(state) : made;
    // The head the decision is taken on, as the command handler sets it.
    const c: Command = command.type === 'CloseEpoch' ? { ...command, logHead: prevHash } : command.type === 'PostTask' ? { ...command, salt: prevHash } : command;
    const decision = decide(c, state, decidedAt);
    if (E.isLeft(decision)) throw new Error(`step ${n} (${c.type}) refused: ${decision.left.message}`);
    const recordedAt = new Date(sealedAt * 1000).toISOString();
    decision.right.forEach((ev, i) => {
      evolve(state, ev);
      const position = lines.length + 1;
      const sealed = sealEnvelope({ id: `step-${n}/${i}`, type: ev.type, stream: 'timed', streamVersion: position, recordedAt, data: encodeEventData(ev), prevHash }, position);
      prevHash = sealed.hash;
      lines.push(JSON.stringify(sealed));
    });
  });
  return lines;
};

export const OPERATOR = addr(100);
export const VERIFIER = addr(900);

/** Genesis, a verifier, a node and a stake, all early in epoch 0. */
export const setUpSteps = (): TimedStep[] => [
  { command: { type: 'ConfigureProtocol', params: timedParams }, decidedAt: epochStart(0) + 10 },
  { command: { type: 'RegisterVerifier', verifier: VERIFIER }, decidedAt: epochStart(0) + 20 },
  { command: { type: 'RegisterNode', nodeId: 'node-0', operator: OPERATOR, signer: addr(200), hardwareClass: 'gpu' }, decidedAt: epochStart(0) + 30 },
  { command: { type: 'DepositStake', account: OPERATOR, amount: cxt(100), ref: 'dep-0' }, decidedAt: epochStart(0) + 40 },
];

/** A contribution of epoch `e` recorded and verified at `at`. */
export const workSteps = (id: string, e: number, at: number): TimedStep[] => [
  { command: { type: 'RecordContribution', contributionId: id, nodeId: 'node-0', epoch: e, kind: 'compute', units: 100, proofHash: `0x${'ab'.repeat(32)}` }, decidedAt: at },
  { command: { type: 'VerifyContribution', contributionId: id, verifier: VERIFIER }, decidedAt: at },
];

export const closeStep = (e: number, decidedAt: number, sealedAt?: number): TimedStep => ({
  command: { type: 'CloseEpoch', epoch: e, logHead: ZERO_HASH },
  decidedAt,
  ...(sealedAt === undefined ? {} : { sealedAt }),
});

/** `cxt audit`'s core on logs given as lines, each written to a file of a temp dir the suite removes. */
export const lineAuditor = (prefix: string): ((lines: readonly string[]) => Promise<AuditReport>) => {
  let dir: string;
  let runs = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (lines) => {
    const path = join(dir, `log-${++runs}.jsonl`);
    await writeFile(path, `${lines.join('\n')}\n`);
    return runAudit({ eventsPath: path, hashWorkers: 0 });
  };
};
