import type { ExpenseRecord, TotalsDelta } from '../store/store.js';
import { evaluateForExpenses } from './alerts.js';
import type { WriteScope } from './context.js';

/** One expense change: before and after, `null` for "none" (a create has no before). */
export type ExpenseChange = readonly [before: ExpenseRecord | null, after: ExpenseRecord | null];

/**
 * What every expense write does besides storing the row, in its transaction: the daily
 * totals get the change as a delta (the before side out, the after side in), then the alert
 * rules of the budgets either side touches are evaluated against the new totals.
 */
export async function applySpending(scope: WriteScope, ownerId: string, changes: readonly ExpenseChange[]): Promise<void> {
  const deltas: TotalsDelta[] = [];
  for (const [before, after] of changes) {
    if (before) deltas.push({ date: before.date, currency: before.currency, categoryId: before.categoryId, amountMinor: -before.amountMinor, count: -1 });
    if (after) deltas.push({ date: after.date, currency: after.currency, categoryId: after.categoryId, amountMinor: after.amountMinor, count: 1 });
  }
  await scope.tx.totals.applyDeltas(ownerId, deltas);
  await evaluateForExpenses(scope, ownerId, changes.flat());
}
