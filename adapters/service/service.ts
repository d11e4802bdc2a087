/**
 * `cxt serve` composed: storage, chain, ledger, genesis, read models, distributions, scheduler and
 * the HTTP app, started in that order and stopped in reverse (requests finish, the scheduler
 * stops, the chain and the store close). A start that fails part-way closes what it opened.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { ProtocolParams } from '../../domain/index.ts';
import type { PostgresEventStore } from '../eventStore/index.ts';
import { createCommandHandler, createLedger, type Ledger } from '../ledger/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../projections/index.ts';
import { createHttpApp } from '../http/app.ts';
import { tokenDigest, type AccessTokens } from '../http/auth.ts';
import { advisoryLockLeadership, soleLeadership } from '../scheduler/leadership.ts';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.ts';
import { ensureAdminToken } from './adminToken.ts';
import { createAssetRegistrar, ensureStartupAssets } from './assetRegistrar.ts';
import { assetPort } from './assetPort.ts';
import { createAttentionBoard } from './attention.ts';
import { withTimeout, type ChainRuntime } from './chainRuntime.ts';
import type { ServiceConfig } from './config.ts';
import { wireDistribution } from './distributionWiring.ts';
import { startEmbeddedChain } from './embeddedChain.ts';
import { connectExternalChain } from './externalChain.ts';
import { ensureGenesis } from './genesis.ts';
import { instrumentCommands } from './instrumentedCommands.ts';
import { createLedgerView } from './ledgerView.ts';
import { createServiceMetrics } from './metrics.ts';
import { createQueries, describeDistribution } from './queries.ts';
import { describeDeployment, printBanner } from './banner.ts';
import { epochJob, readModelJob } from './schedulerJobs.ts';
import { openStorage, type Storage } from './storage.ts';
import { createTreeCache } from './treeCache.ts';

export interface ServiceOptions {
  readonly config: ServiceConfig;
  /** Unix seconds (default: the system clock). */
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** 'manual': no cron; the caller drives scheduler.tick() (tests). */
  readonly ticking?: 'cron' | 'manual';
  /** Genesis parameters beyond the configurable ones (tests). */
  readonly params?: Partial<ProtocolParams>;
  /** Where the start banner goes (default stdout). */
  readonly print?: (line: string) => void;
}

export interface Service {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly chain: ChainRuntime;
  readonly store: PostgresEventStore;
  readonly ledger: Ledger;
  readonly scheduler: Scheduler;
  readonly projections: ProjectionRunner;
  readonly genesis: ProtocolParams;
  /** Only on the start that generated it. */
  readonly generatedAdminToken?: string;
  /** Graceful and idempotent: a second call returns the first one's promise. */
  stop(): Promise<void>;
}

const systemClock = () => Math.floor(Date.now() / 1000);

const accessTokens = (config: ServiceConfig, dataDir: string): { tokens: AccessTokens; generated?: string } => {
  const admin = config.tokens.admin ? { digest: tokenDigest(config.tokens.admin) } : ensureAdminToken(dataDir);
  return {
    tokens: {
      admin: [admin.digest],
      indexer: config.tokens.indexer ? [tokenDigest(config.tokens.indexer)] : [],
      billing: config.tokens.billing ? [tokenDigest(config.tokens.billing)] : [],
    },
    ...('generated' in admin && admin.generated ? { generated: admin.generated } : {}),
  };
};

export const startService = async (options: ServiceOptions): Promise<Service> => {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: config.logLevel });
  const dataDir = config.storage.dataDir;
  // Closed in reverse order of opening.
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];
  const closeAll = async () => {
    for (const { name, close } of closers.splice(0).reverse()) await close().catch((error: Error) => log.error({ err: error }, `closing ${name} failed`));
  };

  try {
    // A real chain is checked before the database is touched, so its misconfiguration writes
    // nothing; the embedded chain comes after the data dir is claimed (it lives in it).
    const openChain = async (): Promise<ChainRuntime> => {
      const chain =
        config.chain.kind === 'embedded'
          ? await startEmbeddedChain({
              dir: join(dataDir, 'chain'),
              rpcPort: config.chain.rpcPort,
              ...(config.chain.chainId ? { chainId: config.chain.chainId } : {}),
              timelockSeconds: config.genesis.timelockSeconds ?? options.params?.timelockSeconds ?? 3600,
              warn: (m) => log.warn(m),
            })
          : await connectExternalChain(config.chain);
      closers.push({ name: 'chain', close: chain.close });
      return chain;
    };
    const openStore = async (): Promise<Storage> => {
      mkdirSync(dataDir, { recursive: true });
      // An injected clock (tests, replays) also seals recordedAt, so the log's times match its decisions.
      const storage = await openStorage(config.storage, options.clock ? () => new Date(clock() * 1000) : undefined);
      closers.push({ name: 'store', close: storage.close });
      return storage;
    };
    const external = config.chain.kind === 'external' ? await openChain() : undefined;
    const storage = await openStore();
    const chain = external ?? (await openChain());
    const { store, schema } = storage;

    const metrics = createServiceMetrics();
    const ledger = createLedger(store);
    const view = createLedgerView(ledger, { otherWriters: storage.shared });
    const commands = instrumentCommands(createCommandHandler({ store, ledger, clock }), metrics);
    const { params: genesis } = await ensureGenesis({ ledger, commands, cxtToken: chain.cxtToken, nowSeconds: clock(), overrides: config.genesis, params: options.params });
    const assets = createAssetRegistrar(chain.provider, commands);
    await ensureStartupAssets({ ledger, commands, registrar: assets, ...(chain.wbnbToken ? { wbnbToken: chain.wbnbToken } : {}) });

    const projections = createProjectionRunner({ store, db: store.db, ...(schema ? { schema } : {}) });
    await projections.migrate();
    await projections.catchUp();

    const distribution = await wireDistribution({
      store,
      schema,
      ledger,
      commands,
      chain,
      clock,
      describe: (d) => describeDistribution(view, d),
      onFunding: (shortfalls) => {
        metrics.distributorShortfall.reset();
        for (const x of shortfalls) metrics.distributorShortfall.set({ token: x.token }, Number(x.neededWei - x.availableWei));
      },
    });
    const attention = createAttentionBoard(clock);
    metrics.setAttentionSource(() => attention.list());
    const queries = createQueries(view, createTreeCache(distribution.dumpSource), clock);

    const leadership = storage.lockSession ? advisoryLockLeadership(storage.lockSession, `corex-scheduler:${schema ?? 'default'}`) : soleLeadership();
    const jobs = [epochJob({ fresh: view.fresh, commands, clock }), ...distribution.jobs, readModelJob(projections)];
    const scheduler = createScheduler({
      leadership,
      jobs,
      log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
      onTick: (r) => {
        metrics.schedulerTicks.inc({ outcome: !r.leader ? 'follower' : Object.keys(r.failed).length > 0 ? 'failed' : 'acted' });
        if (!r.leader) return;
        for (const job of jobs) {
          const failure = r.failed[job.name];
          if (failure === undefined) attention.clear(`job:${job.name}`);
          else attention.set(`job:${job.name}`, failure);
        }
      },
    });
    closers.push({ name: 'scheduler', close: scheduler.stop });

    metrics.setLagSource(async () => ({ logHead: (await store.head()).position, ledger: ledger.position, readModels: await projections.checkpoint() }));
    const { tokens, generated } = accessTokens(config, dataDir);
    const app = await createHttpApp(
      {
        chainId: chain.chainId,
        tokens,
        bodyLimitBytes: config.bodyLimitBytes,
        commands,
        fresh: view.fresh,
        current: () => ledger.state,
        queries,
        distributions: distribution.port,
        assets: assetPort(assets, view),
        readiness: async () => {
          const check = (work: Promise<unknown>, what: string) =>
            withTimeout(work, 2000, what).then(
              () => 'ok',
              (e: Error) => e.message,
            );
          const [storeCheck, chainCheck] = await Promise.all([check(store.head(), 'the event store'), check(chain.ping(), 'the chain')]);
          // The ledger must fold what the store holds: a log it cannot read would halt every decision.
          const ledgerCheck = storeCheck === 'ok' ? await check(ledger.catchUp(), 'the ledger') : 'waits for the event store';
          return {
            ready: storeCheck === 'ok' && chainCheck === 'ok' && ledgerCheck === 'ok',
            checks: { store: storeCheck, chain: chainCheck, ledger: ledgerCheck },
            attention: attention.list(),
          };
        },
        metrics: {
          observe: (method, route, status, seconds) => metrics.httpSeconds.observe({ method, route, status_code: String(status) }, seconds),
          render: metrics.render,
          contentType: metrics.contentType,
        },
        info: () => describeDeployment(chain, genesis, ledger.state, clock()),
      },
      { logger: log, ...(config.signatureWorkers === undefined ? {} : { recoveryWorkers: config.signatureWorkers }) },
    );
    closers.push({ name: 'http', close: () => app.close() });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (options.ticking !== 'manual') scheduler.start(config.schedule);
    printBanner(options.print ?? ((line) => process.stdout.write(`${line}\n`)), { url, storage: storage.describe, chain, generatedAdminToken: generated });

    let stopping: Promise<void> | undefined;
    return {
      url,
      app,
      chain,
      store,
      ledger,
      scheduler,
      projections,
      genesis,
      ...(generated ? { generatedAdminToken: generated } : {}),
      stop: () => (stopping ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
