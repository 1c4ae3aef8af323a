import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { expect } from 'vitest';
import type { Clock } from '../clock.js';
import { isTrackerError, type ErrorCode } from '../errors.js';
import type { OwnerHandle } from '../owner.js';
import type { KyselyStore } from '../store/kysely-store.js';
import type { Store } from '../store/store.js';
import type { Tracker } from '../tracker.js';

/** Runs raw SQL with `?` placeholders against a store's database and returns the rows. */
export type RawQuery = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** What a store must provide to run the conformance suite. */
export interface ConformanceHarness {
  /** Shown in the suite's name, e.g. `'sqlite'`. */
  name: string;
  /** Opens a fresh store over an empty database; the suite migrates and closes it. */
  openStore(): Promise<Store>;
  /**
   * Raw SQL against the store's database. When given, the suite also checks what is really
   * persisted (the bundled store's tables); a store with another schema leaves it out.
   */
  rawQuery?(store: Store): RawQuery;
  /** Runs after the store is closed, e.g. to drop a test database. */
  cleanup?(): Promise<void>;
}

/** A clock the suite moves by hand. */
export interface TestClock extends Clock {
  /** Sets the current instant. */
  set(instant: string | Date): void;
  /** Back to following real time. */
  reset(): void;
}

/** Creates a {@link TestClock} that follows real time until set. */
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

/** The environment every conformance test runs in. */
export interface ConformanceEnv {
  readonly tracker: Tracker;
  readonly store: Store;
  readonly clock: TestClock;
  /** Raw SQL, when the harness gave it. */
  readonly raw: RawQuery | undefined;
  /** A handle for a new owner no other test uses. */
  newOwner(): OwnerHandle;
}

/** An owner id no other test uses. */
export function uniqueOwnerId(): string {
  return `owner_${randomUUID()}`;
}

/** Asserts that `promise` rejects with a `TrackerError` of `code` (and an issue at `path`, if given). */
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
 */
export function kyselyRawQuery(store: KyselyStore): RawQuery {
  return async (text, params = []) => {
    let n = 0;
    const compiled = store.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
    const result = await store.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(compiled, [...params]));
    return result.rows;
  };
}
