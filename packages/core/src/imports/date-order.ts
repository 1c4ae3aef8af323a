import { type BankRow, invalidRow, type ParsedBankRow } from './bank-row.js';
import { type DateOrder, possibleOrders, readDateParts, toIsoDate } from './date-text.js';
import { fileError } from './file-errors.js';
import { RowProblem } from './row-problem.js';

/** A row read in full except its date, which waits until the column's date order is known. */
export interface UndatedRow {
  kind: 'undated';
  dateText: string;
  row: Omit<BankRow, 'date'>;
}

/**
 * Dates rows whose date order is given, or infers the order from the column: a date whose
 * first number is above 12 rules out month-first, one whose second is above 12 rules out
 * day-first. Rows wait in order until one decides; with a given order nothing waits, so a
 * profile that names its date format streams from the first row.
 *
 * @throws TrackerError `VALIDATION_FAILED` (`ambiguous_date_format`) when the file ends and
 * every date could still be read both ways: guessing would silently swap months and days.
 */
export async function* resolveDateOrder(
  items: AsyncIterable<ParsedBankRow | UndatedRow>,
  given: DateOrder | undefined,
): AsyncGenerator<ParsedBankRow> {
  let order = given;
  let candidates: DateOrder[] = ['DMY', 'MDY', 'YMD'];
  const waiting: (ParsedBankRow | UndatedRow)[] = [];
  for await (const item of items) {
    if (order !== undefined) {
      yield dated(item, order);
      continue;
    }
    waiting.push(item);
    if (item.kind !== 'undated') continue;
    candidates = narrow(candidates, item.dateText);
    if (candidates.length === 1) {
      order = candidates[0];
      for (const held of waiting.splice(0)) yield dated(held, order!);
    }
  }
  if (order !== undefined || waiting.length === 0) return;
  if (!waiting.some((item) => item.kind === 'undated')) {
    yield* waiting as ParsedBankRow[];
    return;
  }
  throw fileError(
    'ambiguous_date_format',
    `Every date in the file could be day-first or month-first (${candidates.join(' or ')}); say which in the profile's date format`,
    { candidates },
  );
}

/** The orders still possible after one more date; a date that fits none is left to fail on its own. */
function narrow(candidates: DateOrder[], text: string): DateOrder[] {
  try {
    const allowed = possibleOrders(readDateParts(text));
    const left = candidates.filter((order) => allowed.includes(order));
    return left.length > 0 ? left : candidates;
  } catch {
    return candidates;
  }
}

function dated(item: ParsedBankRow | UndatedRow, order: DateOrder): ParsedBankRow {
  if (item.kind !== 'undated') return item;
  try {
    return { ...item.row, kind: 'row', date: toIsoDate(readDateParts(item.dateText), order, item.dateText) };
  } catch (error) {
    if (!(error instanceof RowProblem)) throw error;
    return invalidRow(item.row.line, error.code, error.message, item.row.originalText);
  }
}
