/**
 * Issue 16: the claim indexer is reorg-safe. A RewardsClaimed is recorded only once its block has
 * `confirmations` blocks on top, so a claim on a branch the chain then abandons is never written
 * into the append-only log. The chain is a separate process (`cxt devchain` over JSON-RPC), and the
 * reorganisation is the node's own: evm_snapshot before the claim, evm_revert after it, and a new
 * branch mined on top.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLocalChain, type LocalChain } from '../../adapters/chain/index.ts';
import { ChainMovedError, createClaimIndexer, createDistribution, findEvents, type ClaimIndexer } from '../../adapters/distribution/index.ts';
import type { StandardMerkleDump } from '../../domain/index.ts';
import { TIMELOCK } from '../chain/fixture.ts';
import { assertDistIsCurrent } from '../cli/support.ts';
import { startDevchainProcess, type DevchainProcess } from '../support/devchainProcess.ts';
import { claimFromDump, closeWorlds, fund, leavesOf, openWorld, publisherOf, type World } from './world.ts';

const CONFIRMATIONS = 2;

let devchain: DevchainProcess;
let chain: LocalChain;
let w: World;
let dump: StandardMerkleDump;
let indexer: ClaimIndexer;

const recordedClaims = async () => (await w.store.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'RewardsClaimed');

beforeAll(async () => {
  assertDistIsCurrent();
  devchain = await startDevchainProcess();
  chain = await connectLocalChain(devchain.url);
  w = await openWorld({ chain });
  const r = await createDistribution(w);
  if (r.status === 'refused') throw new Error(r.refusal.message);
  dump = r.dump!;
  await fund(w, r.distribution);
  const publisher = publisherOf(w);
  await publisher.step();
  await chain.increaseTime(TIMELOCK);
  await publisher.step();
  indexer = createClaimIndexer({ handler: w.handler, distributor: w.f.distributor, checkpoints: w.checkpoints, fromBlock: w.deployBlock, confirmations: CONFIRMATIONS });
  await chain.mine();
  await chain.mine();
  await indexer.catchUp();
}, 120_000);
afterAll(async () => {
  await closeWorlds();
  await devchain?.stop();
});

describe('claim indexer across a reorganisation (chain in its own process)', () => {
  it('never records a claim from a block the chain then drops; records the claim of the new branch once it is confirmed', async () => {
    const [account, token, cumulative] = leavesOf(dump)[0]!;
    const rewind = await chain.snapshot();

    // Branch 1: the claim is mined and paid, and one block lands on top (fewer than CONFIRMATIONS).
    const first = await w.f.as(w.f.stranger).claim(claimFromDump(dump, account, token));
    await chain.mine();
    const head = await chain.provider.getBlockNumber();
    // The claim is in the chain as it stands: an indexer reading to the head would record it.
    const visible = await findEvents(w.f.distributor, { fromBlock: w.deployBlock, toBlock: head, types: ['Claimed'] });
    expect(visible.map((e) => e.txHash)).toEqual([first.txHash]);
    expect(await w.f.distributor.claimed(account, token)).toBe(cumulative);
    expect(await indexer.catchUp()).toMatchObject({ recorded: 0, toBlock: head - CONFIRMATIONS });
    expect(await recordedClaims()).toEqual([]);

    // The reorganisation: branch 1 is abandoned, and a longer branch without the claim is mined.
    await rewind();
    expect(await w.f.distributor.claimed(account, token)).toBe(0n);
    for (let i = 0; i < CONFIRMATIONS + 2; i++) await chain.mine();
    expect(await indexer.catchUp()).toMatchObject({ recorded: 0 });
    expect(await recordedClaims()).toEqual([]);
    expect(w.ledger.state.accounts.get(account)?.claimedWei.get(token) ?? 0n).toBe(0n);

    // Branch 2: the claim again, in another transaction; recorded only once it has CONFIRMATIONS on top.
    const second = await w.f.as(w.f.stranger).claim(claimFromDump(dump, account, token));
    await chain.mine();
    expect(await indexer.catchUp()).toMatchObject({ recorded: 0 });
    await chain.mine();
    expect(await indexer.catchUp()).toMatchObject({ recorded: 1 });
    const claims = await recordedClaims();
    expect(claims.map((e) => [e.data.txHash, e.data.account, BigInt(String(e.data.amount))])).toEqual([[second.txHash, account, cumulative]]);
    await w.ledger.catchUp();
    expect(w.ledger.state.accounts.get(account)!.claimedWei.get(token)).toBe(cumulative);
  }, 120_000);

  it('a reorganisation deeper than CONFIRMATIONS stops the indexer with the block and both hashes; a rescan from the fork reads on', async () => {
    const [account, token] = leavesOf(dump)[1]!;
    const rewind = await chain.snapshot();
    const forkBlock = (await chain.provider.getBlockNumber()) + 1;
    // A claim that gets CONFIRMATIONS blocks on top, and is recorded, on a branch the chain later drops.
    await w.f.as(w.f.stranger).claim(claimFromDump(dump, account, token));
    for (let i = 0; i < CONFIRMATIONS; i++) await chain.mine();
    expect(await indexer.catchUp()).toMatchObject({ recorded: 1 });
    const checkpoint = (await w.checkpoints.load(`claims:${w.f.distributor.address}`))!;
    expect(checkpoint).toBeGreaterThanOrEqual(forkBlock);

    await rewind();
    for (let i = 0; i < CONFIRMATIONS + 3; i++) await chain.mine();
    const error = await indexer.step().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChainMovedError);
    expect((error as ChainMovedError).block).toBe(checkpoint);
    expect((error as Error).message).toContain(`block ${checkpoint} was 0x`);
    expect((error as Error).message).toContain('cxt claims rescan --from-block N');
    // It stays stopped: nothing is read from a branch it never saw until an operator decides.
    await expect(indexer.step()).rejects.toBeInstanceOf(ChainMovedError);

    expect(await indexer.rescanFrom(forkBlock)).toEqual({ fromBlock: forkBlock });
    expect(await indexer.catchUp()).toMatchObject({ recorded: 0 });
    // The claim recorded from the dropped branch stays in the append-only log: the limit the docs name.
    expect(w.ledger.state.accounts.get(account)!.claimedWei.get(token)).toBeGreaterThan(0n);
    expect(await w.f.distributor.claimed(account, token)).toBe(0n);
  }, 120_000);
});
