import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  // Resolve workspace packages to their TypeScript sources, so tests need no build first.
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    // The same throwaway PostgreSQL (or TEST_DATABASE_URL) as core's tests, as `inject('pgUrl')`.
    globalSetup: ['../core/test/setup/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
