import { validationError, type ValidationIssue } from '../errors.js';
import { parseAmount } from '../money.js';

/** Parses a decimal amount for `currency`, with money errors re-pathed onto `path`. */
export function amountAt(value: string | number, currency: string, path: (string | number)[]): number {
  try {
    return parseAmount(value, currency);
  } catch (error) {
    const issues = (error as { issues?: ValidationIssue[] }).issues;
    if (!issues) throw error;
    throw validationError(issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })));
  }
}

/**
 * Resolves an input's `amount` (decimal) or `amountMinor` (integer) to a positive count of
 * minor units of `currency`; `what` names it in the error ("An expense amount").
 */
export function positiveAmount(
  input: { amount?: string | number; amountMinor?: number },
  currency: string,
  path: (string | number)[],
  what: string,
): number {
  const minor = input.amountMinor ?? amountAt(input.amount ?? 0, currency, [...path, 'amount']);
  if (minor <= 0) {
    const field = input.amountMinor !== undefined ? 'amountMinor' : 'amount';
    throw validationError([{ path: [...path, field], code: 'too_small', message: `${what} must be greater than 0` }]);
  }
  return minor;
}
