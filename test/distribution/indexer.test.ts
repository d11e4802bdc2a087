/**
 * The claim indexer: bounded ranges from a persisted checkpoint, idempotent across restarts and
 * re-scans (claim:txHash:logIndex), stopping without moving the checkpoint when the ledger refuses
 * a claim, and leaving unconfirmed blocks unread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaimIndexer, createDistribution, type CheckpointStore, type ClaimIndexerOptions } from '../../adapters/distribution/index.ts';
import { buildTree, claimFrom, TIMELOCK } from '../chain/fixture.ts';
import { claimFromDump, closeWorlds, fund, leavesOf, openWorld, publisherOf, restart, type World } from './world.ts';

let w: World;
/** Claims made on-chain, in order: [account, token, amount]. */
const claims: Array<[string, string, bigint]> = [];

const indexerOf = (overrides: Partial<ClaimIndexerOptions> = {}) =>
  createClaimIndexer({ handler: w.handler, distributor: w.f.distributor, checkpoints: w.checkpoints, fromBlock: w.deployBlock, maxBlockRange: 2, ...overrides });
const claimEvents = async () => (await w.store.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'RewardsClaimed');

beforeAll(async () => {
  w = await openWorld();
  const r = await createDistribution(w);
  if (r.status === 'refused') throw new Error(r.refusal.message);
  await fund(w, r.distribution);
  const publisher = publisherOf(w);
  await publisher.step();
  await w.f.chain.increaseTime(TIMELOCK);
  await publisher.step();
  // One claim per block, with empty blocks between, so ranges of two blocks cut through them.
  for (const [account, token, cumulative] of leavesOf(r.dump!).slice(0, 5)) {
    await w.f.as(w.f.stranger).claim(claimFromDump(r.dump!, account, token));
    await w.f.chain.mine();
    claims.push([account, token, cumulative]);
  }
});
afterAll(closeWorlds);

describe('claim indexer', () => {
  it('records every claim once, in chain order, range by range', async () => {
    const head = await w.f.chain.provider.getBlockNumber();
    const indexer = indexerOf();
    const first = await indexer.step();
    expect(first).toMatchObject({ fromBlock: w.deployBlock, toBlock: w.deployBlock + 1, caughtUp: false });
    const rest = await indexer.catchUp();
    expect(first.recorded + rest.recorded).toBe(claims.length);
    expect(rest.toBlock).toBe(head);
    expect(await w.checkpoints.load(`claims:${w.f.distributor.address}`)).toBe(head);
    expect((await claimEvents()).map((e) => [e.data.account, e.data.token, BigInt(String(e.data.amount))])).toEqual(claims);
  });

  it('records nothing new after a restart, nor when re-scanning from an older checkpoint', async () => {
    const position = (await w.store.head()).position;
    restart(w);
    expect(await indexerOf().catchUp()).toEqual({ toBlock: await w.f.chain.provider.getBlockNumber(), recorded: 0, duplicates: 0 });
    await w.checkpoints.save(`claims:${w.f.distributor.address}`, w.deployBlock);
    restart(w);
    expect(await indexerOf({ maxBlockRange: 1000 }).catchUp()).toMatchObject({ recorded: 0, duplicates: claims.length });
    expect((await w.store.head()).position).toBe(position);
    for (const [account, token, amount] of claims) expect(w.ledger.state.accounts.get(account)!.claimedWei.get(token)).toBe(amount);
  });

  it('after a crash between recording and saving the checkpoint, the rescan is harmless', async () => {
    const name = 'claims:crashy';
    const failing: CheckpointStore = { load: (n) => w.checkpoints.load(n), save: async () => Promise.reject(new Error('crash before the checkpoint')) };
    await expect(indexerOf({ name, checkpoints: failing, maxBlockRange: 1000 }).step()).rejects.toThrow(/crash before the checkpoint/);
    expect(await w.checkpoints.load(name)).toBeUndefined();
    const position = (await w.store.head()).position;
    expect(await indexerOf({ name, maxBlockRange: 1000 }).catchUp()).toMatchObject({ recorded: 0, duplicates: claims.length });
    expect((await w.store.head()).position).toBe(position);
  });

  it('leaves the last `confirmations` blocks unread', async () => {
    const name = 'claims:confirmed';
    const head = await w.f.chain.provider.getBlockNumber();
    expect(await indexerOf({ name, confirmations: 3, maxBlockRange: 1000 }).catchUp()).toMatchObject({ toBlock: head - 3 });
    expect(await w.checkpoints.load(name)).toBe(head - 3);
  });

  it('stops at a claim the ledger refuses, without moving its checkpoint past it', async () => {
    // A root the ledger never created (made by hand on the contract), paying an unknown account.
    const stranger = '0x00000000000000000000000000000000000bad01';
    const tree = buildTree([[stranger, w.f.cxt, 5n], ['0x00000000000000000000000000000000000bad02', w.f.cxt, 6n]]);
    await w.f.distributor.proposeRoot(tree.root, `0x${'ee'.repeat(32)}`);
    await w.f.chain.increaseTime(TIMELOCK);
    await w.f.distributor.acceptRoot();
    const name = `claims:${w.f.distributor.address}`;
    const checkpoint = await w.f.chain.provider.getBlockNumber();
    await w.checkpoints.save(name, checkpoint);
    await w.f.as(w.f.stranger).claim(claimFrom(tree, stranger, w.f.cxt));
    await expect(indexerOf().catchUp()).rejects.toThrow(/the ledger refused the claim in tx 0x[0-9a-f]{64} log \d+: CLAIM_EXCEEDS_ENTITLEMENT/);
    expect(await w.checkpoints.load(name)).toBe(checkpoint);
  });
});
