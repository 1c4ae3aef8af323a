import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../domain/csv-cells.js';
import { exportQuerySchema, type ExportQuery } from '../schemas/analytics.js';
import type { Expense } from '../schemas/expense.js';
import { assertOpen, parseInput, type ServiceContext } from './context.js';
import { expenseFilter } from './expenses.js';
import { toExpense } from './presenters.js';

/**
 * Rows read per query: memory stays bounded by one batch, whatever the export's size.
 *
 * @example
 * ```ts
 * import { EXPORT_BATCH_SIZE } from './export.js'; // internal to core
 *
 * EXPORT_BATCH_SIZE; // 1000
 * // Each chunk of `owner.export()` after the CSV header holds at most this many expenses.
 * for await (const chunk of owner.export({ format: 'ndjson' })) {
 *   console.log(chunk.split('\n').filter(Boolean).length <= EXPORT_BATCH_SIZE); // true
 * }
 * ```
 */
export const EXPORT_BATCH_SIZE = 1000;

/**
 * csv-stringify options: CRLF record delimiters (RFC 4180), and a field holding a bare CR
 * or LF is quoted too; csv-stringify on its own quotes only fields holding the record
 * delimiter itself, which would leave a lone LF unquoted and split the record.
 */
const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/**
 * The CSV columns, in order.
 *
 * @example
 * ```ts
 * import { CSV_COLUMNS } from '@expense-tracker/core';
 *
 * CSV_COLUMNS.join(','); // 'id,date,amount,currency,category,categoryId,description,merchant,tags,notes,createdAt,updatedAt'
 * // The first line of every CSV export is this header:
 * for await (const chunk of owner.export({ format: 'csv' })) {
 *   console.log(chunk.startsWith(CSV_COLUMNS.join(','))); // true
 *   break;
 * }
 * ```
 */
export const CSV_COLUMNS = [
  'id',
  'date',
  'amount',
  'currency',
  'category',
  'categoryId',
  'description',
  'merchant',
  'tags',
  'notes',
  'createdAt',
  'updatedAt',
] as const;

function csvRow(expense: Expense, names: Map<string, string>): string[] {
  const text = (value: string | null) => (value === null ? '' : neutraliseCell(value));
  return [
    expense.id,
    expense.date,
    expense.amount,
    expense.currency,
    text(expense.categoryId ? (names.get(expense.categoryId) ?? null) : null),
    expense.categoryId ?? '',
    text(expense.description),
    text(expense.merchant),
    text(expense.tags.join('; ')),
    text(expense.notes),
    expense.createdAt,
    expense.updatedAt,
  ];
}

/**
 * Streams the owner's expenses matching the listing filters, oldest first, as CSV (RFC 4180
 * via csv-stringify, with a header row, amounts as decimal strings, and formula-like cells
 * neutralised), a JSON array, or NDJSON. Rows are read in keyset-paginated batches, so
 * memory stays bounded however many rows there are.
 */
export async function* exportExpenses(ctx: ServiceContext, ownerId: string, query: ExportQuery = {}): AsyncGenerator<string, void, undefined> {
  const q = parseInput(exportQuerySchema, query);
  assertOpen(ctx);
  const filter = await expenseFilter(ctx, ownerId, q);
  const names = q.format === 'csv' ? new Map((await ctx.store.categories.list(ownerId)).map((c) => [c.id, c.name])) : new Map<string, string>();
  if (q.format === 'csv') yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
  if (q.format === 'json') yield '[';
  let after: { key: string; id: string } | undefined;
  let first = true;
  for (;;) {
    const rows = await ctx.store.expenses.list(ownerId, { ...filter, sort: 'date', order: 'asc', limit: EXPORT_BATCH_SIZE, after });
    if (rows.length === 0) break;
    const expenses = rows.map(toExpense);
    if (q.format === 'csv') {
      yield stringify(expenses.map((e) => csvRow(e, names)), CSV_OPTIONS);
    } else if (q.format === 'ndjson') {
      yield expenses.map((e) => `${JSON.stringify(e)}\n`).join('');
    } else {
      yield (first ? '' : ',') + expenses.map((e) => JSON.stringify(e)).join(',');
    }
    first = false;
    const last = rows[rows.length - 1]!;
    after = { key: last.date, id: last.id };
    if (rows.length < EXPORT_BATCH_SIZE) break;
  }
  if (q.format === 'json') yield ']';
}
