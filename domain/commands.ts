/**
 * Commands: what a caller asks the ledger to do. Each has an io-ts codec (boundaries validate with
 * it) and is decided by decide.ts. Fields use the same names as the events they produce, which is
 * what makes idempotent replays comparable (see `sameRequest`).
 */
import * as t from 'io-ts';
import { Address, Count, Epoch, Hash32, Id, PositiveAmount, PositiveCommandAmount, PositiveCount, boundedArray, literalUnion, strictObject } from './codecs.ts';
import {
  AssetDecimals,
  AssetSymbol,
  ChainAsset,
  ContributionKind,
  HardwareClass,
  MAX_CHAIN_ASSETS,
  PayoutChainId,
  Reason,
  Region,
  RejectReason,
  RevenueSource,
  taskTermFields,
} from './events.ts';
import { ProtocolParamsCodec } from './params.ts';

const cmd = <N extends string, R extends t.Props, O extends t.Props = {}>(type: N, required: R, optional?: O) =>
  strictObject(type, { type: t.literal(type), ...required } as { type: t.LiteralC<N> } & R, optional);

/**
 * Field lists of the commands a caller submits as they are (without `type`), shared with the HTTP
 * request codecs so a request and its command can never drift apart.
 */
export const commandFields = {
  RegisterNode: { required: { nodeId: Id, operator: Address, signer: Address, hardwareClass: HardwareClass }, optional: { region: Region } },
  RecordContribution: {
    required: { contributionId: Id, nodeId: Id, epoch: Epoch, kind: ContributionKind, units: PositiveCount, proofHash: Hash32 },
    optional: { taskId: Id, fragmentId: Id },
  },
  PostTask: { required: taskTermFields, optional: {} },
  RegisterVerifier: { required: { verifier: Address }, optional: {} },
  DepositStake: { required: { account: Address, amount: PositiveCommandAmount, ref: Id }, optional: {} },
  RequestUnstake: { required: { account: Address, amount: PositiveCommandAmount }, optional: {} },
  WithdrawStake: { required: { account: Address, amount: PositiveCommandAmount }, optional: {} },
  RecordRevenue: {
    required: { revenueId: Id, source: RevenueSource, asset: Address, gross: PositiveCommandAmount },
    optional: { provider: Address },
  },
  BurnTokens: {
    required: { burnId: Id, amount: PositiveCommandAmount, reason: literalUnion('ManualBurnReason', ['buyback', 'other']) },
    optional: { asset: Address, spent: PositiveCommandAmount },
  },
  RegisterAsset: { required: { asset: Address, symbol: AssetSymbol, decimals: AssetDecimals }, optional: {} },
} as const;

const fieldsCmd = <N extends keyof typeof commandFields>(type: N) =>
  cmd(type, commandFields[type].required as (typeof commandFields)[N]['required'], commandFields[type].optional as (typeof commandFields)[N]['optional']);

export const commandCodecs = {
  ConfigureProtocol: cmd('ConfigureProtocol', { params: ProtocolParamsCodec }, { effectiveEpoch: Epoch }),
  RegisterNode: fieldsCmd('RegisterNode'),
  RecordContribution: fieldsCmd('RecordContribution'),
  VerifyContribution: cmd('VerifyContribution', { contributionId: Id, verifier: Address }),
  RejectContribution: cmd('RejectContribution', { contributionId: Id, verifier: Address, reason: RejectReason }),
  RegisterVerifier: fieldsCmd('RegisterVerifier'),
  RemoveVerifier: cmd('RemoveVerifier', { verifier: Address }),
  DepositStake: fieldsCmd('DepositStake'),
  RequestUnstake: fieldsCmd('RequestUnstake'),
  WithdrawStake: fieldsCmd('WithdrawStake'),
  RecordRevenue: fieldsCmd('RecordRevenue'),
  BurnTokens: fieldsCmd('BurnTokens'),
  RegisterAsset: fieldsCmd('RegisterAsset'),
  /** salt: the log head when it is decided (the command handler sets it, as for CloseEpoch). */
  PostTask: cmd('PostTask', { ...commandFields.PostTask.required, salt: Hash32 }),
  /**
   * omitStateHash: a close with no log to anchor (the simulation, whose logHead is the zero hash)
   * records no stateHash, which costs a snapshot of the whole state per close. Never set by the
   * service (its close request carries only the epoch).
   */
  CloseEpoch: cmd('CloseEpoch', { epoch: Epoch, logHead: Hash32 }, { omitStateHash: t.literal(true) }),
  CreateDistribution: cmd('CreateDistribution', { throughEpoch: Epoch, logHead: Hash32 }),
  RecordDistributionPublished: cmd(
    'RecordDistributionPublished',
    { seq: PositiveCount, chainId: PositiveCount, contract: Address, txHash: Hash32, blockNumber: Count, validAt: Count },
    { blockHash: Hash32 },
  ),
  /**
   * proposal: which recorded proposal is accepted (proposalId of its DistributionPublished), so a
   * distribution proposed again on another chain, or on one that started over, can be activated again.
   */
  ActivateDistribution: cmd('ActivateDistribution', { seq: PositiveCount }, { txHash: Hash32, proposal: Id, chainId: PositiveCount }),
  /** chainId: a payout chain's tree, revoked on that chain; absent: the distribution (or its primary-chain proposal). */
  RevokeDistribution: cmd('RevokeDistribution', { seq: PositiveCount }, { txHash: Hash32, reason: Reason, chainId: PositiveCount }),
  /** Admin: a payout chain, or more asset addresses on one (additive; the service checks each ERC-20 on that chain). */
  ConfigureChain: cmd('ConfigureChain', { chainId: PositiveCount, assets: boundedArray('ChainAssets', ChainAsset, 1, MAX_CHAIN_ASSETS) }),
  /** Signed by `account` (EIP-712 PayoutChain): its rewards from now on are payable on `chainId` (null: the primary chain). */
  SetPayoutChain: cmd('SetPayoutChain', { account: Address, chainId: PayoutChainId, sequence: PositiveCount }),
  /** chainId: a claim on that payout chain (token at its address there); absent: on the primary chain. */
  RecordClaim: cmd('RecordClaim', { account: Address, token: Address, amount: PositiveAmount, txHash: Hash32, logIndex: Count, blockNumber: Count }, { chainId: PositiveCount }),
} as const;

type Codecs = typeof commandCodecs;
export type CommandType = keyof Codecs;
export type Command = { [K in CommandType]: t.TypeOf<Codecs[K]> }[CommandType];
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

export const CommandCodec = t.union(Object.values(commandCodecs) as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]], 'Command');

/**
 * One proposal of a distribution, as its key and its activation name it: the transaction and its
 * block (an identical transaction re-sent on a chain that started over has the same hash but lands
 * in another block); without the block hash (older records), its height and validAt.
 */
export const proposalId = (p: { readonly txHash: string; readonly blockNumber: number; readonly validAt: number; readonly blockHash?: string }): string =>
  p.blockHash === undefined ? `${p.txHash}:${p.blockNumber}:${p.validAt}` : `${p.txHash}:${p.blockHash}`;

/** The id of a contribution's first event: the event store knows it for good, the state only while it is open. */
export const contributionKey = (contributionId: string): string => `contribution:${contributionId}`;
/** The id of a contribution's verdict event (verified or rejected): at most one verdict each. */
export const verdictKey = (contributionId: string): string => `verdict:${contributionId}`;

/**
 * The natural idempotency key of a command, when it has one: the id of its first event.
 * Commands without one (unstake, withdraw, verifier changes, configuration) need a caller-chosen key.
 */
export const naturalKey = (c: Command): string | undefined => {
  switch (c.type) {
    case 'RegisterNode':
      return `node:${c.nodeId}`;
    case 'RecordContribution':
      return contributionKey(c.contributionId);
    case 'VerifyContribution':
    case 'RejectContribution':
      return verdictKey(c.contributionId);
    case 'DepositStake':
      return `stake:${c.ref}`;
    case 'RecordRevenue':
      return `revenue:${c.revenueId}`;
    case 'BurnTokens':
      return `burn:${c.burnId}`;
    case 'RegisterAsset':
      return `asset:${c.asset}`;
    case 'PostTask':
      return `task:${c.taskId}`;
    case 'CloseEpoch':
      return `epoch:${c.epoch}`;
    case 'CreateDistribution':
      return `distribution:${c.throughEpoch}`;
    // A distribution may be proposed again on a chain that lost it, even by an identical transaction
    // (same sender, nonce and data on a chain that started over): each proposal is its own request.
    case 'RecordDistributionPublished':
      return `distribution-published:${c.seq}:${proposalId(c)}`;
    case 'ActivateDistribution':
      return `distribution-activated:${c.seq}${c.proposal === undefined ? '' : `:${c.proposal}`}${c.chainId === undefined ? '' : `@${c.chainId}`}`;
    case 'RevokeDistribution':
      return `distribution-revoked:${c.seq}${c.chainId === undefined ? '' : `@${c.chainId}`}`;
    case 'RecordClaim':
      return c.chainId === undefined ? `claim:${c.txHash}:${c.logIndex}` : `claim:${c.chainId}:${c.txHash}:${c.logIndex}`;
    // One signed change per sequence number: the same signature sent twice is one request.
    case 'SetPayoutChain':
      return `payout-chain:${c.account}:${c.sequence}`;
    default:
      return undefined;
  }
};

const FIRST_EVENT_TYPE: { [K in CommandType]: string } = {
  ConfigureProtocol: 'ProtocolConfigured',
  RegisterNode: 'NodeRegistered',
  RecordContribution: 'ContributionRecorded',
  VerifyContribution: 'ContributionVerified',
  RejectContribution: 'ContributionRejected',
  RegisterVerifier: 'VerifierRegistered',
  RemoveVerifier: 'VerifierRemoved',
  DepositStake: 'StakeDeposited',
  RequestUnstake: 'UnstakeRequested',
  WithdrawStake: 'StakeWithdrawn',
  RecordRevenue: 'RevenueRecorded',
  BurnTokens: 'TokensBurned',
  RegisterAsset: 'AssetRegistered',
  PostTask: 'TaskPosted',
  CloseEpoch: 'EpochClosed',
  CreateDistribution: 'DistributionCreated',
  RecordDistributionPublished: 'DistributionPublished',
  ActivateDistribution: 'DistributionActivated',
  RevokeDistribution: 'DistributionRevoked',
  RecordClaim: 'RewardsClaimed',
  ConfigureChain: 'ChainConfigured',
  SetPayoutChain: 'PayoutChainSet',
};

/** Fields that vary with when a command runs, not with what it asks: ignored when comparing a replay. */
const CONTEXT_FIELDS = new Set(['type', 'logHead', 'salt']);

/**
 * Idempotency (DESIGN §3): is `c` the same request as the one that produced `firstEvent` (JSON form)?
 * Every command field the event also records must be equal; fields the command cannot know
 * (recording epoch, version) are not compared.
 */
export const sameRequest = (c: Command, firstEvent: { type: string; data: Record<string, unknown> }): boolean => {
  if (FIRST_EVENT_TYPE[c.type] !== firstEvent.type) return false;
  const encoded = (commandCodecs[c.type] as unknown as t.Type<unknown, Record<string, unknown>, unknown>).encode(c);
  for (const [field, value] of Object.entries(encoded)) {
    if (CONTEXT_FIELDS.has(field) || value === undefined) continue;
    if (!(field in firstEvent.data)) continue;
    if (JSON.stringify(canonicalValue(value)) !== JSON.stringify(canonicalValue(firstEvent.data[field]))) return false;
  }
  return true;
};

/** Key-order independent form for comparison of JSON values. */
const canonicalValue = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonicalValue((v as Record<string, unknown>)[k])]));
  return v;
};
