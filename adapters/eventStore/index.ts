/** The event store port, its adapters, and the helpers every consumer of a store needs. */
export * from './port.ts';
export { createMemoryEventStore, createMemoryEventStoreFrom, type MemoryEventStoreOptions } from './memoryEventStore.ts';
export {
  createPostgresEventStore,
  openPgliteEventStore,
  rowToStoredEvent,
  type PgliteEventStoreOptions,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgresEventStore.ts';
export { eventStoreMigrationSql, eventStoreTables, migrateEventStore, type EventStoreTables } from './postgresSchema.ts';
export { pgExecutor, pgliteExecutor, type SqlExecutor, type SqlQueryable, type SqlRow } from './sqlExecutor.ts';
export { createEventStoreDbEventStore, DEFAULT_LOG_STREAM, type EventStoreDbConnection, type EventStoreDbEventStoreOptions } from './eventStoreDbEventStore.ts';
export {
  DEFAULT_PAGE_SIZE,
  EMPTY_HEAD,
  checkExpectedVersion,
  expectedVersionMatches,
  readAllPages,
  systemClock,
  verifyStoreChain,
  type Clock,
} from './shared.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
