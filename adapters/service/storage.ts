/**
 * The service's database: PGlite in the data dir (embedded default) or PostgreSQL (DATABASE_URL).
 * One executor carries the event store, the read-model tables and the distribution tables, so the
 * same SQL runs on both. PostgreSQL also gets the scheduler's leader lock (a dedicated session).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresEventStore, openPgliteEventStore, pgExecutor, type Clock, type PostgresEventStore } from '../eventStore/index.ts';
import { ConfigError, type StorageConfig } from './config.ts';
import { withTimeout } from './chainRuntime.ts';

export interface Storage {
  readonly store: PostgresEventStore;
  /** Schema of every table (undefined: the connection's search_path). */
  readonly schema: string | undefined;
  /** A connection string for a dedicated session (advisory locks); undefined for PGlite. */
  readonly lockSession?: () => pg.Client;
  readonly describe: string;
  /** True when other processes may append to the same store (PostgreSQL); PGlite is this process's alone. */
  readonly shared: boolean;
  /** Closes the store and releases what the storage holds (the PGlite directory lock). */
  readonly close: () => Promise<void>;
}

const openPostgres = async (c: Extract<StorageConfig, { kind: 'postgres' }>, clock: Clock | undefined): Promise<Storage> => {
  const pool = new pg.Pool({ connectionString: c.url, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the process.
  pool.on('error', () => undefined);
  try {
    await withTimeout(pool.query('select 1'), 15_000, 'DATABASE_URL');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(`DATABASE_URL ${redact(c.url)} is not reachable: ${(error as Error).message}.`);
  }
  const store = createPostgresEventStore({ db: pgExecutor(pool), ...(c.schema ? { schema: c.schema } : {}), ...(clock ? { clock } : {}) });
  await store.migrate();
  return {
    store,
    schema: c.schema,
    lockSession: () => new pg.Client({ connectionString: c.url }),
    describe: `PostgreSQL ${redact(c.url)}${c.schema ? ` (schema ${c.schema})` : ''}`,
    shared: true,
    close: () => store.close(),
  };
};

/** Never print a password. */
const redact = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it,
 * so the directory is claimed with a pid file (a stale one, from a process that died, is taken over).
 */
const lockDirectory = (dir: string): (() => void) => {
  const path = join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8'));
      if (owner !== process.pid && Number.isSafeInteger(owner) && isAlive(owner))
        throw new ConfigError(`the data dir ${dir} is in use by process ${owner}; PGlite serves one process (set DATABASE_URL to share a database).`);
      rmSync(path, { force: true });
    }
  }
  throw new ConfigError(`could not claim the data dir ${dir}.`);
};

/** `clock` seals recordedAt (default: the system clock); the service passes its own so the log's times follow its decisions. */
export const openStorage = async (c: StorageConfig, clock?: Clock): Promise<Storage> => {
  if (c.kind === 'postgres') return openPostgres(c, clock);
  const dir = join(c.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const release = lockDirectory(c.dataDir);
  try {
    const store = await openPgliteEventStore(dir, clock ? { clock } : {});
    return {
      store,
      schema: undefined,
      describe: `PGlite in ${dir}`,
      shared: false,
      close: async () => {
        try {
          await store.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
};
