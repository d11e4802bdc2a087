/**
 * `cxt serve` composed: storage, chain, ledger, genesis, read models, distributions, scheduler and
 * the HTTP app, started in that order and stopped in reverse (requests finish, the scheduler
 * stops, the chain and the store close). A start that fails part-way closes what it opened.
 */
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { ProtocolParams } from '../../domain/index.ts';
import type { PostgresEventStore } from '../eventStore/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { ProjectionRunner } from '../projections/index.ts';
import { createHttpApp } from '../http/app.ts';
import { tokenDigest, type AccessTokens } from '../http/auth.ts';
import { advisoryLockLeadership, soleLeadership } from '../scheduler/leadership.ts';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.ts';
import { ensureAdminToken } from './adminToken.ts';
import { assetPort } from './assetPort.ts';
import { createAttentionBoard } from './attention.ts';
import { withTimeout, type ChainRuntime } from './chainRuntime.ts';
import type { ServiceConfig } from './config.ts';
import { createQueries } from './queries.ts';
import { openCore } from './core.ts';
import { describeDeployment, printBanner } from './banner.ts';
import { epochJob, readModelJob } from './schedulerJobs.ts';
import { createTreeCache } from './treeCache.ts';
import { describePayoutChains, notePayoutChains } from './payoutChainStatus.ts';

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

/** 'ok', or why `work` failed or did not answer within 2 s: a readiness check that never hangs. */
const check = (work: Promise<unknown>, what: string): Promise<string> =>
  withTimeout(work, 2000, what).then(
    () => 'ok',
    (e: Error) => e.message,
  );

export const startService = async (options: ServiceOptions): Promise<Service> => {
  const { config } = options;
  const core = await openCore({ ...options, genesis: 'write' });
  const { clock, log, storage, store, chain, payoutChains, metrics, ledger, view, commands, genesis, assets, projections, distribution } = core;

  try {
    await projections.catchUp();
    const attention = createAttentionBoard(clock);
    metrics.setAttentionSource(() => attention.list());
    const queries = createQueries(
      view,
      // Reads ask for the active and the pending tree of each chain, and one more of each while a new one lands.
      createTreeCache(distribution.dumpSource, 4 * (1 + payoutChains.length)),
      clock,
      {
        settledTask: (taskId) => projections.taskDocument(taskId),
        eventPages: (fromPosition, limit) => store.readAll({ fromPosition, maxCount: limit }),
        receipts: projections,
        taskPages: (after, limit) => projections.tasks(after, limit),
        history: store,
        readModelsProblem: () => attention.list().find((a) => a.condition === 'job:read-models')?.detail,
      },
    );

    const leadership = storage.lockSession ? advisoryLockLeadership(storage.lockSession, `corex-scheduler:${storage.schema ?? 'default'}`) : soleLeadership();
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
        // Each tick, not only when /readyz is asked: cxt_attention shows a payout chain's outage too.
        if (payoutChains.length > 0) void notePayoutChains(attention, payoutChains, ledger.state, check);
      },
    });
    core.onClose('scheduler', scheduler.stop);

    metrics.setTaskSource(() => ledger.state);
    metrics.setLagSource(async () => ({
      logHead: (await store.head()).position,
      ledger: ledger.position,
      readModels: await projections.checkpoint(),
      ledgerStartedAt: ledger.startedAt,
    }));
    const { tokens, generated } = accessTokens(config, config.storage.dataDir);
    const app = await createHttpApp(
      {
        chainId: chain.chainId,
        tokens,
        bodyLimitBytes: config.bodyLimitBytes,
        ...(config.batchBodyLimitBytes === undefined ? {} : { batchBodyLimitBytes: config.batchBodyLimitBytes }),
        commands,
        fresh: view.fresh,
        current: () => ledger.state,
        queries,
        distributions: distribution.port,
        assets: assetPort(assets, view),
        readiness: async () => {
          const [storeCheck, chainCheck] = await Promise.all([check(store.head(), 'the event store'), check(chain.ping(), 'the chain')]);
          await notePayoutChains(attention, payoutChains, ledger.state, check);
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
        info: () => ({
          ...describeDeployment(chain, genesis, ledger.state, clock()),
          payoutChains: describePayoutChains(payoutChains, ledger.state),
          logHead: { position: ledger.position, hash: ledger.headHash },
        }),
      },
      { logger: log, ...(config.signatureWorkers === undefined ? {} : { recoveryWorkers: config.signatureWorkers }) },
    );
    core.onClose('http', () => app.close());
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
      stop: () => (stopping ??= core.close()),
    };
  } catch (error) {
    await core.close();
    throw error;
  }
};
