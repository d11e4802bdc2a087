/**
 * The service's core, without HTTP or scheduler: storage, chain, ledger, genesis, the asset
 * registry, read models and the distribution adapters, opened in that order and closed in reverse.
 * `cxt serve` puts the API and the scheduler on top; the operator commands (`cxt epoch close`,
 * `cxt distribution …`, `cxt asset register`) use it as it is, so they follow the very same rules
 * as the API. A start that fails part-way closes what it opened.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { genesisParams, type ProtocolParams } from '../../domain/index.ts';
import type { PostgresEventStore } from '../eventStore/index.ts';
import { createCommandHandler, createLedger, createSqlSnapshotStore, type CommandHandler, type Ledger } from '../ledger/index.ts';
import { createProjectionRunner, type ProjectionRunner } from '../projections/index.ts';
import { createAssetRegistrar, ensureStartupAssets, type AssetRegistrar } from './assetRegistrar.ts';
import type { ChainRuntime } from './chainRuntime.ts';
import { ConfigError, type ServiceConfig } from './config.ts';
import { wireDistribution, type DistributionWiring } from './distributionWiring.ts';
import { startEmbeddedChain } from './embeddedChain.ts';
import { connectExternalChain } from './externalChain.ts';
import { ensureGenesis } from './genesis.ts';
import { instrumentCommands } from './instrumentedCommands.ts';
import { createLedgerView, type LedgerView } from './ledgerView.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { describeDistribution } from './distributionJson.ts';
import { openStorage, type Storage } from './storage.ts';
import { connectPayoutChain, type PayoutChainRuntime } from './payoutChainRuntime.ts';
import { configurePayoutChains } from './payoutChainSetup.ts';

export interface CoreOptions {
  readonly config: ServiceConfig;
  /** Unix seconds (default: the system clock). */
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Genesis parameters beyond the configurable ones (tests). */
  readonly params?: Partial<ProtocolParams>;
  /** 'write': record genesis on an empty log (cxt serve); 'require': refuse an empty log (operator commands). */
  readonly genesis?: 'write' | 'require';
}

export interface Core {
  readonly clock: () => number;
  readonly log: Logger;
  readonly storage: Storage;
  readonly store: PostgresEventStore;
  readonly chain: ChainRuntime;
  /** PAYOUT_CHAINS, connected (issue 15); empty by default. */
  readonly payoutChains: readonly PayoutChainRuntime[];
  readonly metrics: ServiceMetrics;
  readonly ledger: Ledger;
  readonly view: LedgerView;
  readonly commands: CommandHandler;
  readonly genesis: ProtocolParams;
  readonly assets: AssetRegistrar;
  readonly projections: ProjectionRunner;
  readonly distribution: DistributionWiring;
  /** Registers something to close before the core (reverse order of registration). */
  onClose(name: string, close: () => Promise<void>): void;
  /** Closes everything in reverse order of opening (snapshots being written first); errors are logged, not thrown. */
  close(): Promise<void>;
}

const systemClock = () => Math.floor(Date.now() / 1000);

export const openCore = async (options: CoreOptions): Promise<Core> => {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: config.logLevel });
  const dataDir = config.storage.dataDir;
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];
  const close = async () => {
    for (const { name, close: c } of closers.splice(0).reverse()) await c().catch((error: Error) => log.error({ err: error }, `closing ${name} failed`));
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
    /**
     * A payout chain is checked at start like the primary one, but one that does not answer only
     * warns: it delays its own trees (its jobs fail and show on /readyz), not the service.
     */
    const openPayoutChains = async (): Promise<PayoutChainRuntime[]> => {
      const chains = config.payoutChains.map(connectPayoutChain);
      for (const c of chains) closers.push({ name: `payout chain ${c.chainId}`, close: c.close });
      for (const c of chains)
        await c.verified().catch((error: Error) => {
          if (error instanceof ConfigError) throw error;
          log.warn(`payout chain ${c.chainId} does not answer at start (${error.message}); its trees wait until it does`);
        });
      return chains;
    };
    const external = config.chain.kind === 'external' ? await openChain() : undefined;
    const payoutChains = await openPayoutChains();
    const storage = await openStore();
    const chain = external ?? (await openChain());
    const { store, schema } = storage;

    const metrics = createServiceMetrics();
    const snapshots = createSqlSnapshotStore(store.db, schema === undefined ? {} : { schema });
    await snapshots.migrate();
    const ledger = createLedger(store, {
      snapshots,
      ...(config.snapshotRetention === undefined ? {} : { snapshotRetention: config.snapshotRetention }),
      onSnapshotProblem: (message) => log.warn(message),
    });
    // Closed before the store: snapshots still being written finish first.
    closers.push({ name: 'snapshots', close: () => ledger.snapshotsWritten() });
    const view = createLedgerView(ledger, { otherWriters: storage.shared, store });
    const commands = instrumentCommands(createCommandHandler({ store, ledger, clock, onGroup: (commands) => metrics.commandGroupSize.observe(commands) }), metrics);
    if (options.genesis === 'require') {
      await ledger.catchUp();
      if (genesisParams(ledger.state) === undefined)
        throw new ConfigError(`${storage.describe} holds no log yet (no genesis): start cxt serve on it once, or point --data-dir / DATABASE_URL at the service's store.`);
    }
    const { params: genesis } = await ensureGenesis({ ledger, commands, cxtToken: chain.cxtToken, nowSeconds: clock(), overrides: config.genesis, params: options.params });
    const assets = createAssetRegistrar(chain.provider, commands);
    await ensureStartupAssets({ ledger, commands, registrar: assets, ...(chain.wbnbToken ? { wbnbToken: chain.wbnbToken } : {}) });
    await configurePayoutChains({ ledger, commands, primaryChainId: chain.chainId, chains: payoutChains });

    const projections = createProjectionRunner({
      store,
      db: store.db,
      ...(schema ? { schema } : {}),
      snapshots,
      onSnapshotProblem: (message) => log.warn(`read models: ${message}`),
    });
    await projections.migrate();

    const distribution = await wireDistribution({
      store,
      schema,
      ledger,
      commands,
      chain,
      payoutChains,
      clock,
      describe: (d) => describeDistribution(view, d),
      onFunding: (shortfalls) => {
        metrics.distributorShortfall.reset();
        for (const x of shortfalls) metrics.distributorShortfall.set({ token: x.token }, Number(x.neededWei - x.availableWei));
      },
    });

    return {
      clock,
      log,
      storage,
      store,
      chain,
      payoutChains,
      metrics,
      ledger,
      view,
      commands,
      genesis,
      assets,
      projections,
      distribution,
      onClose: (name, c) => {
        closers.push({ name, close: c });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
