/**
 * The distributor end to end on the in-process EVM: two roots, claims for several accounts (one
 * relayed by another sender), the difference-only payout of a cumulative root, every refusal with
 * its custom error, revocation, batch claims, and the event history. Balances are read on-chain
 * and compared to the wei. Steps share one chain and run in order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Contract, ZeroHash } from 'ethers';
import { distributorInterface, loadContracts } from '../../adapters/chain/index.ts';
import type { ClaimArgs } from '../../adapters/chain/index.ts';
import { addressFor, buildTree, claimFrom, dataHashFor, expectRevert, setUpDistributor, TIMELOCK } from './fixture.ts';
import type { Fixture, Leaf, Tree } from './fixture.ts';

const E18 = 10n ** 18n;
const [alice, bob, carol, dave, erin, frank, grace, heidi, ivan] = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan',
].map((name) => addressFor(`e2e:${name}`)) as [string, string, string, string, string, string, string, string, string];

let f: Fixture;
let self: string; // a funded signer that claims for itself
let tree1: Tree;
let tree2: Tree;
let deployBlock: number;
const FUNDING = { cxt: 10_000n * E18, wbnb: 1_000n * E18 };

const root1Leaves = (cxt: string, wbnb: string): Leaf[] => [
  [alice, cxt, 100n * E18 + 1n],
  [alice, wbnb, 5n * E18 + 3n],
  [bob, cxt, 250n * E18 + 7n],
  [carol, cxt, 1n],
  [self, cxt, 42n * E18],
  [dave, cxt, 10n],
  [erin, wbnb, 20n],
  [frank, cxt, 30n],
  [grace, cxt, 40n],
  [heidi, wbnb, 50n],
];

/** Root 2: some cumulatives grow, the rest stay, one account is new; none decreases. */
const root2Leaves = (cxt: string, wbnb: string): Leaf[] =>
  root1Leaves(cxt, wbnb)
    .map(([a, t, c]): Leaf => [a, t, a === alice && t === cxt ? c + 33n * E18 + 5n : a === self ? c + 1n : c])
    .concat([[ivan, cxt, 77n * E18]]);

const claim1 = (account: string, token: string): ClaimArgs => claimFrom(tree1, account, token);
const claim2 = (account: string, token: string): ClaimArgs => claimFrom(tree2, account, token);

beforeAll(async () => {
  f = await setUpDistributor();
  self = f.chain.signer(4).address.toLowerCase();
  deployBlock = (await f.chain.provider.getBlockNumber()) - 1;
  tree1 = buildTree(root1Leaves(f.cxt, f.wbnb));
  tree2 = buildTree(root2Leaves(f.cxt, f.wbnb));
  await f.mint(f.cxt, f.distributor.address, FUNDING.cxt);
  await f.mint(f.wbnb, f.distributor.address, FUNDING.wbnb);
});

describe('CumulativeMerkleDistributor on the in-process EVM', () => {
  it('runs the bytecode of the committed artifact and starts with no root', async () => {
    const code = await f.chain.provider.getCode(f.distributor.address);
    expect(code).toBe(loadContracts().contracts.CumulativeMerkleDistributor.deployedBytecode);
    expect(await f.distributor.root()).toBe(ZeroHash);
    expect(await f.distributor.pending()).toBeUndefined();
    expect(await f.distributor.roles()).toEqual({
      owner: f.chain.signer(0).address.toLowerCase(),
      updater: f.chain.signer(1).address.toLowerCase(),
      guardian: f.chain.signer(2).address.toLowerCase(),
      timelock: TIMELOCK,
    });
  });

  it('lets only the updater propose', async () => {
    for (const signer of [f.stranger, f.owner, f.guardian]) {
      const args = await expectRevert(f.as(signer).proposeRoot(tree1.root, dataHashFor('1')), 'Unauthorized');
      expect(String(args[0]).toLowerCase()).toBe((await signer.getAddress()).toLowerCase());
    }
  });

  it('proposes root 1 with its data hash, acceptable after the timelock', async () => {
    const sent = await f.distributor.proposeRoot(tree1.root, dataHashFor('1'));
    const { timestamp } = (await f.chain.provider.getBlock(sent.blockNumber))!;
    expect(await f.distributor.pending()).toEqual({ root: tree1.root, dataHash: dataHashFor('1'), validAt: timestamp + TIMELOCK });
    expect(await f.distributor.root()).toBe(ZeroHash);
  });

  it('refuses to propose over a pending root that is still waiting', async () => {
    const { validAt } = (await f.distributor.pending())!;
    const args = await expectRevert(f.distributor.proposeRoot(tree2.root, dataHashFor('2')), 'PendingRootWaiting');
    expect(args).toEqual([BigInt(validAt)]);
    expect((await f.distributor.pending())?.root).toBe(tree1.root);
  });

  it('refuses claims and acceptance before the timelock has passed', async () => {
    await expectRevert(f.distributor.claim(claim1(alice, f.cxt)), 'NoActiveRoot');
    await f.chain.increaseTime(TIMELOCK - 60);
    const { validAt } = (await f.distributor.pending())!;
    expect(await expectRevert(f.as(f.stranger).acceptRoot(), 'RootNotReady')).toEqual([BigInt(validAt)]);
  });

  it('lets anyone accept once validAt has passed', async () => {
    await f.chain.increaseTime(60);
    await f.as(f.stranger).acceptRoot();
    expect(await f.distributor.root()).toBe(tree1.root);
    expect(await f.distributor.pending()).toBeUndefined();
    await expectRevert(f.distributor.acceptRoot(), 'NoPendingRoot');
  });

  it('pays each claim to its account, whoever submits it', async () => {
    await f.as(f.stranger).claim(claim1(alice, f.cxt)); // relayed: the stranger pays the gas
    await f.distributor.claim(claim1(alice, f.wbnb));
    await f.as(f.stranger).claim(claim1(bob, f.cxt));
    await f.as(f.chain.signer(4)).claim(claim1(self, f.cxt));
    expect(await f.balanceOf(f.cxt, alice)).toBe(100n * E18 + 1n);
    expect(await f.balanceOf(f.wbnb, alice)).toBe(5n * E18 + 3n);
    expect(await f.balanceOf(f.cxt, bob)).toBe(250n * E18 + 7n);
    expect(await f.balanceOf(f.cxt, self)).toBe(42n * E18);
    expect(await f.balanceOf(f.cxt, await f.stranger.getAddress())).toBe(0n);
    expect(await f.distributor.claimed(alice, f.cxt)).toBe(100n * E18 + 1n);
    expect(await f.distributor.claimed(carol, f.cxt)).toBe(0n);
    expect(await f.balanceOf(f.cxt, f.distributor.address)).toBe(FUNDING.cxt - (100n + 250n + 42n) * E18 - 8n);
    expect(await f.balanceOf(f.wbnb, f.distributor.address)).toBe(FUNDING.wbnb - 5n * E18 - 3n);
  });

  it('refuses a double claim, a wrong amount, and a proof of another leaf', async () => {
    expect(await expectRevert(f.distributor.claim(claim1(alice, f.cxt)), 'NothingToClaim')).toEqual([100n * E18 + 1n]);
    const honest = claim1(carol, f.cxt);
    await expectRevert(f.distributor.claim({ ...honest, cumulative: honest.cumulative + 1n }), 'InvalidProof');
    await expectRevert(f.distributor.claim({ ...honest, proof: claim1(dave, f.cxt).proof }), 'InvalidProof');
    await expectRevert(f.distributor.claim({ ...honest, token: f.wbnb }), 'InvalidProof');
    await expectRevert(f.distributor.claim({ ...honest, account: dave }), 'InvalidProof');
    expect(await f.balanceOf(f.cxt, carol)).toBe(0n);
  });

  it('lets the guardian or the owner revoke a pending root, and nobody else', async () => {
    const bogus = buildTree([[f.chain.signer(3).address, f.cxt, FUNDING.cxt]]);
    await f.distributor.proposeRoot(bogus.root, dataHashFor('bogus'));
    for (const signer of [f.stranger, f.updater]) await expectRevert(f.as(signer).revokePendingRoot(), 'Unauthorized');
    await f.as(f.guardian).revokePendingRoot();
    expect(await f.distributor.pending()).toBeUndefined();
    await expectRevert(f.as(f.guardian).revokePendingRoot(), 'NoPendingRoot');
    await f.chain.increaseTime(TIMELOCK);
    await expectRevert(f.distributor.acceptRoot(), 'NoPendingRoot');

    await f.distributor.proposeRoot(bogus.root, dataHashFor('bogus-again')); // a revoked slot is free again at once
    await f.as(f.owner).revokePendingRoot();
    expect(await f.distributor.root()).toBe(tree1.root);
  });

  it('accepts root 2 and pays only the difference', async () => {
    await f.distributor.proposeRoot(tree2.root, dataHashFor('2'));
    await expectRevert(f.distributor.claim(claim2(ivan, f.cxt)), 'InvalidProof'); // root 2 is only pending
    await f.chain.increaseTime(TIMELOCK);
    await f.distributor.acceptRoot();
    expect(await f.distributor.root()).toBe(tree2.root);

    const before = await f.balanceOf(f.cxt, alice);
    await f.as(f.stranger).claim(claim2(alice, f.cxt));
    expect((await f.balanceOf(f.cxt, alice)) - before).toBe(33n * E18 + 5n);
    expect(await f.distributor.claimed(alice, f.cxt)).toBe(133n * E18 + 6n);

    await f.distributor.claim(claim2(carol, f.cxt)); // never claimed under root 1: gets it all now
    expect(await f.balanceOf(f.cxt, carol)).toBe(1n);
    await f.distributor.claim(claim2(ivan, f.cxt));
    expect(await f.balanceOf(f.cxt, ivan)).toBe(77n * E18);
    await f.as(f.chain.signer(4)).claim(claim2(self, f.cxt));
    expect(await f.balanceOf(f.cxt, self)).toBe(42n * E18 + 1n);

    // bob's cumulative did not grow: nothing is due, with or without the new proof
    expect(await expectRevert(f.distributor.claim(claim2(bob, f.cxt)), 'NothingToClaim')).toEqual([250n * E18 + 7n]);
    await expectRevert(f.distributor.claim(claim2(alice, f.wbnb)), 'NothingToClaim');
  });

  it('refuses proofs of the superseded root', async () => {
    await expectRevert(f.distributor.claim(claim1(dave, f.cxt)), 'InvalidProof');
    await expectRevert(f.distributor.claim(claim1(alice, f.cxt)), 'InvalidProof');
  });

  it('claims five leaves in one transaction, all or nothing', async () => {
    const batch = [claim2(dave, f.cxt), claim2(erin, f.wbnb), claim2(frank, f.cxt), claim2(grace, f.cxt), claim2(heidi, f.wbnb)];
    const tampered = [...batch.slice(0, 4), { ...batch[4]!, cumulative: 51n }];
    await expectRevert(f.distributor.claimMany(tampered), 'InvalidProof');
    expect(await f.balanceOf(f.cxt, dave)).toBe(0n);

    const raw = new Contract(f.distributor.address, distributorInterface(), f.updater);
    await expectRevert(raw.getFunction('claimMany')([dave], [f.cxt], [], [batch[0]!.proof]), 'LengthMismatch');

    await f.as(f.stranger).claimMany(batch);
    expect(await f.balanceOf(f.cxt, dave)).toBe(10n);
    expect(await f.balanceOf(f.wbnb, erin)).toBe(20n);
    expect(await f.balanceOf(f.cxt, frank)).toBe(30n);
    expect(await f.balanceOf(f.cxt, grace)).toBe(40n);
    expect(await f.balanceOf(f.wbnb, heidi)).toBe(50n);
    await expectRevert(f.distributor.claimMany(batch.slice(0, 1)), 'NothingToClaim');
  });

  it('keeps the books: every leaf claimed in full, the rest still in the distributor', async () => {
    let paid = { cxt: 0n, wbnb: 0n };
    for (const [, [account, token, cumulative]] of tree2.entries()) {
      const claimed = await f.distributor.claimed(account, token);
      expect(claimed).toBe(cumulative);
      expect(await f.balanceOf(token, account)).toBe(cumulative);
      paid = token === f.cxt ? { ...paid, cxt: paid.cxt + claimed } : { ...paid, wbnb: paid.wbnb + claimed };
    }
    expect(await f.balanceOf(f.cxt, f.distributor.address)).toBe(FUNDING.cxt - paid.cxt);
    expect(await f.balanceOf(f.wbnb, f.distributor.address)).toBe(FUNDING.wbnb - paid.wbnb);
  });

  it('reports the whole history through log queries', async () => {
    const events = await f.distributor.events({ fromBlock: deployBlock });
    const roots = events.filter((e) => e.type !== 'Claimed').map((e) => e.type);
    expect(roots).toEqual(['RootProposed', 'RootAccepted', 'RootProposed', 'RootRevoked', 'RootProposed', 'RootRevoked', 'RootProposed', 'RootAccepted']);
    const accepted = events.filter((e) => e.type === 'RootAccepted');
    expect(accepted.map((e) => [e.root, e.dataHash])).toEqual([
      [tree1.root, dataHashFor('1')],
      [tree2.root, dataHashFor('2')],
    ]);
    const claims = events.flatMap((e) => (e.type === 'Claimed' ? [e] : []));
    expect(claims).toHaveLength(4 + 4 + 5); // root 1 singles, root 2 singles, the claimMany
    const aliceCxt = claims.filter((c) => c.account === alice && c.token === f.cxt).map((c) => [c.amount, c.cumulative]);
    expect(aliceCxt).toEqual([
      [100n * E18 + 1n, 100n * E18 + 1n],
      [33n * E18 + 5n, 133n * E18 + 6n],
    ]);
    const ordered = events.map((e) => [e.blockNumber, e.logIndex] as const);
    expect(ordered).toEqual([...ordered].sort((a, b) => a[0] - b[0] || a[1] - b[1]));

    const last = events.at(-1)!;
    const window = await f.distributor.events({ fromBlock: last.blockNumber, toBlock: last.blockNumber, types: ['Claimed'] });
    expect(window.every((e) => e.type === 'Claimed' && e.blockNumber === last.blockNumber)).toBe(true);
    expect(window).toHaveLength(5); // the claimMany
  });

  it('lets a pending root past its validAt be replaced, and honours a new timelock', async () => {
    const tree3 = buildTree([...root2Leaves(f.cxt, f.wbnb), [carol, f.wbnb, 9n]]);
    await f.distributor.proposeRoot(tree2.root, dataHashFor('2-again'));
    await f.chain.increaseTime(TIMELOCK);
    const raw = new Contract(f.distributor.address, distributorInterface(), f.owner);
    await expectRevert(raw.connect(f.stranger).getFunction('setTimelock')(60), 'OwnableUnauthorizedAccount');
    await (await raw.getFunction('setTimelock')(60)).wait();
    const sent = await f.distributor.proposeRoot(tree3.root, dataHashFor('3'));
    const { timestamp } = (await f.chain.provider.getBlock(sent.blockNumber))!;
    expect(await f.distributor.pending()).toEqual({ root: tree3.root, dataHash: dataHashFor('3'), validAt: timestamp + 60 });
    expect((await f.distributor.roles()).timelock).toBe(60);
  });

  it('lets only the owner hand the updater and guardian roles to others', async () => {
    const raw = new Contract(f.distributor.address, distributorInterface(), f.owner);
    const newUpdater = f.chain.signer(5);
    await expectRevert(raw.connect(f.updater).getFunction('setUpdater')(newUpdater.address), 'OwnableUnauthorizedAccount');
    await (await raw.getFunction('setUpdater')(newUpdater.address)).wait();
    await (await raw.getFunction('setGuardian')(f.chain.signer(6).address)).wait();
    const roles = await f.distributor.roles();
    expect([roles.updater, roles.guardian]).toEqual([newUpdater.address.toLowerCase(), f.chain.signer(6).address.toLowerCase()]);
    await f.chain.increaseTime(60);
    await expectRevert(f.distributor.proposeRoot(tree1.root, dataHashFor('old updater')), 'Unauthorized');
    await f.as(newUpdater).proposeRoot(tree1.root, dataHashFor('new updater'));
  });
});
