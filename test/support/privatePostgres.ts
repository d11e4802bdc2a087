/**
 * A PostgreSQL cluster of one test's own (initdb into a temp dir, pg_ctl on a free port), for
 * tests that stop and start the server: the shared server on 127.0.0.1:5432 serves every other
 * suite in parallel and must never go down. The binaries run as the `postgres` OS user when this
 * process is root (PostgreSQL refuses to run as root).
 *
 * Locally, missing binaries skip such tests with a warning; under CI (CI=true) they fail the run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort.ts';

const run = promisify(execFile);

export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** True when initdb and pg_ctl are installed; throws under CI when they are not. */
export const privatePostgresAvailable = (): boolean => {
  const ok = existsSync(join(POSTGRES_BIN_DIR, 'initdb')) && existsSync(join(POSTGRES_BIN_DIR, 'pg_ctl'));
  if (ok) return true;
  if (inCi()) throw new Error(`PostgreSQL binaries are missing from ${POSTGRES_BIN_DIR} and CI requires the tests that need a private cluster`);
  console.warn(`[postgres] no initdb/pg_ctl in ${POSTGRES_BIN_DIR}: tests needing a private cluster are skipped (set POSTGRES_BIN_DIR)`);
  return false;
};

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown: open sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and deletes the cluster. */
  destroy(): Promise<void>;
}


const asPostgres = (bin: string, args: readonly string[]) => {
  const path = join(POSTGRES_BIN_DIR, bin);
  return process.getuid?.() === 0 ? run('runuser', ['-u', OS_USER, '--', path, ...args]) : run(path, [...args]);
};

export const startPrivatePostgres = async (): Promise<PrivatePostgres> => {
  const dir = await mkdtemp(join(tmpdir(), 'cxt-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', OS_USER]);
    const { stdout: gid } = await run('id', ['-g', OS_USER]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  // fsync off: the cluster lives for one test; a fast shutdown still checkpoints everything.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  };
  const stop = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  let running = false;
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await start();
    running = true;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await stop().catch(() => undefined);
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
};
