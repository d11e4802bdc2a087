/** adapters/projections — read models persisted in PostgreSQL/PGlite with a durable checkpoint. */
export * from './readModelSchema.ts';
export * from './projectionRunner.ts';
