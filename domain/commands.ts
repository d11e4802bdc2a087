/**
 * Commands: what a caller asks the ledger to do. Each has an io-ts codec (boundaries validate with
 * it) and is decided by decide.ts. Fields use the same names as the events they produce, which is
 * what makes idempotent replays comparable (see `sameRequest`).
 */
import * as t from 'io-ts';
import { Address, Epoch, Hash32, Id, PositiveAmount, PositiveCount, literalUnion, strictObject } from './codecs.ts';
import { ContributionKind, HardwareClass, Region, RejectReason, RevenueSource } from './events.ts';
import { ProtocolParamsCodec } from './params.ts';

const cmd = <N extends string, R extends t.Props, O extends t.Props = {}>(type: N, required: R, optional?: O) =>
  strictObject(type, { type: t.literal(type), ...required } as { type: t.LiteralC<N> } & R, optional);

export const commandCodecs = {
  ConfigureProtocol: cmd('ConfigureProtocol', { params: ProtocolParamsCodec }, { effectiveEpoch: Epoch }),
  RegisterNode: cmd('RegisterNode', { nodeId: Id, operator: Address, signer: Address, hardwareClass: HardwareClass }, { region: Region }),
  RecordContribution: cmd(
    'RecordContribution',
    { contributionId: Id, nodeId: Id, epoch: Epoch, kind: ContributionKind, units: PositiveCount, proofHash: Hash32 },
    { taskId: Id },
  ),
  VerifyContribution: cmd('VerifyContribution', { contributionId: Id, verifier: Address }),
  RejectContribution: cmd('RejectContribution', { contributionId: Id, verifier: Address, reason: RejectReason }),
  RegisterVerifier: cmd('RegisterVerifier', { verifier: Address }),
  RemoveVerifier: cmd('RemoveVerifier', { verifier: Address }),
  DepositStake: cmd('DepositStake', { account: Address, amount: PositiveAmount, ref: Id }),
  RequestUnstake: cmd('RequestUnstake', { account: Address, amount: PositiveAmount }),
  WithdrawStake: cmd('WithdrawStake', { account: Address, amount: PositiveAmount }),
  RecordRevenue: cmd('RecordRevenue', { revenueId: Id, source: RevenueSource, asset: Address, gross: PositiveAmount }, { provider: Address }),
  BurnTokens: cmd(
    'BurnTokens',
    { burnId: Id, amount: PositiveAmount, reason: literalUnion('ManualBurnReason', ['buyback', 'other']) },
    { asset: Address, spent: PositiveAmount },
  ),
  CloseEpoch: cmd('CloseEpoch', { epoch: Epoch, logHead: Hash32 }),
} as const;

type Codecs = typeof commandCodecs;
export type CommandType = keyof Codecs;
export type Command = { [K in CommandType]: t.TypeOf<Codecs[K]> }[CommandType];
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

export const CommandCodec = t.union(Object.values(commandCodecs) as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]], 'Command');

/**
 * The natural idempotency key of a command, when it has one: the id of its first event.
 * Commands without one (unstake, withdraw, verifier changes, configuration) need a caller-chosen key.
 */
export const naturalKey = (c: Command): string | undefined => {
  switch (c.type) {
    case 'RegisterNode':
      return `node:${c.nodeId}`;
    case 'RecordContribution':
      return `contribution:${c.contributionId}`;
    case 'VerifyContribution':
    case 'RejectContribution':
      return `verdict:${c.contributionId}`;
    case 'DepositStake':
      return `stake:${c.ref}`;
    case 'RecordRevenue':
      return `revenue:${c.revenueId}`;
    case 'BurnTokens':
      return `burn:${c.burnId}`;
    case 'CloseEpoch':
      return `epoch:${c.epoch}`;
    default:
      return undefined;
  }
};
