import { notFound, validationError, type ValidationIssue } from '../errors.js';
import { newId } from '../ids.js';
import {
  expenseBatchSchema,
  expenseInputSchema,
  expenseListQuerySchema,
  expensePatchSchema,
  type Expense,
  type ExpenseInput,
  type ExpenseListQuery,
  type ExpensePage,
  type ExpensePatch,
} from './schema.js';
import type { OwnerSettings } from '../owners/schema.js';
import type { ExpenseFilter, ExpensePageRequest, ExpenseRecord } from '../store/store.js';
import { amountAt, positiveAmount } from './amounts.js';
import { assertOpen, parseInput, write, type ServiceContext } from '../write-context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { assertCategories } from '../categories/service.js';
import { toExpense } from '../presenters.js';
import { getSettings } from '../owners/settings.js';
import { applySpending } from './spending.js';
import { runRulesOnWrite } from '../rules/on-write.js';
import { reopenBillsOf } from '../schedules/occurrence-actions.js';

type ParsedInput = ReturnType<typeof expenseInputSchema.parse>;
type ParsedPatch = ReturnType<typeof expensePatchSchema.parse>;

/** Builds a new expense record from parsed input, with the owner's defaults. */
function newRecord(
  ownerId: string,
  data: ParsedInput,
  settings: OwnerSettings,
  today: string,
  at: string,
  path: (string | number)[],
): ExpenseRecord {
  const currency = data.currency ?? settings.currency;
  return {
    id: newId('exp'),
    ownerId,
    amountMinor: positiveAmount(data, currency, path, 'An expense amount'),
    kind: data.kind ?? 'expense',
    currency,
    date: data.date ?? today,
    categoryId: data.categoryId ?? null,
    description: data.description ?? null,
    merchant: data.merchant ?? null,
    tags: data.tags ?? [],
    notes: data.notes ?? null,
    createdAt: at,
    updatedAt: at,
    sourceKind: data.source?.kind ?? 'api',
    sourceId: data.source?.id ?? null,
    sourceRow: null,
    // A category the caller gives is the caller's choice; rules and imports set their own.
    categorySource: data.categoryId ? 'user' : null,
    ruleId: null,
    externalId: null,
    sourceAccount: null,
    fingerprint: null,
  };
}

/** Creates an expense. */
export async function createExpense(ctx: ServiceContext, ownerId: string, input: ExpenseInput): Promise<Expense> {
  const data = parseInput(expenseInputSchema, input);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at, settings, record } = scope;
    const drafted = newRecord(ownerId, data, settings, scope.today, at, []);
    const { draft: row, cause } = await runRulesOnWrite(scope, drafted, data, (data.categoryId ?? null) !== null);
    await assertCategories(scope, [{ categoryId: row.categoryId, path: ['categoryId'] }]);
    await tx.expenses.insert([row]);
    const expense = toExpense(row);
    record({ type: 'expense.created', data: { expense, ...cause } });
    await applySpending(scope, ownerId, [[null, row]], ['amount']);
    return expense;
  });
}

/** Creates 1 to 1,000 expenses in one transaction: all are stored, or none. */
export async function createExpenses(
  ctx: ServiceContext,
  ownerId: string,
  inputs: readonly ExpenseInput[],
): Promise<Expense[]> {
  const items = parseInput(expenseBatchSchema, inputs);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at, settings, record } = scope;
    const day = scope.today;
    const issues: ValidationIssue[] = [];
    const rows: ExpenseRecord[] = [];
    items.forEach((item, index) => {
      try {
        rows.push(newRecord(ownerId, item, settings, day, at, [index]));
      } catch (error) {
        const more = (error as { issues?: ValidationIssue[] }).issues;
        if (!more) throw error;
        issues.push(...more);
      }
    });
    if (issues.length > 0) throw validationError(issues);
    const ruled: Awaited<ReturnType<typeof runRulesOnWrite>>[] = [];
    for (const [i, row] of rows.entries()) {
      ruled.push(await runRulesOnWrite(scope, row, items[i]!, (items[i]!.categoryId ?? null) !== null));
    }
    rows.splice(0, rows.length, ...ruled.map((r) => r.draft));
    await assertCategories(
      scope,
      rows.map((row, index) => ({ categoryId: row.categoryId, path: [index, 'categoryId'] })),
    );
    await tx.expenses.insert(rows);
    const expenses = rows.map(toExpense);
    expenses.forEach((expense, i) => record({ type: 'expense.created', data: { expense, ...ruled[i]!.cause } }));
    await applySpending(
      scope,
      ownerId,
      rows.map((row) => [null, row] as const),
      [],
    );
    return expenses;
  });
}

/** The owner's expense, or `NOT_FOUND`. */
export async function getExpense(ctx: ServiceContext, ownerId: string, id: string): Promise<Expense> {
  assertOpen(ctx);
  const row = await ctx.store.expenses.findById(ownerId, id);
  if (!row) throw notFound('Expense', id);
  return toExpense(row);
}

/** Merges a patch into a stored expense. With `replace`, optional fields the input leaves out are cleared. */
function merge(current: ExpenseRecord, data: ParsedPatch, replace: boolean): ExpenseRecord {
  const currency = data.currency ?? current.currency;
  const hasAmount = data.amount !== undefined || data.amountMinor !== undefined;
  if (currency !== current.currency && !hasAmount) {
    throw validationError([
      {
        path: ['amount'],
        code: 'amount_required',
        message: 'Changing the currency needs the amount in the new currency',
      },
    ]);
  }
  const pick = <K extends 'categoryId' | 'description' | 'merchant' | 'notes'>(key: K) =>
    data[key] !== undefined ? (data[key] ?? null) : replace ? null : current[key];
  const categoryId = pick('categoryId');
  return {
    ...current,
    ...mergeSource(current, data),
    // A category the caller sets (or keeps naming, in a replace) becomes the caller's choice.
    ...(data.categoryId !== undefined || replace ? { categorySource: categoryId ? 'user' : null, ruleId: null } : {}),
    amountMinor: hasAmount ? positiveAmount(data, currency, [], 'An expense amount') : current.amountMinor,
    // Kept when left out, even by a full update: a client that knows nothing of refunds must
    // not turn one back into an expense by saving it.
    kind: data.kind ?? current.kind,
    currency,
    date: data.date ?? current.date,
    categoryId,
    description: pick('description'),
    merchant: pick('merchant'),
    notes: pick('notes'),
    tags: data.tags ?? (replace ? [] : current.tags),
  };
}

/**
 * The provenance after an update: a caller may move an expense between `manual` and `api`,
 * never away from `import` or `schedule`, which only core sets (and which revert and
 * duplicate detection rely on).
 */
function mergeSource(
  current: ExpenseRecord,
  data: ParsedPatch,
): Pick<ExpenseRecord, 'sourceKind' | 'sourceId'> | Record<string, never> {
  if (data.source === undefined) return {};
  if (current.sourceKind === 'import' || current.sourceKind === 'schedule') {
    throw validationError([
      {
        path: ['source'],
        code: 'source_fixed',
        message: `The source of an expense created by ${current.sourceKind === 'import' ? 'an import' : 'a schedule'} cannot change`,
      },
    ]);
  }
  return { sourceKind: data.source.kind, sourceId: data.source.id ?? null };
}

function sameContent(a: ExpenseRecord, b: ExpenseRecord): boolean {
  const { updatedAt: _a, ...left } = a;
  const { updatedAt: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Changes an expense. A partial update changes only the given fields (`null` clears an
 * optional one). With `replace`, the input is a whole expense: the amount is required, and
 * optional fields it leaves out are cleared (`currency` and `date`, when left out, are kept).
 * An update that changes nothing writes nothing and emits no event.
 */
export async function updateExpense(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  input: ExpensePatch,
  replace: boolean,
): Promise<Expense> {
  const data = replace ? parseInput(expenseInputSchema, input) : parseInput(expensePatchSchema, input);
  assertOpen(ctx);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at, record } = scope;
    const current = await tx.expenses.findById(ownerId, id);
    if (!current) throw notFound('Expense', id);
    const merged = merge(current, data, replace);
    if (sameContent(current, merged)) return toExpense(current);
    const { draft: next, cause } = await runRulesOnWrite(scope, merged, data, data.categoryId !== undefined);
    if (next.categoryId !== current.categoryId)
      await assertCategories(scope, [{ categoryId: next.categoryId, path: ['categoryId'] }]);
    next.updatedAt = at;
    await tx.expenses.update(next);
    const expense = toExpense(next);
    record({ type: 'expense.updated', data: { expense, previous: toExpense(current), ...cause } });
    await applySpending(scope, ownerId, [[current, next]], ['amount']);
    return expense;
  });
}

/** Deletes an expense, or `NOT_FOUND`; a bill occurrence it settled is reopened. */
export async function deleteExpense(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  assertOpen(ctx);
  await write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.expenses.findById(ownerId, id);
    if (!current || !(await scope.tx.expenses.delete(ownerId, id))) throw notFound('Expense', id);
    scope.record({ type: 'expense.deleted', data: { expense: toExpense(current) } });
    await reopenBillsOf(scope, ownerId, [id]);
    await applySpending(scope, ownerId, [[current, null]], []);
  });
}

/** The filter fields shared by listing and export. */
type FilterFields = Pick<
  ReturnType<typeof expenseListQuerySchema.parse>,
  'from' | 'to' | 'categoryId' | 'tag' | 'q' | 'minAmount' | 'maxAmount' | 'currency' | 'kind'
>;

/**
 * Turns parsed listing filters into the store's filter: `categoryId: 'none'` becomes
 * `null`, and amount bounds are parsed in `currency`, which defaults to the owner's when
 * bounds are given (amounts in different currencies do not compare).
 */
export async function expenseFilter(ctx: ServiceContext, ownerId: string, q: FilterFields): Promise<ExpenseFilter> {
  let currency = q.currency;
  if ((q.minAmount !== undefined || q.maxAmount !== undefined) && currency === undefined) {
    currency = (await getSettings(ctx, ownerId)).currency;
  }
  const bound = (value: string | number | undefined, field: string) =>
    value === undefined || currency === undefined ? undefined : amountAt(value, currency, [field]);
  return {
    from: q.from,
    to: q.to,
    categoryIds: q.categoryId?.map((id) => (id === 'none' ? null : id)),
    tags: q.tag,
    text: q.q,
    minAmountMinor: bound(q.minAmount, 'minAmount'),
    maxAmountMinor: bound(q.maxAmount, 'maxAmount'),
    currency,
    kind: q.kind,
  };
}

/** A listing's query, parsed, and the store's request for its page (one row more than the page, to know if another follows). */
async function pageRequest(
  ctx: ServiceContext,
  ownerId: string,
  query: ExpenseListQuery,
): Promise<{ q: ReturnType<typeof expenseListQuerySchema.parse>; request: ExpensePageRequest }> {
  const q = parseInput(expenseListQuerySchema, query);
  assertOpen(ctx);
  const filter = await expenseFilter(ctx, ownerId, q);
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort, q.order);
  const request: ExpensePageRequest = { ...filter, sort: q.sort, order: q.order, limit: q.limit + 1 };
  if (after) request.after = { key: after.key, id: after.id };
  return { q, request };
}

/** The cursor of the next page when the store found a row beyond the page (`more`), from the page's last row; else `null`. */
function nextCursorOf(
  q: { sort: 'date' | 'amount'; order: 'asc' | 'desc' },
  more: boolean,
  last: { id: string; date: string; amountMinor: number } | undefined,
): string | null {
  if (!more || !last) return null;
  const key = q.sort === 'amount' ? last.amountMinor : last.date;
  return encodeCursor({ sort: q.sort, order: q.order, key, id: last.id });
}

/** The page of the store's rows (one beyond the page when another follows). */
function pageOf(
  q: { sort: 'date' | 'amount'; order: 'asc' | 'desc'; limit: number },
  rows: ExpenseRecord[],
): ExpensePage {
  const items = rows.slice(0, q.limit);
  return { items: items.map(toExpense), nextCursor: nextCursorOf(q, rows.length > q.limit, items.at(-1)) };
}

/** One page of the owner's expenses; see {@link ExpenseListQuery}. */
export async function listExpenses(
  ctx: ServiceContext,
  ownerId: string,
  query: ExpenseListQuery = {},
): Promise<ExpensePage> {
  const { q, request } = await pageRequest(ctx, ownerId, query);
  return pageOf(q, await ctx.store.expenses.list(ownerId, request));
}

/**
 * The page of {@link listExpenses} as its JSON text, `JSON.stringify` of it to the byte: from
 * the store's own JSON of each row where it has `listJson` (SQLite's does), so the
 * rows are never made objects only to be serialized again; else from the page's objects.
 */
export async function listExpensesJson(
  ctx: ServiceContext,
  ownerId: string,
  query: ExpenseListQuery = {},
): Promise<string> {
  const { q, request } = await pageRequest(ctx, ownerId, query);
  const { expenses } = ctx.store;
  if (!expenses.listJson) return JSON.stringify(pageOf(q, await expenses.list(ownerId, request)));
  const rows = await expenses.listJson(ownerId, request);
  const items = rows.slice(0, q.limit);
  const more = rows.length > q.limit;
  // Only when another page follows is a row parsed: the last, for its cursor's fields.
  const last = more ? (JSON.parse(items[items.length - 1] ?? 'null') as Expense | null) : null;
  return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursorOf(q, more, last ?? undefined))}}`;
}
