import { validationError } from '../errors.js';
import { formatAmount } from '../money.js';
import type { ExpenseRecord, TotalsDelta } from '../store/store.js';
import { evaluateForExpenses } from '../alerts/service.js';
import type { WriteScope } from '../write-context.js';

/** One expense change: before and after, `null` for "none" (a create has no before). */
export type ExpenseChange = readonly [before: ExpenseRecord | null, after: ExpenseRecord | null];

const MAX_TOTAL = BigInt(Number.MAX_SAFE_INTEGER);

/** The refusal of a write that would take the owner's expenses or refunds in `currency` past 2^53−1 minor units. */
function totalOutOfRange(currency: string, path: (string | number)[]) {
  return validationError([
    {
      path,
      code: 'total_out_of_range',
      message: `The owner's ${currency} expenses or refunds would total more than ${formatAmount(Number.MAX_SAFE_INTEGER, currency)} ${currency} (2^53−1 minor units), the most every sum can hold exactly; nothing was stored`,
    },
  ]);
}

/**
 * A record's part of the totals, signed by `sign` (+1 in, −1 out): an expense adds its
 * amount and counts as an expense; a refund subtracts its amount and counts as a refund.
 */
export function totalsDelta(record: ExpenseRecord, sign: 1 | -1): TotalsDelta {
  const refund = record.kind === 'refund';
  return {
    date: record.date,
    currency: record.currency,
    categoryId: record.categoryId,
    amountMinor: sign * (refund ? -record.amountMinor : record.amountMinor),
    count: refund ? 0 : sign,
    refundMinor: refund ? sign * record.amountMinor : 0,
    refundCount: refund ? sign : 0,
  };
}

/**
 * What every expense write does besides storing the row, in its transaction: the daily
 * totals and the all-time total per currency get the change as a delta (the before side out,
 * the after side in: a kind change takes an expense's amount out and puts it back as a
 * refund's), then the alert rules of the budgets either side touches are evaluated against
 * the new totals.
 *
 * Every net sum status, alerts and analytics compute (of a day, a period, a range, a
 * category) lies between minus the owner's all-time refunds and plus the all-time expenses
 * in its currency, since every amount is positive. A write that would take either past
 * 2^53−1 minor units is refused with `VALIDATION_FAILED` (issue code `total_out_of_range`, at
 * `path`) and rolls back, so no sum ever leaves the range a JavaScript number holds exactly
 * (each amount alone always fits).
 */
export async function applySpending(
  scope: WriteScope,
  ownerId: string,
  changes: readonly ExpenseChange[],
  path: (string | number)[],
): Promise<void> {
  const deltas: TotalsDelta[] = [];
  // Per currency: how much the write adds to the expenses' and to the refunds' all-time sums.
  const added = new Map<string, { expenses: bigint; refunds: bigint }>();
  const add = (delta: TotalsDelta) => {
    const current = added.get(delta.currency) ?? { expenses: 0n, refunds: 0n };
    const refunds = BigInt(delta.refundMinor ?? 0);
    added.set(delta.currency, {
      expenses: current.expenses + BigInt(delta.amountMinor) + refunds,
      refunds: current.refunds + refunds,
    });
  };
  for (const [before, after] of changes) {
    if (before) deltas.push(totalsDelta(before, -1));
    if (after) deltas.push(totalsDelta(after, 1));
  }
  deltas.forEach(add);
  // A batch can pass the range on its own (1,000 amounts near the limit): refused before
  // the database sees a sum that a number cannot carry exactly.
  for (const [currency, sums] of added)
    if (sums.expenses > MAX_TOTAL || sums.refunds > MAX_TOTAL) throw totalOutOfRange(currency, path);
  const totals = await scope.tx.totals.applyDeltas(ownerId, deltas);
  for (const total of totals) {
    const grew = added.get(total.currency!);
    const expenses = BigInt(total.amountMinor) + BigInt(total.refundMinor);
    const tooBig =
      (grew !== undefined && grew.expenses > 0n && expenses > MAX_TOTAL) ||
      (grew !== undefined && grew.refunds > 0n && BigInt(total.refundMinor) > MAX_TOTAL);
    if (tooBig) throw totalOutOfRange(total.currency!, path);
  }
  await evaluateForExpenses(scope, ownerId, changes.flat());
}
