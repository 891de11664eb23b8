import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // 'server-only' throws outside React Server Components; lib/ tests are server-side by definition.
      'server-only': path.resolve(import.meta.dirname, 'lib/testing/empty.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'tests/**/*.test.ts', 'components/**/*.test.tsx'],
    // *.pg.test.ts need a PostgreSQL server (restarts, several instances): part of the PostgreSQL run only.
    exclude: ['**/node_modules/**', ...(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? [] : ['**/*.pg.test.ts'])],
    setupFiles: ['lib/testing/setup.ts'],
    pool: 'forks',
    // One database per worker process, shared by its test files; tests create their own data.
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
