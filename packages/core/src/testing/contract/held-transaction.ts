import type { Store, StoreSession } from '../../store/store.js';

/**
 * How long a check lets a second writer run while the first holds its transaction open,
 * before the first commits. A correct store makes the second wait however long this is, so
 * it never decides whether a correct store passes; it only bounds how slow a broken store
 * (one that lets the second writer through) may be and still be caught.
 */
export const SETTLE_MS = 200;

/** Waits {@link SETTLE_MS}, or less if `work` settles first. */
export async function settle(work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SETTLE_MS);
    }),
  ]);
  clearTimeout(timer);
}

/** Thrown inside a held transaction to roll it back. */
class Rollback extends Error {}

/** A transaction kept open after its work until the check ends it. */
export interface HeldTransaction<T> {
  /** Resolves with what the work returned, while the transaction is still open. */
  readonly reached: Promise<T>;
  /** Commits (or rolls back) the transaction; `done` then settles. */
  end(outcome: 'commit' | 'rollback'): void;
  /** What `transaction()` answered: the work's result, or its rejection. */
  readonly done: Promise<T | 'rolled back'>;
}

/**
 * Runs `work` in a transaction of `store` and holds the transaction open until `end` is
 * called. Call `end` in a `finally`, or a failed check leaves a connection (and its locks) behind.
 */
export function holdTransaction<T>(store: Store, work: (tx: StoreSession) => Promise<T>): HeldTransaction<T> {
  let reach!: (value: T) => void;
  let fail!: (reason: unknown) => void;
  const reached = new Promise<T>((resolve, reject) => {
    reach = resolve;
    fail = reject;
  });
  let release!: (outcome: 'commit' | 'rollback') => void;
  const ended = new Promise<'commit' | 'rollback'>((resolve) => {
    release = resolve;
  });
  const done = store
    .transaction(async (tx) => {
      const value = await work(tx);
      reach(value);
      if ((await ended) === 'rollback') throw new Rollback();
      return value;
    })
    .catch((error: unknown) => {
      fail(error);
      if (error instanceof Rollback) return 'rolled back' as const;
      throw error;
    });
  // A rejection of `reached` after `done` was awaited must not go unhandled.
  reached.catch(() => undefined);
  return { reached, end: release, done };
}
