/**
 * A distribution's whole life on the in-process EVM, driven from a real ledger on PGlite: create,
 * publish, the timelock, activate, claims (one relayed) with proofs from the saved dump, the
 * indexer recording them to the base unit; then a second, higher distribution that pays only the
 * difference and leaves the first root's proofs worthless. Steps share one world and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract } from 'ethers';
import { createClaimIndexer, createDistribution, type ClaimIndexer, type Publisher } from '../../adapters/distribution/index.ts';
import type { DistributionState, StandardMerkleDump } from '../../domain/index.ts';
import { expectRevert, TIMELOCK } from '../chain/fixture.ts';
import { claimFromDump, closeWorlds, driveMoreEpochs, fund, leavesOf, nonceOf, openWorld, publisherOf, type World } from './world.ts';

let w: World;
let publisher: Publisher;
let indexer: ClaimIndexer;
let d1: DistributionState;
let dump1: StandardMerkleDump;
let dump2: StandardMerkleDump;
/** The leaves claimed under root 1: three CXT leaves and one WBNB leaf. */
let claimed1: Array<[string, string, bigint]>;

const erc20 = (token: string) => new Contract(token, ['function balanceOf(address) view returns (uint256)'], w.f.chain.provider);
const balanceOf = (token: string, holder: string): Promise<bigint> => erc20(token).getFunction('balanceOf')(holder) as Promise<bigint>;
const ledgerClaimed = (account: string, token: string): bigint => w.ledger.state.accounts.get(account)?.claimedWei.get(token) ?? 0n;
const created = async () => {
  const r = await createDistribution(w);
  if (r.status === 'refused') throw new Error(r.refusal.message);
  return r;
};

beforeAll(async () => {
  w = await openWorld({ epochs: 3 });
  publisher = publisherOf(w);
  indexer = createClaimIndexer({ handler: w.handler, distributor: w.f.distributor, checkpoints: w.checkpoints, fromBlock: w.deployBlock, maxBlockRange: 3 });
});
afterAll(closeWorlds);

describe('a distribution from the ledger to claims on-chain', () => {
  it('creates distribution 1 with leaves in the deployed CXT and revenue tokens', async () => {
    const r = await created();
    expect(r).toMatchObject({ status: 'created', distribution: { seq: 1, throughEpoch: 2, status: 'created' } });
    d1 = r.distribution;
    dump1 = r.dump!;
    expect(d1.totals.map((t) => t.token).sort()).toEqual([w.f.cxt, w.f.wbnb].sort());
    await fund(w, d1);
  });

  it('publishes it: the root is pending with the log head as data hash, and recorded with its transaction', async () => {
    const step = await publisher.step();
    expect(step).toMatchObject({ action: 'published', seq: 1, recovered: false });
    const pending = await w.f.distributor.pending();
    expect(pending).toEqual({ root: d1.root, dataHash: d1.logHead, validAt: step.action === 'published' ? step.validAt : -1 });
    const d = w.ledger.state.distributions[0]!;
    expect(d.status).toBe('published');
    const [proposed] = await w.f.distributor.events({ fromBlock: w.deployBlock, types: ['RootProposed'] });
    expect(d.published).toEqual({ chainId: w.f.chain.chainId, contract: w.f.distributor.address, txHash: proposed!.txHash, blockNumber: proposed!.blockNumber, validAt: pending!.validAt, blockHash: proposed!.blockHash });
  });

  it('waits out the timelock without sending anything, and a claim meanwhile reverts', async () => {
    const nonce = await nonceOf(w);
    expect(await publisher.step()).toMatchObject({ action: 'waiting', seq: 1 });
    expect(await nonceOf(w)).toBe(nonce);
    const [account, token] = leavesOf(dump1)[0]!;
    await expectRevert(w.f.as(w.f.stranger).claim(claimFromDump(dump1, account, token)), 'NoActiveRoot');
  });

  it('activates it once the chain has passed validAt', async () => {
    await w.f.chain.increaseTime(TIMELOCK);
    const step = await publisher.step();
    expect(step).toMatchObject({ action: 'activated', seq: 1, recovered: false });
    expect(await w.f.distributor.root()).toBe(d1.root);
    expect(w.ledger.state.distributions[0]!.status).toBe('active');
    expect(await publisher.step()).toEqual({ action: 'idle' });
  });

  it('pays claims made with proofs from the saved dump, one relayed by another signer', async () => {
    const saved = (await w.treeStore.load(1, d1.treeHash))!;
    const leaves = leavesOf(saved);
    const cxtLeaves = leaves.filter(([, t]) => t === w.f.cxt).slice(0, 3);
    const wbnbLeaf = leaves.find(([, t]) => t === w.f.wbnb)!;
    claimed1 = [...cxtLeaves, wbnbLeaf];
    expect(cxtLeaves).toHaveLength(3);
    const claimer = w.f.as(w.f.chain.signer(4));
    for (const [account, token] of claimed1.slice(0, 3)) await claimer.claim(claimFromDump(saved, account, token));
    // Relayed: the stranger sends and pays the gas, the tokens still go to the account.
    await w.f.as(w.f.stranger).claim(claimFromDump(saved, wbnbLeaf[0], wbnbLeaf[1]));
    for (const [account, token, cumulative] of claimed1) {
      expect(await balanceOf(token, account)).toBe(cumulative);
      expect(await w.f.distributor.claimed(account, token)).toBe(cumulative);
    }
  });

  it('indexes the claims into the ledger to the base unit, once', async () => {
    const first = await indexer.catchUp();
    expect(first).toMatchObject({ recorded: claimed1.length, duplicates: 0 });
    for (const [account, token, cumulative] of claimed1) expect(ledgerClaimed(account, token)).toBe(cumulative);
    const claims = (await w.store.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'RewardsClaimed');
    expect(claims.map((e) => e.data.account)).toEqual(claimed1.map(([a]) => a));
    for (const e of claims) expect([e.data.account, e.data.token]).toEqual([String(e.data.account).toLowerCase(), String(e.data.token).toLowerCase()]);
    expect(await indexer.catchUp()).toMatchObject({ recorded: 0 });
  });

  it('publishes a second, higher distribution after more epochs and pays only the difference', async () => {
    await driveMoreEpochs(w, 3, 2);
    const r = await created();
    expect(r.distribution).toMatchObject({ seq: 2, throughEpoch: 4 });
    dump2 = r.dump!;
    const cumulative2 = new Map(leavesOf(dump2).map(([a, t, c]) => [`${a}|${t}`, c]));
    for (const [account, token, c1] of claimed1) expect(cumulative2.get(`${account}|${token}`)!).toBeGreaterThan(c1);
    const claimedSoFar = new Map<string, bigint>();
    for (const [, token, c] of claimed1) claimedSoFar.set(token, (claimedSoFar.get(token) ?? 0n) + c);
    await fund(w, r.distribution, claimedSoFar);

    expect(await publisher.step()).toMatchObject({ action: 'published', seq: 2 });
    await w.f.chain.increaseTime(TIMELOCK);
    expect(await publisher.step()).toMatchObject({ action: 'activated', seq: 2 });
    expect(w.ledger.state.distributions.map((d) => d.status)).toEqual(['superseded', 'active']);

    for (const [account, token, c1] of claimed1) {
      const before = await balanceOf(token, account);
      await w.f.as(w.f.stranger).claim(claimFromDump(dump2, account, token));
      expect((await balanceOf(token, account)) - before).toBe(cumulative2.get(`${account}|${token}`)! - c1);
    }
    await indexer.catchUp();
    for (const [account, token] of claimed1) expect(ledgerClaimed(account, token)).toBe(cumulative2.get(`${account}|${token}`));
  });

  it('rejects a proof of the superseded root, even for an account that never claimed', async () => {
    const unclaimed = leavesOf(dump1).find(([a, t]) => !claimed1.some(([ca, ct]) => ca === a && ct === t))!;
    await expectRevert(w.f.as(w.f.stranger).claim(claimFromDump(dump1, unclaimed[0], unclaimed[1])), 'InvalidProof');
    expect(await w.f.distributor.claimed(unclaimed[0], unclaimed[1])).toBe(0n);
  });
});
