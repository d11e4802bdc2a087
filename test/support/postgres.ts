/**
 * Access to the test PostgreSQL server. Locally an unreachable server skips the PostgreSQL suites
 * with a visible message; under CI (CI=true) it fails the run, so those suites can never silently vanish.
 */
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<boolean> | undefined;

const probe = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true' || process.env.CI === '1')
      throw new Error(`PostgreSQL is unreachable at ${TEST_DATABASE_URL} and CI requires its suites: ${(error as Error).message}`);
    console.warn(`[postgres] unreachable at ${TEST_DATABASE_URL}: PostgreSQL suites are skipped (${(error as Error).message})`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** True when the server answers; throws under CI when it does not. */
export const postgresAvailable = (): Promise<boolean> => (availability ??= probe());

/** A fresh schema for one suite, so suites run in parallel without seeing each other's tables. */
export const freshSchemaName = (prefix: string): string =>
  `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9).toString(36)}`.toLowerCase();

export const createPool = (schema: string, max = 10): pg.Pool =>
  new pg.Pool({ connectionString: TEST_DATABASE_URL, max, options: `-c search_path=${schema}` });

export const dropSchema = async (schema: string, url = TEST_DATABASE_URL): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
};
