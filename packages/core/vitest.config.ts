import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';
import { runPropertySeed } from './test/setup/run-seed.js';

export default defineProject({
  // Resolve workspace packages to their TypeScript sources, so tests need no build first.
  // Plain `resolve.conditions` does not reach the SSR environment tests run in.
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    // Starts a throwaway PostgreSQL (or uses TEST_DATABASE_URL) and provides its URL as `pgUrl`.
    globalSetup: ['./test/setup/postgres-global-setup.ts'],
    // Every property test runs from one seed per run, FC_SEED when given (printed otherwise):
    // a failure in CI replays with the seed it printed.
    env: { FC_SEED: runPropertySeed() },
    setupFiles: ['./test/setup/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
