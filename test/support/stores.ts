/**
 * The event stores a suite runs against: memory, PGlite, and PostgreSQL when it answers (under CI
 * it must). Each factory opens a fresh, migrated store; `closeStores` releases what they opened.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createMemoryEventStore, createPostgresEventStore, pgExecutor, pgliteExecutor, type EventStore } from '../../adapters/eventStore/index.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from './postgres.ts';

export interface StoresUnderTest {
  readonly factories: Record<string, () => Promise<EventStore>>;
  readonly closeStores: () => Promise<void>;
}

export const storesUnderTest = async (prefix: string, poolSize = 2): Promise<StoresUnderTest> => {
  const cleanups: Array<() => Promise<void>> = [];
  const factories: Record<string, () => Promise<EventStore>> = {
    memory: async () => createMemoryEventStore(),
    pglite: async () => {
      const pglite = await PGlite.create();
      cleanups.push(() => pglite.close());
      const store = createPostgresEventStore({ db: pgliteExecutor(pglite) });
      await store.migrate();
      return store;
    },
    ...((await postgresAvailable())
      ? {
          postgres: async () => {
            const schema = freshSchemaName(prefix);
            const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: poolSize });
            cleanups.push(async () => {
              await pool.end();
              await dropSchema(schema);
            });
            const store = createPostgresEventStore({ db: pgExecutor(pool), schema });
            await store.migrate();
            return store;
          },
        }
      : {}),
  };
  return {
    factories,
    closeStores: async () => {
      for (const c of cleanups.reverse()) await c();
    },
  };
};
