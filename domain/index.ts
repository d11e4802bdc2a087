/**
 * domain/ — the pure core: event and command codecs, the rules (decide/evolve), emission,
 * allocation, settlement, and the hash chain. No I/O, no clock, no randomness, no floats in money.
 */
export * from './units.ts';
export * from './codecs.ts';
export * from './errors.ts';
export * from './params.ts';
export * from './events.ts';
export * from './commands.ts';
export * from './hashChain.ts';
export * from './emission.ts';
export * from './allocation.ts';
export * from './boost.ts';
export * from './tiers.ts';
export * from './revenue.ts';
export * from './state.ts';
export * from './accountIndex.ts';
export * from './payoutChains.ts';
export * from './chainDistributions.ts';
export * from './settlement.ts';
export * from './evolve.ts';
export * from './decide.ts';
export * from './groupCommit.ts';
export * from './distribution.ts';
export * from './storable.ts';
export * from './snapshot.ts';
export * from './merkle/index.ts';
export * from './taskState.ts';
export * from './assignment.ts';
export * from './tasks.ts';
export * from './taskSettlement.ts';
export * from './receipts.ts';
