/**
 * Issue 9, DESIGN §2: no accepted request can halt the ledger. Any sequence of commands through the
 * real command handler — amounts drawn up to 2^128 − 1, revenue in registered and unregistered
 * assets, huge work units, stake moved and slashed, distributions published and claimed — leaves a
 * log that decodes, closes every ended epoch, distributes (a tree OpenZeppelin's encoding accepts),
 * and restarts into the very same state. Refusals are fine; a throw or a stuck close is not.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { createMemoryEventStore, createPostgresEventStore, pgliteExecutor, readAllPages, type EventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, toDomainEvent, type CommandHandler, type HandleResult, type Ledger } from '../../adapters/ledger/index.ts';
import {
  MAX_COMMAND_AMOUNT,
  UINT256_MAX,
  defaultParams,
  epochEndSeconds,
  latestPublishedDistribution,
  planDistribution,
  proposalId,
  recordingEpoch,
  unbondedWei,
  type Command,
  type ProtocolParams,
} from '../../domain/index.ts';
import { canonicalState } from '../support/canonicalState.ts';
import { RUNS } from './helpers.ts';

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const h32 = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const ACCOUNTS = [addr(0xa1), addr(0xa2), addr(0xa3), addr(0xa4)];
const VERIFIERS = [addr(0xf1), addr(0xf2)];
const ASSETS = [addr(0xe1), addr(0xe2)];
const UNREGISTERED = addr(0xee);
const CXT = addr(0xc0de);

const bigAmount = fc.oneof(
  { arbitrary: fc.constant(MAX_COMMAND_AMOUNT), weight: 2 },
  { arbitrary: fc.bigInt({ min: MAX_COMMAND_AMOUNT - 1000n, max: MAX_COMMAND_AMOUNT }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: MAX_COMMAND_AMOUNT }), weight: 3 },
  { arbitrary: fc.bigInt({ min: 1n, max: 10n ** 24n }), weight: 2 },
);
const frac = fc.integer({ min: 0, max: 10_000 });
const pick = fc.nat(1000);

type Step =
  | { t: 'deposit'; account: number; amount: bigint }
  | { t: 'unstake'; account: number; frac: number }
  | { t: 'withdraw'; account: number; frac: number }
  | { t: 'revenue'; asset: number; gross: bigint; provider: number | null }
  | { t: 'buyback'; asset: number; spentFrac: number; amount: bigint }
  | { t: 'burn'; amount: bigint }
  | { t: 'contribute'; node: number; units: number; kind: 'compute' | 'training' | 'data' }
  | { t: 'judge'; pick: number; verdict: 'verify' | 'invalid' | 'fraud'; verifier: number }
  | { t: 'advance'; bps: number }
  | { t: 'close' }
  | { t: 'distribute'; publish: boolean; activate: boolean }
  | { t: 'claim'; pick: number; frac: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('deposit' as const), account: fc.nat(3), amount: bigAmount }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('unstake' as const), account: fc.nat(3), frac }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('withdraw' as const), account: fc.nat(3), frac }), weight: 1 },
  {
    arbitrary: fc.record({ t: fc.constant('revenue' as const), asset: fc.nat(3), gross: bigAmount, provider: fc.option(fc.nat(3), { nil: null }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('buyback' as const), asset: fc.nat(2), spentFrac: frac, amount: bigAmount }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('burn' as const), amount: bigAmount }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('contribute' as const),
      node: fc.nat(2),
      units: fc.oneof(fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 10 })),
      kind: fc.constantFrom('compute' as const, 'training' as const, 'data' as const),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('judge' as const), pick, verdict: fc.constantFrom('verify' as const, 'invalid' as const, 'fraud' as const), verifier: fc.nat(1) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), bps: fc.integer({ min: 500, max: 12_000 }) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('close' as const) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('distribute' as const), publish: fc.boolean(), activate: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('claim' as const), pick, frac }), weight: 1 },
);

const paramsArb: fc.Arbitrary<ProtocolParams> = fc
  .record({
    maxSupply: fc.oneof(fc.constant(MAX_COMMAND_AMOUNT), fc.bigInt({ min: 1n, max: MAX_COMMAND_AMOUNT }), fc.constant(10n ** 27n)),
    halfLifeEpochs: fc.constantFrom(1, 2, 7, 1461),
    verificationWindowEpochs: fc.integer({ min: 0, max: 3 }),
  })
  .map((o) => defaultParams({ ...o, cxtToken: CXT, genesisTimeSeconds: 1_000_000, epochLengthSeconds: 1000, timelockSeconds: 10, maxLateEpochs: 1 }));

interface Run {
  readonly store: EventStore;
  readonly ledger: Ledger;
  readonly handler: CommandHandler;
  readonly clock: { now: number };
  readonly params: ProtocolParams;
}

/** Accepted, duplicate or refused: all fine. A throw would be the halt this property is about. */
const submit = async (r: Run, c: Command | undefined): Promise<HandleResult | undefined> => (c ? r.handler.handle(c) : undefined);

let txs = 0;
const tx = () => h32(0x7000000 + ++txs);

const closeEnded = async (r: Run): Promise<void> => {
  for (;;) {
    const next = r.ledger.state.lastClosedEpoch + 1;
    if (r.clock.now < epochEndSeconds(r.params, next)) return;
    const result = await submit(r, { type: 'CloseEpoch', epoch: next, logHead: h32(0) });
    // An ended epoch must always close: nothing accepted may make it unable to.
    expect(result?.status, `close of epoch ${next}: ${JSON.stringify(result)}`).toBe('accepted');
  }
};

/** Distribution as the service does it: plan, record, then proposal and acceptance as the publisher records them. */
const distribute = async (r: Run, publish: boolean, activate: boolean): Promise<void> => {
  const s = r.ledger.state;
  const plan = planDistribution(s, s.lastClosedEpoch, r.ledger.headHash);
  if (E.isLeft(plan)) {
    expect(plan.left.code).toBe('NOTHING_TO_DISTRIBUTE');
    return;
  }
  // Every leaf fits OpenZeppelin's uint256 encoding (the tree was built, so it did).
  for (const v of plan.right.dump?.values ?? []) expect(BigInt(v.value[2]) <= UINT256_MAX).toBe(true);
  const created = await submit(r, { type: 'CreateDistribution', throughEpoch: s.lastClosedEpoch, logHead: r.ledger.headHash });
  expect(created?.status).toBe('accepted');
  if (!publish) return;
  const seq = plan.right.data.seq;
  const proposal = tx();
  const [block, validAt] = [txs, r.clock.now + 10];
  expect((await submit(r, { type: 'RecordDistributionPublished', seq, chainId: 31337, contract: addr(0xd15), txHash: proposal, blockNumber: block, validAt }))?.status).toBe('accepted');
  if (activate) expect((await submit(r, { type: 'ActivateDistribution', seq, txHash: tx(), proposal: proposalId({ txHash: proposal, blockNumber: block, validAt }) }))?.status).toBe('accepted');
};

const resolve = (r: Run, step: Step): Command | undefined => {
  const s = r.ledger.state;
  const account = (i: number) => ACCOUNTS[i % ACCOUNTS.length]!;
  switch (step.t) {
    case 'deposit':
      return { type: 'DepositStake', account: account(step.account), amount: step.amount, ref: tx() };
    case 'unstake': {
      const bonded = s.accounts.get(account(step.account))?.bondedWei ?? 0n;
      const amount = (bonded * BigInt(step.frac)) / 10_000n;
      return amount > 0n ? { type: 'RequestUnstake', account: account(step.account), amount } : undefined;
    }
    case 'withdraw': {
      const a = s.accounts.get(account(step.account));
      const free = a ? unbondedWei(a, recordingEpoch(s, r.clock.now)) : 0n;
      const amount = (free * BigInt(step.frac)) / 10_000n;
      return amount > 0n ? { type: 'WithdrawStake', account: account(step.account), amount } : undefined;
    }
    case 'revenue':
      return {
        type: 'RecordRevenue',
        revenueId: tx(),
        source: 'api',
        asset: [...ASSETS, CXT, UNREGISTERED][step.asset]!,
        gross: step.gross,
        ...(step.provider === null ? {} : { provider: account(step.provider) }),
      };
    case 'buyback': {
      const asset = [...ASSETS, UNREGISTERED][step.asset]!;
      const l = s.assets.get(asset);
      const budget = l ? l.buybackBudgetWei - l.buybackSpentWei : 0n;
      const spent = (budget * BigInt(step.spentFrac)) / 10_000n;
      return spent > 0n ? { type: 'BurnTokens', burnId: tx(), amount: step.amount, reason: 'buyback', asset, spent } : undefined;
    }
    case 'burn':
      return { type: 'BurnTokens', burnId: tx(), amount: step.amount, reason: 'other' };
    case 'contribute':
      return { type: 'RecordContribution', contributionId: tx(), nodeId: `n${step.node}`, epoch: recordingEpoch(s, r.clock.now), kind: step.kind, units: step.units, proofHash: h32(1) };
    case 'judge': {
      const open = [...s.contributions.values()].filter((c) => c.status === 'recorded');
      if (open.length === 0) return undefined;
      const contributionId = open[step.pick % open.length]!.contributionId;
      const verifier = VERIFIERS[step.verifier]!;
      return step.verdict === 'verify' ? { type: 'VerifyContribution', contributionId, verifier } : { type: 'RejectContribution', contributionId, verifier, reason: step.verdict };
    }
    case 'claim': {
      const d = latestPublishedDistribution(s);
      const leaves = d ? [...(s.liveLeaves.get(d.seq) ?? new Map<string, bigint>())] : [];
      if (leaves.length === 0) return undefined;
      const [key, cumulative] = leaves[step.pick % leaves.length]!;
      const [claimer, token] = key.split('|') as [string, string];
      const open = cumulative - (s.accounts.get(claimer)?.claimedWei.get(token) ?? 0n);
      const amount = (open * BigInt(step.frac)) / 10_000n;
      return amount > 0n ? { type: 'RecordClaim', account: claimer, token, amount, txHash: tx(), logIndex: 0, blockNumber: txs } : undefined;
    }
    default:
      return undefined;
  }
};

const runSteps = async (store: EventStore, params: ProtocolParams, steps: readonly Step[]): Promise<void> => {
  const clock = { now: params.genesisTimeSeconds + 1 };
  const ledger = createLedger(store);
  const r: Run = { store, ledger, handler: createCommandHandler({ store, ledger, clock: () => clock.now }), clock, params };
  expect((await submit(r, { type: 'ConfigureProtocol', params }))?.status).toBe('accepted');
  for (const asset of ASSETS) await submit(r, { type: 'RegisterAsset', asset, symbol: 'TKN', decimals: 18 });
  for (const verifier of VERIFIERS) await submit(r, { type: 'RegisterVerifier', verifier });
  for (let n = 0; n < 3; n++) await submit(r, { type: 'RegisterNode', nodeId: `n${n}`, operator: ACCOUNTS[n]!, signer: ACCOUNTS[n]!, hardwareClass: 'edge' });

  for (const step of steps) {
    if (step.t === 'advance') clock.now += Math.floor((params.epochLengthSeconds * step.bps) / 10_000);
    else if (step.t === 'close') {
      clock.now = Math.max(clock.now, epochEndSeconds(params, r.ledger.state.lastClosedEpoch + 1));
      await closeEnded(r);
    } else if (step.t === 'distribute') await distribute(r, step.publish, step.activate);
    else await submit(r, resolve(r, step));
  }

  // The ledger is not stuck: every ended epoch closes, and what was allocated distributes.
  clock.now += params.epochLengthSeconds;
  await closeEnded(r);
  await distribute(r, true, true);

  // The log decodes, event by event, and a restart folds it into exactly the live state.
  for await (const page of readAllPages(store)) for (const e of page) toDomainEvent(e);
  const restarted = createLedger(store);
  await restarted.catchUp();
  expect(restarted.position).toBe(r.ledger.position);
  expect(canonicalState({ ...restarted.state, eventsFolded: 0 })).toBe(canonicalState({ ...r.ledger.state, eventsFolded: 0 }));
};

const historyArb = fc.tuple(paramsArb, fc.array(stepArb, { minLength: 5, maxLength: 50 }));

describe('no accepted request halts the ledger', () => {
  it(`any sequence of accepted commands, amounts up to 2^128 − 1: the log decodes, closes, distributes and restarts (memory store, ${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async ([params, steps]) => runSteps(createMemoryEventStore(), params, steps)),
      { numRuns: RUNS },
    );
  });

  let pglite: PGlite | undefined;
  afterAll(async () => pglite?.close());
  let schemas = 0;
  it(`the same on PGlite, where jsonb must store every event (${Math.max(10, Math.floor(RUNS / 10))} runs)`, async () => {
    pglite = await PGlite.create();
    const db = pgliteExecutor(pglite);
    await fc.assert(
      fc.asyncProperty(historyArb, async ([params, steps]) => {
        const store = createPostgresEventStore({ db, schema: `never_halts_${++schemas}` });
        await store.migrate();
        await runSteps(store, params, steps);
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 10)) },
    );
  });
});
