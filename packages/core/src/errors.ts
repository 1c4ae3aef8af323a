/**
 * The closed set of error codes the SDK raises. Compare `error.code` against these
 * rather than using `instanceof`, which breaks when two copies of the package are loaded.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, type ErrorCode } from '@expense-tracker/core';
 *
 * // Check a code that arrived over the wire (e.g. in a problem+json body) before trusting it.
 * const isErrorCode = (code: string): code is ErrorCode => (ERROR_CODES as readonly string[]).includes(code);
 * isErrorCode('NOT_FOUND'); // true
 * isErrorCode('TEAPOT'); // false
 * ```
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'CURRENCY_MISMATCH',
  'STORE_UNAVAILABLE',
  'STORE_FAILED',
  'TRACKER_CLOSED',
  'IDEMPOTENCY_KEY_REUSED',
] as const;

/**
 * One of {@link ERROR_CODES}:
 *
 * - `VALIDATION_FAILED` — the input does not match the schema; `issues` says where.
 * - `NOT_FOUND` — no such record for this owner (another owner's record is never revealed).
 * - `CONFLICT` — the change clashes with stored data (a duplicate name, a category still in use).
 * - `CURRENCY_MISMATCH` — amounts in different currencies were combined.
 * - `STORE_UNAVAILABLE` — the database cannot be reached; the call may be retried later.
 * - `STORE_FAILED` — the database rejected the operation for another reason.
 * - `TRACKER_CLOSED` — the tracker was closed.
 * - `IDEMPOTENCY_KEY_REUSED` — an idempotency key already named another write of the owner
 *   (see `owner.withIdempotencyKey`).
 *
 * @example
 * ```ts
 * import { isTrackerError, type ErrorCode } from '@expense-tracker/core';
 *
 * // A Record over ErrorCode stops compiling when a code is added without an entry.
 * const retryable: Record<ErrorCode, boolean> = {
 *   VALIDATION_FAILED: false, NOT_FOUND: false, CONFLICT: false, CURRENCY_MISMATCH: false,
 *   STORE_UNAVAILABLE: true, STORE_FAILED: false, TRACKER_CLOSED: false, IDEMPOTENCY_KEY_REUSED: false,
 * };
 * try {
 *   await owner.expenses.create({ amount: '12.50' });
 * } catch (error) {
 *   if (isTrackerError(error) && retryable[error.code]) console.log('try again shortly');
 *   else throw error;
 * }
 * ```
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Where and why one input value was rejected.
 *
 * @example
 * ```ts
 * import { isTrackerError, type ValidationIssue } from '@expense-tracker/core';
 *
 * try {
 *   await owner.expenses.create({ amount: '12.345', currency: 'USD' });
 * } catch (error) {
 *   if (!isTrackerError(error, 'VALIDATION_FAILED')) throw error;
 *   const [issue]: ValidationIssue[] = error.issues;
 *   // { path: ['amount'], code: 'too_many_decimals', message: '12.345 has 3 decimals but USD allows 2' }
 *   console.log(issue?.path.join('.'), issue?.message);
 * }
 * ```
 */
export interface ValidationIssue {
  /** Path to the offending value, e.g. `['items', 3, 'amount']`. */
  path: (string | number)[];
  /** What is wrong, in words a person can act on. */
  message: string;
  /** A machine-readable reason, e.g. `too_many_decimals` or zod's `invalid_type`. */
  code: string;
}

/**
 * Options of {@link TrackerError}.
 *
 * @example
 * ```ts
 * import { TrackerError, type TrackerErrorOptions } from '@expense-tracker/core';
 *
 * // E.g. in a custom Store: keep the driver's error as `cause`; callers see only the code.
 * const driverError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
 * const options: TrackerErrorOptions = { cause: driverError, details: { table: 'et_expense' } };
 * const error = new TrackerError('STORE_FAILED', 'The database rejected the operation', options);
 * error.details; // { table: 'et_expense' }
 * error.issues; // []
 * ```
 */
export interface TrackerErrorOptions {
  /** Validation issues, for `VALIDATION_FAILED`. */
  issues?: ValidationIssue[];
  /** The underlying error (a driver error, say). */
  cause?: unknown;
  /** Extra machine-readable facts, e.g. `{ expenseCount: 12 }` on a category conflict. */
  details?: Record<string, unknown>;
}

/**
 * The one error class of the SDK. Every failure the SDK raises on purpose is a
 * `TrackerError` with a {@link ErrorCode}; driver errors are wrapped with `cause`.
 *
 * @example
 * ```ts
 * import { isTrackerError } from '@expense-tracker/core';
 *
 * try {
 *   await owner.expenses.create({ amount: '12.345', currency: 'USD' });
 * } catch (error) {
 *   if (isTrackerError(error) && error.code === 'VALIDATION_FAILED') {
 *     console.log(error.issues); // [{ path: ['amount'], code: 'too_many_decimals', ... }]
 *   }
 * }
 * ```
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  /** The error's code. */
  readonly code: ErrorCode;
  /** Validation issues (empty unless `code` is `VALIDATION_FAILED`). */
  readonly issues: ValidationIssue[];
  /** Extra machine-readable facts about the error. */
  readonly details: Record<string, unknown>;

  /**
   * @param code - the error code
   * @param message - a message a person can act on
   * @param options - issues, cause and details
   */
  constructor(code: ErrorCode, message: string, options: TrackerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

/**
 * Whether `value` is a {@link TrackerError}, checked by shape so it also holds across
 * copies of the package.
 *
 * @example
 * ```ts
 * import { isTrackerError, type Expense } from '@expense-tracker/core';
 *
 * async function findExpense(id: string): Promise<Expense | null> {
 *   try {
 *     return await owner.expenses.get(id);
 *   } catch (error) {
 *     if (isTrackerError(error, 'NOT_FOUND')) return null;
 *     throw error;
 *   }
 * }
 * ```
 */
export function isTrackerError(value: unknown, code?: ErrorCode): value is TrackerError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === 'TrackerError' &&
    typeof candidate.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(candidate.code) &&
    (code === undefined || candidate.code === code)
  );
}

/** Builds a `VALIDATION_FAILED` error from issues, with a message naming the first. */
export function validationError(issues: ValidationIssue[]): TrackerError {
  const first = issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new TrackerError('VALIDATION_FAILED', `Invalid input: ${where}${first?.message ?? 'invalid'}${more}`, {
    issues,
  });
}

/** Builds a `NOT_FOUND` error for a record kind and id. */
export function notFound(kind: string, id: string): TrackerError {
  return new TrackerError('NOT_FOUND', `${kind} ${JSON.stringify(id)} was not found`, { details: { kind, id } });
}
