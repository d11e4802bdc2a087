/**
 * `cxt serve`: the settlement service. Runs until SIGTERM or SIGINT, then shuts down gracefully
 * (requests finish, the scheduler stops, the chain and store close). A second signal while
 * stopping exits at once.
 */
import { InputError, UsageError, type CliCommand } from '../command.ts';
import { ConfigError, loadConfig } from '../../service/config.ts';
import { startService } from '../../service/service.ts';

interface ServeArgs {
  readonly dataDir?: string;
  readonly host?: string;
  readonly port?: string;
}

const FLAGS: Record<string, keyof ServeArgs> = { '--data-dir': 'dataDir', '--host': 'host', '--port': 'port' };

const parseArgs = (args: readonly string[]): ServeArgs => {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = FLAGS[flag];
    if (key === undefined) throw new UsageError(`unknown option ${flag}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    out[key] = value;
  }
  return out;
};

/** Resolves with the first termination signal. */
const untilSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      // A second signal while shutting down means "now".
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the settlement service (HTTP API, scheduler, publisher, claim indexer)',
  usage:
    'cxt serve [--data-dir DIR] [--host HOST] [--port PORT]\n\n' +
    'Defaults: 127.0.0.1:8080, PGlite and an embedded EVM in ./.cxt. Environment: DATABASE_URL, RPC_URL, PRIVATE_KEY,\n' +
    'DISTRIBUTOR_ADDRESS, CXT_TOKEN_ADDRESS, ADMIN_TOKEN, INDEXER_TOKEN, BILLING_TOKEN, … (see docs/service.md).',
  async run(args, io) {
    const flags = parseArgs(args);
    let config;
    try {
      config = loadConfig(
        { ...process.env, ...(flags.host ? { HOST: flags.host } : {}), ...(flags.port ? { PORT: flags.port } : {}) },
        flags.dataDir ? { dataDir: flags.dataDir } : {},
      );
    } catch (error) {
      if (error instanceof ConfigError) throw new InputError(error.message);
      throw error;
    }
    let service;
    try {
      service = await startService({ config, print: io.stdout });
    } catch (error) {
      if (error instanceof ConfigError) throw new InputError(error.message);
      throw error;
    }
    const signal = await untilSignal();
    io.stderr(`received ${signal}: finishing in-flight requests and shutting down`);
    await service.stop();
    io.stderr('stopped');
    // Library handles (the EVM, pools) must not keep a stopped service alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    return 0;
  },
};
