import { TrackerError } from '../errors.js';

/**
 * Why a whole file was refused (as opposed to one line, which becomes an `InvalidRow`): the
 * issue code of the `VALIDATION_FAILED` error a parser throws. A closed catalogue.
 *
 * - `file_too_large` — more bytes than `limits.maxBytes`.
 * - `too_many_rows` — more rows than `limits.maxRows`.
 * - `unknown_format` — the content is none of CSV, OFX/QFX, CAMT.053 or QIF.
 * - `unsupported_encoding` — a declared or detected encoding the parsers do not decode.
 * - `ambiguous_date_format` — every date could be day-first or month-first; the profile must say.
 * - `missing_column` — the CSV header lacks a column the profile names.
 * - `currency_required` — the format carries no currency (QIF) and none was given.
 * - `profile_required` — a CSV file needs a mapping profile.
 * - `invalid_profile` — the profile does not match its schema.
 *
 * @example
 * ```ts
 * import { FILE_ISSUE_CODES } from '@expense-tracker/core';
 *
 * FILE_ISSUE_CODES; // ['file_too_large', 'too_many_rows', 'unknown_format', …, 'invalid_profile']
 * const isFileIssue = (code: string): boolean => (FILE_ISSUE_CODES as readonly string[]).includes(code);
 * ```
 */
export const FILE_ISSUE_CODES = [
  'file_too_large',
  'too_many_rows',
  'unknown_format',
  'unsupported_encoding',
  'ambiguous_date_format',
  'missing_column',
  'currency_required',
  'profile_required',
  'invalid_profile',
] as const;

/**
 * One of {@link FILE_ISSUE_CODES}: why a whole file was refused.
 *
 * @example
 * ```ts
 * import type { FileIssueCode } from '@expense-tracker/core';
 *
 * // What an upload page tells a person when the whole file is refused.
 * const advice: Partial<Record<FileIssueCode, string>> = {
 *   profile_required: 'Choose how to read this CSV file',
 *   currency_required: 'Say which currency the QIF file is in',
 * };
 * ```
 */
export type FileIssueCode = (typeof FILE_ISSUE_CODES)[number];

/**
 * A `VALIDATION_FAILED` error for a refused file: the input does not meet what the import
 * accepts, which is what that code means. `details` carries the facts (the limit, the column).
 */
export function fileError(code: FileIssueCode, message: string, details: Record<string, unknown> = {}): TrackerError {
  return new TrackerError('VALIDATION_FAILED', message, { issues: [{ path: ['file'], code, message }], details });
}
