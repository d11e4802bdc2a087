/**
 * Issue 9 defect 3 — no way out of a stuck distribution. The publisher reconciles the configured
 * chain with the latest live distribution: one accepted on another contract is proposed again on
 * this one, one whose proposal the chain lost is proposed again, and claims a new contract has
 * never seen hold the re-proposal back until an operator allows it. Real EVM, real PGlite store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDistribution } from '../../adapters/distribution/index.ts';
import { deployDistributor, distributorClient } from '../../adapters/chain/index.ts';
import type { DistributionState, StandardMerkleDump } from '../../domain/index.ts';
import { TIMELOCK } from '../chain/fixture.ts';
import { claimFromDump, closeWorlds, fund, leavesOf, openWorld, publisherOf, type World } from './world.ts';

afterAll(closeWorlds);

const create = async (w: World): Promise<{ d: DistributionState; dump: StandardMerkleDump }> => {
  const r = await createDistribution(w);
  if (r.status === 'refused') throw new Error(r.refusal.message);
  return { d: r.distribution, dump: r.dump! };
};

/** Published and accepted on the world's own distributor. */
const activeOnFirstContract = async (w: World) => {
  const created = await create(w);
  await fund(w, created.d);
  const publisher = publisherOf(w);
  expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1 });
  await w.f.chain.increaseTime(TIMELOCK);
  expect(await publisher.step()).toMatchObject({ action: 'activated', seq: 1 });
  expect(await publisher.step()).toEqual({ action: 'idle' });
  return created;
};

const secondDistributor = async (w: World) => {
  const { address } = await deployDistributor(w.f.owner, {
    owner: await w.f.owner.getAddress(),
    updater: await w.f.updater.getAddress(),
    guardian: await w.f.guardian.getAddress(),
    timelock: TIMELOCK,
  });
  return distributorClient(address, w.f.updater);
};

describe('publisher: the latest distribution on the configured chain', () => {
  it('proposes a distribution accepted on another contract again on the configured one, and accepts it there', async () => {
    const w = await openWorld();
    const { d } = await activeOnFirstContract(w);
    const other = await secondDistributor(w);
    for (const { token, cumulativeWei } of d.totals) await w.f.mint(token, other.address, cumulativeWei);
    const publisher = publisherOf(w, { distributor: other });
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1, recovered: false });
    expect(w.ledger.state.distributions[0]).toMatchObject({ status: 'published', published: { contract: other.address } });
    expect(await other.pending()).toMatchObject({ root: d.root, dataHash: d.logHead });
    await w.f.chain.increaseTime(TIMELOCK);
    expect(await publisher.step()).toMatchObject({ action: 'activated', seq: 1 });
    expect(await other.root()).toBe(d.root);
    expect(await publisher.step()).toEqual({ action: 'idle' });
  });

  it('proposes again a distribution whose proposal the chain lost, instead of failing forever', async () => {
    const w = await openWorld();
    const { d } = await create(w);
    await fund(w, d);
    const rewind = await w.f.chain.snapshot();
    const publisher = publisherOf(w);
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1 });
    await rewind(); // the chain forgets the proposal; the ledger still records it
    expect(await w.f.distributor.pending()).toBeUndefined();
    // (Same sender, nonce and data on the rewound chain: the new proposal may even have the old hash.)
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1, recovered: false });
    expect(await w.f.distributor.pending()).toMatchObject({ root: d.root, dataHash: d.logHead });
    await w.f.chain.increaseTime(TIMELOCK);
    expect(await publisher.step()).toMatchObject({ action: 'activated', seq: 1 });
  });

  it('holds a re-proposal back while claims the ledger recorded are unknown to the new contract, until an operator allows it', async () => {
    const w = await openWorld();
    const { dump } = await activeOnFirstContract(w);
    const [account, token] = leavesOf(dump)[0]!;
    await w.f.as(w.f.stranger).claim(claimFromDump(dump, account, token));
    const [log] = await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['Claimed'] });
    if (log?.type !== 'Claimed') throw new Error('no Claimed log');
    const recorded = await w.handler.handle({ type: 'RecordClaim', account, token, amount: log.amount, txHash: log.txHash, logIndex: log.logIndex, blockNumber: log.blockNumber });
    expect(recorded.status).toBe('accepted');
    const other = await secondDistributor(w);
    for (const t of new Set(leavesOf(dump).map(([, tk]) => tk))) await w.f.mint(t, other.address, 10n ** 30n);
    const publisher = publisherOf(w, { distributor: other });
    const held = await publisher.step();
    expect(held).toMatchObject({ action: 'waiting', seq: 1, reason: expect.stringMatching(/claimed again/) });
    expect(await other.pending()).toBeUndefined();
    expect(await publisher.step({ allowClaimReplay: true })).toMatchObject({ action: 'published', seq: 1 });
  });
});
