/**
 * The publisher's guards on the in-process EVM: it sends nothing and records nothing when the
 * distributor is underfunded, never proposes over a pending root still waiting, recovers a
 * proposal or an acceptance made by a process that stopped before recording it without sending
 * again, follows a guardian's revocation, and re-checks funding against the chain when the
 * ledger's claims lag behind it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDistribution, InsufficientFundingError, TreeIntegrityError } from '../../adapters/distribution/index.ts';
import { merkleTreeHash, type DistributionState, type StandardMerkleDump } from '../../domain/index.ts';
import { dataHashFor, TIMELOCK } from '../chain/fixture.ts';
import { claimFromDump, closeWorlds, crashingOn, driveMoreEpochs, fund, leavesOf, nonceOf, openWorld, publisherOf, restart, totalOf, type World } from './world.ts';

afterAll(closeWorlds);

const create = async (w: World): Promise<{ d: DistributionState; dump: StandardMerkleDump }> => {
  const r = await createDistribution(w);
  if (r.status === 'refused') throw new Error(r.refusal.message);
  return { d: r.distribution, dump: r.dump! };
};

const chainMark = async (w: World) => ({ nonce: await nonceOf(w), block: await w.f.chain.provider.getBlockNumber(), position: (await w.store.head()).position });

describe('publisher', () => {
  it('refuses an underfunded distribution before anything is sent or recorded, naming token, need and balance', async () => {
    const w = await openWorld();
    const { d } = await create(w);
    await fund(w, d, new Map(), { token: w.f.wbnb, wei: 1n });
    const before = await chainMark(w);
    const publisher = publisherOf(w);
    const attempt = publisher.step();
    await expect(attempt).rejects.toBeInstanceOf(InsufficientFundingError);
    const need = totalOf(d, w.f.wbnb);
    await expect(publisher.step()).rejects.toMatchObject({
      seq: 1,
      shortfalls: [{ token: w.f.wbnb, neededWei: need, availableWei: need - 1n, claimedWei: 0n }],
    });
    await expect(publisher.step()).rejects.toThrow(new RegExp(`distributor ${w.f.distributor.address} holds ${need - 1n} base units of token ${w.f.wbnb} but needs ${need} \\(cumulative ${need} − claimed 0\\)`));
    expect(await chainMark(w)).toEqual(before);
    expect(await w.f.distributor.pending()).toBeUndefined();
    expect(w.ledger.state.distributions[0]!.status).toBe('created');

    await w.f.mint(w.f.wbnb, w.f.distributor.address, 1n); // exactly enough now
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1 });
  });

  it('refuses to publish a distribution whose saved tree was altered', async () => {
    const w = await openWorld();
    const { d } = await create(w);
    await fund(w, d);
    // Raise one amount and rehash the row: only the tree hash in the (hash-chained) log still tells.
    const saved = (await w.treeStore.load(d.seq))!;
    const [first, ...rest] = saved.values;
    const forged: StandardMerkleDump = { ...saved, values: [{ ...first!, value: [first!.value[0], first!.value[1], `${first!.value[2]}0`] }, ...rest] };
    await w.store.db.query(`update ${w.schema}.distribution_trees set dump = $1::jsonb, tree_hash = $2`, [JSON.stringify(forged), merkleTreeHash(forged)]);
    const before = await chainMark(w);
    await expect(publisherOf(w).step()).rejects.toBeInstanceOf(TreeIntegrityError);
    expect(await chainMark(w)).toEqual(before);
  });

  it('after a crash between the mined proposal and its record, a restarted publisher records the original transaction and sends nothing', async () => {
    const w = await openWorld();
    const { d } = await create(w);
    await fund(w, d);
    await expect(publisherOf(w, { handler: crashingOn(w.handler, 'RecordDistributionPublished') }).step()).rejects.toThrow(/crash before recording/);
    const pending = await w.f.distributor.pending();
    expect(pending).toMatchObject({ root: d.root, dataHash: d.logHead });
    const [proposal] = await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootProposed'] });
    const before = await chainMark(w);

    restart(w);
    const step = await publisherOf(w).step();
    expect(step).toEqual({ action: 'published', seq: 1, txHash: proposal!.txHash, blockNumber: proposal!.blockNumber, validAt: pending!.validAt, recovered: true });
    expect((await chainMark(w)).nonce).toBe(before.nonce);
    expect(await w.f.chain.provider.getBlockNumber()).toBe(before.block);
    expect(w.ledger.state.distributions[0]!.published?.txHash).toBe(proposal!.txHash);
    expect(await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootProposed'] })).toHaveLength(1);
  });

  it('recovers a proposal sent by hand or by another instance, and an acceptance that was never recorded', async () => {
    const w = await openWorld();
    const { d } = await create(w);
    await fund(w, d);
    const sent = await (await w.f.distributor.sendProposeRoot(d.root, d.logHead)).wait();
    const nonce = await nonceOf(w);
    const publisher = publisherOf(w);
    expect(await publisher.step()).toMatchObject({ action: 'published', txHash: sent.txHash, recovered: true });
    expect(await nonceOf(w)).toBe(nonce);

    await w.f.chain.increaseTime(TIMELOCK);
    await expect(publisherOf(w, { handler: crashingOn(w.handler, 'ActivateDistribution') }).step()).rejects.toThrow(/crash before recording/);
    expect(await w.f.distributor.root()).toBe(d.root);
    const [accepted] = await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootAccepted'] });
    const afterAccept = await nonceOf(w);
    restart(w);
    expect(await publisherOf(w).step()).toEqual({ action: 'activated', seq: 1, txHash: accepted!.txHash, recovered: true });
    expect(await nonceOf(w)).toBe(afterAccept);
    expect(w.ledger.state.distributions[0]!.status).toBe('active');
  });

  it('never proposes while a pending root waits: neither a foreign one nor its own previous distribution', async () => {
    const w = await openWorld();
    await w.f.distributor.proposeRoot(dataHashFor('foreign root'), dataHashFor('foreign data'));
    const { d: d1 } = await create(w);
    await fund(w, d1);
    const before = await chainMark(w);
    expect(await publisherOf(w).step()).toMatchObject({ action: 'waiting', seq: 1, reason: expect.stringMatching(/is pending until \d+/) });
    // A clock far ahead of the chain makes it try: the contract refuses in gas estimation, so still nothing is sent.
    expect(await publisherOf(w, { clock: () => 2 ** 40 }).step()).toMatchObject({ action: 'waiting', reason: expect.stringMatching(/PendingRootWaiting/) });
    expect(await chainMark(w)).toEqual(before);

    await w.f.chain.increaseTime(TIMELOCK); // the foreign root expired unaccepted: proposing over it is allowed
    const publisher = publisherOf(w);
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 1 });

    await driveMoreEpochs(w, 3, 1);
    const { d: d2 } = await create(w);
    await fund(w, d2);
    const waitingFor1 = await chainMark(w);
    expect(await publisher.step()).toMatchObject({ action: 'waiting', seq: 1 });
    expect(await publisher.step()).toMatchObject({ action: 'waiting', seq: 1 });
    expect(await chainMark(w)).toEqual(waitingFor1);
    expect((await w.f.distributor.pending())?.root).toBe(d1.root);

    await w.f.chain.increaseTime(TIMELOCK);
    expect(await publisher.step()).toMatchObject({ action: 'activated', seq: 1 });
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 2 });
    expect(await w.f.distributor.pending()).toMatchObject({ root: d2.root, dataHash: d2.logHead });
  });

  it('records a guardian’s revocation and moves on to the next distribution', async () => {
    const w = await openWorld();
    const { d: d1 } = await create(w);
    await fund(w, d1);
    const publisher = publisherOf(w);
    await publisher.step();
    await w.f.as(w.f.guardian).revokePendingRoot();
    const [revoked] = await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootRevoked'] });
    expect(await publisher.step()).toEqual({ action: 'revoked', seq: 1, txHash: revoked!.txHash });
    expect(w.ledger.state.distributions[0]!.status).toBe('revoked');
    expect(await publisher.step()).toEqual({ action: 'idle' });

    await driveMoreEpochs(w, 3, 1);
    const { d: d2 } = await create(w);
    await fund(w, d2);
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 2 });
  });

  it('checks funding against claimed() on-chain when the ledger has not yet seen the claims', async () => {
    const w = await openWorld();
    const { d: d1, dump: dump1 } = await create(w);
    await fund(w, d1);
    const publisher = publisherOf(w);
    await publisher.step();
    await w.f.chain.increaseTime(TIMELOCK);
    await publisher.step();
    // Claims the ledger does not know of (no indexer runs in this test).
    const paid = new Map<string, bigint>();
    for (const [account, token, cumulative] of leavesOf(dump1).slice(0, 4)) {
      await w.f.as(w.f.stranger).claim(claimFromDump(dump1, account, token));
      paid.set(token, (paid.get(token) ?? 0n) + cumulative);
    }
    await driveMoreEpochs(w, 3, 1);
    const { d: d2 } = await create(w);
    const token = [...paid.keys()][0]!;
    await fund(w, d2, paid, { token, wei: 1n });
    await expect(publisher.step()).rejects.toMatchObject({ shortfalls: [{ token, claimedWei: paid.get(token), neededWei: totalOf(d2, token) - paid.get(token)! }] });
    await w.f.mint(token, w.f.distributor.address, 1n);
    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 2 });
  });
});
