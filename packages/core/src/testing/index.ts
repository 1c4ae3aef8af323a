/**
 * `@expense-tracker/core/testing`: the store conformance suite (run it against your own
 * `Store` implementation from a vitest file) and its helpers.
 *
 * @example
 * ```ts
 * // my-store.test.ts
 * import type { Store } from '@expense-tracker/core/store';
 * import { defineStoreConformance } from '@expense-tracker/core/testing';
 *
 * declare const MyStore: { open(url: string): Promise<Store> }; // your store, from your package
 * defineStoreConformance({ name: 'my-engine', openStore: () => MyStore.open(process.env.MY_URL!) });
 * ```
 *
 * @packageDocumentation
 */
export { defineStoreConformance } from './store-conformance.js';
export { configurePropertySeed, readPropertySeed } from './property-seed.js';
export {
  createTestClock,
  expectTrackerError,
  kyselyRawQuery,
  uniqueOwnerId,
  type ConformanceEnv,
  type ConformanceHarness,
  type RawQuery,
  type TestClock,
} from './harness.js';
