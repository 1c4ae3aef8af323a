import { isTrackerError, TrackerError } from '../errors.js';

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

// PostgreSQL SQLSTATEs meaning "the server is not there for you right now".
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection (?:is )?closed/i,
  /database connection is not open/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
];

/** Whether a driver error is a unique-constraint violation (on either engine). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether a driver error is a foreign-key violation (on either engine). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Whether a driver error means the database cannot be reached. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // AggregateError from a dual-stack connect attempt.
  const errors = (error as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.some(isUnavailable);
}

/**
 * Wraps anything a driver threw as a `TrackerError` (a `TrackerError` passes through), with
 * the original as `cause`. The message never includes SQL or driver internals.
 *
 * @example
 * ```ts
 * import { toStoreError } from '@expense-tracker/core/store';
 *
 * // PostgreSQL's unique violation, a refused connection, and anything else:
 * toStoreError(Object.assign(new Error('duplicate key value'), { code: '23505' })).code; // 'CONFLICT'
 * toStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).code; // 'STORE_UNAVAILABLE'
 * toStoreError(new Error('syntax error at or near "selec"')).message; // 'The database rejected the operation' (STORE_FAILED)
 * // In a custom store: `catch (error) { throw toStoreError(error); }`
 * ```
 */
export function toStoreError(error: unknown): TrackerError {
  if (isTrackerError(error)) return error;
  if (isUnavailable(error)) {
    return new TrackerError('STORE_UNAVAILABLE', 'The database cannot be reached; try again shortly', { cause: error });
  }
  if ((error as { code?: unknown } | null)?.code === '22021') {
    // PostgreSQL text cannot hold NUL (U+0000); the schemas refuse it, this catches the rest.
    return new TrackerError('VALIDATION_FAILED', 'Text must not contain NUL (U+0000) characters', {
      cause: error,
      issues: [{ path: [], code: 'invalid_string', message: 'Text must not contain NUL (U+0000) characters' }],
    });
  }
  if (isUniqueViolation(error)) {
    return new TrackerError('CONFLICT', 'A record with the same unique key already exists', { cause: error });
  }
  if (isForeignKeyViolation(error)) {
    return new TrackerError('CONFLICT', 'The change refers to a record that does not exist or is still referenced', {
      cause: error,
    });
  }
  return new TrackerError('STORE_FAILED', 'The database rejected the operation', { cause: error });
}

/** Returns a copy of `target` whose async methods turn driver errors into `TrackerError`s. */
export function withStoreErrors<T extends object>(target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(target) as (keyof T & string)[]) {
    const value = target[key];
    wrapped[key] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } catch (error) {
              throw toStoreError(error);
            }
          }
        : value;
  }
  return wrapped as T;
}
