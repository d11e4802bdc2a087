/**
 * `cxt export --out events.jsonl [--data-dir DIR]`: every envelope of the log, one JSON line each,
 * in global order and exactly as stored. The store is the service's: PostgreSQL with DATABASE_URL,
 * else PGlite in the data dir.
 */
import { exportLogToFile } from '../../audit/exportLog.ts';
import { openSelectedStore, storageConfigFrom, StoreSelectionError } from '../../audit/storeSelection.ts';
import { ConfigError } from '../../service/config.ts';
import type { Storage } from '../../service/storage.ts';
import type { StorageConfig } from '../../service/config.ts';
import { InputError, type CliCommand } from '../command.ts';
import { parseFlags, requiredText, text } from '../flags.ts';

/** Opens the service's store; configuration and access problems become one-sentence input errors. */
export const openStoreFor = async (env: NodeJS.ProcessEnv, dataDir: string | undefined, mustExist: boolean): Promise<Storage> => {
  let config: StorageConfig;
  try {
    config = storageConfigFrom(env, dataDir);
    return await openSelectedStore(config, { mustExist });
  } catch (error) {
    if (error instanceof StoreSelectionError || error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
};

export interface StoreCommandDeps {
  /** Environment read for DATABASE_URL, DATABASE_SCHEMA and DATA_DIR (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export const createExportCommand = (deps: StoreCommandDeps = {}): CliCommand => ({
  async run(args, io) {
    const { out, 'data-dir': dataDir } = parseFlags(args, { out: requiredText('<events.jsonl>'), 'data-dir': text('DIR') });
    const storage = await openStoreFor(deps.env ?? process.env, dataDir, true);
    try {
      const { count, head } = await exportLogToFile(storage.store, out).catch((error: NodeJS.ErrnoException) => {
        throw error.code === undefined ? error : new InputError(`cannot write ${out}: ${error.message}`);
      });
      io.stdout(`exported ${count} event(s) from ${storage.describe} to ${out}${count > 0 ? `; last position ${head.position}, head hash ${head.hash}` : ''}`);
      return 0;
    } finally {
      await storage.close();
    }
  },
});

export const exportCommand = createExportCommand();
