/**
 * The log an auditor receives from a ledger that pays on two chains (issue 15), built as
 * test/distribution/payoutChain.test.ts builds it: chain A (31337) primary, chain B (97) a payout
 * chain with its own tokens and distributor. An account switches to B; the first distribution is
 * published and accepted on both chains and claimed on both; the second only on B (A's publisher
 * is not stepped: its tree waits) and claimed there again. Each chain's indexer records its claims
 * with its chain. The log is exported with `cxt export`, both chains served over JSON-RPC.
 *
 * The store seals with the world's clock, so every recordedAt lies where the handler decided it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalChain, type JsonRpcEndpoint } from '../../adapters/chain/index.ts';
import { createClaimIndexer, createDistribution, createPublisher, createSqlCheckpointStore, createSqlTreeStore } from '../../adapters/distribution/index.ts';
import { openPgliteEventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger } from '../../adapters/ledger/index.ts';
import { distributionOn, type DistributionState, type StandardMerkleDump } from '../../domain/index.ts';
import { setUpDistributor, TIMELOCK, type Fixture } from '../chain/fixture.ts';
import { claimFromDump, leavesOf } from '../distribution/world.ts';
import { addr, driveHistory, historyParams, storeClock, type Clock } from '../support/history.ts';
import { cxt, driveEpoch, fund, must } from './world.ts';

export const CHAIN_B = 97;
/** Paid on chain B from the second distribution on; its first leaf on A freezes. */
export const SWITCHER = addr(100);

export interface TwoChainWorld {
  readonly dir: string;
  readonly eventsPath: string;
  readonly fA: Fixture;
  readonly fB: Fixture;
  readonly rpcA: JsonRpcEndpoint;
  readonly rpcB: JsonRpcEndpoint;
  /** Block of A's distributor deployment (B's chain holds nothing else: it is scanned from 0). */
  readonly deployBlockA: number;
  readonly close: () => Promise<void>;
}

export const buildTwoChainWorld = async (): Promise<TwoChainWorld> => {
  const dir = await mkdtemp(join(tmpdir(), 'cxt-audit-chains-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const clock: Clock = { nowSeconds: 0 };
  const store = await openPgliteEventStore(join(dataDir, 'pglite'), { clock: storeClock(clock) });
  const fA = await setUpDistributor(await startLocalChain());
  const fB = await setUpDistributor(await startLocalChain({ chainId: CHAIN_B }));
  const deployBlockA = await fA.chain.provider.getBlockNumber();
  const params = historyParams({ cxtToken: fA.cxt });
  const ledger = createLedger(store);
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const treeStore = createSqlTreeStore(store.db);
  const checkpoints = createSqlCheckpointStore(store.db);
  await treeStore.migrate();
  await checkpoints.migrate();
  await driveHistory(handler, clock, { params, asset: fA.wbnb, epochs: 3 });
  await must(handler, { type: 'ConfigureChain', chainId: CHAIN_B, assets: [{ asset: fA.cxt, address: fB.cxt }, { asset: fA.wbnb, address: fB.wbnb }] });
  await must(handler, { type: 'SetPayoutChain', account: SWITCHER, chainId: CHAIN_B, sequence: 1 });

  const publisherA = createPublisher({ handler, ledger, treeStore, distributor: fA.distributor, chainId: fA.chain.chainId, clock: () => 0, fromBlock: deployBlockA });
  const publisherB = createPublisher({ handler, ledger, treeStore, distributor: fB.distributor, chainId: CHAIN_B, chain: String(CHAIN_B), clock: () => 0 });
  const indexerA = createClaimIndexer({ handler, distributor: fA.distributor, checkpoints, fromBlock: deployBlockA });
  const indexerB = createClaimIndexer({ handler, distributor: fB.distributor, checkpoints, payoutChainId: CHAIN_B });
  const distribute = async (epoch: number): Promise<DistributionState> => {
    await driveEpoch(handler, clock, params, fA, epoch);
    const r = await createDistribution({ handler, ledger, treeStore });
    if (r.status === 'refused') throw new Error(r.refusal.message);
    return ledger.state.distributions.at(-1)!;
  };
  /** Proposes `d`'s tree with each publisher and accepts it after the timelock. */
  const publish = async (on: readonly { f: Fixture; publisher: typeof publisherA; tree: DistributionState }[]): Promise<void> => {
    for (const { f, publisher, tree } of on) {
      await fund(f, tree);
      await publisher.step();
    }
    for (const { f, publisher } of on) {
      await f.chain.increaseTime(TIMELOCK);
      await publisher.step();
    }
  };
  const onB = (d: DistributionState): DistributionState => distributionOn(d, String(CHAIN_B))!;
  const dumpOnB = async (d: DistributionState): Promise<StandardMerkleDump> => (await treeStore.loadChainTree(d.seq, CHAIN_B, onB(d).treeHash))!;

  const d1 = await distribute(3);
  await publish([
    { f: fA, publisher: publisherA, tree: d1 },
    { f: fB, publisher: publisherB, tree: onB(d1) },
  ]);
  const primaryDump = (await treeStore.load(d1.seq, d1.treeHash))!;
  await fA.as(fA.stranger).claim(claimFromDump(primaryDump, SWITCHER, fA.cxt));
  const other = leavesOf(primaryDump).find(([a, t]) => t === fA.cxt && a !== SWITCHER)!;
  await fA.as(fA.stranger).claim(claimFromDump(primaryDump, other[0], fA.cxt));
  await fB.as(fB.stranger).claim(claimFromDump(await dumpOnB(d1), SWITCHER, fB.cxt));
  await indexerA.catchUp();
  await indexerB.catchUp();

  // Chain A is "down": only B's tree of the second distribution goes through, and is claimed.
  const d2 = await distribute(4);
  await publish([{ f: fB, publisher: publisherB, tree: onB(d2) }]);
  await fB.as(fB.stranger).claim(claimFromDump(await dumpOnB(d2), SWITCHER, fB.cxt));
  await indexerB.catchUp();
  await store.close();

  const eventsPath = join(dir, 'events.jsonl');
  const exported = await cxt('export', '--data-dir', dataDir, '--out', eventsPath);
  if (exported.code !== 0) throw new Error(`cxt export failed: ${exported.err}`);
  const rpcA = await fA.chain.serve();
  const rpcB = await fB.chain.serve();
  return {
    dir,
    eventsPath,
    fA,
    fB,
    rpcA,
    rpcB,
    deployBlockA,
    close: async () => {
      await rpcA.close();
      await rpcB.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
