import { validationError } from '../errors.js';
import { formatAmount } from '../money.js';
import type { ExpenseRecord, TotalsDelta } from '../store/store.js';
import { evaluateForExpenses } from '../alerts/service.js';
import type { WriteScope } from '../write-context.js';

/** One expense change: before and after, `null` for "none" (a create has no before). */
export type ExpenseChange = readonly [before: ExpenseRecord | null, after: ExpenseRecord | null];

const MAX_TOTAL = BigInt(Number.MAX_SAFE_INTEGER);

/** The refusal of a write that would take the owner's total in `currency` past 2^53−1 minor units. */
function totalOutOfRange(currency: string, path: (string | number)[]) {
  return validationError([
    {
      path,
      code: 'total_out_of_range',
      message: `The owner's ${currency} expenses would total more than ${formatAmount(Number.MAX_SAFE_INTEGER, currency)} ${currency} (2^53−1 minor units), the most every sum can hold exactly; nothing was stored`,
    },
  ]);
}

/**
 * What every expense write does besides storing the row, in its transaction: the daily
 * totals and the all-time total per currency get the change as a delta (the before side out,
 * the after side in), then the alert rules of the budgets either side touches are evaluated
 * against the new totals.
 *
 * Every sum status, alerts and analytics compute (of a day, a period, a range, a category)
 * is a part of the owner's all-time total in its currency, since amounts are positive. A
 * write that would take that total past 2^53−1 minor units is refused with
 * `VALIDATION_FAILED` (issue code `total_out_of_range`, at `path`) and rolls back, so no sum
 * ever leaves the range a JavaScript number holds exactly (each amount alone always fits).
 */
export async function applySpending(
  scope: WriteScope,
  ownerId: string,
  changes: readonly ExpenseChange[],
  path: (string | number)[],
): Promise<void> {
  const deltas: TotalsDelta[] = [];
  const net = new Map<string, bigint>();
  const add = (currency: string, amountMinor: number) =>
    net.set(currency, (net.get(currency) ?? 0n) + BigInt(amountMinor));
  for (const [before, after] of changes) {
    if (before) {
      deltas.push({
        date: before.date,
        currency: before.currency,
        categoryId: before.categoryId,
        amountMinor: -before.amountMinor,
        count: -1,
      });
      add(before.currency, -before.amountMinor);
    }
    if (after) {
      deltas.push({
        date: after.date,
        currency: after.currency,
        categoryId: after.categoryId,
        amountMinor: after.amountMinor,
        count: 1,
      });
      add(after.currency, after.amountMinor);
    }
  }
  // A batch can pass the range on its own (1,000 amounts near the limit): refused before
  // the database sees a sum that a number cannot carry exactly.
  for (const [currency, delta] of net) if (delta > MAX_TOTAL) throw totalOutOfRange(currency, path);
  const totals = await scope.tx.totals.applyDeltas(ownerId, deltas);
  for (const total of totals) {
    if ((net.get(total.currency!) ?? 0n) > 0n && !(Math.abs(total.amountMinor) <= Number.MAX_SAFE_INTEGER))
      throw totalOutOfRange(total.currency!, path);
  }
  await evaluateForExpenses(scope, ownerId, changes.flat());
}
