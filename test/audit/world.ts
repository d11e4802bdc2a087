/**
 * The real flow an auditor receives a log from: the service's store layout (PGlite in
 * <data dir>/pglite), a history driven through a real command handler (driveHistory), and two
 * distributions created, published, accepted after the timelock and claimed on the in-process EVM,
 * the claims indexed back into the log. The log is then exported with `cxt export` itself, and the
 * chain served over HTTP JSON-RPC for `cxt audit --rpc-url`. An earlier export, taken after the first
 * distribution's claims, is kept too: the chain moved on after it (a second root, more claims); and
 * one taken when the second distribution was created but not yet published.
 *
 * The store seals with the world's clock, so every recordedAt lies where the handler decided it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportLogToFile } from '../../adapters/audit/index.ts';
import { startLocalChain, type JsonRpcEndpoint } from '../../adapters/chain/index.ts';
import { main } from '../../adapters/cli/main.ts';
import type { CliIo } from '../../adapters/cli/command.ts';
import {
  createClaimIndexer,
  createDistribution,
  createPublisher,
  createSqlCheckpointStore,
  createSqlTreeStore,
  type CreateDistributionResult,
} from '../../adapters/distribution/index.ts';
import { openPgliteEventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, createSqlSnapshotStore, type CommandHandler } from '../../adapters/ledger/index.ts';
import type { Command, DistributionState, ProtocolParams } from '../../domain/index.ts';
import { setUpDistributor, TIMELOCK, type Fixture } from '../chain/fixture.ts';
import { claimFromDump, leavesOf } from '../distribution/world.ts';
import { addr, driveHistory, h32, historyParams, storeClock, type Clock } from '../support/history.ts';

export interface AuditWorld {
  readonly dir: string;
  readonly dataDir: string;
  /** The log as `cxt export` wrote it. */
  readonly eventsPath: string;
  /** The log as exported before the second distribution, and the chain's head block then. */
  readonly earlyEventsPath: string;
  readonly earlyBlock: number;
  /** The log as exported once the second distribution was created, before it was published. */
  readonly unpublishedEventsPath: string;
  readonly f: Fixture;
  readonly rpc: JsonRpcEndpoint;
  readonly deployBlock: number;
  readonly close: () => Promise<void>;
}

export interface CapturedIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
}

export const captureIo = (): CapturedIo => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), isTty: false };
};

/** Runs `cxt …args` in this process; returns the exit code and what it printed. */
export const cxt = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out.join('\n'), err: io.err.join('\n') };
};

export const must = async (handler: CommandHandler, c: Command): Promise<void> => {
  const r = await handler.handle(c);
  if (r.status === 'refused') throw new Error(`refused: ${r.refusal.code} ${r.refusal.message}`);
};

/** One more epoch of verified work and revenue, closed at its end. */
export const driveEpoch = async (handler: CommandHandler, clock: Clock, p: ProtocolParams, f: Fixture, e: number): Promise<void> => {
  const start = p.genesisTimeSeconds + e * p.epochLengthSeconds;
  clock.nowSeconds = start + 100;
  for (let n = 0; n < 3; n++) {
    const contributionId = `audit-${e}-${n}`;
    await must(handler, { type: 'RecordContribution', contributionId, nodeId: `node-${n}`, epoch: e, kind: 'compute', units: 300 + n, proofHash: h32(70_000 + e * 10 + n) });
    await must(handler, { type: 'VerifyContribution', contributionId, verifier: addr(900 + (n % 2)) });
  }
  await must(handler, { type: 'RecordRevenue', revenueId: `audit-rev-${e}`, source: 'task', asset: f.wbnb, gross: 2_000_011n, provider: addr(102) });
  // A task on the two gpu nodes (operators 100 and 102, the only two eligible): f1 agreed, f2 split
  // by a wrong hash, with no fresh operator to reassign it to, so the close fails it and settles
  // the task — pay, fee and a refund in the revenue asset.
  clock.nowSeconds = start + 150;
  await must(handler, {
    type: 'PostTask',
    taskId: `audit-task-${e}`,
    initiator: addr(777),
    kind: 'inference',
    asset: f.wbnb,
    budget: 3_000_001n,
    fragments: [
      { fragmentId: 'f1', units: 20, hardwareClass: 'gpu' },
      { fragmentId: 'f2', units: 10, hardwareClass: 'gpu' },
    ],
    redundancy: 2,
    quorum: 2,
    deadlineEpoch: e,
    salt: h32(0),
  });
  for (const [nodeId, fragmentId, units, hash] of [
    ['node-0', 'f1', 20, h32(1)],
    ['node-2', 'f1', 20, h32(1)],
    ['node-0', 'f2', 10, h32(2)],
    ['node-2', 'f2', 10, h32(3)],
  ] as const)
    await must(handler, { type: 'RecordContribution', contributionId: `audit-task-${e}/${fragmentId}/${nodeId}`, nodeId, epoch: e, kind: 'compute', units, proofHash: hash, taskId: `audit-task-${e}`, fragmentId });
  clock.nowSeconds = start + p.epochLengthSeconds + 1;
  await must(handler, { type: 'CloseEpoch', epoch: e, logHead: h32(0) });
};

const created = (r: CreateDistributionResult) => {
  if (r.status === 'refused') throw new Error(r.refusal.message);
  return r;
};

/** Mints to the distributor what distribution `d` still needs beyond what it holds. */
export const fund = async (f: Fixture, d: DistributionState): Promise<void> => {
  for (const { token, cumulativeWei } of d.totals) {
    const held = await f.distributor.tokenBalance(token);
    if (cumulativeWei > held) await f.mint(token, f.distributor.address, cumulativeWei - held);
  }
};

export const buildAuditWorld = async (): Promise<AuditWorld> => {
  const dir = await mkdtemp(join(tmpdir(), 'cxt-audit-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const clock: Clock = { nowSeconds: 0 };
  const store = await openPgliteEventStore(join(dataDir, 'pglite'), { clock: storeClock(clock) });
  const f = await setUpDistributor(await startLocalChain());
  const deployBlock = await f.chain.provider.getBlockNumber();
  const params = historyParams({ cxtToken: f.cxt });
  // As the service does: a snapshot per close beside the log (for `cxt export --snapshot`).
  const snapshots = createSqlSnapshotStore(store.db);
  await snapshots.migrate();
  const ledger = createLedger(store, { snapshots, snapshotRetention: 10 });
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const treeStore = createSqlTreeStore(store.db);
  const checkpoints = createSqlCheckpointStore(store.db);
  await treeStore.migrate();
  await checkpoints.migrate();
  await driveHistory(handler, clock, { params, asset: f.wbnb, epochs: 3 });

  const publisher = createPublisher({ handler, ledger, treeStore, distributor: f.distributor, chainId: f.chain.chainId, clock: () => 0, fromBlock: deployBlock });
  const indexer = createClaimIndexer({ handler, distributor: f.distributor, checkpoints, fromBlock: deployBlock });
  const publishAndAccept = async (beforePublishing: () => Promise<unknown> = async () => undefined) => {
    const { distribution, dump } = created(await createDistribution({ handler, ledger, treeStore }));
    await beforePublishing();
    await fund(f, distribution);
    await publisher.step();
    await f.chain.increaseTime(TIMELOCK);
    await publisher.step();
    return dump!;
  };

  const dump1 = await publishAndAccept();
  const leaves = leavesOf(dump1);
  const claimed = [leaves.find(([, t]) => t === f.cxt)!, leaves.find(([, t]) => t === f.wbnb)!];
  for (const [account, token] of claimed) await f.as(f.stranger).claim(claimFromDump(dump1, account, token));
  await indexer.catchUp();
  const earlyEventsPath = join(dir, 'early-events.jsonl');
  await exportLogToFile(store, earlyEventsPath);
  const earlyBlock = await f.chain.provider.getBlockNumber();

  await driveEpoch(handler, clock, params, f, 3);
  const unpublishedEventsPath = join(dir, 'unpublished-events.jsonl');
  const dump2 = await publishAndAccept(() => exportLogToFile(store, unpublishedEventsPath));
  // The first claimer again (pays only the difference) and a first claim by another account.
  await f.as(f.stranger).claim(claimFromDump(dump2, claimed[0]![0], claimed[0]![1]));
  const other = leavesOf(dump2).find(([a, t]) => t === f.cxt && a !== claimed[0]![0])!;
  await f.as(f.stranger).claim(claimFromDump(dump2, other[0], other[1]));
  await indexer.catchUp();
  await ledger.snapshotsWritten();
  await store.close();

  const eventsPath = join(dir, 'events.jsonl');
  const exported = await cxt('export', '--data-dir', dataDir, '--out', eventsPath);
  if (exported.code !== 0) throw new Error(`cxt export failed: ${exported.err}`);
  const rpc = await f.chain.serve();
  return {
    dir,
    dataDir,
    eventsPath,
    earlyEventsPath,
    earlyBlock,
    unpublishedEventsPath,
    f,
    rpc,
    deployBlock,
    close: async () => {
      await rpc.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
