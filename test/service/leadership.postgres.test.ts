/**
 * Two processes on one PostgreSQL database: only the holder of the advisory lock acts. Shown on
 * the lock itself (taken, refused, freed by release or by the holder's session dying) and on two
 * whole services sharing a schema, where the follower's ticks do nothing until the leader stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { advisoryLockKey, advisoryLockLeadership } from '../../adapters/scheduler/leadership.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import { startHarness, type Harness } from './harness.ts';

const available = await postgresAvailable();
const session = () => new pg.Client({ connectionString: TEST_DATABASE_URL });

describe.skipIf(!available)('leadership on PostgreSQL', () => {
  it('one holder at a time per lock name; release or a dead session frees it', async () => {
    const name = `test-lock-${process.pid}-${Date.now()}`;
    const [a, b, other] = [advisoryLockLeadership(session, name), advisoryLockLeadership(session, name), advisoryLockLeadership(session, `${name}-other`)];
    try {
      expect(await a.acquire()).toBe(true);
      expect(await a.acquire()).toBe(true); // re-asking keeps it
      expect(await b.acquire()).toBe(false);
      expect(await other.acquire()).toBe(true); // another deployment's lock is independent
      await a.release();
      expect(await b.acquire()).toBe(true);
      // The leader's connection dies (process crash, network): its lock goes with it.
      const admin = session();
      await admin.connect();
      // A bigint advisory key shows in pg_locks as classid (high 32 bits) and objid (low 32 bits).
      const key = BigInt.asUintN(64, BigInt(advisoryLockKey(name)));
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and classid = $1::oid and objid = $2::oid`,
        [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
      );
      expect(rowCount).toBe(1);
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await a.acquire()).toBe(true);
      expect(await b.acquire()).toBe(false);
    } finally {
      await Promise.all([a.release(), b.release(), other.release()]);
    }
  });

  describe('two services on one schema', () => {
    const schema = freshSchemaName('svc_two');
    const dirs: string[] = [];
    const services: Harness[] = [];
    afterAll(async () => {
      for (const s of services) await s.stop();
      await dropSchema(schema);
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    });

    it('only the leader closes an epoch; when it stops, the other takes over', async () => {
      const clock = { nowSeconds: 0 };
      for (let i = 0; i < 2; i++) {
        const dataDir = await mkdtemp(join(tmpdir(), 'cxt-two-'));
        dirs.push(dataDir);
        services.push(await startHarness({ storage: 'postgres', schema, dataDir, clock }));
      }
      const [first, second] = services as [Harness, Harness];
      first.at(1);
      const [r1, r2] = [await first.service.scheduler.tick(), await second.service.scheduler.tick()];
      expect(r1.leader).toBe(true);
      expect(r1.done.epochs).toBe('closed epoch 0');
      expect(r2).toEqual({ leader: false, done: {}, failed: {} });

      await first.stop();
      first.at(2);
      const r3 = await second.service.scheduler.tick();
      expect(r3.leader).toBe(true);
      expect(r3.done.epochs).toBe('closed epoch 1');
      const closes = (await second.service.store.readAll()).filter((e) => e.type === 'EpochClosed').map((e) => e.data.epoch);
      expect(closes).toEqual([0, 1]);
    });
  });
});
