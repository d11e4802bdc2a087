/** What `cxt serve` prints at start, and the deployment facts /v1/info serves. */
import { epochEndSeconds, paramsForEpoch, recordingEpoch, type LedgerState, type ProtocolParams } from '../../domain/index.ts';
import { CONTRIBUTION_TYPES, VERDICT_TYPES, eip712Domain } from '../http/eip712.ts';
import type { ChainRuntime } from './chainRuntime.ts';

/** ProtocolParams as JSON: amounts as decimal strings. */
const paramsJson = (p: ProtocolParams): Record<string, unknown> => JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

export const describeDeployment = (chain: ChainRuntime, genesis: ProtocolParams, state: LedgerState, nowSeconds: number): Record<string, unknown> => {
  const currentEpoch = recordingEpoch(state, nowSeconds);
  const inForce = paramsForEpoch(state, currentEpoch) ?? genesis;
  const versions = state.configs;
  return {
    ...deploymentFacts(chain, genesis),
    // The service's clock: timelocks and the next close are counted from it, not the browser's.
    nowSeconds,
    currentEpoch,
    currentEpochEndsAt: epochEndSeconds(genesis, currentEpoch),
    lastClosedEpoch: state.lastClosedEpoch,
    parameters: {
      version: [...versions].reverse().find((c) => c.effectiveEpoch <= currentEpoch)?.version ?? 1,
      inForce: paramsJson(inForce),
      // A version configured for a later epoch, so clients see a change coming.
      scheduled: versions.filter((c) => c.effectiveEpoch > currentEpoch).map((c) => ({ version: c.version, effectiveEpoch: c.effectiveEpoch, params: paramsJson(c.params) })),
    },
  };
};

const deploymentFacts = (chain: ChainRuntime, genesis: ProtocolParams): Record<string, unknown> => ({
  chain: {
    kind: chain.kind,
    chainId: chain.chainId,
    rpcUrl: chain.kind === 'embedded' ? chain.rpcUrl : null,
    // How the service treats this chain ("Going live"): what an operator checks after configuring it.
    fromBlock: chain.deployBlock,
    confirmations: chain.confirmations,
    fees: chain.feePolicy.fees,
    replaceAfterSeconds: chain.feePolicy.replaceAfterSeconds,
  },
  contracts: { distributor: chain.distributor, cxtToken: chain.cxtToken, wbnbToken: chain.wbnbToken ?? null },
  eip712: { domain: eip712Domain(chain.chainId), types: { ...CONTRIBUTION_TYPES, ...VERDICT_TYPES } },
  protocol: {
    symbol: genesis.symbol,
    decimals: genesis.decimals,
    genesisTimeSeconds: genesis.genesisTimeSeconds,
    epochLengthSeconds: genesis.epochLengthSeconds,
    distributionEveryEpochs: genesis.distributionEveryEpochs,
    timelockSeconds: genesis.timelockSeconds,
  },
});

export interface BannerFacts {
  readonly url: string;
  readonly storage: string;
  readonly chain: ChainRuntime;
  readonly generatedAdminToken: string | undefined;
}

export const printBanner = (print: (line: string) => void, f: BannerFacts): void => {
  const { chain } = f;
  print(`Corex settlement service listening on ${f.url} (dashboard: ${f.url}/, OpenAPI: ${f.url}/docs)`);
  print(`  store:       ${f.storage}`);
  print(
    chain.kind === 'embedded'
      ? `  chain:       embedded EVM, chain id ${chain.chainId}, JSON-RPC ${chain.rpcUrl}`
      : `  chain:       chain id ${chain.chainId} via ${chain.rpcUrl.replace(/\/\/[^/@]*@/, '//***@')}`,
  );
  print(`  distributor: ${chain.distributor}`);
  print(`  CXT token:   ${chain.cxtToken}`);
  if (chain.wbnbToken) print(`  WBNB token:  ${chain.wbnbToken}`);
  if (f.generatedAdminToken)
    print(`  admin token: ${f.generatedAdminToken}  (shown once; only its digest is kept — delete <data-dir>/admin-token.sha256 to make a new one)`);
};
