/**
 * Issue 15 at the adapters: one ledger, two in-process EVMs with different chain ids. Chain A
 * (31337) is the primary chain, chain B (97) a payout chain with its own tokens and distributor.
 * An account switches to B: its leaf on A freezes, later rewards accrue on B; each chain's
 * publisher takes only its own tree there, each chain's indexer records its own claims, and the
 * ledger's claimed amounts add up across chains to what was allocated, to the base unit.
 * Steps share one world and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalChain } from '../../adapters/chain/index.ts';
import { createClaimIndexer, createDistribution, createPublisher, InsufficientFundingError, type ClaimIndexer, type Publisher } from '../../adapters/distribution/index.ts';
import { chainLeafWei, claimedOnWei, distributionOn, PRIMARY_CHAIN, type DistributionState, type StandardMerkleDump } from '../../domain/index.ts';
import { expectRevert, setUpDistributor, TIMELOCK, type Fixture } from '../chain/fixture.ts';
import { addr } from '../support/history.ts';
import { claimFromDump, closeWorlds, crashingOn, driveMoreEpochs, openWorld, publisherOf, type World } from './world.ts';

const CHAIN_B = 97;
const B = String(CHAIN_B);
const ACCOUNT = addr(100);

let w: World;
let fB: Fixture;
let publisherA: Publisher;
let publisherB: Publisher;
let indexerA: ClaimIndexer;
let indexerB: ClaimIndexer;

const must = async (p: ReturnType<World['handler']['handle']>) => {
  const r = await p;
  if (r.status === 'refused') throw new Error(`${r.refusal.code} ${r.refusal.message}`);
};
const account = () => w.ledger.state.accounts.get(ACCOUNT)!;
const latest = (): DistributionState => w.ledger.state.distributions.at(-1)!;
const onB = (d: DistributionState): DistributionState => distributionOn(d, B)!;

/** Mints to a distributor what `d`'s tree there (distributionOn) still needs of each token: its cumulative less what was paid there. */
const fundOn = async (f: Fixture, d: DistributionState) => {
  for (const { token, cumulativeWei } of d.totals) {
    const held = await f.distributor.tokenBalance(token);
    const wanted = cumulativeWei - (await claimedAll(f, token));
    if (wanted > held) await f.mint(token, f.distributor.address, wanted - held);
  }
};
/** What a distributor has paid of `token` so far, from its own logs. */
const claimedAll = async (f: Fixture, token: string): Promise<bigint> =>
  (await f.distributor.events({ fromBlock: 0, types: ['Claimed'] })).reduce((sum, e) => sum + (e.type === 'Claimed' && e.token === token ? e.amount : 0n), 0n);

const chainDump = async (d: DistributionState): Promise<StandardMerkleDump> => (await w.treeStore.loadChainTree(d.seq, CHAIN_B, onB(d).treeHash))!;

/** Both publishers step until both trees of the latest distribution are accepted on their chains. */
const publishBoth = async () => {
  const d = latest();
  await fundOn(w.f, d);
  await fundOn(fB, onB(d));
  expect(await publisherA.step()).toMatchObject({ action: 'published', seq: d.seq });
  expect(await publisherB.step()).toMatchObject({ action: 'published', seq: d.seq });
  await w.f.chain.increaseTime(TIMELOCK);
  await fB.chain.increaseTime(TIMELOCK);
  expect(await publisherA.step()).toMatchObject({ action: 'activated', seq: d.seq });
  expect(await publisherB.step()).toMatchObject({ action: 'activated', seq: d.seq });
};

/** Chain B's publisher; `handler` replaces the world's (a process that crashes before recording). */
const publisherOnB = (handler = w.handler): Publisher =>
  createPublisher({ handler, ledger: w.ledger, treeStore: w.treeStore, distributor: fB.distributor, chainId: CHAIN_B, chain: B, clock: () => 0 });

beforeAll(async () => {
  w = await openWorld({ epochs: 3 });
  fB = await setUpDistributor(await startLocalChain({ chainId: CHAIN_B }));
  publisherA = publisherOf(w);
  publisherB = publisherOnB();
  indexerA = createClaimIndexer({ handler: w.handler, distributor: w.f.distributor, checkpoints: w.checkpoints, fromBlock: w.deployBlock });
  indexerB = createClaimIndexer({ handler: w.handler, distributor: fB.distributor, checkpoints: w.checkpoints, payoutChainId: CHAIN_B });
}, 60_000);
afterAll(closeWorlds);

describe('one ledger, two chains', () => {
  it('given chain B configured and the account switched to it, a distribution holds a tree per chain with the same dataHash', async () => {
    await must(w.handler.handle({ type: 'ConfigureChain', chainId: CHAIN_B, assets: [{ asset: w.f.cxt, address: fB.cxt }, { asset: w.f.wbnb, address: fB.wbnb }] }));
    const frozenWei = account().cumulativeWei.get(w.f.cxt)!;
    await must(w.handler.handle({ type: 'SetPayoutChain', account: ACCOUNT, chainId: CHAIN_B, sequence: 1 }));
    await driveMoreEpochs(w, 3, 2);
    const r = await createDistribution(w);
    expect(r.status).toBe('created');
    const d = latest();
    expect(chainLeafWei(w.ledger.state, account(), PRIMARY_CHAIN, w.f.cxt)).toBe(frozenWei);
    const tree = d.chains!.find((c) => c.chainId === CHAIN_B)!;
    expect(tree.totals.map((t) => t.token)).toContain(fB.cxt);
    const dump = await chainDump(d);
    expect(dump.tree[0]).toBe(tree.root);
    // B's tree holds only the account's increments since the switch, at B's token address.
    expect(dump.values.map((v) => [v.value[0], v.value[1]])).toContainEqual([ACCOUNT, fB.cxt]);
    expect(BigInt(dump.values.find((v) => v.value[1] === fB.cxt)!.value[2])).toBe(account().cumulativeWei.get(w.f.cxt)! - frozenWei);
  });

  it('each publisher proposes and accepts only its own tree, both with the log head as dataHash', async () => {
    await publishBoth();
    const d = latest();
    expect(await w.f.distributor.root()).toBe(d.root);
    expect(await fB.distributor.root()).toBe(onB(d).root);
    const dataHashes = async (f: Fixture) => (await f.distributor.events({ fromBlock: 0, types: ['RootProposed'] })).map((e) => (e.type === 'RootProposed' ? e.dataHash : ''));
    expect([...(await dataHashes(w.f)), ...(await dataHashes(fB))]).toEqual([d.logHead, d.logHead]);
    expect([d.status, onB(d).status]).toEqual(['active', 'active']);
    expect(onB(d).published).toMatchObject({ chainId: CHAIN_B, contract: fB.distributor.address });
    expect(await publisherA.step()).toEqual({ action: 'idle' });
    expect(await publisherB.step()).toEqual({ action: 'idle' });
  });

  it('claims on each chain are recorded with their chain, and add up to the allocation to the base unit', async () => {
    const d = latest();
    const primaryDump = (await w.treeStore.load(d.seq, d.treeHash))!;
    await fB.as(fB.stranger).claim(claimFromDump(await chainDump(d), ACCOUNT, fB.cxt));
    await w.f.as(w.f.stranger).claim(claimFromDump(primaryDump, ACCOUNT, w.f.cxt));
    expect((await indexerB.catchUp()).recorded).toBe(1);
    expect((await indexerA.catchUp()).recorded).toBe(1);
    const a = account();
    const paidOnA = await w.f.balanceOf(w.f.cxt, ACCOUNT);
    const paidOnB = await fB.balanceOf(fB.cxt, ACCOUNT);
    expect(claimedOnWei(a, PRIMARY_CHAIN, w.f.cxt)).toBe(paidOnA);
    expect(claimedOnWei(a, B, w.f.cxt)).toBe(paidOnB);
    expect(paidOnA + paidOnB).toBe(a.cumulativeWei.get(w.f.cxt));
    expect(a.claimedWei.get(w.f.cxt)).toBe(a.cumulativeWei.get(w.f.cxt));
  });

  it('with chain A stopped, chain B publishes the next distribution, and the frozen leaf on A cannot be claimed again', async () => {
    await driveMoreEpochs(w, 5, 1);
    expect((await createDistribution(w)).status).toBe('created');
    const d = latest();
    await fundOn(fB, onB(d));
    // Chain A's publisher is never stepped here: its tree waits, B's goes through.
    expect(await publisherB.step()).toMatchObject({ action: 'published', seq: d.seq });
    await fB.chain.increaseTime(TIMELOCK);
    expect(await publisherB.step()).toMatchObject({ action: 'activated', seq: d.seq });
    expect([d.status, onB(latest()).status]).toEqual(['created', 'active']);
    await fB.as(fB.stranger).claim(claimFromDump(await chainDump(d), ACCOUNT, fB.cxt));
    expect((await indexerB.catchUp()).recorded).toBe(1);
    const previous = w.ledger.state.distributions.at(-2)!;
    const frozen = claimFromDump((await w.treeStore.load(previous.seq, previous.treeHash))!, ACCOUNT, w.f.cxt);
    await expectRevert(w.f.as(w.f.stranger).claim(frozen), 'NothingToClaim');
    const a = account();
    expect((await w.f.balanceOf(w.f.cxt, ACCOUNT)) + (await fB.balanceOf(fB.cxt, ACCOUNT))).toBe(a.cumulativeWei.get(w.f.cxt));
  });

  it('a claim beyond the account’s leaf on B is refused by the ledger, not recorded', async () => {
    const r = await w.handler.handle({
      type: 'RecordClaim',
      account: ACCOUNT,
      token: fB.cxt,
      amount: 1n,
      txHash: `0x${'ab'.repeat(32)}`,
      logIndex: 0,
      blockNumber: 1,
      chainId: CHAIN_B,
    });
    expect(r.status).toBe('refused');
  });

  it('a tree B’s distributor cannot pay is not proposed there, naming B’s token; A is not held back', async () => {
    await driveMoreEpochs(w, 6, 1);
    expect((await createDistribution(w)).status).toBe('created');
    const d = latest();
    await fundOn(w.f, d);
    const held = await fB.distributor.tokenBalance(fB.cxt);
    const error = await publisherB.step().then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(InsufficientFundingError);
    expect((error as InsufficientFundingError).shortfalls).toEqual(expect.arrayContaining([expect.objectContaining({ token: fB.cxt, availableWei: held })]));
    expect(onB(latest()).status).toBe('created');
    expect(await publisherA.step()).toMatchObject({ action: 'published', seq: d.seq });
  });

  it('after crashes between a mined proposal or acceptance on B and its record, a new publisher records the original transactions and sends nothing', async () => {
    const d = latest();
    await fundOn(fB, onB(d));
    await expect(publisherOnB(crashingOn(w.handler, 'RecordDistributionPublished')).step()).rejects.toThrow(/crash before recording/);
    const proposal = (await fB.distributor.events({ fromBlock: 0, types: ['RootProposed'] })).at(-1)!;
    const nonce = await fB.chain.provider.getTransactionCount(fB.updater, 'latest');
    expect(await publisherOnB().step()).toMatchObject({ action: 'published', seq: d.seq, txHash: proposal.txHash, recovered: true });
    expect(onB(latest()).published?.txHash).toBe(proposal.txHash);
    await fB.chain.increaseTime(TIMELOCK);
    await expect(publisherOnB(crashingOn(w.handler, 'ActivateDistribution')).step()).rejects.toThrow(/crash before recording/);
    const accepted = (await fB.distributor.events({ fromBlock: 0, types: ['RootAccepted'] })).at(-1)!;
    expect(await publisherOnB().step()).toEqual({ action: 'activated', seq: d.seq, txHash: accepted.txHash, recovered: true });
    expect(await fB.chain.provider.getTransactionCount(fB.updater, 'latest')).toBe(nonce + 1); // the acceptance only
    expect(onB(latest()).status).toBe('active');
  });
});
