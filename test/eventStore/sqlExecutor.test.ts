import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgExecutor, pgliteExecutor, type SqlExecutor } from '../../adapters/eventStore/sqlExecutor.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';

const ok = await postgresAvailable();

const TYPES_SQL = `select 1::int8 as small, 9007199254740993::int8 as huge, 2::int4 as int4, true as bool,
  1.50::numeric as amount, '{"b":[1,"x"],"a":null}'::jsonb as doc, 'text' as text`;

/** The same SQL must give the same values on both drivers, and a failed transaction must leave nothing behind. */
const executorSuite = (name: string, open: () => Promise<{ db: SqlExecutor; table: string; cleanup: () => Promise<void> }>) => {
  describe(`SQL executor: ${name}`, () => {
    let subject: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('returns driver-independent values', async () => {
      expect(await subject.db.query(TYPES_SQL)).toEqual([
        { small: 1, huge: 9007199254740993n, int4: 2, bool: true, amount: '1.50', doc: { b: [1, 'x'], a: null }, text: 'text' },
      ]);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const { db, table } = subject;
      await db.query(`create table ${table} (n int)`);
      await db.transaction(async (tx) => void (await tx.query(`insert into ${table} values ($1)`, [1])));
      const failure = new Error('boom');
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`insert into ${table} values ($1)`, [2]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await db.query(`select n from ${table} order by n`)).toEqual([{ n: 1 }]);
    });
  });
};

executorSuite('PGlite', async () => {
  const pglite = await PGlite.create();
  return { db: pgliteExecutor(pglite), table: 'executor_probe', cleanup: () => pglite.close() };
});

describe.skipIf(!ok)('PostgreSQL', () => {
  executorSuite('pg', async () => {
    const schema = freshSchemaName('executor');
    const db = pgExecutor(createPool(schema, 2));
    await db.query(`create schema ${schema}`);
    return {
      db,
      table: `${schema}.executor_probe`,
      cleanup: async () => {
        await db.close();
        await dropSchema(schema);
      },
    };
  });
});
