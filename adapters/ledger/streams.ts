/** Which stream a command's events are appended to: one stream per entity the command is about. */
import type { Command, LedgerState } from '../../domain/index.ts';

/** Revenue, burns and the asset registry: one stream, so its history reads in order by version. */
export const TREASURY_STREAM = 'treasury';
/** An account's deposits, unstake requests and withdrawals. */
export const accountStream = (account: string): string => `account-${account}`;

export const streamFor = (c: Command, state: LedgerState): string => {
  switch (c.type) {
    case 'ConfigureProtocol':
    case 'RegisterVerifier':
    case 'RemoveVerifier':
      return 'protocol';
    case 'RegisterNode':
    case 'RecordContribution':
      return `node-${c.nodeId}`;
    case 'VerifyContribution':
    case 'RejectContribution':
      return `node-${state.contributions.get(c.contributionId)?.nodeId ?? 'unknown'}`;
    case 'DepositStake':
    case 'RequestUnstake':
    case 'WithdrawStake':
    case 'SetPayoutChain':
      return accountStream(c.account);
    case 'ConfigureChain':
      return 'protocol';
    case 'RecordRevenue':
    case 'BurnTokens':
    case 'RegisterAsset':
      return TREASURY_STREAM;
    case 'PostTask':
      return `task-${c.taskId}`;
    case 'CloseEpoch':
      return 'epochs';
    case 'CreateDistribution':
    case 'RecordDistributionPublished':
    case 'ActivateDistribution':
    case 'RevokeDistribution':
      return 'distributions';
    case 'RecordClaim':
      return `claims-${c.account}`;
  }
};
