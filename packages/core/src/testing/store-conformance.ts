import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Store } from '../store/store.js';
import { Tracker } from '../tracker.js';
import type { ContractEnv } from './contract/contract-check.js';
import { contractGroups } from './contract/contract-groups.js';
import { createTestClock, uniqueOwnerId, type ConformanceEnv, type ConformanceHarness } from './harness.js';
import { configurePropertySeed } from './property-seed.js';
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
import { forecastTests } from './suites/forecast.js';
import { idempotencyTests } from './suites/idempotency.js';
import { importBillTests } from './suites/import-bills.js';
import { importRuleTests } from './suites/import-rules.js';
import { importTests } from './suites/imports.js';
import { provenanceTests } from './suites/provenance.js';
import { isolationTests } from './suites/isolation.js';
import { listingTests } from './suites/listing.js';
import { persistedShapeTests } from './suites/persisted-shape.js';
import { refundTests } from './suites/refunds.js';
import { ruleTests } from './suites/rules.js';
import { scheduleTests } from './suites/schedules.js';
import { settingsTests } from './suites/settings.js';
import { sumTests } from './suites/sums.js';
import { textTests } from './suites/text.js';
import { totalsTests } from './suites/totals.js';

/**
 * Registers the store conformance suite for one store, in two layers. The contract layer
 * calls every method of the {@link Store} interface directly and checks each of its MUSTs under
 * the condition it guards against: two concurrent transactions for `notifications.insertOnce`,
 * a second writer waiting on `owners.lock`, concurrent `events.append`s that must stay gapless
 * and visible in seq order, another owner's ids for every method. The SDK layer runs the
 * tracker over the store: categories, expenses, listing and pagination, batch writes, events
 * and the change feed, budgets and their status, alert rules and notifications, daily totals,
 * analytics, export, idempotent writes, owner isolation, concurrent writes of one owner, and what is persisted
 * (when `rawQuery` is given). Call it at the top level of a vitest test file; it runs the
 * same tests on every store. Its property tests take their seed from `FC_SEED`, or print the
 * one they drew (see {@link configurePropertySeed}).
 *
 * @example
 * ```ts
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import { defineStoreConformance } from '@expense-tracker/core/testing';
 *
 * defineStoreConformance({
 *   name: 'sqlite',
 *   openStore: () => openKyselyStore({ database: ':memory:' }),
 * });
 * ```
 */
export function defineStoreConformance<S extends Store>(harness: ConformanceHarness<S>): void {
  configurePropertySeed();
  describe(`store conformance: ${harness.name}`, () => {
    let env: ConformanceEnv | undefined;
    let peer: Store | undefined;

    beforeAll(async () => {
      const store = await harness.openStore();
      const clock = createTestClock();
      const tracker = await Tracker.open({ store, clock });
      await tracker.migrate();
      peer = await harness.openPeer?.();
      env = {
        tracker,
        store,
        clock,
        raw: harness.rawQuery?.(store),
        newOwner: () => tracker.forOwner(uniqueOwnerId()),
      };
    });

    afterAll(async () => {
      await peer?.close();
      await env?.tracker.close();
      await harness.cleanup?.();
    });

    const getEnv = (): ConformanceEnv => {
      if (!env) throw new Error('The conformance environment is not ready');
      env.clock.reset();
      return env;
    };

    describe('contract', () => {
      const contractEnv = (): ContractEnv => {
        const { store } = getEnv();
        return { store, peer: peer ?? store };
      };
      for (const group of contractGroups) {
        describe(group.name, () => {
          for (const { name, run } of group.checks) it(name, () => run(contractEnv()));
        });
      }
    });

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
    refundTests(getEnv);
    sumTests(getEnv);
    dateRangeTests(getEnv);
    analyticsTests(getEnv);
    exportTests(getEnv);
    concurrencyTests(getEnv);
    idempotencyTests(getEnv);
    provenanceTests(getEnv);
    importTests(getEnv);
    importRuleTests(getEnv);
    ruleTests(getEnv);
    scheduleTests(getEnv);
    forecastTests(getEnv);
    importBillTests(getEnv);
    if (harness.rawQuery) persistedShapeTests(getEnv);
  });
}
