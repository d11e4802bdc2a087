/**
 * The embedded default chain: hardhat's in-process EVM with the distributor and two test tokens
 * (CXT, WBNB) deployed, served over HTTP JSON-RPC so wallets can claim. Its state survives
 * restarts through the journal (chainJournal.ts): on a restart the chain is rebuilt by replay,
 * so the distributor's roots and claimed amounts are exactly what the event log expects.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserProvider, type Eip1193Provider } from 'ethers';
import { DEFAULT_FEE_POLICY } from '../chain/transactionSender.ts';
import { deployDevEnvironment, startLocalChain, type DevEnvironment, type LocalChain } from '../chain/index.ts';
import { openChainJournal } from './chainJournal.ts';
import { mintShortfall, type ChainRuntime } from './chainRuntime.ts';

type RpcHandlerModule = typeof import('hardhat/internal/hardhat-network/jsonrpc/handler.js');
const require = createRequire(import.meta.url);

export interface EmbeddedChainOptions {
  /** Directory for the journal and the deployment record. */
  readonly dir: string;
  readonly chainId?: number;
  /** Port of the JSON-RPC endpoint (0 = any free port). */
  readonly rpcPort: number;
  /** Distributor timelock, used only for the first deployment. */
  readonly timelockSeconds: number;
  /** Called with a sentence when the chain had to start over (journal lost). */
  readonly warn?: (message: string) => void;
}

/** The same HTTP JSON-RPC hardhat serves, but over the journaling provider. */
const serveRpc = async (eip1193: Eip1193Provider, port: number): Promise<{ url: string; close: () => Promise<void> }> => {
  const { JsonRpcHandler } = require('hardhat/internal/hardhat-network/jsonrpc/handler.js') as RpcHandlerModule;
  const handler = new JsonRpcHandler(eip1193 as ConstructorParameters<RpcHandlerModule['JsonRpcHandler']>[0]);
  const server = createServer((req, res) => void handler.handleHttp(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
};

/**
 * The replay pins blocks to their recorded times, so afterwards the chain's clock runs from the
 * last of them (or from the journal's start date): behind the wall clock by the downtime. Shifting
 * it forward once makes new blocks carry wall-clock time, as a real chain's do. Not journaled: the
 * next replay pins to the recorded timestamps again.
 */
const followWallClock = async (p: Eip1193Provider): Promise<void> => {
  const latest = (await p.request({ method: 'eth_getBlockByNumber', params: ['latest', false] })) as { timestamp: string };
  const behindSeconds = Math.floor(Date.now() / 1000) - Number(BigInt(latest.timestamp));
  if (behindSeconds > 0) await p.request({ method: 'evm_increaseTime', params: [behindSeconds] });
};

interface DeploymentRecord extends DevEnvironment {
  readonly deployBlock: number;
}

const hasCode = async (provider: BrowserProvider, address: string): Promise<boolean> => (await provider.getCode(address)) !== '0x';

const deployOnce = async (chain: LocalChain, provider: BrowserProvider, path: string, o: EmbeddedChainOptions): Promise<DeploymentRecord> => {
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as DeploymentRecord;
    if (await hasCode(provider, saved.distributor.address)) return saved;
    o.warn?.('the embedded chain journal is missing or incomplete: the chain starts over and earlier on-chain roots and claims are gone');
  }
  const signers = await provider.listAccounts();
  // deployDevEnvironment only needs signers; these send through the journal so the deployment replays.
  const journaled = { ...chain, provider, signers, signer: (i: number) => signers[i]! } as LocalChain;
  const env = await deployDevEnvironment(journaled, o.timelockSeconds);
  const record: DeploymentRecord = { ...env, deployBlock: Math.min(env.cxt.blockNumber, env.wbnb.blockNumber, env.distributor.blockNumber) };
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return record;
};

export const startEmbeddedChain = async (o: EmbeddedChainOptions): Promise<ChainRuntime> => {
  const journal = openChainJournal(join(o.dir, 'journal.jsonl'), { version: 1, initialDate: new Date().toISOString(), chainId: o.chainId ?? 31337 });
  const chain = await startLocalChain({ chainId: journal.header.chainId, initialDate: new Date(journal.header.initialDate) });
  await journal.replay(chain.eip1193);
  await followWallClock(chain.eip1193);
  const eip1193 = journal.wrap(chain.eip1193);
  const provider = new BrowserProvider(eip1193, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  const deployment = await deployOnce(chain, provider, join(o.dir, 'deployment.json'), o);
  const signer = await provider.getSigner(0);
  const rpc = await serveRpc(eip1193, o.rpcPort);
  const mintable = new Set([deployment.cxt.address, deployment.wbnb.address]);
  return {
    kind: 'embedded',
    chainId: chain.chainId,
    provider,
    signer,
    distributor: deployment.distributor.address,
    cxtToken: deployment.cxt.address,
    wbnbToken: deployment.wbnb.address,
    deployBlock: deployment.deployBlock,
    // Nothing reorganises an in-process chain, and it mines every transaction at once.
    confirmations: 0,
    feePolicy: DEFAULT_FEE_POLICY,
    rpcUrl: rpc.url,
    ensureFunded: async (token, requiredWei) => {
      if (!mintable.has(token.toLowerCase())) return false;
      await mintShortfall(signer, token, deployment.distributor.address, requiredWei);
      return true;
    },
    ping: () => provider.getBlockNumber(),
    close: rpc.close,
  };
};
