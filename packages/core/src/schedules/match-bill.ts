import { addDays } from '../dates.js';
import type { ExpenseRecord } from '../store/store.js';
import type { WriteScope } from '../write-context.js';
import type { ScheduleRecord } from './repository.js';

/** Candidates read per occurrence: a bill has a handful of look-alikes in its window at most. */
const CANDIDATES = 50;

/**
 * The amounts an `expect` occurrence accepts: the template's amount ± its tolerance, in
 * bigint so a basis-point tolerance of any amount is exact (1,200.00 ± 1 % is 1,188.00 to
 * 1,212.00, both inclusive).
 */
export function toleranceBounds(amountMinor: number, toleranceBp: number): { min: number; max: number } {
  const amount = BigInt(amountMinor);
  const delta = (amount * BigInt(toleranceBp)) / 10_000n;
  return { min: Number(amount - delta), max: Number(amount + delta) };
}

/**
 * The expense that settles a bill's occurrence due on `due`, or `null`: same currency and
 * kind, amount within the tolerance, dated within `windowDays` either side of the due date,
 * typed or imported (not posted by a schedule), and not already settling another
 * occurrence. Of several, the one dated nearest the due date, then nearest in amount, then
 * the oldest id: one rule, so two instances choose alike.
 */
export async function findBillMatch(
  scope: WriteScope,
  schedule: ScheduleRecord,
  due: string,
): Promise<ExpenseRecord | null> {
  const { template } = schedule;
  const { min, max } = toleranceBounds(template.amountMinor, schedule.toleranceBp);
  const candidates = (
    await scope.tx.expenses.list(schedule.ownerId, {
      from: addDays(due, -schedule.windowDays),
      to: addDays(due, schedule.windowDays),
      currency: template.currency,
      kind: template.kind,
      minAmountMinor: min,
      maxAmountMinor: max,
      sort: 'date',
      order: 'asc',
      limit: CANDIDATES,
    })
  ).filter((e) => e.sourceKind !== 'schedule');
  if (candidates.length === 0) return null;
  const settling = await scope.tx.schedules.occurrencesOfExpenses(
    schedule.ownerId,
    candidates.map((e) => e.id),
  );
  const linked = new Set(settling.map((o) => o.expenseId));
  const dueDay = Date.parse(due);
  const score = (e: ExpenseRecord) => [
    Math.abs(Date.parse(e.date) - dueDay),
    Math.abs(e.amountMinor - template.amountMinor),
  ];
  const free = candidates.filter((e) => !linked.has(e.id));
  free.sort((a, b) => {
    const [da, aa] = score(a);
    const [db, ab] = score(b);
    return da! - db! || aa! - ab! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  return free[0] ?? null;
}
