/**
 * The recorded result of one write made under an idempotency key: what a retry with the same
 * key gets back instead of writing again. It is what a {@link Store}'s `idempotency`
 * repository stores.
 *
 * @example
 * ```ts
 * import type { IdempotencyRecord } from '@expense-tracker/core/store';
 *
 * const keyed = owner.withIdempotencyKey('order-1234');
 * const lunch = await keyed.expenses.create({ amount: '12.50' });
 * const record: IdempotencyRecord | null = await store.idempotency.find(owner.ownerId, 'order-1234');
 * JSON.parse(record!.result!).id === lunch.id; // true: the result, recorded with the write
 * ```
 */
export interface IdempotencyRecord {
  ownerId: string;
  key: string;
  /** Identifies the write the key was first used for; a retry must carry the same. */
  fingerprint: string;
  /** The write's result as JSON text; `null` for a write that returns nothing. */
  result: string | null;
  /** When the write committed (ISO 8601 UTC): the record is kept 24 hours from then. */
  createdAt: string;
}

/**
 * Idempotency records, one per (owner, key). Every method is scoped to `ownerId` and MUST NOT
 * read or change another owner's rows. It is the `idempotency` repository of a {@link Store};
 * use `owner.withIdempotencyKey()` in applications.
 *
 * A write under a key looks its record up and inserts it in the write's own transaction,
 * under the owner's write lock: the write and its record commit together or not at all.
 *
 * @example
 * ```ts
 * import type { IdempotencyRepository } from '@expense-tracker/core/store';
 *
 * const records: IdempotencyRepository = store.idempotency;
 * await owner.withIdempotencyKey('order-1234').expenses.create({ amount: '12.50' });
 * (await records.find(owner.ownerId, 'order-1234'))?.createdAt; // when the expense was committed
 * await records.find('someone-else', 'order-1234'); // null: keys are per owner
 * ```
 */
export interface IdempotencyRepository {
  /** The owner's record for `key`, or `null`. */
  find(ownerId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Stores a record (in the caller's transaction). MUST be decided by a unique key on
   * (owner, key): a second record for the same pair fails with `CONFLICT`.
   */
  insert(record: IdempotencyRecord): Promise<void>;
  /** Deletes the owner's records created before `before`; returns how many went. */
  deleteBefore(ownerId: string, before: string): Promise<number>;
}
