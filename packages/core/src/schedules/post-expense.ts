import { toExpense } from '../presenters.js';
import { applySpending } from '../expenses/spending.js';
import { runRulesOnWrite } from '../rules/on-write.js';
import type { Expense } from '../expenses/schema.js';
import type { ExpenseRecord } from '../store/store.js';
import type { WriteScope } from '../write-context.js';
import type { ScheduleRecord } from './repository.js';

/**
 * Creates the expense `id` of one occurrence of a schedule, dated `date`, in the scope's
 * transaction (the id is chosen first, for the occurrence row that claims it): provenance `{ kind: 'schedule', id }`, and the template's category with
 * `categorySource: 'schedule'`. A template category deleted since is dropped rather than
 * failing the tick (the due work must not stall on one schedule); without a category the
 * owner's rules may categorise it, as they do any new expense.
 *
 * With `batch`, the expense row is added to it instead of being stored here: the caller
 * stores a batch with {@link flushScheduledExpenses} (one insert, one totals update and one
 * alert check for many occurrences, as `createMany` does), in the same transaction.
 */
export async function postScheduledExpense(
  scope: WriteScope,
  schedule: ScheduleRecord,
  date: string,
  id: string,
  batch?: ExpenseRecord[],
): Promise<Expense> {
  const { template } = schedule;
  const { categories } = await scope.config();
  const categoryId =
    template.categoryId !== null && categories.some((c) => c.id === template.categoryId) ? template.categoryId : null;
  const draft: ExpenseRecord = {
    id,
    ownerId: schedule.ownerId,
    amountMinor: template.amountMinor,
    kind: template.kind,
    currency: template.currency,
    date,
    categoryId,
    description: template.description ?? schedule.name,
    merchant: template.merchant,
    tags: [...template.tags],
    notes: template.notes,
    createdAt: scope.at,
    updatedAt: scope.at,
    sourceKind: 'schedule',
    sourceId: schedule.id,
    sourceRow: null,
    categorySource: categoryId === null ? null : 'schedule',
    ruleId: null,
    externalId: null,
    sourceAccount: null,
    fingerprint: null,
  };
  const given = {
    merchant: template.merchant ?? undefined,
    notes: template.notes ?? undefined,
    tags: template.tags.length > 0 ? template.tags : undefined,
  };
  const { draft: row, cause } = await runRulesOnWrite(scope, draft, given, categoryId !== null);
  const expense = toExpense(row);
  scope.record({ type: 'expense.created', data: { expense, ...cause } });
  if (batch) batch.push(row);
  else await flushScheduledExpenses(scope, schedule.ownerId, [row]);
  return expense;
}

/** Stores expenses posted by schedules: the rows, then their totals and alert checks at once. */
export async function flushScheduledExpenses(scope: WriteScope, ownerId: string, rows: ExpenseRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await scope.tx.expenses.insert(rows);
  await applySpending(
    scope,
    ownerId,
    rows.map((row) => [null, row] as const),
    [],
  );
}
