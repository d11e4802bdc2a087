/**
 * Issue 16: the publisher on a real chain. Fees come from the chain's own market (BNB Chain takes
 * legacy gas prices), and a proposal that sits unmined is replaced — the same nonce, a higher fee —
 * never proposed a second time. The chain is a separate process (`cxt devchain --chain-id 56`) with
 * automining switched off, so transactions wait in its mempool as they do on a busy chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLocalChain, distributorClient, type LocalChain } from '../../adapters/chain/index.ts';
import type { FeePolicy, SentVersion } from '../../adapters/chain/transactionSender.ts';
import { createDistribution, type PublisherStep } from '../../adapters/distribution/index.ts';
import { TIMELOCK } from '../chain/fixture.ts';
import { assertDistIsCurrent } from '../cli/support.ts';
import { startDevchainProcess, type DevchainProcess } from '../support/devchainProcess.ts';
import { closeWorlds, driveMoreEpochs, fund, openWorld, publisherOf, type World } from './world.ts';

const POLICY: FeePolicy = { fees: 'legacy', replaceAfterSeconds: 1, bumpBps: 12_500, maxVersions: 8 };

let devchain: DevchainProcess;
let chain: LocalChain;
let w: World;

const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const proposalsOnChain = async () => (await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootProposed'] })).map((e) => e.txHash);

beforeAll(async () => {
  assertDistIsCurrent();
  devchain = await startDevchainProcess(['--chain-id', '56']);
  chain = await connectLocalChain(devchain.url);
  w = await openWorld({ chain });
}, 120_000);
afterAll(async () => {
  await closeWorlds();
  await devchain?.stop();
});

describe('publisher on a chain that does not mine at once (BNB Chain fees, chain in its own process)', () => {
  it('replaces an unmined proposal with the same nonce and a higher legacy gas price; one proposal lands', async () => {
    expect(chain.chainId).toBe(56);
    const r = await createDistribution(w);
    if (r.status === 'refused') throw new Error(r.refusal.message);
    await fund(w, r.distribution);
    const sent: SentVersion[] = [];
    const updater = distributorClient(w.f.distributor.address, w.f.updater, { feePolicy: POLICY, senderHooks: { onSent: (v) => sent.push(v), pollMs: 100 } });
    await devchain.rpc('evm_setAutomine', [false]);
    const step = publisherOf(w, { distributor: updater }).step();
    await until('a replacement to be sent', () => sent.length >= 2);
    await devchain.rpc('evm_mine');
    const published = (await step) as Extract<PublisherStep, { action: 'published' }>;
    await devchain.rpc('evm_setAutomine', [true]);

    expect(published).toMatchObject({ action: 'published', seq: r.distribution.seq, recovered: false });
    const [first, second] = sent as [SentVersion, SentVersion];
    expect(second.nonce).toBe(first.nonce);
    expect(second.fees.gasPrice).toBeGreaterThanOrEqual((first.fees.gasPrice! * 11_250n) / 10_000n);
    expect(first.fees.maxFeePerGas).toBeUndefined();
    // The version that landed is a replacement; the first never will.
    expect(sent.slice(1).map((v) => v.txHash)).toContain(published.txHash);
    expect(await chain.provider.getTransactionReceipt(first.txHash)).toBeNull();
    expect((await chain.provider.getTransaction(published.txHash))?.type).toBe(0);
    expect(await proposalsOnChain()).toEqual([published.txHash]);
    expect(w.ledger.state.distributions.find((d) => d.seq === r.distribution.seq)?.published?.txHash).toBe(published.txHash);
  }, 60_000);

  it('after a restart, takes over the nonce of a proposal left unmined once it has waited long enough; still one proposal', async () => {
    // Accept the first distribution so a second may be proposed.
    await chain.increaseTime(TIMELOCK);
    expect(await publisherOf(w).step()).toMatchObject({ action: 'activated' });
    await driveMoreEpochs(w, 3, 1);
    const r = await createDistribution(w);
    if (r.status === 'refused') throw new Error(r.refusal.message);
    await fund(w, r.distribution);
    const before = await proposalsOnChain();

    // A publisher sent the proposal and crashed before it was mined.
    await devchain.rpc('evm_setAutomine', [false]);
    const orphan = await w.f.distributor.sendProposeRoot(r.distribution.root, r.distribution.logHead);

    const clock = { seconds: 1_000 };
    const sent: SentVersion[] = [];
    const updater = distributorClient(w.f.distributor.address, w.f.updater, { feePolicy: POLICY, senderHooks: { onSent: (v) => sent.push(v), pollMs: 100 } });
    const restarted = publisherOf(w, { distributor: updater, clock: () => clock.seconds, takeOverAfterSeconds: 30 });
    expect(await restarted.step()).toMatchObject({ action: 'waiting', reason: expect.stringContaining('still unmined') });
    clock.seconds += 29;
    expect(await restarted.step()).toMatchObject({ action: 'waiting' });
    expect(sent).toEqual([]);
    clock.seconds += 1;
    const step = restarted.step();
    let failure: unknown;
    step.catch((e) => (failure = e));
    await until('the take-over to be sent', () => { if (failure) throw failure; return sent.length >= 1; });
    await devchain.rpc('evm_mine');
    const published = (await step) as Extract<PublisherStep, { action: 'published' }>;
    await devchain.rpc('evm_setAutomine', [true]);

    expect(published).toMatchObject({ action: 'published', seq: r.distribution.seq });
    expect(published.txHash).toBe(sent[0]!.txHash);
    expect(await chain.provider.getTransactionReceipt(orphan.txHash)).toBeNull();
    expect(await proposalsOnChain()).toEqual([...before, published.txHash]);
  }, 60_000);
});
