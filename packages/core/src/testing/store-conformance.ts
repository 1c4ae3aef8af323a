import { afterAll, beforeAll, describe } from 'vitest';
import { Tracker } from '../tracker.js';
import { createTestClock, uniqueOwnerId, type ConformanceEnv, type ConformanceHarness } from './harness.js';
import { alertTests } from './suites/alerts.js';
import { analyticsTests } from './suites/analytics.js';
import { budgetStatusTests } from './suites/budget-status.js';
import { budgetTests } from './suites/budgets.js';
import { categoryTests } from './suites/categories.js';
import { concurrencyTests } from './suites/concurrency.js';
import { dateRangeTests } from './suites/date-range.js';
import { eventTests } from './suites/events.js';
import { expenseTests } from './suites/expenses.js';
import { exportTests } from './suites/export.js';
import { isolationTests } from './suites/isolation.js';
import { listingTests } from './suites/listing.js';
import { persistedShapeTests } from './suites/persisted-shape.js';
import { repositoryTests } from './suites/repositories.js';
import { settingsTests } from './suites/settings.js';
import { sumTests } from './suites/sums.js';
import { textTests } from './suites/text.js';
import { totalsTests } from './suites/totals.js';

/**
 * Registers the store conformance suite for one store: every repository method, the SDK
 * behaviour built on them (categories, expenses, listing and pagination, batch writes,
 * events and the change feed, budgets and their status, alert rules and notifications, daily
 * totals), owner isolation through every method, what is persisted
 * (when `rawQuery` is given), and concurrent writes of one owner. Call it at the top level
 * of a vitest test file; it runs the same tests on every store.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { defineStoreConformance } from '@expense-tracker/core/testing';
 *
 * defineStoreConformance({
 *   name: 'sqlite',
 *   openStore: async () => (await Tracker.open({ database: ':memory:' })).store,
 * });
 * ```
 */
export function defineStoreConformance(harness: ConformanceHarness): void {
  describe(`store conformance: ${harness.name}`, () => {
    let env: ConformanceEnv | undefined;

    beforeAll(async () => {
      const store = await harness.openStore();
      const clock = createTestClock();
      const tracker = await Tracker.open({ store, clock });
      await tracker.migrate();
      env = {
        tracker,
        store,
        clock,
        raw: harness.rawQuery?.(store),
        newOwner: () => tracker.forOwner(uniqueOwnerId()),
      };
    });

    afterAll(async () => {
      await env?.tracker.close();
      await harness.cleanup?.();
    });

    const getEnv = (): ConformanceEnv => {
      if (!env) throw new Error('The conformance environment is not ready');
      env.clock.reset();
      return env;
    };

    repositoryTests(getEnv);
    settingsTests(getEnv);
    categoryTests(getEnv);
    expenseTests(getEnv);
    textTests(getEnv);
    listingTests(getEnv);
    eventTests(getEnv);
    isolationTests(getEnv);
    budgetTests(getEnv);
    budgetStatusTests(getEnv);
    alertTests(getEnv);
    totalsTests(getEnv);
    sumTests(getEnv);
    dateRangeTests(getEnv);
    analyticsTests(getEnv);
    exportTests(getEnv);
    concurrencyTests(getEnv);
    if (harness.rawQuery) persistedShapeTests(getEnv);
  });
}
