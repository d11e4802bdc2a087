/**
 * RPC_URL + PRIVATE_KEY + DISTRIBUTOR_ADDRESS + CXT_TOKEN_ADDRESS: a second service runs against
 * the first one's embedded chain as if it were a real network (over HTTP JSON-RPC, signing with a
 * local key). It starts, is ready, publishes with its own key; misconfiguration stops it with one
 * sentence before anything is written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDNodeWallet } from 'ethers';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CHAIN_MNEMONIC } from '../../adapters/chain/index.ts';
import { ConfigError, loadConfig } from '../../adapters/service/config.ts';
import { startService } from '../../adapters/service/service.ts';
import { GENESIS, startHarness, type Harness } from './harness.ts';

/** Account 0 of the local chain: the distributor's updater. Its key is public (hardhat's test mnemonic). */
const UPDATER_KEY = HDNodeWallet.fromPhrase(LOCAL_CHAIN_MNEMONIC, undefined, "m/44'/60'/0'/0/0").privateKey;

let host: Harness;
const dirs: string[] = [];
beforeAll(async () => {
  host = await startHarness();
});
afterAll(async () => {
  await host?.destroy();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const start = async (env: Record<string, string>) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cxt-external-'));
  dirs.push(dataDir);
  const chain = host.service.chain;
  const config = loadConfig(
    {
      PORT: '0',
      ADMIN_TOKEN: 'external-admin-token-0123456789',
      RPC_URL: chain.rpcUrl,
      PRIVATE_KEY: UPDATER_KEY,
      DISTRIBUTOR_ADDRESS: chain.distributor,
      CXT_TOKEN_ADDRESS: chain.cxtToken,
      ...env,
    },
    { dataDir },
  );
  return startService({ config, clock: () => GENESIS + 100, logger: pino({ level: 'silent' }), ticking: 'manual', print: () => undefined, params: { genesisTimeSeconds: GENESIS } });
};

describe('a real chain from the environment', () => {
  it('starts against the JSON-RPC endpoint, is ready, and reports the external chain', async () => {
    const s = await start({ CHAIN_ID: String(host.service.chain.chainId) });
    try {
      expect((await s.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const info = (await s.app.inject({ method: 'GET', url: '/v1/info' })).json();
      expect(info).toMatchObject({ chain: { kind: 'external', chainId: 31337, rpcUrl: null, confirmations: 0, fees: 'eip1559', replaceAfterSeconds: 0 }, contracts: { distributor: host.service.chain.distributor, cxtToken: host.service.chain.cxtToken } });
      expect(s.genesis.cxtToken).toBe(host.service.chain.cxtToken);
      expect((await s.scheduler.tick()).failed).toEqual({});
    } finally {
      await s.stop();
    }
  });

  it.each([
    [{ CHAIN_ID: '56' }, 'CHAIN_ID is 56 but RPC_URL serves chain 31337.'],
    [{ DISTRIBUTOR_ADDRESS: `0x${'12'.repeat(20)}` }, `DISTRIBUTOR_ADDRESS 0x${'12'.repeat(20)} holds no contract on chain 31337.`],
    [{ RPC_URL: 'http://127.0.0.1:9' }, /^RPC_URL http:\/\/127\.0\.0\.1:9 is not reachable: /],
  ])('stops on %j with one sentence', async (env, message) => {
    const error = await start(env).then(
      async (s) => {
        await s.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });
});
