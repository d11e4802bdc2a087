/**
 * Which process acts when several serve one database: the holder of a PostgreSQL session-level
 * advisory lock, taken with pg_try_advisory_lock on a dedicated connection. The lock lives exactly
 * as long as that session, so a leader that dies (or loses its connection) frees it for the next
 * process's tick. PGlite serves one process (the data dir is claimed), which always leads.
 *
 * Idempotent commands (an epoch close is keyed by its epoch) make a brief overlap harmless
 * anyway; the lock keeps followers from doing the work twice and racing on the chain.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface Leadership {
  /** True when this process holds (or has just taken) the lock. */
  acquire(): Promise<boolean>;
  readonly isLeader: boolean;
  release(): Promise<void>;
}

export const soleLeadership = (): Leadership => ({
  acquire: async () => true,
  isLeader: true,
  release: async () => undefined,
});

/** A signed 64-bit key from a name, so each schema (each deployment) has its own lock. */
export const advisoryLockKey = (name: string): string => {
  const bytes = createHash('sha256').update(name).digest();
  return BigInt.asIntN(64, bytes.readBigUInt64BE(0)).toString();
};

export const advisoryLockLeadership = (connect: () => pg.Client, lockName: string): Leadership => {
  const key = advisoryLockKey(lockName);
  let client: pg.Client | undefined;
  let leader = false;

  const drop = async (): Promise<void> => {
    const c = client;
    client = undefined;
    leader = false;
    await c?.end().catch(() => undefined);
  };

  const session = async (): Promise<pg.Client> => {
    if (client) return client;
    const c = connect();
    // A lost session must not crash the process: it only means the lock is gone.
    c.on('error', () => void drop());
    await c.connect();
    client = c;
    return c;
  };

  return {
    async acquire() {
      try {
        const c = await session();
        // Re-asking while holding it would stack a second hold (session locks are re-entrant); a cheap query proves the session is alive.
        if (leader) {
          await c.query('select 1');
          return true;
        }
        const { rows } = await c.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key]);
        leader = rows[0]?.locked === true;
        return leader;
      } catch {
        await drop();
        return false;
      }
    },
    get isLeader() {
      return leader;
    },
    async release() {
      if (client && leader) await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
      await drop();
    },
  };
};
