import { openPgliteEventStore } from '../../adapters/eventStore/index.ts';
import { projectionRunnerContract } from './runner.contract.ts';

projectionRunnerContract('PGlite', async () => {
  const store = await openPgliteEventStore(undefined);
  return { store, cleanup: () => store.close() };
});
