import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { expect } from 'vitest';
import type { Clock } from '../clock.js';
import { isTrackerError, type ErrorCode } from '../errors.js';
import type { OwnerHandle } from '../owner.js';
import type { KyselyStore } from '../store/kysely-store.js';
import type { Store } from '../store/store.js';
import type { Tracker } from '../tracker.js';

/**
 * Runs raw SQL with `?` placeholders against a store's database and returns the rows.
 *
 * @example
 * ```ts
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import { kyselyRawQuery, type RawQuery } from '@expense-tracker/core/testing';
 *
 * const store = await openKyselyStore({ database: ':memory:' }); // then Tracker.open({ store })
 * const raw: RawQuery = kyselyRawQuery(store);
 * const rows = await raw('select amount_minor, currency from et_expense where owner_id = ?', [owner.ownerId]);
 * ```
 */
export type RawQuery = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * What a store must provide to run the conformance suite.
 *
 * @typeParam S - the store's type, which `rawQuery` is given
 * @example
 * ```ts
 * // sqlite-store.test.ts: the bundled store over a fresh SQLite file, with raw SQL checks.
 * import { mkdtempSync, rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';
 * import { defineStoreConformance, kyselyRawQuery, type ConformanceHarness } from '@expense-tracker/core/testing';
 *
 * const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
 * const harness: ConformanceHarness<KyselyStore> = {
 *   name: 'sqlite',
 *   openStore: () => openKyselyStore({ database: join(dir, 'test.db') }),
 *   rawQuery: (store) => kyselyRawQuery(store),
 *   cleanup: async () => rmSync(dir, { recursive: true, force: true }),
 * };
 * defineStoreConformance(harness);
 * ```
 */
export interface ConformanceHarness<S extends Store = Store> {
  /** Shown in the suite's name, e.g. `'sqlite'`. */
  name: string;
  /** Opens a fresh store over an empty database; the suite migrates and closes it. */
  openStore(): Promise<S>;
  /**
   * Opens a second store over the database `openStore` opened (as a second process would),
   * after the suite migrated it; the suite closes it. The contract checks of concurrent
   * writers (`owners.lock`, `events.append`, `notifications.insertOnce`) then run one writer
   * on each store. Without it, both writers use the one store, which must then run their
   * transactions concurrently itself or one after the other (as a single SQLite connection does).
   */
  openPeer?(): Promise<Store>;
  /**
   * Raw SQL against the store's database. When given, the suite also checks what is really
   * persisted (the bundled store's tables); a store with another schema leaves it out.
   */
  rawQuery?(store: S): RawQuery;
  /** Runs after the store is closed, e.g. to drop a test database. */
  cleanup?(): Promise<void>;
}

/**
 * A clock the suite moves by hand.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { createTestClock, type TestClock } from '@expense-tracker/core/testing';
 *
 * const clock: TestClock = createTestClock();
 * const tracker = await Tracker.open({ database: ':memory:', clock });
 * await tracker.migrate();
 * clock.set('2026-11-30T23:30:00Z');
 * const expense = await tracker.forOwner('alice').expenses.create({ amount: '5' });
 * expense.date; // '2026-11-30': today in the owner's time zone (UTC)
 * clock.reset(); // real time again
 * ```
 */
export interface TestClock extends Clock {
  /** Sets the current instant. */
  set(instant: string | Date): void;
  /** Back to following real time. */
  reset(): void;
}

/**
 * Creates a {@link TestClock} that follows real time until set.
 *
 * @example
 * ```ts
 * import { createTestClock } from '@expense-tracker/core/testing';
 *
 * const clock = createTestClock();
 * clock.set('2026-01-01T00:00:00Z');
 * clock.now().toISOString(); // '2026-01-01T00:00:00.000Z', however long the test runs
 * clock.reset();
 * ```
 */
export function createTestClock(): TestClock {
  let fixed: Date | null = null;
  return {
    now: () => (fixed ? new Date(fixed) : new Date()),
    set: (instant) => {
      fixed = new Date(instant);
    },
    reset: () => {
      fixed = null;
    },
  };
}

/**
 * The environment every conformance test runs in. {@link defineStoreConformance} builds
 * it from the {@link ConformanceHarness}; tests of your own can build one the same way.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import { createTestClock, uniqueOwnerId, type ConformanceEnv } from '@expense-tracker/core/testing';
 *
 * const clock = createTestClock();
 * const store = await openKyselyStore({ database: ':memory:' });
 * const tracker = await Tracker.open({ store, clock });
 * await tracker.migrate();
 * const env: ConformanceEnv = {
 *   tracker, store, clock, raw: undefined,
 *   newOwner: () => tracker.forOwner(uniqueOwnerId()),
 * };
 * const owner = env.newOwner(); // an owner with no data
 * ```
 */
export interface ConformanceEnv {
  readonly tracker: Tracker;
  readonly store: Store;
  readonly clock: TestClock;
  /** Raw SQL, when the harness gave it. */
  readonly raw: RawQuery | undefined;
  /** A handle for a new owner no other test uses. */
  newOwner(): OwnerHandle;
}

/**
 * An owner id no other test uses.
 *
 * @example
 * ```ts
 * import { uniqueOwnerId } from '@expense-tracker/core/testing';
 *
 * const owner = tracker.forOwner(uniqueOwnerId()); // e.g. 'owner_3f0c…': tests sharing a database never collide
 * ```
 */
export function uniqueOwnerId(): string {
  return `owner_${randomUUID()}`;
}

/**
 * Asserts that `promise` rejects with a `TrackerError` of `code` (and an issue at `path`, if given).
 * Uses vitest's `expect`; returns the error for further checks.
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 * import { expectTrackerError } from '@expense-tracker/core/testing';
 *
 * it('refuses an amount with too many decimals', async () => {
 *   const error = await expectTrackerError(owner.expenses.create({ amount: '1.234', currency: 'USD' }), 'VALIDATION_FAILED', ['amount']);
 *   error.issues[0]?.code; // 'too_many_decimals'
 * });
 * ```
 */
export async function expectTrackerError(promise: Promise<unknown>, code: ErrorCode, path?: (string | number)[]) {
  const error: unknown = await promise.then(
    () => {
      throw new Error(`Expected a ${code} TrackerError, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  if (!isTrackerError(error)) throw error;
  expect(error.code).toBe(code);
  if (path) expect(error.issues.map((issue) => issue.path)).toContainEqual(path);
  return error;
}

/**
 * A {@link ConformanceHarness.rawQuery} for the bundled {@link KyselyStore}: `?`
 * placeholders become `$n` on PostgreSQL.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import { kyselyRawQuery } from '@expense-tracker/core/testing';
 *
 * const store = await openKyselyStore({ database: ':memory:' });
 * const owner = (await Tracker.open({ store })).forOwner('alice');
 * const raw = kyselyRawQuery(store);
 * await owner.expenses.create({ amount: '12.50' });
 * await raw('select amount_minor from et_expense where owner_id = ?', [owner.ownerId]); // [{ amount_minor: 1250 }] on SQLite
 * ```
 */
export function kyselyRawQuery(store: KyselyStore): RawQuery {
  return async (text, params = []) => {
    let n = 0;
    const compiled = store.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
    const result = await store.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(compiled, [...params]));
    return result.rows;
  };
}
