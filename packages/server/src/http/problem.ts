import { isTrackerError, type ErrorCode } from '@expense-tracker/core';
import { toStoreError } from '@expense-tracker/core/store';

/**
 * Codes of failures the server itself raises, beside core's.
 *
 * @example
 * ```ts
 * import { SERVER_ERROR_CODES, type ServerErrorCode } from '@expense-tracker/server';
 *
 * const isServerErrorCode = (code: string): code is ServerErrorCode => (SERVER_ERROR_CODES as readonly string[]).includes(code);
 * isServerErrorCode('RATE_LIMITED'); // true
 * isServerErrorCode('NOT_FOUND'); // false: that one is core's
 * ```
 */
export const SERVER_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MISSING_SCOPE',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'MALFORMED_REQUEST',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'EXPECTATION_FAILED',
  'NOT_IMPLEMENTED',
  'SERVICE_UNAVAILABLE',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'UPGRADE_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'SERVER_BUSY',
  'TOO_MANY_EXPORTS',
  'INTERNAL',
] as const;

/**
 * A server error code.
 *
 * @example
 * ```ts
 * import { HttpError, type ServerErrorCode } from '@expense-tracker/server';
 *
 * const code: ServerErrorCode = 'FORBIDDEN';
 * new HttpError(code, 'Only the account owner may do this').status; // 403
 * ```
 */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/**
 * Every code a problem body can carry.
 *
 * @example
 * ```ts
 * import type { Problem, ProblemCode } from '@expense-tracker/server';
 *
 * // A client's own message for some codes; the others fall back to the problem's `detail`.
 * const messages: Partial<Record<ProblemCode, string>> = { RATE_LIMITED: 'Too many attempts; wait a minute', UNAUTHORIZED: 'Please log in again' };
 * const res = await fetch('http://localhost:8000/expenses');
 * if (!res.ok) {
 *   const problem = (await res.json()) as Problem;
 *   console.log(messages[problem.code] ?? problem.detail);
 * }
 * ```
 */
export type ProblemCode = ErrorCode | ServerErrorCode;

/**
 * The HTTP status of each code: a new code without a status does not compile.
 *
 * @example
 * ```ts
 * import { STATUS_BY_CODE } from '@expense-tracker/server';
 *
 * STATUS_BY_CODE.VALIDATION_FAILED; // 422
 * STATUS_BY_CODE.STORE_UNAVAILABLE; // 503
 * STATUS_BY_CODE.RATE_LIMITED; // 429
 * ```
 */
export const STATUS_BY_CODE = {
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CURRENCY_MISMATCH: 422,
  STORE_UNAVAILABLE: 503,
  STORE_FAILED: 500,
  TRACKER_CLOSED: 503,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MISSING_SCOPE: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  MALFORMED_REQUEST: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  EXPECTATION_FAILED: 417,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPGRADE_REQUIRED: 426,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  SERVER_BUSY: 503,
  TOO_MANY_EXPORTS: 429,
  INTERNAL: 500,
} as const satisfies Record<ProblemCode, number>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/**
 * An RFC 9457 problem body. Every failed request answers one, as `application/problem+json`.
 *
 * @example
 * ```ts
 * import type { Problem } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/expenses', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.ACCESS_TOKEN}` },
 *   body: JSON.stringify({ amount: '12.345', currency: 'USD' }),
 * });
 * const problem = (await res.json()) as Problem;
 * // { status: 422, code: 'VALIDATION_FAILED', issues: [{ path: ['amount'], code: 'too_many_decimals', ... }], ... }
 * for (const issue of problem.issues ?? []) console.log(issue.path.join('.'), issue.message);
 * ```
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  issues?: { path: (string | number)[]; message: string; code: string }[];
  /** Machine-readable facts of a conflict, e.g. `{ expenseCount: 12 }` for a category still in use. */
  details?: Record<string, unknown>;
  /** On `MISSING_SCOPE`: the permission the API token lacks, e.g. `expenses:write`. */
  scope?: string;
}

/**
 * An error the server raises on purpose, rendered as problem+json.
 *
 * @example
 * ```ts
 * import { HttpError, toProblem } from '@expense-tracker/server';
 *
 * const error = new HttpError('RATE_LIMITED', 'Too many failed logins; try again in 30 seconds', { 'retry-after': '30' });
 * error.status; // 429
 * toProblem(error).headers; // { 'retry-after': '30' }
 * ```
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly code: ServerErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Members of the problem body beyond the standard ones (`scope` on `MISSING_SCOPE`). */
  readonly members: Pick<Problem, 'scope'>;

  /**
   * @param code - the problem code; @param message - the detail; @param headers - extra response headers;
   * @param members - extra members of the problem body
   */
  constructor(
    code: ServerErrorCode,
    message: string,
    headers: Record<string, string> = {},
    members: Pick<Problem, 'scope'> = {},
  ) {
    super(message);
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.headers = headers;
    this.members = members;
  }
}

/**
 * The problem body (and headers) for anything thrown while handling a request; never a stack trace.
 *
 * @example
 * ```ts
 * import { TrackerError } from '@expense-tracker/core';
 * import { toProblem } from '@expense-tracker/server';
 *
 * toProblem(new TrackerError('NOT_FOUND', 'Expense "exp_1" was not found')).problem;
 * // { type: 'https://expense-tracker.dev/problems/not-found', title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'Expense "exp_1" was not found' }
 * toProblem(new Error('password column missing')).problem.detail;
 * // 'The server failed to handle the request; it has been logged' (status 500, code INTERNAL)
 * ```
 */
export function toProblem(thrown: unknown): { problem: Problem; headers: Record<string, string> } {
  const make = (code: ProblemCode, detail: string, issues?: Problem['issues']): Problem => {
    const status = STATUS_BY_CODE[code];
    return {
      type: `https://expense-tracker.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...(issues && issues.length > 0 ? { issues } : {}),
    };
  };
  if (thrown instanceof HttpError)
    return { problem: { ...make(thrown.code, thrown.message), ...thrown.members }, headers: thrown.headers };
  // A driver error from the server's own tables (accounts, sessions, refresh tokens) that
  // means the database is not there is a 503 too, like core's.
  const error =
    !isTrackerError(thrown) && toStoreError(thrown).code === 'STORE_UNAVAILABLE' ? toStoreError(thrown) : thrown;
  if (isTrackerError(error)) {
    // Store failures are logged with their cause; the client gets no driver internals.
    const problem = make(error.code, error.message, error.code === 'VALIDATION_FAILED' ? error.issues : undefined);
    if (error.code === 'CONFLICT' && Object.keys(error.details).length > 0) problem.details = error.details;
    return { problem, headers: error.code === 'STORE_UNAVAILABLE' ? { 'retry-after': '5' } : {} };
  }
  const status = (error as { status?: unknown; expose?: unknown } | null)?.status;
  if (typeof status === 'number' && (error as { expose?: unknown }).expose === true) {
    // http-errors thrown by Koa's own parsers (body too large, bad JSON, unsupported type).
    const code: ProblemCode =
      status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : status === 400
            ? 'MALFORMED_JSON'
            : status === 404
              ? 'ROUTE_NOT_FOUND'
              : status === 405
                ? 'METHOD_NOT_ALLOWED'
                : 'INTERNAL';
    return { problem: make(code, code === 'INTERNAL' ? 'The request failed' : (error as Error).message), headers: {} };
  }
  return { problem: make('INTERNAL', 'The server failed to handle the request; it has been logged'), headers: {} };
}
