/**
 * The scenario model: what the agents do (network, verification, staking, marketplace, price) and
 * which protocol parameters they run under. Validated with io-ts; protocol parameters stay in their
 * JSON form here and are decoded by the domain's own codec when a subset is resolved (params.ts).
 */
import * as t from 'io-ts';
import { Address, Count, PositiveCount, strictObject } from '../domain/codecs.ts';
import { Redundancy } from '../domain/events.ts';

const floatCodec = (name: string, ok: (n: number) => boolean, rule: string) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isFinite(u) && ok(u),
    (u, c) => (typeof u === 'number' && Number.isFinite(u) && ok(u) ? t.success(u) : t.failure(u, c, rule)),
    (v) => v,
  );

const Probability = floatCodec('Probability', (n) => n >= 0 && n <= 1, 'must be a number from 0 to 1');
const NonNegative = floatCodec('NonNegative', (n) => n >= 0, 'must be a number ≥ 0');
const Positive = floatCodec('Positive', (n) => n > 0, 'must be a number > 0');
const AtLeastOne = floatCodec('AtLeastOne', (n) => n >= 1, 'must be a number ≥ 1');
const GrowthRate = floatCodec('GrowthRate', (n) => n > -1, 'must be a number > -1');
const Real = floatCodec('Real', () => true, 'must be a finite number');

const Units = strictObject('UnitsDistribution', { median: Positive, sigma: NonNegative });

export const NetworkCodec = strictObject('Network', {
  initialNodes: Count,
  /** Active nodes never exceed this; also what bounds the run time. */
  maxNodes: Count,
  /** Expected new nodes per epoch as a share of the active ones (a network with none does not grow). */
  growthPerEpoch: NonNegative,
  /** Probability that an active node leaves for good in an epoch. */
  churnPerEpoch: Probability,
  /** Probability that an active node contributes in a given epoch. */
  uptime: Probability,
  /** Mean nodes per operator: a new node joins an existing operator with probability 1 − 1/nodesPerOperator. */
  nodesPerOperator: AtLeastOne,
  /** Relative weights of the operators' hardware classes (an operator runs one class). */
  hardwareMix: strictObject('HardwareMix', { gpu: NonNegative, cpu: NonNegative, edge: NonNegative, storage: NonNegative, bandwidth: NonNegative }),
  /** Work units per node per epoch, log-normal by class. */
  unitsPerNode: strictObject('UnitsPerNode', { gpu: Units, cpu: Units, edge: Units, storage: Units, bandwidth: Units }),
  kindMix: strictObject('KindMix', { compute: NonNegative, training: NonNegative, data: NonNegative }),
});

export const VerificationCodec = strictObject('Verification', {
  verifiers: PositiveCount,
  /** Share of contributions rejected as invalid (no reward, no slash). */
  invalidRate: Probability,
  /** Share rejected as fraud: the operator's active stake is slashed by slashBps and burned. */
  fraudRate: Probability,
});

export const StakingCodec = strictObject('Staking', {
  /** Stake bonded in the genesis staking window (before genesis time), spread over `initialStakers`. */
  initialStakeCxt: NonNegative,
  initialStakers: PositiveCount,
  /** Pure staker accounts (no nodes); operators may stake too, see operatorShare. */
  stakers: PositiveCount,
  /** Staking ratio (bonded / circulating) stakers aim for when the APR equals referenceApr. */
  baseRatio: Probability,
  referenceApr: NonNegative,
  /** Target ratio moves by this much per unit of APR above or below the reference. */
  aprSensitivity: NonNegative,
  maxRatio: Probability,
  /** Share of the gap to the target ratio closed per epoch. */
  adjustPerEpoch: Probability,
  /** Share of bonded stake that leaves each epoch whatever the APR. */
  exitPerEpoch: Probability,
  /** Probability that a deposit is made by a node operator (which boosts its compute weight). */
  operatorShare: Probability,
  depositsPerEpoch: PositiveCount,
  /** The APR stakers react to is an exponential average over about this many epochs. */
  aprSmoothingEpochs: PositiveCount,
});

export const MarketplaceCodec = strictObject('Marketplace', {
  /** ERC-20 address of the revenue asset (18 decimals assumed), e.g. a stablecoin. */
  asset: Address,
  /** Gross revenue per verified work unit at epoch 0, in whole asset units. */
  revenuePerUnit: NonNegative,
  demandGrowthPerYear: GrowthRate,
  /** Log-normal noise on each epoch's demand. */
  noiseSigma: NonNegative,
  recordsPerEpoch: PositiveCount,
  /** Probability that a revenue record names a provider (an operator who did work); else all of it is fee. */
  providerShare: Probability,
});

/** Geometric Brownian motion of the CXT price in asset units: dP/P = μ dt + σ dW, t in years. */
export const PriceCodec = strictObject('Price', { initial: Positive, driftPerYear: Real, volatilityPerYear: NonNegative });

export const BuybackCodec = strictObject('Buyback', {
  /** Share of the available buyback budget spent (and burned as CXT at the current price) each epoch. */
  spendShare: Probability,
});

/** Buyers posting AI tasks (README, "Tasks"), paid in the marketplace asset; absent: no tasks. */
export const TasksCodec = strictObject('Tasks', {
  /** Expected tasks posted per epoch (the count is the expectation rounded at random). */
  perEpoch: NonNegative,
  fragments: PositiveCount,
  /** Work units per fragment, log-normal. */
  unitsPerFragment: Units,
  redundancy: Redundancy,
  quorum: Redundancy,
  /** Epochs after posting by which results are due (0: the posting epoch itself). */
  deadlineEpochs: Count,
  /** Budget per work unit, in whole asset units. */
  budgetPerUnit: NonNegative,
  /** Probability that a seated node never delivers its result. */
  failureRate: Probability,
  /** Probability that a seated node delivers a wrong result hash. */
  cheatRate: Probability,
});

/**
 * What the network is worth to the people in it: the running cost of one node per epoch by
 * hardware class, in whole units of the revenue asset (power, hosting, depreciation). Absent: no
 * operator return is computed (its columns are 0).
 */
export const ValueCodec = strictObject('Value', {
  hardwareCostPerEpoch: strictObject('HardwareCost', { gpu: NonNegative, cpu: NonNegative, edge: NonNegative, storage: NonNegative, bandwidth: NonNegative }),
});

export const ScenarioCodec = strictObject('Scenario', {
  name: t.string,
  description: t.string,
  epochs: PositiveCount,
  runs: PositiveCount,
  /** Overrides of the default protocol parameters (DESIGN §8) in their JSON form. */
  params: t.UnknownRecord,
  network: NetworkCodec,
  verification: VerificationCodec,
  staking: StakingCodec,
  marketplace: MarketplaceCodec,
  price: PriceCodec,
  buyback: BuybackCodec,
}, { tasks: TasksCodec, value: ValueCodec });

export type Scenario = t.TypeOf<typeof ScenarioCodec>;
export type NetworkModel = Scenario['network'];
export type StakingModel = Scenario['staking'];
export type MarketplaceModel = Scenario['marketplace'];
export type TasksModel = NonNullable<Scenario['tasks']>;
export type ValueModel = NonNullable<Scenario['value']>;
