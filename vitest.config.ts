import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Suites share one PostgreSQL database; each creates its own schema, so files may run in parallel.
    pool: 'forks',
  },
});
