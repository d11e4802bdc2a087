/**
 * `cxt export --out events.jsonl [--snapshot snapshot.json] [--data-dir DIR]`: every envelope of
 * the log, one JSON line each, in global order and exactly as stored; with --snapshot also the
 * newest kept ledger snapshot that verifies against the exported log (the start of a tail audit).
 * The store is the service's: PostgreSQL with DATABASE_URL, else PGlite in the data dir.
 */
import { exportLogToFile } from '../../audit/exportLog.ts';
import { writeSnapshotFile } from '../../audit/snapshotFile.ts';
import { createSqlSnapshotStore, latestVerifiedSnapshot } from '../../ledger/index.ts';
import { openSelectedStore, storageConfigFrom, StoreSelectionError } from '../../audit/storeSelection.ts';
import { ConfigError } from '../../service/config.ts';
import type { Storage } from '../../service/storage.ts';
import type { StorageConfig } from '../../service/config.ts';
import { InputError, UsageError, type CliCommand } from '../command.ts';
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
    const flags = parseFlags(args, { out: requiredText('<events.jsonl>'), snapshot: text('<snapshot.json>'), 'data-dir': text('DIR') });
    const { out, snapshot: snapshotPath } = flags;
    if (snapshotPath === out) throw new UsageError('--snapshot must name another file than --out');
    const storage = await openStoreFor(deps.env ?? process.env, flags['data-dir'], true);
    const cannotWrite = (path: string) => (error: NodeJS.ErrnoException) => {
      throw error.code === undefined ? error : new InputError(`cannot write ${path}: ${error.message}`);
    };
    try {
      const { count, head } = await exportLogToFile(storage.store, out).catch(cannotWrite(out));
      io.stdout(`exported ${count} event(s) from ${storage.describe} to ${out}${count > 0 ? `; last position ${head.position}, head hash ${head.hash}` : ''}`);
      if (snapshotPath === undefined) return 0;
      const snapshots = createSqlSnapshotStore(storage.store.db, storage.schema === undefined ? {} : { schema: storage.schema });
      await snapshots.migrate();
      const latest = await latestVerifiedSnapshot(storage.store, snapshots, (at, reason) => io.stderr(`cxt export: the snapshot at position ${at} is skipped: ${reason}`), head.position);
      if (latest === undefined)
        throw new InputError(`no kept snapshot verifies against the exported log, so none was written to ${snapshotPath} (the service keeps one per close from the first close that records a stateHash)`);
      await writeSnapshotFile(snapshotPath, { position: latest.position, headHash: latest.headHash, stateHash: latest.stored.stateHash, parts: latest.stored.parts }).catch(cannotWrite(snapshotPath));
      io.stdout(`wrote the snapshot at position ${latest.position} (stateHash ${latest.stored.stateHash}) to ${snapshotPath}`);
      return 0;
    } finally {
      await storage.close();
    }
  },
});

export const exportCommand = createExportCommand();
