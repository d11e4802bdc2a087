/**
 * Shared set-up of the distribution suites: the in-process EVM with the CXT and WBNB test tokens
 * and a distributor (roles on distinct accounts, see test/chain/fixture.ts), an embedded PGlite
 * event store driven through a real command handler with a history whose CXT token and revenue
 * asset are those deployed tokens, and the tree and checkpoint stores on the same database.
 */
import { PGlite } from '@electric-sql/pglite';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { createPostgresEventStore, pgliteExecutor, type PostgresEventStore, type SqlExecutor } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, type CommandHandler, type HandleResult, type Ledger } from '../../adapters/ledger/index.ts';
import {
  createPublisher,
  createSqlCheckpointStore,
  createSqlTreeStore,
  type PublisherOptions,
  type SqlCheckpointStore,
  type SqlTreeStore,
} from '../../adapters/distribution/index.ts';
import { startLocalChain, type ClaimArgs, type LocalChain } from '../../adapters/chain/index.ts';
import { cxt, type Command, type DistributionState, type ProtocolParams, type StandardMerkleDump } from '../../domain/index.ts';
import { setUpDistributor, type Fixture } from '../chain/fixture.ts';
import { addr, driveHistory, h32, historyParams, type Clock } from '../support/history.ts';

export interface World {
  readonly f: Fixture;
  readonly params: ProtocolParams;
  readonly store: PostgresEventStore;
  /** The world's own schema in the suite's shared PGlite. */
  readonly schema: string;
  readonly clock: Clock;
  readonly treeStore: SqlTreeStore;
  readonly checkpoints: SqlCheckpointStore;
  /** Block of the distributor's deployment: where log scans start. */
  readonly deployBlock: number;
  ledger: Ledger;
  handler: CommandHandler;
}

// Starting PGlite takes seconds and a chain one: a suite shares one of each, and every world gets
// its own schema and its own freshly deployed tokens and distributor.
let pglite: Promise<SqlExecutor> | undefined;
let chain: Promise<LocalChain> | undefined;
let worlds = 0;

/** Closes the suite's shared PGlite (call in afterAll). */
export const closeWorlds = async (): Promise<void> => {
  await (await pglite)?.close();
  pglite = undefined;
};

/** `chain`: another chain than the suite's in-process one (e.g. `cxt devchain` in its own process). */
export const openWorld = async (options: { epochs?: number; chain?: LocalChain } = {}): Promise<World> => {
  const db = await (pglite ??= PGlite.create().then(pgliteExecutor));
  const f = await setUpDistributor(options.chain ?? (await (chain ??= startLocalChain())));
  const deployBlock = await f.chain.provider.getBlockNumber();
  const params = historyParams({ cxtToken: f.cxt });
  const schema = `world_${++worlds}`;
  const store = createPostgresEventStore({ db, schema });
  const treeStore = createSqlTreeStore(db, { schema });
  const checkpoints = createSqlCheckpointStore(db, { schema });
  await store.migrate();
  await treeStore.migrate();
  await checkpoints.migrate();
  const clock: Clock = { nowSeconds: 0 };
  const ledger = createLedger(store);
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  await driveHistory(handler, clock, { params, asset: f.wbnb, epochs: options.epochs ?? 3 });
  return { f, params, store, schema, clock, treeStore, checkpoints, deployBlock, ledger, handler };
};

/** What a restarted process has: a fresh ledger and handler over the same store. */
export const restart = (w: World): void => {
  w.ledger = createLedger(w.store);
  w.handler = createCommandHandler({ store: w.store, ledger: w.ledger, clock: () => w.clock.nowSeconds });
};

/** The updater's publisher; chain time only (clock 0) unless told otherwise. */
export const publisherOf = (w: World, overrides: Partial<PublisherOptions> = {}) =>
  createPublisher({
    handler: w.handler,
    ledger: w.ledger,
    treeStore: w.treeStore,
    distributor: w.f.distributor,
    chainId: w.f.chain.chainId,
    clock: () => 0,
    fromBlock: w.deployBlock,
    ...overrides,
  });

const must = async (p: Promise<HandleResult>): Promise<void> => {
  const r = await p;
  if (r.status === 'refused') throw new Error(`refused: ${r.refusal.code} ${r.refusal.message}`);
};

/** Epochs after driveHistory's: verified work on three nodes, revenue in the deployed asset, a close each. */
export const driveMoreEpochs = async (w: World, fromEpoch: number, count: number): Promise<void> => {
  const start = (e: number) => w.params.genesisTimeSeconds + e * w.params.epochLengthSeconds;
  const run = (c: Command) => must(w.handler.handle(c));
  for (let e = fromEpoch; e < fromEpoch + count; e++) {
    w.clock.nowSeconds = start(e) + 100;
    for (let n = 0; n < 3; n++) {
      const contributionId = `more-${e}-${n}`;
      await run({ type: 'RecordContribution', contributionId, nodeId: `node-${n}`, epoch: e, kind: 'compute', units: 200 + n, proofHash: h32(90_000 + e * 10 + n) });
      await run({ type: 'VerifyContribution', contributionId, verifier: addr(900 + (n % 2)) });
    }
    await run({ type: 'RecordRevenue', revenueId: `more-rev-${e}`, source: 'task', asset: w.f.wbnb, gross: 3_000_017n, provider: addr(102) });
    w.clock.nowSeconds = start(e + 1) + 1;
    await run({ type: 'CloseEpoch', epoch: e, logHead: h32(0) });
  }
};

/** A process that dies just before writing one kind of command (whatever it sent to the chain stays sent). */
export const crashingOn = (inner: CommandHandler, type: string): CommandHandler => ({
  handle: (command, options) => (command.type === type ? Promise.reject(new Error(`crash before recording ${type}`)) : inner.handle(command, options)),
});

export const totalOf = (d: DistributionState, token: string): bigint => d.totals.find((t) => t.token === token)?.cumulativeWei ?? 0n;

/** Mints to the distributor exactly what distribution `d` still needs of each token, minus `shortWei` of `shortToken`. */
export const fund = async (w: World, d: DistributionState, claimedWei: Map<string, bigint> = new Map(), short?: { token: string; wei: bigint }) => {
  for (const { token, cumulativeWei } of d.totals) {
    const held = await w.f.distributor.tokenBalance(token);
    const wanted = cumulativeWei - (claimedWei.get(token) ?? 0n) - (short?.token === token ? short.wei : 0n);
    if (wanted > held) await w.f.mint(token, w.f.distributor.address, wanted - held);
  }
};

/** A claim for `account`/`token` with its proof, read by OpenZeppelin's own loader from a saved dump. */
export const claimFromDump = (dump: StandardMerkleDump, account: string, token: string): ClaimArgs => {
  const tree = StandardMerkleTree.load(dump as never) as StandardMerkleTree<[string, string, string]>;
  for (const [i, [a, t, amount]] of tree.entries())
    if (a === account && t === token) return { account, token, cumulative: BigInt(amount), proof: tree.getProof(i) };
  throw new Error(`no leaf for ${account} / ${token}`);
};

/** Every leaf of a dump as [account, token, cumulative]. */
export const leavesOf = (dump: StandardMerkleDump): Array<[string, string, bigint]> => dump.values.map((v) => [v.value[0], v.value[1], BigInt(v.value[2])]);

export const nonceOf = (w: World, signerIndex = 1): Promise<number> => w.f.chain.provider.getTransactionCount(w.f.chain.signer(signerIndex).address, 'latest');

export { cxt };
