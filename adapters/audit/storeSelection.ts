/**
 * Which store `cxt export` and `cxt import` work on, chosen as `cxt serve` chooses it: PostgreSQL
 * when DATABASE_URL is set (DATABASE_SCHEMA optional), otherwise PGlite in the data dir
 * (--data-dir, else DATA_DIR, else ./.cxt). Opened through the service's own storage code, so the
 * tables, the schema and the data-dir lock (one process per PGlite directory) are the same.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { fieldErrors } from '../../domain/index.ts';
import { EnvCodec, type StorageConfig } from '../service/config.ts';
import { openStorage, type Storage } from '../service/storage.ts';

export class StoreSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreSelectionError';
  }
}

const STORAGE_VARIABLES = ['DATA_DIR', 'DATABASE_URL', 'DATABASE_SCHEMA'] as const;

export const storageConfigFrom = (env: NodeJS.ProcessEnv, dataDirFlag?: string): StorageConfig => {
  const raw: Record<string, string> = {};
  for (const k of STORAGE_VARIABLES) if (env[k] !== undefined && env[k] !== '') raw[k] = env[k]!;
  const decoded = EnvCodec.decode(raw);
  if (E.isLeft(decoded))
    throw new StoreSelectionError(`Invalid configuration: ${fieldErrors(decoded.left).map((f) => `${f.field} ${f.message}`).join('; ')}.`);
  const e = decoded.right;
  if (e.DATABASE_SCHEMA !== undefined && e.DATABASE_URL === undefined)
    throw new StoreSelectionError('DATABASE_SCHEMA applies only with DATABASE_URL, which is not set.');
  const dataDir = dataDirFlag ?? e.DATA_DIR ?? './.cxt';
  return e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, dataDir, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) }
    : { kind: 'pglite', dataDir };
};

/** `mustExist`: refuse a data dir that holds no store yet, instead of creating an empty one. */
export const openSelectedStore = async (config: StorageConfig, { mustExist }: { mustExist: boolean }): Promise<Storage> => {
  if (mustExist && config.kind === 'pglite' && !existsSync(join(config.dataDir, 'pglite')))
    throw new StoreSelectionError(`there is no event store in ${config.dataDir} (no ${join(config.dataDir, 'pglite')}); pass --data-dir or set DATABASE_URL`);
  return openStorage(config);
};
