/**
 * `cxt serve`: the settlement service. Runs until SIGTERM or SIGINT, then shuts down gracefully
 * (requests finish, the scheduler stops, the chain and store close). A second signal while
 * stopping exits at once.
 */
import { InputError, type CliCommand } from '../command.ts';
import { parseFlags, text, whole } from '../flags.ts';
import { ConfigError, loadConfig } from '../../service/config.ts';
import { startService } from '../../service/service.ts';

const FLAGS = { 'data-dir': text('DIR'), host: text('HOST'), port: whole(0, 65_535) };

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
  async run(args, io) {
    const { host, port, 'data-dir': dataDir } = parseFlags(args, FLAGS);
    let config;
    try {
      config = loadConfig(
        { ...process.env, ...(host === undefined ? {} : { HOST: host }), ...(port === undefined ? {} : { PORT: String(port) }) },
        dataDir === undefined ? {} : { dataDir },
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
