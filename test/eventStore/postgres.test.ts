import { describe } from 'vitest';
import { createPostgresEventStore } from '../../adapters/eventStore/postgresEventStore.ts';
import { pgExecutor } from '../../adapters/eventStore/sqlExecutor.ts';
import type { Clock } from '../../adapters/eventStore/shared.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import { eventStoreContract } from './contract.ts';
import { tamperSuite } from './tamper.ts';

const ok = await postgresAvailable();

/** Every store gets its own schema (and pool), dropped afterwards, so tests never see each other's rows. */
const openStore = async (clock?: Clock) => {
  const schema = freshSchemaName('es');
  const store = createPostgresEventStore({ db: pgExecutor(createPool(schema, 10)), schema, ...(clock ? { clock } : {}) });
  await store.migrate();
  await store.migrate(); // idempotent
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
};

describe.skipIf(!ok)('PostgreSQL event store', () => {
  eventStoreContract('PostgreSQL', ({ clock }) => openStore(clock));
  tamperSuite('PostgreSQL', () => openStore());
});
