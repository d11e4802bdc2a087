/**
 * Creating a distribution: the event and the saved dump agree with each other and with
 * OpenZeppelin, a repeated call writes nothing, and a dump lost to a crash (or deleted later) is
 * rebuilt from the ledger — or from the replayed log once later epochs have closed.
 */
import { describe, expect, it } from 'vitest';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { createMemoryEventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger } from '../../adapters/ledger/index.ts';
import {
  createDistribution,
  createMemoryTreeStore,
  ensureDistributionDump,
  rebuildDistributionDump,
  TreeIntegrityError,
  type TreeStore,
} from '../../adapters/distribution/index.ts';
import { distributionLeaves, merkleTreeHash } from '../../domain/index.ts';
import { addr, driveHistory, h32, historyParams, type Clock } from '../support/history.ts';
import type { Command } from '../../domain/index.ts';

const setup = async (epochs: number) => {
  const store = createMemoryEventStore();
  const ledger = createLedger(store);
  const clock: Clock = { nowSeconds: 0 };
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const treeStore = createMemoryTreeStore();
  if (epochs > 0) await driveHistory(handler, clock, { epochs });
  return { store, ledger, clock, handler, treeStore };
};

/** A tree store that has lost a given seq (never saved, or deleted by hand). */
const forgetting = (inner: TreeStore, lost: Set<number>): TreeStore => ({
  save: async (seq, dump) => {
    if (!lost.has(seq)) await inner.save(seq, dump);
  },
  load: async (seq, expected) => (lost.has(seq) ? undefined : inner.load(seq, expected)),
  saveChainTree: (seq, chainId, dump) => inner.saveChainTree(seq, chainId, dump),
  loadChainTree: (seq, chainId, expected) => inner.loadChainTree(seq, chainId, expected),
});

describe('createDistribution', () => {
  it('refuses, writing nothing, while no epoch has closed', async () => {
    const s = await setup(0);
    const p = historyParams();
    s.clock.nowSeconds = p.genesisTimeSeconds + 1;
    await s.handler.handle({ type: 'ConfigureProtocol', params: p }, { idempotencyKey: 'genesis' });
    const r = await createDistribution(s);
    expect(r).toMatchObject({ status: 'refused', refusal: { code: 'NOTHING_TO_DISTRIBUTE' } });
    expect((await s.store.head()).position).toBe(2);
  });

  it('records the distribution of the last closed epoch and saves the dump OpenZeppelin would write', async () => {
    const s = await setup(3);
    const r = await createDistribution(s);
    if (r.status === 'refused') throw new Error(r.refusal.message);
    expect(r.status).toBe('created');
    const d = r.distribution;
    expect(d).toMatchObject({ seq: 1, throughEpoch: 2, status: 'created' });
    const values = distributionLeaves(s.ledger.state).map((l) => [l.account, l.token, l.amount.toString()]);
    const oz = StandardMerkleTree.of(values, ['address', 'address', 'uint256']);
    expect(d.root).toBe(oz.root);
    expect(JSON.stringify(await s.treeStore.load(1, d.treeHash))).toBe(JSON.stringify(oz.dump()));
    expect(merkleTreeHash(r.dump!)).toBe(d.treeHash);
    expect(d.leafCount).toBe(values.length);
  });

  it('returns the existing distribution on a repeated call, writing nothing', async () => {
    const s = await setup(2);
    const first = await createDistribution(s);
    const head = await s.store.head();
    const again = await createDistribution(s);
    expect(again.status).toBe('existing');
    expect(again.status !== 'refused' && again.distribution).toEqual(first.status !== 'refused' && first.distribution);
    expect(await s.store.head()).toEqual(head);
  });

  it('rebuilds the dump of a distribution recorded by a process that stopped before saving it', async () => {
    const s = await setup(2);
    await s.handler.handle({ type: 'CreateDistribution', throughEpoch: 1, logHead: s.ledger.headHash });
    expect(await s.treeStore.load(1)).toBeUndefined();
    const r = await createDistribution(s);
    expect(r.status).toBe('existing');
    const d = s.ledger.state.distributions[0]!;
    expect(merkleTreeHash((await s.treeStore.load(1, d.treeHash))!)).toBe(d.treeHash);
  });

  it('rebuilds a lost dump after later epochs closed by replaying the log, and says so when it cannot', async () => {
    const s = await setup(2);
    const lost = new Set([1]);
    const first = await createDistribution({ ...s, treeStore: forgetting(s.treeStore, lost) });
    if (first.status === 'refused') throw new Error(first.refusal.message);
    // Two more epochs, and a second distribution with higher cumulatives.
    await driveMoreHistoryEpochs(s, 2);
    const second = await createDistribution(s);
    expect(second).toMatchObject({ status: 'created', distribution: { seq: 2, throughEpoch: 3 } });
    const d1 = s.ledger.state.distributions[0]!;
    await expect(ensureDistributionDump(d1, { ledger: s.ledger, treeStore: s.treeStore })).rejects.toThrow(
      /tree of distribution 1 is not saved and epochs have closed since epoch 1: rebuilding it needs the event store/,
    );
    const rebuilt = await ensureDistributionDump(d1, s);
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(first.dump));
    expect(JSON.stringify(await s.treeStore.load(1, d1.treeHash))).toBe(JSON.stringify(first.dump));
  });

  it('refuses to hand out a saved dump that no longer matches the log', async () => {
    const s = await setup(2);
    const rows = new Map<number, unknown>();
    const tampering: TreeStore = {
      save: async (seq, dump) => void rows.set(seq, JSON.parse(JSON.stringify(dump))),
      load: async (seq, expected) => {
        const mem = createMemoryTreeStore();
        const dump = rows.get(seq) as Parameters<TreeStore['save']>[1];
        // What an attacker with database access would do: raise an amount, rehash the row.
        const forged = { ...dump, values: dump.values.map((v, i) => (i === 0 ? { ...v, value: [v.value[0], v.value[1], '1' + v.value[2]] as typeof v.value } : v)) };
        await mem.save(seq, forged);
        return mem.load(seq, expected);
      },
      saveChainTree: async () => undefined,
      loadChainTree: async () => undefined,
    };
    await createDistribution({ ...s, treeStore: tampering });
    await expect(createDistribution({ ...s, treeStore: tampering })).rejects.toBeInstanceOf(TreeIntegrityError);
  });
});

describe('createDistribution with a payout chain (issue 15)', () => {
  it('saves each payout chain\u2019s tree beside the primary one, each hashing to what the log records', async () => {
    const s = await setup(1);
    const operator = s.ledger.state.nodes.get('node-0')!.operator;
    const cxtOnBsc = addr(56_001);
    const run = async (c: Command) => {
      const r = await s.handler.handle(c);
      if (r.status === 'refused') throw new Error(r.refusal.message);
    };
    await run({ type: 'ConfigureChain', chainId: 56, assets: [{ asset: historyParams().cxtToken, address: cxtOnBsc }] });
    await run({ type: 'SetPayoutChain', account: operator, chainId: 56, sequence: 1 });
    await driveMoreHistoryEpochs(s, 1);
    const r = await createDistribution(s);
    if (r.status === 'refused') throw new Error(r.refusal.message);
    const chains = r.distribution.chains!;
    expect(chains.map((c) => c.chainId)).toEqual([56]);
    const dump = await s.treeStore.loadChainTree(r.distribution.seq, 56, chains[0]!.treeHash);
    expect(dump?.values.map((v) => [v.value[0], v.value[1]])).toEqual([[operator, cxtOnBsc]]);
    expect(merkleTreeHash(dump!)).toBe(chains[0]!.treeHash);
    // The primary tree still pays the operator what it earned before the switch.
    expect(r.dump!.values.some((v) => v.value[0] === operator)).toBe(true);
    // A lost primary dump is rebuilt to the recorded one: the rebuild applies the same per-chain rule.
    expect(JSON.stringify(await rebuildDistributionDump(r.distribution, s.ledger, s.store))).toBe(JSON.stringify(r.dump));
  });
});

/** Continues driveHistory's flows for `count` more epochs (its own ids, so nothing collides). */
const driveMoreHistoryEpochs = async (s: Awaited<ReturnType<typeof setup>>, count: number): Promise<void> => {
  const p = historyParams();
  const from = s.ledger.state.lastClosedEpoch + 1;
  const run = async (c: Command) => {
    const r = await s.handler.handle(c);
    if (r.status === 'refused') throw new Error(r.refusal.message);
  };
  for (let e = from; e < from + count; e++) {
    s.clock.nowSeconds = p.genesisTimeSeconds + e * p.epochLengthSeconds + 50;
    const contributionId = `extra-${e}`;
    await run({ type: 'RecordContribution', contributionId, nodeId: 'node-0', epoch: e, kind: 'compute', units: 321, proofHash: h32(70_000 + e) });
    await run({ type: 'VerifyContribution', contributionId, verifier: addr(900) });
    s.clock.nowSeconds = p.genesisTimeSeconds + (e + 1) * p.epochLengthSeconds + 1;
    await run({ type: 'CloseEpoch', epoch: e, logHead: h32(0) });
  }
};
