/**
 * fast-check generators of random command histories, and a runner that drives them through the
 * pure domain (decide → evolve) with explicit time. Refused commands are skipped: the domain decides.
 *
 * A history is symbolic: steps name accounts, nodes, assets by index and many amounts as a fraction
 * of what is available at run time ("unstake 40% of the bonded stake"), so shrinking stays meaningful
 * and most commands are accepted. The runner turns it into concrete commands, records every accepted
 * event, seals the events into a hash chain (so CloseEpoch carries the real `logHead`), and keeps a
 * record of every close with what the state looked like just before it.
 *
 * Sized so that hundreds of runs take seconds: up to 8 epochs, up to ~60 steps.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  chainLeafWei,
  chainsOf,
  claimedOnWei,
  decide,
  defaultParams,
  encodeEventData,
  epochEndSeconds,
  evolve,
  initialState,
  keccakJcs,
  latestParams,
  naturalKey,
  PRIMARY_CHAIN,
  recordingEpoch,
  resultKind,
  sealEnvelope,
  unbondedWei,
  ZERO_HASH,
  type Allocation,
  type Command,
  type CorexEvent,
  type EventData,
  type FragmentState,
  type LedgerState,
  type TaskState,
  type ProtocolParams,
  type StoredEvent,
  type TierSpec,
} from '../../domain/index.ts';

// ───────────────────────────── primitives ─────────────────────────────

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A random lowercase EVM address. */
export const addressArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${hex(b)}`);

/** A random 32-byte hash. */
export const hash32Arb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${hex(b)}`);

const bps = (max = 10_000) => fc.integer({ min: 0, max });

/** Three pool shares in basis points that sum to exactly 10000 (edges included). */
export const poolBpsArb: fc.Arbitrary<{ computeBps: number; stakingBps: number; verificationBps: number }> = fc
  .tuple(bps(), bps())
  .map(([a, b]) => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    return { computeBps: lo, stakingBps: hi - lo, verificationBps: 10_000 - hi };
  });

/** Small to astronomical supplies: tiny ones hit floors and dust, the default is 10^27. */
export const maxSupplyArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 100n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: 10n ** 6n }), weight: 2 },
  { arbitrary: fc.bigInt({ min: 1n, max: 10n ** 27n }), weight: 2 },
  { arbitrary: fc.constant(10n ** 27n), weight: 3 },
);

export const halfLifeArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 2 },
  { arbitrary: fc.integer({ min: 2, max: 50 }), weight: 5 },
  { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 1 },
  { arbitrary: fc.constant(1461), weight: 1 },
);

const TIER_NAMES = ['bronze', 'silver', 'gold', 'platinum'] as const;

/** A valid tier ladder: entry tier (0, 0), then non-decreasing thresholds. Small thresholds so tiers move. */
export const tiersArb: fc.Arbitrary<TierSpec[]> = fc
  .array(
    fc.record({
      stakeStep: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 10n ** 21n })),
      tenureStep: fc.integer({ min: 0, max: 3 }),
      bps: fc.integer({ min: 0, max: 20_000 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((specs) => {
    let stake = 0n;
    let tenure = 0;
    return specs.map((s, i) => {
      if (i > 0) {
        stake += s.stakeStep;
        tenure += s.tenureStep;
      }
      return { name: TIER_NAMES[i]!, minStake: stake, minTenureEpochs: tenure, bps: s.bps };
    });
  });

/** One tier only: every account has the same tier forever (used by the Sybil comparison). */
export const singleTierArb: fc.Arbitrary<TierSpec[]> = fc
  .integer({ min: 1, max: 20_000 })
  .map((b) => [{ name: 'bronze' as const, minStake: 0n, minTenureEpochs: 0, bps: b }]);

/** The parameters that may change after genesis (not IMMUTABLE_PARAMS). */
export interface MutableParams {
  readonly computeBps: number;
  readonly stakingBps: number;
  readonly verificationBps: number;
  readonly halfLifeEpochs: number;
  readonly kindWeightBps: { compute: number; training: number; data: number };
  readonly tiers: TierSpec[];
  readonly boostBaseBps: number;
  readonly unbondingEpochs: number;
  readonly slashBps: number;
  readonly protocolFeeBps: number;
  readonly stakerShareBps: number;
  readonly maxLateEpochs: number;
}

export const mutableParamsArb = (options: { singleTier?: boolean } = {}): fc.Arbitrary<MutableParams> =>
  fc
    .record({
      pools: poolBpsArb,
      halfLifeEpochs: halfLifeArb,
      kindWeightBps: fc.record({ compute: bps(20_000), training: bps(20_000), data: bps(20_000) }),
      tiers: options.singleTier ? singleTierArb : tiersArb,
      boostBaseBps: fc.oneof(bps(), fc.constantFrom(0, 4000, 10_000)),
      unbondingEpochs: fc.integer({ min: 0, max: 3 }),
      slashBps: fc.oneof(bps(), fc.constantFrom(0, 500, 10_000)),
      protocolFeeBps: fc.oneof(bps(), fc.constantFrom(0, 1000, 10_000)),
      stakerShareBps: fc.oneof(bps(), fc.constantFrom(0, 5000, 10_000)),
      maxLateEpochs: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ pools, ...rest }) => ({ ...pools, ...rest }));

export const paramsArb = (options: { singleTier?: boolean } = {}): fc.Arbitrary<ProtocolParams> =>
  fc
    .record({
      mutable: mutableParamsArb(options),
      maxSupply: maxSupplyArb,
      epochLengthSeconds: fc.constantFrom(1, 7, 3600, 86_400),
      genesisTimeSeconds: fc.integer({ min: 0, max: 2_000_000_000 }),
    })
    .map(({ mutable, maxSupply, epochLengthSeconds, genesisTimeSeconds }) =>
      defaultParams({
        ...mutable,
        maxSupply,
        epochLengthSeconds,
        genesisTimeSeconds,
        // Must stay shorter than the distribution interval.
        timelockSeconds: Math.min(3600, epochLengthSeconds - 1),
      }),
    );

// ───────────────────────────── histories ─────────────────────────────

/** An amount: absolute, or a fraction (bps, may exceed 10000 to provoke refusals) of what is available at run time. */
export type AmountSpec = { readonly abs: bigint } | { readonly frac: number };

const amountSpecArb = (absArb: fc.Arbitrary<bigint>): fc.Arbitrary<AmountSpec> =>
  fc.oneof(
    { arbitrary: absArb.map((abs) => ({ abs })), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 12_000 }).map((frac) => ({ frac })), weight: 2 },
    { arbitrary: fc.constant({ frac: 10_000 }), weight: 1 },
  );

const smallOrLarge = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 10n ** 24n }));

export type Step =
  /** Moves the clock forward by `bps`/10000 of an epoch. */
  | { readonly t: 'advance'; readonly bps: number }
  /** Closes the next epoch; with `jump` the clock first moves to its end. */
  | { readonly t: 'close'; readonly jump: boolean }
  | { readonly t: 'registerNode'; readonly node: number }
  | { readonly t: 'registerVerifier'; readonly account: number }
  | { readonly t: 'removeVerifier'; readonly pick: number }
  | {
      readonly t: 'contribute';
      readonly node: number;
      /** Epoch = recording epoch − lag (+1 when `future`): old or future ones are refused. */
      readonly lag: number;
      readonly future: boolean;
      readonly kind: 'compute' | 'training' | 'data';
      readonly units: number;
      readonly taskId: boolean;
      /** Reuse the previous contribution id (refused as a duplicate). */
      readonly duplicate: boolean;
    }
  | {
      readonly t: 'judge';
      /** Which recorded, unjudged contribution (by index at run time). */
      readonly pick: number;
      /** Which registered verifier (by index at run time), or `raw` account index (maybe not a verifier). */
      readonly verifier: number;
      readonly raw: boolean;
      readonly verdict: 'verify' | 'invalid' | 'fraud';
    }
  /** `toOperator`: the account index counts among the node operators only. */
  | {
      readonly t: 'deposit';
      readonly account: number;
      readonly toOperator: boolean;
      readonly amount: AmountSpec;
      readonly reuseRef: boolean;
      readonly split: readonly number[];
    }
  /** `live`: pick among accounts that have something to unstake / withdraw (by index at run time). */
  | { readonly t: 'unstake'; readonly account: number; readonly live: boolean; readonly amount: AmountSpec; readonly sub: number }
  | { readonly t: 'withdraw'; readonly account: number; readonly live: boolean; readonly amount: AmountSpec; readonly sub: number }
  | {
      readonly t: 'revenue';
      readonly asset: number;
      readonly gross: bigint;
      /** Account index of the provider, or none. */
      readonly provider: number | null;
      readonly source: 'subscription' | 'on_demand' | 'api' | 'task';
    }
  | { readonly t: 'burn'; readonly reason: 'buyback' | 'other'; readonly amount: AmountSpec; readonly asset: number; readonly spent: AmountSpec }
  | { readonly t: 'configure'; readonly params: MutableParams; readonly effectiveLag: number | null }
  /** CreateDistribution through the last closed epoch (`stale`: an older epoch, refused). */
  | { readonly t: 'distribute'; readonly stale: boolean }
  /** Publish / activate / revoke the distribution picked by index at run time. */
  /** `chain`: the tree on payout chain PAYOUT_CHAIN_IDS[chain] (issue 15); null or absent: the primary one. */
  | { readonly t: 'distributionStep'; readonly action: 'publish' | 'activate' | 'revoke'; readonly pick: number; readonly withTx: boolean; readonly chain?: number | null }
  /** RecordClaim of a fraction of what an account may still claim in a token on a chain it has a leaf on (picked at run time). */
  | { readonly t: 'claim'; readonly pick: number; readonly amount: AmountSpec }
  /** PostTask on the hardware class of a registered node (picked at run time); `quorumUp` raises q above ⌈r/2⌉. */
  | {
      readonly t: 'postTask';
      readonly fragments: readonly number[];
      readonly redundancy: number;
      readonly quorumUp: number;
      readonly deadlineLag: number;
      readonly budget: bigint;
      readonly asset: number;
      readonly node: number;
      readonly kind: 'training' | 'inference' | 'data';
    }
  /** A seated node's result for an open fragment (picked at run time): the agreed hash, or another. */
  | { readonly t: 'taskResult'; readonly pick: number; readonly agree: boolean }
  /** ConfigureChain: chain PAYOUT_CHAIN_IDS[chain], mapping the registered assets whose bit is set in `assets` (`clash`: a changed address). */
  | { readonly t: 'configureChain'; readonly chain: number; readonly assets: number; readonly clash: boolean }
  /** SetPayoutChain for an account (an allocated one when `live`), to a listed chain or the primary (null); `stale`: a wrong sequence. */
  | { readonly t: 'setPayoutChain'; readonly account: number; readonly live: boolean; readonly chain: number | null; readonly stale: boolean };

/** Chain ids the payout-chain steps use (the last one is never configured by them, so switching to it is refused). */
export const PAYOUT_CHAIN_IDS = [56, 97, 1] as const;

/** A registered asset's (made-up, distinct) address on another chain. */
export const chainAddress = (asset: string, chainId: number): string => `0x${chainId.toString(16).padStart(4, '0')}${asset.slice(6)}`;

export interface NodeSpec {
  /** Index of the operator among `accounts` (mod the number of operators). */
  readonly operator: number;
  readonly hardwareClass: 'gpu' | 'cpu' | 'edge' | 'storage' | 'bandwidth';
  readonly region: string | null;
  /** Sybil variant: which of the k split accounts operates this node (if the operator is the Sybil). */
  readonly sub: number;
}

/**
 * - `open`: deposits and burns are any amounts the domain accepts (deposits may be "unminted" CXT).
 * - `closedDeposits`: every deposit is funded by free minted CXT (minted − burned − locked stake);
 *   burns are only bounded by what the domain checks.
 * - `closed`: deposits and manual burns both come out of free minted CXT.
 */
export type Economy = 'open' | 'closedDeposits' | 'closed';

export interface History {
  readonly params: ProtocolParams;
  /** Distinct addresses; accounts[0] is the Sybil candidate in the Sybil comparison. */
  readonly accounts: readonly string[];
  /** How many of the accounts operate nodes (1–4). */
  readonly operators: number;
  readonly nodes: readonly NodeSpec[];
  /** How many nodes are registered at genesis (the rest only by steps). */
  readonly preRegistered: number;
  /** Account indices registered as verifiers at genesis. */
  readonly preVerifiers: readonly number[];
  /** Revenue assets, 1–2, distinct from the CXT token and every account. */
  readonly assets: readonly string[];
  /** Fresh addresses for the Sybil's extra accounts. */
  readonly extras: readonly string[];
  readonly steps: readonly Step[];
  /** Epochs 0 … maxEpochs−1 may close. */
  readonly maxEpochs: number;
  /** Close every remaining epoch < maxEpochs at the end. */
  readonly flush: boolean;
  /** During the flush, create a distribution after each close, and publish/activate/claim some. */
  readonly distributeOnFlush: boolean;
  readonly economy: Economy;
}

export interface HistoryOptions {
  readonly economy?: Economy;
  readonly singleTier?: boolean;
  readonly maxSteps?: number;
  readonly maxEpochs?: number;
}

const liveArb = fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 });

const stepArb = (options: HistoryOptions): fc.Arbitrary<Step> => {
  const idx = fc.nat({ max: 15 });
  return fc.oneof(
    { arbitrary: fc.record({ t: fc.constant('advance' as const), bps: fc.integer({ min: 0, max: 15_000 }) }), weight: 6 },
    {
      arbitrary: fc.record({
        t: fc.constant('close' as const),
        jump: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ t: fc.constant('registerNode' as const), node: idx }), weight: 2 },
    { arbitrary: fc.record({ t: fc.constant('registerVerifier' as const), account: idx }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('removeVerifier' as const), pick: idx }), weight: 1 },
    {
      arbitrary: fc.record({
        t: fc.constant('contribute' as const),
        node: idx,
        lag: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 }),
        future: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
        kind: fc.constantFrom('compute' as const, 'training' as const, 'data' as const),
        units: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1_000_000 })),
        taskId: fc.boolean(),
        duplicate: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
      }),
      weight: 8,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('judge' as const),
        pick: idx,
        verifier: idx,
        raw: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
        verdict: fc.oneof(
          { arbitrary: fc.constant('verify' as const), weight: 6 },
          { arbitrary: fc.constant('invalid' as const), weight: 1 },
          { arbitrary: fc.constant('fraud' as const), weight: 2 },
        ),
      }),
      weight: 7,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('deposit' as const),
        account: idx,
        toOperator: fc.boolean(),
        amount: amountSpecArb(smallOrLarge),
        reuseRef: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
        split: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 3, maxLength: 3 }),
      }),
      weight: 5,
    },
    {
      arbitrary: fc.record({ t: fc.constant('unstake' as const), account: idx, live: liveArb, amount: amountSpecArb(smallOrLarge), sub: idx }),
      weight: 3,
    },
    {
      arbitrary: fc.record({ t: fc.constant('withdraw' as const), account: idx, live: liveArb, amount: amountSpecArb(smallOrLarge), sub: idx }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('revenue' as const),
        asset: idx,
        gross: fc.oneof(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 1n, max: 10n ** 22n })),
        provider: fc.option(idx, { nil: null }),
        source: fc.constantFrom('subscription' as const, 'on_demand' as const, 'api' as const, 'task' as const),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('burn' as const),
        reason: fc.constantFrom('buyback' as const, 'other' as const),
        amount: amountSpecArb(smallOrLarge),
        asset: idx,
        spent: amountSpecArb(fc.bigInt({ min: 1n, max: 10n ** 20n })),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ t: fc.constant('distribute' as const), stale: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }) }), weight: 2 },
    {
      arbitrary: fc.record({
        t: fc.constant('distributionStep' as const),
        action: fc.constantFrom('publish' as const, 'activate' as const, 'revoke' as const),
        pick: idx,
        withTx: fc.boolean(),
        chain: fc.option(fc.nat({ max: PAYOUT_CHAIN_IDS.length - 1 }), { nil: null, freq: 2 }),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ t: fc.constant('claim' as const), pick: idx, amount: amountSpecArb(smallOrLarge) }), weight: 2 },
    {
      arbitrary: fc.record({
        t: fc.constant('postTask' as const),
        fragments: fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 3 }),
        redundancy: fc.integer({ min: 1, max: 3 }),
        quorumUp: fc.integer({ min: 0, max: 2 }),
        deadlineLag: fc.integer({ min: 0, max: 2 }),
        budget: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
        asset: idx,
        node: idx,
        kind: fc.constantFrom('training' as const, 'inference' as const, 'data' as const),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ t: fc.constant('taskResult' as const), pick: idx, agree: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }) }), weight: 5 },
    {
      arbitrary: fc.record({
        t: fc.constant('configure' as const),
        params: mutableParamsArb({ singleTier: options.singleTier ?? false }),
        effectiveLag: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('configureChain' as const),
        chain: fc.nat({ max: 1 }),
        assets: fc.nat({ max: 15 }),
        clash: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('setPayoutChain' as const),
        account: idx,
        live: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
        chain: fc.option(fc.nat({ max: PAYOUT_CHAIN_IDS.length - 1 }), { nil: null }),
        stale: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
      }),
      weight: 3,
    },
  );
};

/** A random history. All addresses (accounts, assets, extras, the CXT token) are distinct. */
export const historyArb = (options: HistoryOptions = {}): fc.Arbitrary<History> =>
  fc
    .record({
      params: paramsArb({ singleTier: options.singleTier ?? false }),
      nAccounts: fc.integer({ min: 2, max: 8 }),
      nAssets: fc.integer({ min: 1, max: 2 }),
      addresses: fc.uniqueArray(addressArb, { minLength: 13, maxLength: 13 }),
      operators: fc.integer({ min: 1, max: 4 }),
      nodes: fc.array(
        fc.record({
          operator: fc.nat({ max: 3 }),
          hardwareClass: fc.constantFrom('gpu' as const, 'cpu' as const, 'edge' as const, 'storage' as const, 'bandwidth' as const),
          region: fc.option(fc.constantFrom('eu-west', 'us-east', 'ap-south'), { nil: null }),
          sub: fc.nat({ max: 2 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      preRegistered: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(6)),
      preVerifiers: fc.array(fc.nat({ max: 7 }), { minLength: 0, maxLength: 3, size: 'max' }),
      steps: fc.array(stepArb(options), { minLength: 0, maxLength: options.maxSteps ?? 60, size: 'max' }),
      maxEpochs: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: options.maxEpochs ?? 8 }), weight: 1 },
        { arbitrary: fc.integer({ min: Math.min(3, options.maxEpochs ?? 8), max: options.maxEpochs ?? 8 }), weight: 3 },
      ),
      flush: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
      distributeOnFlush: fc.boolean(),
    })
    .map((r) => {
      const [cxtToken, ...rest] = r.addresses as [string, ...string[]];
      const accounts = rest.slice(0, r.nAccounts);
      const assets = rest.slice(8, 8 + r.nAssets);
      const extras = rest.slice(10, 12);
      return {
        params: { ...r.params, cxtToken },
        accounts,
        operators: Math.min(r.operators, accounts.length),
        nodes: r.nodes,
        preRegistered: r.preRegistered,
        preVerifiers: r.preVerifiers,
        assets,
        extras,
        steps: r.steps,
        maxEpochs: r.maxEpochs,
        flush: r.flush,
        distributeOnFlush: r.distributeOnFlush,
        economy: options.economy ?? 'open',
      };
    });

// ───────────────────────────── running ─────────────────────────────

/** What the state looked like just before a close, and what the close recorded. */
export interface CloseRecord {
  readonly epoch: number;
  readonly now: number;
  /** Parameters in force for the epoch (last ProtocolConfigured with effectiveEpoch ≤ epoch). */
  readonly params: ProtocolParams;
  readonly mintedBefore: bigint;
  readonly mintedAfter: bigint;
  readonly burnedBefore: bigint;
  readonly data: EventData<'EpochClosed'>;
  /** state.lastAllocations right after the close was applied. */
  readonly allocations: readonly Allocation[];
  /** `${account}|${token}` → cumulative, before and after. */
  readonly cumulativeBefore: ReadonlyMap<string, bigint>;
  readonly cumulativeAfter: ReadonlyMap<string, bigint>;
}

export interface AppliedCommand {
  readonly command: Command;
  readonly now: number;
  readonly events: readonly CorexEvent[];
}

export interface RunResult {
  readonly history: History;
  readonly state: LedgerState;
  /** Every accepted event, in order. */
  readonly events: CorexEvent[];
  /** The same events sealed into a hash chain (recordedAt = the command's time). */
  readonly log: StoredEvent[];
  readonly applied: AppliedCommand[];
  readonly refusals: Map<string, number>;
  readonly closes: CloseRecord[];
}

export interface RunHooks {
  /** Called before and after every accepted event is folded. */
  readonly beforeEvent?: (state: LedgerState, event: CorexEvent) => void;
  readonly afterEvent?: (state: LedgerState, event: CorexEvent) => void;
}

const mod = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;

export const cumulativeSnapshot = (state: LedgerState): Map<string, bigint> => {
  const m = new Map<string, bigint>();
  for (const a of state.accounts.values()) for (const [token, v] of a.cumulativeWei) m.set(`${a.account}|${token}`, v);
  return m;
};

/** CXT locked in the staking contract: bonded plus unbonding-not-yet-withdrawn. */
export const lockedWei = (state: LedgerState): bigint => {
  let total = 0n;
  for (const a of state.accounts.values()) {
    total += a.bondedWei;
    for (const u of a.unbonding) total += u.amountWei;
  }
  return total;
};

/** Minted CXT that is neither burned nor locked as stake. */
export const freeWei = (state: LedgerState): bigint => state.mintedWei - state.burnedWei - lockedWei(state);

const resolveAmount = (spec: AmountSpec, available: bigint): bigint => {
  if ('abs' in spec) return spec.abs;
  const v = (available * BigInt(spec.frac)) / 10_000n;
  return v > 0n ? v : 1n;
};

const paramsInForce = (state: LedgerState, epoch: number): ProtocolParams => {
  let found: ProtocolParams | undefined;
  for (const c of state.configs) if (c.effectiveEpoch <= epoch) found = c.params;
  return found!;
};

/**
 * One ledger driven by commands: decide → evolve, recording events, the hash chain and closes.
 * `submit` returns the events (empty when refused).
 */
export class Ledger {
  readonly state: LedgerState = initialState();
  readonly events: CorexEvent[] = [];
  readonly log: StoredEvent[] = [];
  readonly applied: AppliedCommand[] = [];
  readonly refusals = new Map<string, number>();
  readonly closes: CloseRecord[] = [];
  head = ZERO_HASH;
  private keys = 0;
  private readonly naturalKeys = new Set<string>();

  constructor(private readonly hooks: RunHooks = {}) {}

  /** Decides without applying. */
  tryDecide(command: Command, now: number): E.Either<string, CorexEvent[]> {
    const key = naturalKey(command);
    if (key !== undefined && this.naturalKeys.has(key)) return E.left('DUPLICATE_KEY');
    const d = decide(command, this.state, now);
    return E.isLeft(d) ? E.left(d.left.code) : E.right(d.right);
  }

  submit(command: Command, now: number): CorexEvent[] {
    // As in the event store, a natural key is taken once, for good: a repeat records nothing.
    const key = naturalKey(command);
    if (key !== undefined && this.naturalKeys.has(key)) {
      this.refusals.set('DUPLICATE_KEY', (this.refusals.get('DUPLICATE_KEY') ?? 0) + 1);
      return [];
    }
    const decision = decide(command, this.state, now);
    if (E.isLeft(decision)) {
      this.refusals.set(decision.left.code, (this.refusals.get(decision.left.code) ?? 0) + 1);
      return [];
    }
    this.apply(command, decision.right, now);
    return decision.right;
  }

  /** Applies events already decided against this state. */
  apply(command: Command, events: readonly CorexEvent[], now: number): void {
    const natural = naturalKey(command);
    if (natural !== undefined) this.naturalKeys.add(natural);
    const key = `k${++this.keys}`;
    events.forEach((e, i) => {
      const state = this.state;
      let before:
        | { epoch: number; params: ProtocolParams; minted: bigint; burned: bigint; cumulative: Map<string, bigint> }
        | undefined;
      if (e.type === 'EpochClosed')
        before = {
          epoch: e.data.epoch,
          params: paramsInForce(state, e.data.epoch),
          minted: state.mintedWei,
          burned: state.burnedWei,
          cumulative: cumulativeSnapshot(state),
        };
      this.hooks.beforeEvent?.(state, e);
      evolve(state, e);
      this.hooks.afterEvent?.(state, e);
      this.events.push(e);
      const sealed = sealEnvelope(
        {
          id: `${key}:${i}`,
          type: e.type,
          stream: 'ledger',
          streamVersion: this.log.length + 1,
          recordedAt: new Date(now * 1000).toISOString(),
          data: encodeEventData(e),
          prevHash: this.head,
        },
        this.log.length + 1,
      );
      this.log.push(sealed);
      this.head = sealed.hash;
      if (before && e.type === 'EpochClosed')
        this.closes.push({
          epoch: before.epoch,
          now,
          params: before.params,
          mintedBefore: before.minted,
          mintedAfter: state.mintedWei,
          burnedBefore: before.burned,
          data: e.data,
          allocations: [...state.lastAllocations],
          cumulativeBefore: before.cumulative,
          cumulativeAfter: cumulativeSnapshot(state),
        });
    });
    this.applied.push({ command, now, events });
  }
}

/** Revenue assets are registered right after genesis, as an operator would before billing starts. */
export const registerAsset = (asset: string): Command => ({ type: 'RegisterAsset', asset, symbol: `T${asset.slice(2, 6)}`, decimals: 18 });

/** Helpers shared by the single and the paired (Sybil) runner. */
export class Clock {
  now: number;
  constructor(
    readonly params: ProtocolParams,
    readonly maxEpochs: number,
  ) {
    this.now = params.genesisTimeSeconds;
  }
  /**
   * Steps never move the clock past the last closable epoch (maxEpochs − 1), so activity lands in
   * epochs that close; closes move it to an epoch's end, so the last close leaves it in epoch maxEpochs.
   */
  get limit(): number {
    return this.params.genesisTimeSeconds + this.maxEpochs * this.params.epochLengthSeconds - 1;
  }
  advance(bpsOfEpoch: number): void {
    this.now = Math.min(this.limit, this.now + Math.floor((this.params.epochLengthSeconds * bpsOfEpoch) / 10_000));
  }
  moveTo(t: number): void {
    this.now = Math.max(this.now, Math.min(this.limit + 1, t));
  }
}

/** Resolves a symbolic step to concrete commands against one ledger (the non-Sybil view). */
export class Resolver {
  private contributions = 0;
  private refs = 0;
  private revenues = 0;
  private burns = 0;
  constructor(readonly h: History) {}

  operatorOf(node: NodeSpec): string {
    return this.h.accounts[node.operator % this.h.operators]!;
  }
  depositAccount(s: Extract<Step, { t: 'deposit' }>): string {
    return this.h.accounts[s.toOperator ? s.account % this.h.operators : s.account % this.h.accounts.length]!;
  }
  nodeId(i: number): string {
    return `n${i % this.h.nodes.length}`;
  }
  registerNode(i: number, operatorOverride?: string): Command {
    const spec = mod(this.h.nodes, i);
    const idx = i % this.h.nodes.length;
    return {
      type: 'RegisterNode',
      nodeId: `n${idx}`,
      operator: operatorOverride ?? this.operatorOf(spec),
      signer: `0x${(idx + 1).toString(16).padStart(40, '5')}`,
      hardwareClass: spec.hardwareClass,
      ...(spec.region !== null ? { region: spec.region } : {}),
    };
  }
  contribute(s: Extract<Step, { t: 'contribute' }>, state: LedgerState, now: number): Command {
    const current = recordingEpoch(state, now);
    const epoch = s.future ? current + 1 : Math.max(0, current - s.lag);
    const n = s.duplicate && this.contributions > 0 ? this.contributions : ++this.contributions;
    return {
      type: 'RecordContribution',
      contributionId: `c${n}`,
      nodeId: this.nodeId(s.node),
      epoch,
      kind: s.kind,
      units: s.units,
      proofHash: `0x${n.toString(16).padStart(64, 'a')}`,
      ...(s.taskId ? { taskId: `task-${n}` } : {}),
    };
  }
  judge(s: Extract<Step, { t: 'judge' }>, state: LedgerState): Command | undefined {
    const open = [...state.contributions.values()].filter((c) => c.status === 'recorded');
    const contributionId = open.length > 0 ? mod(open, s.pick).contributionId : `c-unknown-${s.pick}`;
    const verifiers = [...state.verifiers];
    const verifier = s.raw || verifiers.length === 0 ? mod(this.h.accounts, s.verifier) : mod(verifiers, s.verifier);
    return s.verdict === 'verify'
      ? { type: 'VerifyContribution', contributionId, verifier }
      : { type: 'RejectContribution', contributionId, verifier, reason: s.verdict };
  }
  nextRef(reuse: boolean): string {
    return reuse && this.refs > 0 ? `ref-${this.refs}` : `ref-${++this.refs}`;
  }
  revenue(s: Extract<Step, { t: 'revenue' }>): Command {
    const id = ++this.revenues;
    return {
      type: 'RecordRevenue',
      revenueId: `rev-${id}`,
      source: s.source,
      asset: mod(this.h.assets, s.asset),
      gross: s.gross,
      ...(s.provider !== null ? { provider: mod(this.h.accounts, s.provider) } : {}),
    };
  }
  burn(s: Extract<Step, { t: 'burn' }>, state: LedgerState, economy: Economy): Command | undefined {
    const id = ++this.burns;
    const available = economy === 'closed' ? freeWei(state) : state.mintedWei - state.burnedWei;
    if (economy === 'closed' && ('abs' in s.amount || available <= 0n)) return undefined;
    const amount = resolveAmount(s.amount, available);
    if (economy === 'closed' && amount > available) return undefined;
    if (s.reason === 'other') return { type: 'BurnTokens', burnId: `burn-${id}`, amount, reason: 'other' };
    const asset = mod(this.h.assets, s.asset);
    const ledger = state.assets.get(asset);
    const budget = ledger ? ledger.buybackBudgetWei - ledger.buybackSpentWei : 0n;
    return { type: 'BurnTokens', burnId: `burn-${id}`, amount, reason: 'buyback', asset, spent: resolveAmount(s.spent, budget) };
  }
  private txs = 0;
  distribute(s: Extract<Step, { t: 'distribute' }>, state: LedgerState, logHead: string): Command {
    return { type: 'CreateDistribution', throughEpoch: Math.max(0, state.lastClosedEpoch - (s.stale ? 1 : 0)), logHead };
  }
  distributionStep(s: Extract<Step, { t: 'distributionStep' }>, state: LedgerState, now: number): Command {
    const seq = state.distributions.length > 0 ? mod(state.distributions, s.pick).seq : 1 + (s.pick % 3);
    const tx = ++this.txs;
    const txHash = `0x${tx.toString(16).padStart(64, 'b')}`;
    const chainId = s.chain === null || s.chain === undefined ? undefined : PAYOUT_CHAIN_IDS[s.chain]!;
    switch (s.action) {
      case 'publish':
        return {
          type: 'RecordDistributionPublished',
          seq,
          chainId: chainId ?? 31337,
          contract: `0x${'d'.repeat(40)}`,
          txHash,
          blockNumber: tx,
          validAt: now + 3600,
        };
      case 'activate':
        return { type: 'ActivateDistribution', seq, ...(s.withTx ? { txHash } : {}), ...(chainId === undefined ? {} : { chainId }) };
      case 'revoke':
        return { type: 'RevokeDistribution', seq, ...(s.withTx ? { txHash, reason: 'guardian revoked' } : {}), ...(chainId === undefined ? {} : { chainId }) };
    }
  }
  claim(s: Extract<Step, { t: 'claim' }>, state: LedgerState): Command | undefined {
    // Per chain an account has a leaf on: open = its leaf there − claimed there (payoutChains.ts), token at its address there.
    const entitlements: { account: string; token: string; open: bigint; chainId?: number }[] = [];
    for (const a of state.accounts.values())
      for (const chain of chainsOf(a))
        for (const asset of a.cumulativeWei.keys()) {
          const address = chain === PRIMARY_CHAIN ? asset : state.payoutChains.get(Number(chain))?.assets.get(asset);
          if (address === undefined) continue;
          const open = chainLeafWei(state, a, chain, asset) - claimedOnWei(a, chain, asset);
          entitlements.push({ account: a.account, token: address, open, ...(chain === PRIMARY_CHAIN ? {} : { chainId: Number(chain) }) });
        }
    if (entitlements.length === 0) return undefined;
    const e = mod(entitlements, s.pick);
    const tx = ++this.txs;
    return {
      type: 'RecordClaim',
      account: e.account,
      token: e.token,
      amount: resolveAmount(s.amount, e.open),
      txHash: `0x${tx.toString(16).padStart(64, 'c')}`,
      logIndex: s.pick,
      blockNumber: tx,
      ...(e.chainId === undefined ? {} : { chainId: e.chainId }),
    };
  }
  private tasks = 0;
  postTask(s: Extract<Step, { t: 'postTask' }>, state: LedgerState, salt: string): Command | undefined {
    const registered = [...state.nodes.values()];
    if (registered.length === 0) return undefined;
    const hardwareClass = mod(registered, s.node).hardwareClass;
    const id = ++this.tasks;
    return {
      type: 'PostTask',
      taskId: `task-${id}`,
      initiator: mod(this.h.accounts, id),
      kind: s.kind,
      asset: mod(this.h.assets, s.asset),
      budget: s.budget,
      fragments: s.fragments.map((units, i) => ({ fragmentId: `f${i}`, units, hardwareClass })),
      redundancy: s.redundancy,
      quorum: Math.min(s.redundancy, Math.ceil(s.redundancy / 2) + s.quorumUp),
      deadlineEpoch: state.lastClosedEpoch + 1 + s.deadlineLag,
      salt,
    };
  }
  taskResult(s: Extract<Step, { t: 'taskResult' }>, state: LedgerState, now: number): Command | undefined {
    const open: Array<{ task: TaskState; fragment: FragmentState; nodeId: string }> = [];
    for (const task of state.tasks.values())
      for (const fragment of task.fragments)
        if (fragment.status === 'open')
          for (const seat of fragment.seats)
            if (seat.round === fragment.round && !fragment.results.some((r) => r.nodeId === seat.nodeId)) open.push({ task, fragment, nodeId: seat.nodeId });
    if (open.length === 0) return undefined;
    const { task, fragment, nodeId } = mod(open, s.pick);
    const n = ++this.contributions;
    return {
      type: 'RecordContribution',
      contributionId: `c${n}`,
      nodeId,
      epoch: recordingEpoch(state, now),
      kind: resultKind(task.kind),
      units: fragment.units,
      proofHash: s.agree ? keccakJcs([task.taskId, fragment.fragmentId]) : `0x${n.toString(16).padStart(64, 'e')}`,
      taskId: task.taskId,
      fragmentId: fragment.fragmentId,
    };
  }
  configure(s: Extract<Step, { t: 'configure' }>, state: LedgerState): Command {
    const base = latestParams(state)!;
    return {
      type: 'ConfigureProtocol',
      params: { ...base, ...s.params },
      ...(s.effectiveLag !== null ? { effectiveEpoch: state.lastClosedEpoch + 1 + s.effectiveLag } : {}),
    };
  }
}

/** Deposit amount for `account` under the history's economy (undefined: nothing to deposit). */
const depositAmount = (spec: AmountSpec, state: LedgerState, economy: Economy): bigint | undefined => {
  if (economy === 'open') return resolveAmount(spec, 10n ** 21n);
  const free = freeWei(state);
  if (free <= 0n) return undefined;
  const amount = 'abs' in spec ? spec.abs : (free * BigInt(Math.min(spec.frac, 10_000))) / 10_000n;
  return amount > 0n && amount <= free ? amount : undefined;
};

/** Runs a history through decide → evolve. Refused commands are skipped and counted. */
export const runHistory = (h: History, hooks: RunHooks = {}): RunResult => {
  const ledger = new Ledger(hooks);
  const clock = new Clock(h.params, h.maxEpochs);
  const r = new Resolver(h);
  const state = ledger.state;
  const submit = (c: Command | undefined) => (c ? ledger.submit(c, clock.now) : []);

  submit({ type: 'ConfigureProtocol', params: h.params });
  for (const asset of h.assets) submit(registerAsset(asset));
  for (let i = 0; i < Math.min(h.preRegistered, h.nodes.length); i++) submit(r.registerNode(i));
  for (const v of h.preVerifiers) submit({ type: 'RegisterVerifier', verifier: mod(h.accounts, v) });

  const close = (jump: boolean) => {
    const next = state.lastClosedEpoch + 1;
    if (next >= h.maxEpochs) return;
    if (jump) clock.moveTo(epochEndSeconds(h.params, next));
    submit({ type: 'CloseEpoch', epoch: next, logHead: ledger.head });
  };

  for (const s of h.steps) {
    switch (s.t) {
      case 'advance':
        clock.advance(s.bps);
        break;
      case 'close':
        close(s.jump);
        break;
      case 'registerNode':
        submit(r.registerNode(s.node));
        break;
      case 'registerVerifier':
        submit({ type: 'RegisterVerifier', verifier: mod(h.accounts, s.account) });
        break;
      case 'removeVerifier': {
        const vs = [...state.verifiers];
        submit({ type: 'RemoveVerifier', verifier: vs.length > 0 ? mod(vs, s.pick) : mod(h.accounts, s.pick) });
        break;
      }
      case 'contribute':
        submit(r.contribute(s, state, clock.now));
        break;
      case 'judge':
        submit(r.judge(s, state));
        break;
      case 'deposit': {
        const amount = depositAmount(s.amount, state, h.economy);
        if (amount !== undefined) submit({ type: 'DepositStake', account: r.depositAccount(s), amount, ref: r.nextRef(s.reuseRef) });
        break;
      }
      case 'unstake': {
        const stakers = [...state.accounts.values()].filter((a) => a.bondedWei > 0n).map((a) => a.account);
        const account = s.live && stakers.length > 0 ? mod(stakers, s.account) : mod(h.accounts, s.account);
        submit({ type: 'RequestUnstake', account, amount: resolveAmount(s.amount, state.accounts.get(account)?.bondedWei ?? 0n) });
        break;
      }
      case 'withdraw': {
        const epoch = recordingEpoch(state, clock.now);
        const unbonded = [...state.accounts.values()].filter((a) => unbondedWei(a, epoch) > 0n).map((a) => a.account);
        const account = s.live && unbonded.length > 0 ? mod(unbonded, s.account) : mod(h.accounts, s.account);
        const a = state.accounts.get(account);
        const free = a ? unbondedWei(a, epoch) : 0n;
        submit({ type: 'WithdrawStake', account, amount: resolveAmount(s.amount, free) });
        break;
      }
      case 'revenue':
        submit(r.revenue(s));
        break;
      case 'burn':
        submit(r.burn(s, state, h.economy));
        break;
      case 'configure':
        submit(r.configure(s, state));
        break;
      case 'distribute':
        submit(r.distribute(s, state, ledger.head));
        break;
      case 'distributionStep':
        submit(r.distributionStep(s, state, clock.now));
        break;
      case 'claim':
        submit(r.claim(s, state));
        break;
      case 'postTask':
        submit(r.postTask(s, state, ledger.head));
        break;
      case 'taskResult':
        submit(r.taskResult(s, state, clock.now));
        break;
      case 'configureChain': {
        const chainId = PAYOUT_CHAIN_IDS[s.chain]!;
        const registered = [...state.assetRegistry.keys()];
        const assets = registered
          .filter((_, i) => (s.assets >> i) & 1)
          .map((asset) => ({ asset, address: s.clash ? chainAddress(asset, chainId + 1) : chainAddress(asset, chainId) }));
        if (assets.length > 0) submit({ type: 'ConfigureChain', chainId, assets });
        break;
      }
      case 'setPayoutChain': {
        const earners = [...state.accounts.values()].filter((a) => a.cumulativeWei.size > 0).map((a) => a.account);
        const account = s.live && earners.length > 0 ? mod(earners, s.account) : mod(h.accounts, s.account);
        const sequence = (state.accounts.get(account)?.payoutSequence ?? 0) + (s.stale ? 0 : 1);
        submit({ type: 'SetPayoutChain', account, chainId: s.chain === null ? null : PAYOUT_CHAIN_IDS[s.chain]!, sequence: Math.max(1, sequence) });
        break;
      }
    }
  }
  if (h.flush)
    for (let i = 0; state.lastClosedEpoch + 1 < h.maxEpochs; i++) {
      close(true);
      if (!h.distributeOnFlush) continue;
      submit(r.distribute({ t: 'distribute', stale: false }, state, ledger.head));
      const seq = state.distributions.length;
      if (seq > 0 && i % 2 === 0) {
        submit(r.distributionStep({ t: 'distributionStep', action: 'publish', pick: seq - 1, withTx: true }, state, clock.now));
        submit(r.distributionStep({ t: 'distributionStep', action: i % 4 === 0 ? 'activate' : 'revoke', pick: seq - 1, withTx: i % 3 === 0 }, state, clock.now));
      }
      // Each payout chain's tree on its own chain (issue 15), so claims there can be recorded.
      for (const c of state.distributions.at(-1)?.chains ?? []) {
        const chain = PAYOUT_CHAIN_IDS.indexOf(c.chainId as (typeof PAYOUT_CHAIN_IDS)[number]);
        submit(r.distributionStep({ t: 'distributionStep', action: 'publish', pick: seq - 1, withTx: true, chain }, state, clock.now));
        if (i % 2 === 1) submit(r.distributionStep({ t: 'distributionStep', action: 'activate', pick: seq - 1, withTx: true, chain }, state, clock.now));
      }
      submit(r.claim({ t: 'claim', pick: i, amount: { frac: 5000 } }, state));
      submit(r.claim({ t: 'claim', pick: 7 * i + 3, amount: { frac: 5000 } }, state));
    }

  return {
    history: h,
    state,
    events: ledger.events,
    log: ledger.log,
    applied: ledger.applied,
    refusals: ledger.refusals,
    closes: ledger.closes,
  };
};

/** The domain event log a history produces. */
export const historyToEvents = (h: History): CorexEvent[] => runHistory(h).events;

// ───────────────────────────── Sybil pairs ─────────────────────────────

export interface SybilOptions {
  /**
   * Forbid the Sybil (in either variant) from requesting an unstake in an epoch in which the same
   * account deposited (see the active-stake finding in test/properties/sybil.test.ts).
   */
  readonly noSameEpochUnstakeOfFreshDeposit?: boolean;
}

export interface SybilCase {
  readonly history: History;
  /** Number of accounts the Sybil splits into (2 or 3). */
  readonly k: number;
  readonly options: SybilOptions;
}

export const sybilCaseArb = (options: SybilOptions = {}): fc.Arbitrary<SybilCase> =>
  fc
    .record({
      history: historyArb({ singleTier: true, maxSteps: 50 }),
      k: fc.integer({ min: 2, max: 3 }),
    })
    .map(({ history, k }) => ({ history, k, options }));

export interface SybilRun {
  readonly a: Ledger;
  readonly b: Ledger;
  /** The Sybil's address in variant A. */
  readonly single: string;
  /** The k addresses it splits into in variant B (the first is `single`). */
  readonly split: readonly string[];
  /** Times variant B refused a Sybil stake command (and it was skipped in both). */
  readonly skippedPairs: number;
}

/**
 * Variant A: the Sybil (accounts[0]) operates its nodes and stakes as one account.
 * Variant B: the same nodes and stake are spread over k accounts (nodes by `NodeSpec.sub`, deposits
 * by the step's `split` weights, unstakes and withdrawals from the step's `sub`). Everything else is
 * identical: same time line, same other participants, same contributions and verdicts.
 *
 * Adjustments so that the two variants stay comparable (documented in the Sybil test):
 * - the Sybil is never a verifier nor a revenue provider (index 0 is remapped to 1 there);
 * - fraud verdicts on the Sybil's nodes are recorded as `invalid` in both variants (a slash takes
 *   slashBps of the *account's* stake, so splitting changes what a fraud costs; see the report);
 * - a Sybil stake command that B refuses is skipped in both (A must accept what B accepts).
 */
export const runSybil = (c: SybilCase): SybilRun => {
  const h = c.history;
  const a = new Ledger();
  const b = new Ledger();
  const clock = new Clock(h.params, h.maxEpochs);
  const ra = new Resolver(h);
  const rb = new Resolver(h);
  const single = h.accounts[0]!;
  const split = [single, ...h.extras.slice(0, c.k - 1)];
  const notSybil = (i: number) => (i % h.accounts.length === 0 ? 1 : i);
  let skippedPairs = 0;
  /** Epochs in which each account (by address, either variant) deposited. */
  const depositEpochs = new Map<string, Set<number>>();

  const both = (cmdA: Command | undefined, cmdB: Command | undefined = cmdA) => {
    if (cmdA) a.submit(cmdA, clock.now);
    if (cmdB) b.submit(cmdB, clock.now);
  };
  const isSybilNode = (i: number) => ra.operatorOf(mod(h.nodes, i)) === single;
  const registerNode = (i: number) => {
    const spec = mod(h.nodes, i);
    const subAccount = isSybilNode(i) ? split[spec.sub % c.k]! : undefined;
    both(ra.registerNode(i), rb.registerNode(i, subAccount));
  };
  /** Sybil stake command pair, applied only if B accepts every part; A must then accept. */
  const pair = (cmdA: Command, cmdsB: Command[]) => {
    const decisionsB = cmdsB.map((cmd) => b.tryDecide(cmd, clock.now));
    if (cmdsB.length === 0 || decisionsB.some(E.isLeft)) {
      skippedPairs++;
      return;
    }
    const decisionA = a.tryDecide(cmdA, clock.now);
    if (E.isLeft(decisionA))
      throw new Error(`variant A refused ${cmdA.type} (${decisionA.left}) although variant B accepted its split`);
    a.apply(cmdA, decisionA.right, clock.now);
    cmdsB.forEach((cmd, i) => b.apply(cmd, (decisionsB[i] as E.Right<CorexEvent[]>).right, clock.now));
  };
  const noteDeposit = (account: string) => {
    const epoch = recordingEpoch(a.state, clock.now);
    if (!depositEpochs.has(account)) depositEpochs.set(account, new Set());
    depositEpochs.get(account)!.add(epoch);
  };
  const depositedNow = (account: string) => depositEpochs.get(account)?.has(recordingEpoch(a.state, clock.now)) ?? false;

  both({ type: 'ConfigureProtocol', params: h.params });
  for (const asset of h.assets) both(registerAsset(asset));
  for (let i = 0; i < Math.min(h.preRegistered, h.nodes.length); i++) registerNode(i);
  for (const v of h.preVerifiers) both({ type: 'RegisterVerifier', verifier: mod(h.accounts, notSybil(v)) });

  const close = (jump: boolean) => {
    const next = a.state.lastClosedEpoch + 1;
    if (next >= h.maxEpochs) return;
    if (jump) clock.moveTo(epochEndSeconds(h.params, next));
    a.submit({ type: 'CloseEpoch', epoch: next, logHead: a.head }, clock.now);
    b.submit({ type: 'CloseEpoch', epoch: next, logHead: b.head }, clock.now);
    if (a.state.lastClosedEpoch !== b.state.lastClosedEpoch) throw new Error('the two variants closed different epochs');
  };

  for (const s of h.steps) {
    switch (s.t) {
      case 'advance':
        clock.advance(s.bps);
        break;
      case 'close':
        close(s.jump);
        break;
      case 'registerNode':
        registerNode(s.node);
        break;
      case 'registerVerifier':
        both({ type: 'RegisterVerifier', verifier: mod(h.accounts, notSybil(s.account)) });
        break;
      case 'removeVerifier': {
        const vs = [...a.state.verifiers];
        both({ type: 'RemoveVerifier', verifier: vs.length > 0 ? mod(vs, s.pick) : mod(h.accounts, notSybil(s.pick)) });
        break;
      }
      case 'contribute':
        both(ra.contribute(s, a.state, clock.now), rb.contribute(s, b.state, clock.now));
        break;
      case 'judge': {
        const step = { ...s, raw: false };
        const cmd = ra.judge(step, a.state);
        rb.judge(step, b.state); // keep resolvers in step (they are stateless here, but stay symmetric)
        if (cmd && cmd.type === 'RejectContribution' && cmd.reason === 'fraud') {
          const contribution = a.state.contributions.get(cmd.contributionId);
          const operator = contribution ? a.state.nodes.get(contribution.nodeId)?.operator : undefined;
          if (operator === single) {
            both({ ...cmd, reason: 'invalid' });
            break;
          }
        }
        both(cmd);
        break;
      }
      case 'deposit': {
        const account = ra.depositAccount(s);
        const amount = resolveAmount(s.amount, 10n ** 21n);
        const ref = ra.nextRef(false);
        rb.nextRef(false);
        if (account !== single) {
          both({ type: 'DepositStake', account, amount, ref });
          break;
        }
        // Split `amount` by the step's weights over the k accounts (zero parts dropped).
        const weights = s.split.slice(0, c.k).map(BigInt);
        const total = weights.reduce((x, y) => x + y, 0n);
        const parts: bigint[] = total === 0n ? [amount] : weights.map((w) => (amount * w) / total);
        parts[parts.length - 1]! += amount - parts.reduce((x, y) => x + y, 0n);
        const cmdsB: Command[] = [];
        parts.forEach((p, i) => {
          if (p > 0n) cmdsB.push({ type: 'DepositStake', account: split[i]!, amount: p, ref: `${ref}-${i}` });
        });
        pair({ type: 'DepositStake', account, amount, ref }, cmdsB);
        noteDeposit(single);
        for (const cmd of cmdsB) if (cmd.type === 'DepositStake') noteDeposit(cmd.account);
        break;
      }
      case 'unstake': {
        const account = mod(h.accounts, s.account);
        if (account !== single) {
          both({ type: 'RequestUnstake', account, amount: resolveAmount(s.amount, a.state.accounts.get(account)?.bondedWei ?? 0n) });
          break;
        }
        const sub = split[s.sub % c.k]!;
        if (c.options.noSameEpochUnstakeOfFreshDeposit && (depositedNow(sub) || depositedNow(single))) {
          skippedPairs++;
          break;
        }
        const amount = resolveAmount(s.amount, b.state.accounts.get(sub)?.bondedWei ?? 0n);
        pair({ type: 'RequestUnstake', account: single, amount }, [{ type: 'RequestUnstake', account: sub, amount }]);
        break;
      }
      case 'withdraw': {
        const account = mod(h.accounts, s.account);
        const epoch = recordingEpoch(a.state, clock.now);
        if (account !== single) {
          const acc = a.state.accounts.get(account);
          both({ type: 'WithdrawStake', account, amount: resolveAmount(s.amount, acc ? unbondedWei(acc, epoch) : 0n) });
          break;
        }
        const sub = split[s.sub % c.k]!;
        const acc = b.state.accounts.get(sub);
        const amount = resolveAmount(s.amount, acc ? unbondedWei(acc, epoch) : 0n);
        pair({ type: 'WithdrawStake', account: single, amount }, [{ type: 'WithdrawStake', account: sub, amount }]);
        break;
      }
      case 'revenue': {
        const step = { ...s, provider: s.provider === null ? null : notSybil(s.provider) };
        both(ra.revenue(step), rb.revenue(step));
        break;
      }
      case 'burn':
        // Burns do not change rewards; each variant checks them against its own supply.
        both(ra.burn(s, a.state, 'open'), rb.burn(s, b.state, 'open'));
        break;
      case 'configure':
        both(ra.configure(s, a.state), rb.configure(s, b.state));
        break;
      case 'distribute':
      case 'distributionStep':
      case 'claim':
        // Distributions and claims do not change rewards; not part of the comparison.
        break;
    }
  }
  if (h.flush) while (a.state.lastClosedEpoch + 1 < h.maxEpochs) close(true);
  return { a, b, single, split, skippedPairs };
};

// ───────────────────────────── focused variants ─────────────────────────────

/**
 * Makes slashes frequent: node 0 does verified work that epoch 0 pays (so CXT is minted, which the
 * closed economies need before anyone can stake), every operator then stakes (half of the free minted
 * CXT in closed economies, a fixed amount otherwise), the clock moves one epoch so that stake is
 * active, and every `invalid` verdict of the random steps becomes `fraud`.
 */
export const slashHeavy = (h: History): History => {
  const node0 = h.nodes[0]!;
  const verifier = ((node0.operator % h.operators) + 1) % h.accounts.length;
  const prefix: Step[] = [
    { t: 'registerNode', node: 0 },
    { t: 'registerVerifier', account: verifier },
    { t: 'contribute', node: 0, lag: 0, future: false, kind: 'compute', units: 1000, taskId: false, duplicate: false },
    { t: 'judge', pick: 0, verifier, raw: true, verdict: 'verify' },
    { t: 'close', jump: true },
  ];
  for (let i = 0; i < h.operators; i++)
    prefix.push({
      t: 'deposit',
      account: i,
      toOperator: true,
      amount: h.economy === 'open' ? { abs: 10n ** 18n + BigInt(i) } : { frac: 5000 },
      reuseRef: false,
      split: [1, 1, 1],
    });
  prefix.push({ t: 'advance', bps: 10_000 });
  const steps = h.steps.map((s): Step => (s.t === 'judge' && s.verdict === 'invalid' ? { ...s, verdict: 'fraud' } : s));
  return { ...h, maxEpochs: Math.max(h.maxEpochs, 3), steps: [...prefix, ...steps] };
};
