import { isTrackerError } from '../errors.js';
import type { InvalidRowCode } from './bank-row.js';

/**
 * Thrown inside a parser while one record is read, and caught at the record's edge where it
 * becomes an `InvalidRow`: it never leaves the module, so a bad line never stops the file.
 */
export class RowProblem extends Error {
  constructor(
    readonly code: InvalidRowCode,
    message: string,
  ) {
    super(message);
  }
}

const MONEY_CODES: ReadonlySet<string> = new Set([
  'invalid_amount',
  'too_many_decimals',
  'amount_out_of_range',
  'unknown_currency',
]);

/**
 * The row problem of an error thrown while a record was read: a {@link RowProblem} as is, a
 * money-parser rejection by its issue code. Anything else is a defect and is rethrown.
 */
export function toRowProblem(error: unknown): RowProblem {
  if (error instanceof RowProblem) return error;
  if (isTrackerError(error, 'VALIDATION_FAILED')) {
    const code = error.issues[0]?.code ?? '';
    if (MONEY_CODES.has(code)) return new RowProblem(code as InvalidRowCode, error.message);
  }
  throw error;
}
