import { describe } from 'vitest';
import { createPostgresEventStore, pgExecutor } from '../../adapters/eventStore/index.ts';
import { createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import { projectionRunnerContract } from './runner.contract.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL', () => {
  projectionRunnerContract('PostgreSQL', async () => {
    const schema = freshSchemaName('proj');
    const store = createPostgresEventStore({ db: pgExecutor(createPool(schema)), schema });
    await store.migrate();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
