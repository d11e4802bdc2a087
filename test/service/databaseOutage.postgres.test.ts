/**
 * Issue 9, defect 5: during a PostgreSQL outage, writes and reads answer 503 problem+json with
 * Retry-After (not 500); once the database is back, the same process serves again with no
 * restart, and nothing acknowledged is lost. The outage is real: a private cluster of this test
 * (the shared server on :5432 serves other suites) is stopped and started again. Also: the
 * failures node-postgres really raises are the ones classified as "unavailable".
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, verifyStoreChain } from '../../adapters/eventStore/index.ts';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../support/privatePostgres.ts';
import { ADMIN, INDEXER, startHarness, wallet, type Harness, type Reply } from './harness.ts';

const available = privatePostgresAvailable();
const staker = wallet('outage-staker').address;
const deposit = (ref: string) => ({ token: INDEXER, body: { account: staker, amount: '1000', ref } });

const expectUnavailable = (r: Reply) => {
  expect(r.status, JSON.stringify(r.json)).toBe(503);
  expect(r.contentType).toContain('application/problem+json');
  expect(r.json).toMatchObject({ type: 'urn:corex:problem:unavailable', status: 503, detail: expect.stringMatching(/database is unreachable/) });
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
};

describe.skipIf(!available)('a PostgreSQL outage', () => {
  let cluster: PrivatePostgres;
  let h: Harness;
  /** Every event a 201 acknowledged, as the client saw it. */
  const acknowledged: Array<{ position: number; hash: string }> = [];
  const write = async (url: string, options: Parameters<Harness['request']>[2]) => {
    const r = await h.request('POST', url, options);
    if (r.status === 201) for (const e of r.json.events) acknowledged.push({ position: e.position, hash: e.hash });
    return r;
  };

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    h = await startHarness({ storage: 'postgres', databaseUrl: cluster.url, schema: 'outage' });
    for (const ref of ['tx:1', 'tx:2']) expect((await write('/v1/stake/deposits', deposit(ref))).status).toBe(201);
    expect((await h.service.scheduler.tick()).leader).toBe(true);
  });
  afterAll(async () => {
    await h?.destroy();
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After to writes and reads while the database is down', async () => {
    await cluster.stop();
    expectUnavailable(await write('/v1/stake/deposits', deposit('tx:3')));
    expectUnavailable(await write('/v1/epochs/close', { token: ADMIN, body: { epoch: 0 } }));
    expectUnavailable(await h.request('GET', `/v1/accounts/${staker}`));
    expectUnavailable(await h.request('GET', '/v1/supply'));
    expectUnavailable(await h.request('GET', '/v1/epochs'));
    // The process is alive, it just cannot serve: liveness stays up, readiness says why.
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect((await h.request('GET', '/readyz')).status).toBe(503);
    // A tick during the outage fails its jobs or its lead, but does not throw out of the scheduler.
    await h.service.scheduler.tick();
  });

  it('serves again once the database is back, in the same process, with nothing acknowledged lost', async () => {
    await cluster.start();
    // The write refused during the outage is simply retried.
    expect((await write('/v1/stake/deposits', deposit('tx:3'))).status).toBe(201);
    const account = await h.request('GET', `/v1/accounts/${staker}`);
    expect(account.status).toBe(200);
    expect(account.json.bondedStake).toBe('3000');
    expect((await h.request('GET', '/readyz')).status).toBe(200);

    // The scheduler leads again (a new lock session) and closes the ended epoch.
    h.at(1);
    const tick = await h.service.scheduler.tick();
    expect(tick.leader).toBe(true);
    expect(tick.failed).toEqual({});
    expect((await h.request('GET', '/v1/epochs/0')).status).toBe(200);

    const log = await h.service.store.readAll({ fromPosition: 1, maxCount: 1000 });
    for (const a of acknowledged) expect(log.find((e) => e.position === a.position)?.hash).toBe(a.hash);
    expect(await verifyStoreChain(h.service.store)).toMatchObject({ ok: true });
  });

  it('recovers from sessions killed under it (57P01) without a 500', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database()');
    } finally {
      await admin.end();
    }
    // The pool drops the dead sessions and connects afresh; at worst one request sees the loss as a 503.
    let r = await write('/v1/stake/deposits', deposit('tx:4'));
    if (r.status === 503) r = await write('/v1/stake/deposits', deposit('tx:4'));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect((await h.service.scheduler.tick()).leader).toBe(true);
  });

  describe('what node-postgres raises', () => {
    it('classifies a refused connection, a terminated session and a pool timeout as unavailable', async () => {
      const failure = async (work: () => Promise<unknown>): Promise<unknown> => work().then(() => expect.unreachable('expected a failure'), (e: unknown) => e);

      const victim = new pg.Client({ connectionString: cluster.url });
      victim.on('error', () => undefined);
      await victim.connect();
      const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const sleeping = failure(() => victim.query('select pg_sleep(30)'));
      const killer = new pg.Client({ connectionString: cluster.url });
      await killer.connect();
      await killer.query('select pg_terminate_backend($1)', [pid]);
      const terminated = await sleeping;
      expect((terminated as { code?: string }).code).toBe('57P01');
      expect(isDatabaseUnavailable(terminated)).toBe(true);
      expect(isDatabaseUnavailable(await failure(() => victim.query('select 1')))).toBe(true);
      await victim.end().catch(() => undefined);

      const pool = new pg.Pool({ connectionString: cluster.url, max: 1, connectionTimeoutMillis: 200 });
      const held = await pool.connect();
      expect(isDatabaseUnavailable(await failure(() => pool.query('select 1')))).toBe(true);
      held.release();

      // Faults of the request or of our SQL are not outages.
      const syntax = await failure(() => killer.query('selec 1'));
      expect(isDatabaseUnavailable(syntax)).toBe(false);
      const duplicate = await failure(() => killer.query('create temp table t (k int primary key); insert into t values (1), (1)'));
      expect((duplicate as { code?: string }).code).toBe('23505');
      expect(isDatabaseUnavailable(duplicate)).toBe(false);
      await killer.end();
      await pool.end();

      const refusedPort = new pg.Client({ connectionString: cluster.url.replace(`:${cluster.port}`, ':1') });
      expect(isDatabaseUnavailable(await failure(() => refusedPort.connect()))).toBe(true);
    });
  });
});
