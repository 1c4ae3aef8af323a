import { createHash } from 'node:crypto';
import { TrackerError, validationError } from '../errors.js';
import type { StoreSession } from '../store/store.js';

/** How long a key's recorded result is replayed: 24 hours from the write's commit. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The longest idempotency key accepted. */
const MAX_KEY_LENGTH = 255;

/**
 * Options of `owner.withIdempotencyKey(key, options)`.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 * import type { IdempotencyKeyOptions } from '@expense-tracker/core';
 *
 * // A host that takes keys from its clients: the request they sent is what a retry must repeat.
 * const body = JSON.stringify({ amount: '12.50', description: 'Lunch' });
 * const options: IdempotencyKeyOptions = {
 *   fingerprint: createHash('sha256').update(`POST /expenses\n${body}`).digest('base64url'),
 *   onReplay: () => console.log('answered from the record: nothing was written'),
 * };
 * const expense = await owner.withIdempotencyKey('client-key-42', options).expenses.create(JSON.parse(body));
 * ```
 */
export interface IdempotencyKeyOptions {
  /**
   * What identifies the request the key stands for. A later write under the key must carry
   * the same fingerprint (and be the same operation), or it is refused with
   * `IDEMPOTENCY_KEY_REUSED`. Give one when the write's arguments are derived from a request
   * (and could come out differently on a retry): a hash of the request itself.
   * @default the write's arguments, as JSON
   */
  fingerprint?: string;
  /** Called when a write through the handle was answered from its record instead of running. */
  onReplay?: () => void;
}

/** A write made under an idempotency key, as the write pipeline sees it. */
export interface KeyedWrite {
  readonly key: string;
  /** The write's fingerprint, computed once its input was validated. */
  fingerprint(): string;
  /** Told once the write committed: `true` when it was answered from the record. */
  settled(replayed: boolean): void;
}

/** The request part of a fingerprint: the host's, or the arguments as JSON. */
function requestOf(args: readonly unknown[], fingerprint: string | undefined): string {
  if (fingerprint !== undefined) return `host:${fingerprint}`;
  try {
    return `args:${JSON.stringify(args)}`;
  } catch {
    // JSON.stringify overflows the stack on deeply nested values that the schemas let through
    // (they strip unknown keys without walking them).
    throw validationError([{ path: [], code: 'too_deep', message: 'The input is nested too deeply' }]);
  }
}

/**
 * The idempotency key of one owner handle (`owner.withIdempotencyKey`): hands each write made
 * through the handle its {@link KeyedWrite}. A handle stands for one write: once a write
 * through it committed, another one is refused.
 */
export class IdempotencyScope {
  readonly key: string;
  readonly #options: IdempotencyKeyOptions;
  #wrote = false;

  constructor(key: string, options: IdempotencyKeyOptions = {}) {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw validationError([
        {
          path: ['idempotencyKey'],
          code: 'invalid_key',
          message: `An idempotency key has 1 to ${MAX_KEY_LENGTH} characters`,
        },
      ]);
    }
    this.key = key;
    this.#options = options;
  }

  /** The keyed write of one call of `operation` (e.g. `'expenses.create'`) with `args`. */
  forCall(operation: string, args: readonly unknown[]): KeyedWrite {
    return {
      key: this.key,
      fingerprint: () => {
        if (this.#wrote) {
          throw new TrackerError(
            'IDEMPOTENCY_KEY_REUSED',
            `The idempotency key ${JSON.stringify(this.key)} already made a write through this handle; use a new key for another write`,
          );
        }
        return createHash('sha256')
          .update(`${operation}\n${requestOf(args, this.#options.fingerprint)}`)
          .digest('base64url');
      },
      settled: (replayed) => {
        this.#wrote = true;
        if (replayed) this.#options.onReplay?.();
      },
    };
  }
}

/**
 * In a write's transaction, under the owner's lock: forgets the owner's records older than the
 * window, then answers the key's recorded result (`{ value }`), or `null` when the key is new.
 * A record of another write is `IDEMPOTENCY_KEY_REUSED`.
 */
export async function recordedResult(
  tx: StoreSession,
  ownerId: string,
  key: string,
  fingerprint: string,
  at: string,
): Promise<{ value: unknown } | null> {
  // A record is replayed while younger than the window: one exactly 24 h old is gone
  // (instants are ISO text to the millisecond, so "before cutoff + 1 ms" is "at or before").
  await tx.idempotency.deleteBefore(ownerId, new Date(Date.parse(at) - IDEMPOTENCY_WINDOW_MS + 1).toISOString());
  const record = await tx.idempotency.find(ownerId, key);
  if (!record) return null;
  if (record.fingerprint !== fingerprint) {
    throw new TrackerError(
      'IDEMPOTENCY_KEY_REUSED',
      `The idempotency key ${JSON.stringify(key)} was used for another request in the last 24 hours`,
    );
  }
  return { value: record.result === null ? undefined : JSON.parse(record.result) };
}

/** In the write's transaction: records the result the key answers from now on. */
export async function recordResult(
  tx: StoreSession,
  ownerId: string,
  key: string,
  fingerprint: string,
  result: unknown,
  at: string,
): Promise<void> {
  await tx.idempotency.insert({
    ownerId,
    key,
    fingerprint,
    result: result === undefined ? null : JSON.stringify(result),
    createdAt: at,
  });
}
