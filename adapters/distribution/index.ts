/** adapters/distribution — distributions from creation to on-chain claims: tree store, creation, publisher, claim indexer. */
export * from './treeStore.ts';
export * from './checkpointStore.ts';
export * from './chainScan.ts';
export * from './rebuildTree.ts';
export * from './createDistribution.ts';
export * from './solvency.ts';
export * from './publisher.ts';
export * from './indexer.ts';
