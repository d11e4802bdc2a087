/**
 * The in-process chain: funded accounts, time travel, snapshots, independence of two chains, the
 * HTTP JSON-RPC endpoint the settlement service will expose, and the dev environment it deploys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcProvider, ZeroHash, parseEther } from 'ethers';
import { deployDevEnvironment, distributorClient, startLocalChain } from '../../adapters/chain/index.ts';
import type { DevEnvironment, LocalChain } from '../../adapters/chain/index.ts';

let chain: LocalChain;
let env: DevEnvironment;

beforeAll(async () => {
  chain = await startLocalChain({ accounts: 5 });
  env = await deployDevEnvironment(chain, 120);
});

describe('local chain', () => {
  it('starts with funded accounts the node signs for', async () => {
    expect(chain.chainId).toBe(31337);
    expect(chain.signers).toHaveLength(5);
    expect(await chain.provider.getBalance(chain.signer(4).address)).toBeGreaterThan(parseEther('9999'));
    expect(() => chain.signer(5)).toThrow(RangeError);
  });

  it('deploys the dev environment: two tokens and a distributor with its roles', async () => {
    const client = distributorClient(env.distributor.address, chain.provider);
    expect(await client.roles()).toEqual(env.roles);
    expect(env.roles.timelock).toBe(120);
    expect(await client.root()).toBe(ZeroHash);
    expect(await client.tokenBalance(env.cxt.address)).toBe(0n);
    expect(new Set([env.cxt.address, env.wbnb.address, env.distributor.address]).size).toBe(3);
  });

  it('keeps block timestamps on the wall clock: 30 quick transactions do not push the chain ahead', async () => {
    const fresh = await startLocalChain({ accounts: 2 });
    const to = fresh.signer(1).address;
    for (let i = 0; i < 30; i++) await (await fresh.signer(0).sendTransaction({ to, value: 1n })).wait();
    const wallSeconds = Math.floor(Date.now() / 1000);
    // Hardhat would otherwise give each automined block its own second: 30 blocks, ~29 s ahead for good.
    expect((await fresh.latestTimestamp()) - wallSeconds).toBeLessThanOrEqual(1);
  });

  it('moves time forward for timelocks', async () => {
    const before = await chain.latestTimestamp();
    await chain.increaseTime(3600);
    expect((await chain.latestTimestamp()) - before).toBeGreaterThanOrEqual(3600);
  });

  it('rewinds to a snapshot', async () => {
    const block = await chain.provider.getBlockNumber();
    const rewind = await chain.snapshot();
    await chain.mine();
    await chain.mine();
    expect(await chain.provider.getBlockNumber()).toBe(block + 2);
    await rewind();
    expect(await chain.provider.getBlockNumber()).toBe(block);
  });

  it('gives every call its own chain', async () => {
    const other = await startLocalChain({ chainId: 1337, accounts: 1 });
    expect(other.chainId).toBe(1337);
    expect(await other.provider.getCode(env.distributor.address)).toBe('0x');
  });

  describe('over HTTP JSON-RPC', () => {
    let endpoint: Awaited<ReturnType<LocalChain['serve']>>;
    let remote: JsonRpcProvider;
    beforeAll(async () => {
      endpoint = await chain.serve();
      remote = new JsonRpcProvider(endpoint.url, undefined, { staticNetwork: true });
    });
    afterAll(async () => {
      remote.destroy();
      await endpoint.close();
    });

    it('listens on 127.0.0.1 and serves the same chain', async () => {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number((await remote.getNetwork()).chainId)).toBe(chain.chainId);
      expect(await remote.getBlockNumber()).toBe(await chain.provider.getBlockNumber());
      expect(await remote.getCode(env.distributor.address)).toBe(await chain.provider.getCode(env.distributor.address));
    });

    it('accepts transactions from the unlocked accounts', async () => {
      const signer = await remote.getSigner(2);
      const to = chain.signer(3).address;
      const before = await chain.provider.getBalance(to);
      await (await signer.sendTransaction({ to, value: 12345n })).wait();
      expect((await chain.provider.getBalance(to)) - before).toBe(12345n);
    });
  });
});
