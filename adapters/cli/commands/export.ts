/**
 * `cxt export --out events.jsonl [--data-dir DIR]`: every envelope of the log, one JSON line each,
 * in global order and exactly as stored. The store is the service's: PostgreSQL with DATABASE_URL,
 * else PGlite in the data dir.
 */
import { parseArgs } from 'node:util';
import { exportLogToFile } from '../../audit/exportLog.ts';
import { openSelectedStore, storageConfigFrom, StoreSelectionError } from '../../audit/storeSelection.ts';
import { ConfigError } from '../../service/config.ts';
import type { Storage } from '../../service/storage.ts';
import type { StorageConfig } from '../../service/config.ts';
import { InputError, UsageError, type CliCommand } from '../command.ts';

/** parseArgs with its errors as usage errors (exit 2). */
export const parseOptions = <const K extends string>(args: readonly string[], names: readonly K[]): Partial<Record<K, string>> => {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    for (const [name, value] of Object.entries(values)) if (value === '') throw new Error(`--${name} needs a value`);
    return values as Partial<Record<K, string>>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

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
  name: 'export',
  summary: 'Write every event envelope of the log to a JSON-lines file, exactly as stored',
  usage: 'cxt export --out <events.jsonl> [--data-dir DIR]   (DATABASE_URL selects PostgreSQL, as for cxt serve)',
  async run(args, io) {
    const { out, 'data-dir': dataDir } = parseOptions(args, ['out', 'data-dir']);
    if (out === undefined) throw new UsageError('--out <events.jsonl> is required');
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
