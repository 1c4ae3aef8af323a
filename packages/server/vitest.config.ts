import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';
import { runPropertySeed } from '../core/test/setup/run-seed.js';

export default defineProject({
  // Resolve workspace packages to their TypeScript sources, so tests need no build first.
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    // The same throwaway PostgreSQL (or TEST_DATABASE_URL) as core's tests, as `inject('pgUrl')`.
    globalSetup: ['../core/test/setup/postgres-global-setup.ts'],
    // Every property test runs from one seed per run, FC_SEED when given (printed otherwise):
    // a failure in CI replays with the seed it printed.
    env: { FC_SEED: runPropertySeed() },
    setupFiles: ['../core/test/setup/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
