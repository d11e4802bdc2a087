/**
 * What the operator commands share: the service's configuration from the environment and the
 * --data-dir flag, the service's core opened on the existing log (never a new genesis), the
 * command's work, then everything closed. They follow the very same rules as the API because they
 * call the same ports. The embedded chain serves no fixed JSON-RPC port here (a running service may
 * hold 8545); PGlite's data dir is claimed, so a running service on it is refused with a sentence.
 */
import pino from 'pino';
import { ConfigError, loadConfig } from '../../service/config.ts';
import { openCore, type Core } from '../../service/core.ts';
import { InputError, type CliIo } from '../command.ts';

export const withCore = async <T>(dataDir: string | undefined, env: NodeJS.ProcessEnv, work: (core: Core) => Promise<T>): Promise<T> => {
  let core: Core;
  try {
    const config = loadConfig({ EMBEDDED_RPC_PORT: '0', ...env }, dataDir === undefined ? {} : { dataDir });
    core = await openCore({ config, logger: pino({ level: 'silent' }), genesis: 'require' });
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
  try {
    return await work(core);
  } finally {
    await core.close();
  }
};

/** A refusal from the rules (the API's 4xx): one sentence, exit 1. */
export const refused = (io: CliIo, refusal: { readonly code: string; readonly message: string }): number => {
  io.stderr(`refused (${refusal.code}): ${refusal.message}`);
  return 1;
};
