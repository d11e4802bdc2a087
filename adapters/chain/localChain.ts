/**
 * An in-process EVM (hardhat 2's EDR network) wrapped as an ethers v6 provider with funded,
 * node-managed signers; optionally served over HTTP JSON-RPC on 127.0.0.1. Tests use it, and the
 * settlement service embeds it so `cxt serve` runs with no external node.
 *
 * Route: `resolveConfig` + `createProvider` from hardhat's internals are exactly what hardhat uses
 * to build `hre.network.provider`, minus the HRE: no config file lookup, no compile task (which
 * would download solc), no process-wide singleton — each call gets an independent chain.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { BrowserProvider, ContractFactory, JsonRpcProvider } from 'ethers';
import type { Eip1193Provider, JsonRpcApiProvider, JsonRpcSigner, Signer } from 'ethers';
import type { HardhatUserConfig } from 'hardhat/types/config.js';
import { loadContracts } from './compile.ts';

type ConfigResolution = typeof import('hardhat/internal/core/config/config-resolution.js');
type ProviderConstruction = typeof import('hardhat/internal/core/providers/construction.js');
type RpcHandlerModule = typeof import('hardhat/internal/hardhat-network/jsonrpc/handler.js');

const require = createRequire(import.meta.url);

/** Hardhat's public development mnemonic: every key it derives is known to the world. */
export const LOCAL_CHAIN_MNEMONIC = 'test test test test test test test test test test test junk';

export interface LocalChainOptions {
  readonly chainId?: number;
  /** Number of funded accounts (default 10). */
  readonly accounts?: number;
  /** Native balance of each account in wei (default 10,000 ETH). */
  readonly balance?: bigint;
  /** EVM rules of the chain (default `prague`); the contracts are compiled for `cancun`, which runs on it. */
  readonly hardfork?: string;
  /** Timestamp of the genesis block (default: now). */
  readonly initialDate?: Date;
  /** Also mine an empty block this often (default: only when a transaction arrives), as a real chain does. */
  readonly blockTimeSeconds?: number;
}

export interface JsonRpcEndpoint {
  readonly url: string;
  readonly close: () => Promise<void>;
}

export interface LocalChain {
  readonly chainId: number;
  readonly eip1193: Eip1193Provider;
  readonly provider: JsonRpcApiProvider;
  /** Funded accounts; the node signs for them (eth_sendTransaction). */
  readonly signers: readonly JsonRpcSigner[];
  readonly signer: (index: number) => JsonRpcSigner;
  /** Moves the clock forward and mines a block, so the next block's timestamp is later by `seconds`. */
  readonly increaseTime: (seconds: number) => Promise<void>;
  readonly mine: () => Promise<void>;
  readonly latestTimestamp: () => Promise<number>;
  /** Saves the whole chain state; the returned function rewinds to it (once). */
  readonly snapshot: () => Promise<() => Promise<void>>;
  /** Serves the chain over HTTP JSON-RPC on 127.0.0.1 (port 0 = any free port). */
  readonly serve: (port?: number) => Promise<JsonRpcEndpoint>;
}

const hardhatConfig = (o: LocalChainOptions): HardhatUserConfig => ({
  networks: {
    hardhat: {
      chainId: o.chainId ?? 31337,
      hardfork: o.hardfork ?? 'prague',
      accounts: { mnemonic: LOCAL_CHAIN_MNEMONIC, count: o.accounts ?? 10, accountsBalance: (o.balance ?? 10n ** 22n).toString() },
      mining: { auto: true, interval: (o.blockTimeSeconds ?? 0) * 1000 },
      // Automined blocks would otherwise each take their own second, running the chain's clock ahead
      // of the wall clock by one second per block in a busy second — and a timelock with it.
      allowBlocksWithSameTimestamp: true,
      loggingEnabled: false,
      ...(o.initialDate === undefined ? {} : { initialDate: o.initialDate.toISOString() }),
    },
  },
});

const createEip1193 = async (options: LocalChainOptions): Promise<Eip1193Provider> => {
  const { resolveConfig } = require('hardhat/internal/core/config/config-resolution.js') as ConfigResolution;
  const { createProvider } = require('hardhat/internal/core/providers/construction.js') as ProviderConstruction;
  // The path only anchors hardhat's project paths, which an in-memory, non-forked network never touches.
  const config = resolveConfig(require.resolve('hardhat/package.json'), hardhatConfig(options));
  return (await createProvider(config, 'hardhat')) as Eip1193Provider;
};

const serveOver = async (eip1193: Eip1193Provider, port: number): Promise<JsonRpcEndpoint> => {
  const { JsonRpcHandler } = require('hardhat/internal/hardhat-network/jsonrpc/handler.js') as RpcHandlerModule;
  const handler = new JsonRpcHandler(eip1193 as ConstructorParameters<RpcHandlerModule['JsonRpcHandler']>[0]);
  const server = createServer((req, res) => void handler.handleHttp(req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // Keep-alive clients would otherwise hold close() open forever.
      server.closeAllConnections();
      server.close((error) => (error === undefined ? resolve() : reject(error)));
    });
  return { url: `http://127.0.0.1:${bound}`, close };
};

/** Starts a fresh chain in this process. */
export const startLocalChain = async (options: LocalChainOptions = {}): Promise<LocalChain> => {
  const eip1193 = await createEip1193(options);
  // polling only matters for ethers event subscriptions; automine settles every tx at once
  const provider = new BrowserProvider(eip1193, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  return localChainOver(eip1193, provider, (port = 0) => serveOver(eip1193, port));
};

/**
 * The same handle on a development node in another process (`cxt devchain`, hardhat node, anvil),
 * over JSON-RPC: its accounts are node-managed and it answers evm_mine, evm_snapshot, evm_revert.
 */
export const connectLocalChain = async (url: string): Promise<LocalChain> => {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  const eip1193: Eip1193Provider = { request: ({ method, params }) => provider.send(method, (params as unknown[] | undefined) ?? []) };
  return localChainOver(eip1193, provider, async () => ({ url, close: async () => provider.destroy() }));
};

const localChainOver = async (eip1193: Eip1193Provider, provider: JsonRpcApiProvider, serve: LocalChain['serve']): Promise<LocalChain> => {
  const chainId = Number((await provider.getNetwork()).chainId);
  const signers = await provider.listAccounts();
  const rpc = (method: string, params: unknown[] = []): Promise<unknown> => eip1193.request({ method, params });
  const mine = async (): Promise<void> => void (await rpc('evm_mine'));
  return {
    chainId,
    eip1193,
    provider,
    signers,
    signer: (index) => {
      const s = signers[index];
      if (s === undefined) throw new RangeError(`the local chain has ${signers.length} accounts, not ${index + 1}`);
      return s;
    },
    mine,
    increaseTime: async (seconds) => {
      await rpc('evm_increaseTime', [seconds]);
      await mine();
    },
    latestTimestamp: async () => {
      const block = await provider.getBlock('latest');
      if (block === null) throw new Error('the local chain has no latest block');
      return block.timestamp;
    },
    snapshot: async () => {
      const id = await rpc('evm_snapshot');
      return async () => {
        if ((await rpc('evm_revert', [id])) !== true) throw new Error(`evm_revert to snapshot ${String(id)} failed`);
      };
    },
    serve,
  };
};

// ---------------------------------------------------------------- deployment

export interface DistributorRoles {
  readonly owner: string;
  readonly updater: string;
  readonly guardian: string;
  /** Seconds between proposeRoot and the earliest acceptRoot. */
  readonly timelock: number;
}

export interface Deployment {
  readonly address: string;
  readonly txHash: string;
  readonly blockNumber: number;
}

/** `confirmations`: blocks on top of the deployment's block before it counts (0: mined is enough). */
const deploy = async (signer: Signer, name: 'CumulativeMerkleDistributor' | 'TestToken', args: unknown[], confirmations = 0): Promise<Deployment> => {
  const { abi, bytecode } = loadContracts().contracts[name];
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  // ethers counts the including block as the first confirmation.
  const receipt = await contract.deploymentTransaction()?.wait(confirmations + 1);
  if (receipt === null || receipt === undefined) throw new Error(`${name} deployment was not mined`);
  return { address: (await contract.getAddress()).toLowerCase(), txHash: receipt.hash, blockNumber: receipt.blockNumber };
};

/** Deploys the distributor from the signer; works on any chain, not only the local one. */
export const deployDistributor = (signer: Signer, roles: DistributorRoles, confirmations = 0): Promise<Deployment> =>
  deploy(signer, 'CumulativeMerkleDistributor', [roles.owner, roles.updater, roles.guardian, roles.timelock], confirmations);

/** Deploys a freely mintable ERC-20 (TestToken.sol). */
export const deployTestToken = (signer: Signer, name: string, symbol: string, decimals = 18): Promise<Deployment> =>
  deploy(signer, 'TestToken', [name, symbol, decimals]);

export interface DevEnvironment {
  readonly distributor: Deployment;
  /** Stands in for the CXT token (DESIGN §8: the embedded chain's test token by default). */
  readonly cxt: Deployment;
  /** Stands in for wrapped BNB, the ERC-20 of BNB revenue shares. */
  readonly wbnb: Deployment;
  readonly roles: DistributorRoles;
}

/**
 * What `cxt serve` embeds: the two test tokens and a distributor. Account 0 is owner and updater,
 * account 1 guardian; the caller funds the distributor (minting is open) as distributions require.
 */
export const deployDevEnvironment = async (chain: LocalChain, timelock = 3600): Promise<DevEnvironment> => {
  const admin = chain.signer(0);
  const owner = admin.address.toLowerCase();
  const roles: DistributorRoles = { owner, updater: owner, guardian: chain.signer(1).address.toLowerCase(), timelock };
  const cxt = await deployTestToken(admin, 'Corex', 'CXT');
  const wbnb = await deployTestToken(admin, 'Wrapped BNB', 'WBNB');
  const distributor = await deployDistributor(admin, roles);
  return { distributor, cxt, wbnb, roles };
};
