/** adapters/ledger — the ledger kept current from a store, and command handling on top of it. */
export * from './eventCodec.ts';
export * from './ledger.ts';
export * from './streams.ts';
export * from './commandHandler.ts';
export * from './snapshotStore.ts';
export * from './snapshotStart.ts';
