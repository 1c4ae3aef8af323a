/**
 * Dates as banks write them in CSV and QIF files: `31.01.2026`, `01/31/2026`, `1/31'26`,
 * `2026-01-31`, `20260131`, sometimes with a time after. Only the order of day, month and year
 * varies in practice, so a format is that order; the separators and digit counts are read as
 * they come.
 */
import { isLocalDate, MAX_LOCAL_DATE, MIN_LOCAL_DATE } from '../dates.js';
import { RowProblem } from './row-problem.js';

/**
 * The order of day, month and year in a date column.
 *
 * @example
 * ```ts
 * import { DATE_ORDERS } from '@expense-tracker/core';
 *
 * DATE_ORDERS; // ['DMY', 'MDY', 'YMD']: 31.01.2026, 01/31/2026, 2026-01-31
 * ```
 */
export const DATE_ORDERS = ['DMY', 'MDY', 'YMD'] as const;

/**
 * One of {@link DATE_ORDERS}: how a CSV profile or a QIF preview says how dates are written.
 *
 * @example
 * ```ts
 * import type { DateOrder } from '@expense-tracker/core';
 *
 * declare const qifBytes: Uint8Array;
 * const dateOrder: DateOrder = 'MDY'; // a US bank's 01/31/2026
 * await owner.imports.preview(qifBytes, { sourceKey: 'checking', format: 'qif', currency: 'USD', dateOrder });
 * ```
 */
export type DateOrder = (typeof DATE_ORDERS)[number];

/** A date's three numbers in the order written, and whether the year came first. */
export interface DateParts {
  first: number;
  second: number;
  year: number;
  yearFirst: boolean;
}

/**
 * Splits a date into its numbers. A time after the date (`2026-01-31 14:02`, `…T14:02:00Z`) is
 * ignored, and so are spaces inside it (`1/ 3'26`). Two-digit years and QIF's `'26` are read as 2000–2099, as banks have written them
 * since 2000.
 *
 * @throws RowProblem `invalid_date` when the text is not three numbers.
 */
export function readDateParts(text: string): DateParts {
  // Drop a time, then spaces: Quicken pads its dates (`D 1/ 3'26`).
  const trimmed = text
    .trim()
    .replace(/[T\s]+\d{1,2}:\d{2}.*$/, '')
    .replace(/\s+/g, '');
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (compact)
    return { year: Number(compact[1]), first: Number(compact[2]), second: Number(compact[3]), yearFirst: true };
  const yearFirst = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(trimmed);
  if (yearFirst) {
    return { year: Number(yearFirst[1]), first: Number(yearFirst[2]), second: Number(yearFirst[3]), yearFirst: true };
  }
  const yearLast = /^(\d{1,2})[-./](\d{1,2})(?:[-./]|'\s?)(\d{4}|\d{2})$/.exec(trimmed);
  if (yearLast) {
    const year = yearLast[3]!.length === 2 ? 2000 + Number(yearLast[3]) : Number(yearLast[3]);
    return { first: Number(yearLast[1]), second: Number(yearLast[2]), year, yearFirst: false };
  }
  throw new RowProblem('invalid_date', `${JSON.stringify(text.trim())} is not a date`);
}

/** The orders a date's numbers allow: a number above 12 cannot be a month. */
export function possibleOrders(parts: DateParts): DateOrder[] {
  if (parts.yearFirst) return ['YMD'];
  const orders: DateOrder[] = [];
  if (parts.second <= 12) orders.push('DMY');
  if (parts.first <= 12) orders.push('MDY');
  return orders;
}

/**
 * The `YYYY-MM-DD` date of `parts` read in `order`.
 *
 * @throws RowProblem `invalid_date` when that is no calendar date (`31.02.2026`) or is outside
 * the dates the SDK stores.
 */
export function toIsoDate(parts: DateParts, order: DateOrder, text: string): string {
  if (parts.yearFirst !== (order === 'YMD')) {
    throw new RowProblem('invalid_date', `${JSON.stringify(text.trim())} is not written ${order}`);
  }
  const [day, month] =
    order === 'MDY'
      ? [parts.second, parts.first]
      : order === 'DMY'
        ? [parts.first, parts.second]
        : [parts.second, parts.first];
  const iso = `${String(parts.year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  if (!isLocalDate(iso) || iso < MIN_LOCAL_DATE || iso > MAX_LOCAL_DATE) {
    throw new RowProblem('invalid_date', `${JSON.stringify(text.trim())} is not a calendar date read as ${order}`);
  }
  return iso;
}

/**
 * The date in an OFX `DTPOSTED` (`20260131`, `20260131120000.000[-5:EST]`) or an ISO 8601
 * date or date-time (CAMT): the calendar date as the bank wrote it, in the bank's own zone.
 *
 * @throws RowProblem `invalid_date`.
 */
export function readCompactOrIsoDate(text: string): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(text.trim());
  const iso = match ? `${match[1]}-${match[2]}-${match[3]}` : '';
  if (!isLocalDate(iso) || iso < MIN_LOCAL_DATE || iso > MAX_LOCAL_DATE) {
    throw new RowProblem('invalid_date', `${JSON.stringify(text.trim())} is not a date`);
  }
  return iso;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
