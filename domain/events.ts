/**
 * The event catalogue (DESIGN §3): one io-ts codec per event type. Decoded data carries bigint
 * amounts; the JSON form (what is stored and hashed) carries decimal strings.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import {
  Address,
  Amount,
  boundedArray,
  intCodec,
  CommandAmount,
  Count,
  Epoch,
  Hash32,
  Id,
  PositiveAmount,
  PositiveCommandAmount,
  PositiveCount,
  literalUnion,
  strictObject,
  text,
} from './codecs.ts';
import { ProtocolParamsCodec, TierName } from './params.ts';
import { fieldErrors, type FieldError } from './errors.ts';

export const HardwareClass = literalUnion('HardwareClass', ['gpu', 'cpu', 'edge', 'storage', 'bandwidth']);
export const ContributionKind = literalUnion('ContributionKind', ['compute', 'training', 'data']);
export const RejectReason = literalUnion('RejectReason', ['invalid', 'fraud']);
export const RevenueSource = literalUnion('RevenueSource', ['subscription', 'on_demand', 'api', 'task']);
export const BurnReason = literalUnion('BurnReason', ['buyback', 'slash', 'other']);
export type HardwareClass = t.TypeOf<typeof HardwareClass>;
export type ContributionKind = t.TypeOf<typeof ContributionKind>;

export const TaskKind = literalUnion('TaskKind', ['training', 'inference', 'data']);
export type TaskKind = t.TypeOf<typeof TaskKind>;
/** A task may be split into at most this many fragments: one decision assigns them all. */
export const MAX_TASK_FRAGMENTS = 1_000;
export const Redundancy = intCodec('Redundancy', 1, 5);
export const TaskFragment = strictObject('TaskFragment', { fragmentId: Id, units: PositiveCount, hardwareClass: HardwareClass });
export const TaskFragments = boundedArray('TaskFragments', TaskFragment, 1, MAX_TASK_FRAGMENTS);
const NodeIds = boundedArray('NodeIds', Id, 1, 5);
const ContributionIds = t.array(Id);

/** What a buyer states when posting a task (the command's fields; the event adds epoch and salt). */
export const taskTermFields = {
  taskId: Id,
  initiator: Address,
  kind: TaskKind,
  asset: Address,
  budget: PositiveCommandAmount,
  fragments: TaskFragments,
  redundancy: Redundancy,
  quorum: Redundancy,
  deadlineEpoch: Epoch,
} as const;

export const Region = text('Region', 1, 64);
export const Reason = text('Reason', 0, 500);
/** A payout chain by EVM chain id; null is the primary chain (payoutChains.ts). */
export const PayoutChainId = t.union([PositiveCount, t.null], 'PayoutChainId');
const TokenTotal = strictObject('TokenTotal', { token: Address, cumulative: Amount });
/** One payout chain's tree in a distribution. */
export const ChainTree = strictObject('ChainTree', { chainId: PositiveCount, root: Hash32, leafCount: Count, totals: t.array(TokenTotal), treeHash: Hash32 });
/** Asset mappings one ChainConfigured may carry (an event must stay a size the store and the audit take). */
export const MAX_CHAIN_ASSETS = 1000;
/** A registered asset (its primary-chain address) and its ERC-20 address on another chain. */
export const ChainAsset = strictObject('ChainAsset', { asset: Address, address: Address });

/** An ERC-20's symbol as it reports it: 1–32 characters, no control characters or lone surrogates. */
export const AssetSymbol = text('AssetSymbol', 1, 32);
/** ERC-20 decimals are a uint8. */
export const AssetDecimals = new t.Type<number, number, unknown>(
  'AssetDecimals',
  (u): u is number => Number.isInteger(u) && (u as number) >= 0 && (u as number) <= 255,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 255 ? t.success(u) : t.failure(u, c, 'must be a whole number from 0 to 255')),
  (v) => v,
);

const PoolResult = strictObject('PoolResult', { budget: Amount, minted: Amount });
export const RevenueSplit = strictObject('RevenueSplit', {
  asset: Address,
  gross: Amount,
  fees: Amount,
  provider: Amount,
  stakers: Amount,
  buyback: Amount,
});
export type RevenueSplit = t.TypeOf<typeof RevenueSplit>;

export const eventDataCodecs = {
  ProtocolConfigured: strictObject('ProtocolConfigured', { version: PositiveCount, effectiveEpoch: Epoch, params: ProtocolParamsCodec }),
  NodeRegistered: strictObject(
    'NodeRegistered',
    { nodeId: Id, operator: Address, signer: Address, hardwareClass: HardwareClass },
    { region: Region },
  ),
  ContributionRecorded: strictObject(
    'ContributionRecorded',
    { contributionId: Id, nodeId: Id, epoch: Epoch, kind: ContributionKind, units: PositiveCount, proofHash: Hash32 },
    // fragmentId (with taskId): a task result, its proofHash the result hash the consensus compares.
    { taskId: Id, fragmentId: Id },
  ),
  ContributionVerified: strictObject('ContributionVerified', { contributionId: Id, nodeId: Id, verifier: Address, epoch: Epoch }),
  ContributionRejected: strictObject('ContributionRejected', {
    contributionId: Id,
    nodeId: Id,
    verifier: Address,
    epoch: Epoch,
    reason: RejectReason,
  }),
  VerifierRegistered: strictObject('VerifierRegistered', { verifier: Address }),
  VerifierRemoved: strictObject('VerifierRemoved', { verifier: Address }),
  /** preGenesis: recorded before genesis time (the genesis staking window), so active from epoch 0. */
  StakeDeposited: strictObject('StakeDeposited', { account: Address, amount: PositiveCommandAmount, epoch: Epoch, ref: Id }, { preGenesis: t.literal(true) }),
  UnstakeRequested: strictObject('UnstakeRequested', { account: Address, amount: PositiveCommandAmount, epoch: Epoch, releaseEpoch: Epoch }),
  StakeWithdrawn: strictObject('StakeWithdrawn', { account: Address, amount: PositiveCommandAmount, epoch: Epoch }),
  StakeSlashed: strictObject('StakeSlashed', { account: Address, amount: PositiveCommandAmount, epoch: Epoch, contributionId: Id }),
  TierChanged: strictObject('TierChanged', { account: Address, from: TierName, to: TierName, epoch: Epoch }),
  /**
   * A payout chain besides the primary one, or more of its asset addresses: each registered asset
   * (its primary-chain address) mapped to its ERC-20 on that chain. Additive: a mapping never changes.
   */
  ChainConfigured: strictObject('ChainConfigured', { chainId: PositiveCount, assets: boundedArray('ChainAssets', ChainAsset, 1, MAX_CHAIN_ASSETS) }),
  /** The account's rewards are payable on `chainId` (null: the primary chain) from now on; signed by the account, `sequence` = its changes so far + 1. */
  PayoutChainSet: strictObject('PayoutChainSet', { account: Address, chainId: PayoutChainId, sequence: PositiveCount, epoch: Epoch }),
  /** An ERC-20 that revenue and buybacks may be recorded in; its code was checked on-chain before. CXT is registered at genesis. */
  AssetRegistered: strictObject('AssetRegistered', { asset: Address, symbol: AssetSymbol, decimals: AssetDecimals }),
  RevenueRecorded: strictObject(
    'RevenueRecorded',
    { revenueId: Id, epoch: Epoch, source: RevenueSource, asset: Address, gross: PositiveCommandAmount },
    { provider: Address },
  ),
  TokensBurned: strictObject(
    'TokensBurned',
    { burnId: Id, amount: PositiveCommandAmount, epoch: Epoch, reason: BurnReason },
    { asset: Address, spent: CommandAmount },
  ),
  EpochClosed: strictObject(
    'EpochClosed',
    {
      epoch: Epoch,
      budget: Amount,
      minted: Amount,
      pools: strictObject('Pools', { compute: PoolResult, staking: PoolResult, verification: PoolResult }),
      revenue: t.array(RevenueSplit),
      allocationsHash: Hash32,
      recipients: Count,
      logHead: Hash32,
    },
    // expired: contributions whose verification window ended unjudged at this close. stateHash:
    // keccak256(JCS(snapshot of the state at logHead)) (snapshot.ts). Both absent in older logs.
    { expired: Count, stateHash: Hash32 },
  ),
  /**
   * root/leafCount/totals/treeHash: the primary chain's tree. chains: the tree of each payout chain
   * that has leaves (payoutChains.ts), tokens at their addresses there; absent when none has.
   */
  DistributionCreated: strictObject(
    'DistributionCreated',
    {
      seq: PositiveCount,
      throughEpoch: Epoch,
      root: Hash32,
      leafCount: Count,
      totals: t.array(TokenTotal),
      treeHash: Hash32,
      logHead: Hash32,
    },
    { chains: t.array(ChainTree) },
  ),
  DistributionPublished: strictObject(
    'DistributionPublished',
    { seq: PositiveCount, chainId: PositiveCount, contract: Address, txHash: Hash32, blockNumber: Count, validAt: Count },
    // The proposal's block: an identical transaction re-sent on a chain that started over lands in another block.
    { blockHash: Hash32 },
  ),
  // chainId: a payout chain's tree was accepted / revoked there (chainDistributions.ts); absent: the primary chain's.
  DistributionActivated: strictObject('DistributionActivated', { seq: PositiveCount }, { txHash: Hash32, chainId: PositiveCount }),
  DistributionRevoked: strictObject('DistributionRevoked', { seq: PositiveCount }, { txHash: Hash32, reason: Reason, chainId: PositiveCount }),
  /** A buyer's task: the budget (in a registered asset) is its payment, held until the task settles. salt: the log head at posting. */
  TaskPosted: strictObject('TaskPosted', { ...taskTermFields, epoch: Epoch, salt: Hash32 }),
  /** The nodes that take a fragment's seats in a round (1: at posting, 2: the one reassignment), chosen by assignment.ts with `salt`. */
  FragmentAssigned: strictObject('FragmentAssigned', { taskId: Id, fragmentId: Id, round: intCodec('Round', 1, 2), nodeIds: NodeIds, deadlineEpoch: Epoch, salt: Hash32 }),
  /** q results agreed: `quorum` are verified (paid from the compute pool), `dissent` rejected as invalid. */
  FragmentAccepted: strictObject('FragmentAccepted', { taskId: Id, fragmentId: Id, epoch: Epoch, resultHash: Hash32, quorum: ContributionIds, dissent: ContributionIds }),
  /** No quorum by the last round's deadline (or no fresh nodes to reassign it to): its results are rejected as invalid, its budget share refunded. */
  FragmentFailed: strictObject('FragmentFailed', { taskId: Id, fragmentId: Id, epoch: Epoch, rejected: ContributionIds }),
  /** Written by the close that settles a task: budget = Σ nodePay + fee + refund, in the task's asset. */
  TaskSettled: strictObject('TaskSettled', {
    taskId: Id,
    epoch: Epoch,
    asset: Address,
    budget: PositiveCommandAmount,
    nodePay: t.array(strictObject('TaskPay', { account: Address, amount: PositiveAmount })),
    fee: Amount,
    refund: Amount,
    initiator: Address,
    accepted: Count,
    failed: Count,
  }),
  /** chainId: claimed on that payout chain, token at its address there; absent: on the primary chain. */
  RewardsClaimed: strictObject(
    'RewardsClaimed',
    {
      account: Address,
      token: Address,
      amount: PositiveAmount,
      txHash: Hash32,
      logIndex: Count,
      blockNumber: Count,
    },
    { chainId: PositiveCount },
  ),
} as const;

type Codecs = typeof eventDataCodecs;
export type EventType = keyof Codecs;
export type EventData<K extends EventType> = t.TypeOf<Codecs[K]>;
/** A decoded domain event: the type tag and its data. */
export type CorexEvent = { [K in EventType]: { readonly type: K; readonly data: EventData<K> } }[EventType];
export type EventOf<K extends EventType> = Extract<CorexEvent, { type: K }>;

export const EVENT_TYPES = Object.keys(eventDataCodecs) as EventType[];
export const isEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(eventDataCodecs, type);

export const event = <K extends EventType>(type: K, data: EventData<K>): EventOf<K> => ({ type, data }) as EventOf<K>;

/** Decode stored or submitted JSON into a domain event; every field problem is listed. */
export const decodeEvent = (type: string, data: unknown): E.Either<FieldError[], CorexEvent> => {
  if (!isEventType(type)) return E.left([{ field: 'type', message: `is not a known event type: ${JSON.stringify(type)}` }]);
  const codec = eventDataCodecs[type] as unknown as t.Type<unknown, unknown, unknown>;
  const result = codec.decode(data);
  return E.isLeft(result)
    ? E.left(fieldErrors(result.left).map((e) => ({ field: e.field === '(root)' ? 'data' : `data.${e.field}`, message: e.message })))
    : E.right({ type, data: result.right } as CorexEvent);
};

/** JSON form of an event's data: amounts as decimal strings, addresses lowercase. */
export const encodeEventData = (e: CorexEvent): Record<string, unknown> =>
  (eventDataCodecs[e.type] as unknown as t.Type<unknown, Record<string, unknown>, unknown>).encode(e.data);
