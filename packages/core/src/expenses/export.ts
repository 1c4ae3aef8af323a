import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from './csv-cells.js';
import { exportQuerySchema, type ExportQuery } from '../analytics/schema.js';
import type { Expense } from './schema.js';
import { assertOpen, parseInput, type ServiceContext } from '../write-context.js';
import { expenseFilter } from './service.js';
import { toExpense } from '../presenters.js';

/**
 * Rows read per query: memory stays bounded by one batch, whatever the export's size. The
 * next batch is read only when the consumer has taken every chunk of this one.
 *
 * @example
 * ```ts
 * import { EXPORT_BATCH_SIZE } from '@expense-tracker/core';
 *
 * EXPORT_BATCH_SIZE; // 200
 * // An export of 500 expenses reads them in three queries, however slowly it is consumed.
 * ```
 */
export const EXPORT_BATCH_SIZE = 200;

/**
 * Expenses per chunk `owner.export()` yields (after the CSV header or the JSON `[`): each chunk
 * is formatted only when the consumer asks for it, in a few milliseconds at most, so a
 * server streaming an export never holds the event loop for long and holds little for a
 * client that stops reading.
 *
 * @example
 * ```ts
 * import { EXPORT_CHUNK_SIZE } from '@expense-tracker/core';
 *
 * EXPORT_CHUNK_SIZE; // 100
 * for await (const chunk of owner.export({ format: 'ndjson' })) {
 *   console.log(chunk.split('\n').filter(Boolean).length <= EXPORT_CHUNK_SIZE); // true
 * }
 * ```
 */
export const EXPORT_CHUNK_SIZE = 100;

/**
 * csv-stringify options: CRLF record delimiters (RFC 4180), and a field holding a bare CR
 * or LF is quoted too; csv-stringify on its own quotes only fields holding the record
 * delimiter itself, which would leave a lone LF unquoted and split the record.
 */
const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/**
 * The CSV columns, in order. `kind` (`expense` or `refund`) came with refunds and is the
 * last column, so a reader that takes the earlier ones by position keeps working; `amount`
 * stays positive for a refund, as everywhere else, and `kind` says which way it goes.
 *
 * @example
 * ```ts
 * import { CSV_COLUMNS } from '@expense-tracker/core';
 *
 * CSV_COLUMNS.join(','); // 'id,date,amount,currency,category,categoryId,description,merchant,tags,notes,createdAt,updatedAt,kind'
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
  'kind',
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
    expense.kind,
  ];
}

/**
 * Streams the owner's expenses matching the listing filters, oldest first, as CSV (RFC 4180
 * via csv-stringify, with a header row, amounts as decimal strings, and formula-like cells
 * neutralised), a JSON array, or NDJSON. Rows are read in keyset-paginated batches of
 * {@link EXPORT_BATCH_SIZE} and formatted in chunks of {@link EXPORT_CHUNK_SIZE} as they are
 * consumed, so memory stays bounded however many rows there are and however slow the consumer.
 */
export async function* exportExpenses(
  ctx: ServiceContext,
  ownerId: string,
  query: ExportQuery = {},
): AsyncGenerator<string, void, undefined> {
  const q = parseInput(exportQuerySchema, query);
  assertOpen(ctx);
  const filter = await expenseFilter(ctx, ownerId, q);
  const names =
    q.format === 'csv'
      ? new Map((await ctx.store.categories.list(ownerId)).map((c) => [c.id, c.name]))
      : new Map<string, string>();
  if (q.format === 'csv') yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
  if (q.format === 'json') yield '[';
  let after: { key: string; id: string } | undefined;
  let first = true;
  for (;;) {
    const rows = await ctx.store.expenses.list(ownerId, {
      ...filter,
      sort: 'date',
      order: 'asc',
      limit: EXPORT_BATCH_SIZE,
      after,
    });
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; i += EXPORT_CHUNK_SIZE) {
      const expenses = rows.slice(i, i + EXPORT_CHUNK_SIZE).map(toExpense);
      if (q.format === 'csv') {
        yield stringify(
          expenses.map((e) => csvRow(e, names)),
          CSV_OPTIONS,
        );
      } else if (q.format === 'ndjson') {
        yield expenses.map((e) => `${JSON.stringify(e)}\n`).join('');
      } else {
        yield (first ? '' : ',') + expenses.map((e) => JSON.stringify(e)).join(',');
      }
      first = false;
    }
    const last = rows[rows.length - 1]!;
    after = { key: last.date, id: last.id };
    if (rows.length < EXPORT_BATCH_SIZE) break;
  }
  if (q.format === 'json') yield ']';
}
