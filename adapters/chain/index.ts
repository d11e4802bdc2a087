/** The on-chain side of distributions: contract build, local EVM, and a typed distributor client. */
export { ARTIFACT_PATH, SETTINGS, artifactIsCurrent, compileContracts, loadContracts } from './compile.ts';
export type { CompiledContracts, ContractArtifact, ContractName } from './compile.ts';
export {
  LOCAL_CHAIN_MNEMONIC,
  connectLocalChain,
  deployDevEnvironment,
  deployDistributor,
  deployTestToken,
  startLocalChain,
} from './localChain.ts';
export type { Deployment, DevEnvironment, DistributorRoles, JsonRpcEndpoint, LocalChain, LocalChainOptions } from './localChain.ts';
export { DISTRIBUTOR_EVENT_TYPES, distributorClient, distributorInterface, revertOf } from './distributorClient.ts';
export type {
  BlockRef,
  ClaimArgs,
  DistributorClient,
  DistributorEvent,
  DistributorEventType,
  DistributorRolesView,
  EventQuery,
  LogRef,
  MinedTx,
  PendingRoot,
  Revert,
  SentTx,
  TxOutcome,
} from './distributorClient.ts';
