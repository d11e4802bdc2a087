/**
 * projections/ — pure folds from events to read models (supply, accounts, epochs, revenue assets).
 * Imports only domain/. Runners that persist them live in adapters/projections.
 */
export * from './supply.ts';
export * from './accounts.ts';
export * from './epochs.ts';
export * from './assets.ts';
export * from './readModels.ts';
export * from './tasks.ts';
export * from './receipts.ts';
