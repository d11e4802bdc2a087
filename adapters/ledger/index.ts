/** adapters/ledger — the ledger kept current from a store (from its newest verified snapshot), command handling on top of it, and the snapshots kept beside the log. */
export * from './eventCodec.ts';
export * from './ledger.ts';
export * from './streams.ts';
export * from './commandHandler.ts';
export * from './snapshotStore.ts';
export * from './snapshotStart.ts';
