/**
 * The refund maths on its own: a record's part of the totals (`totalsDelta`) and budget
 * status figures over days that refunds took below 0. Pure functions, no database; the
 * property test runs from the run's printed seed (see test/setup/fast-check-seed.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStatus } from '../src/budgets/status.js';
import { totalsDelta } from '../src/expenses/spending.js';
import { expenseRecord } from '../src/testing/contract/records.js';
import type { ExpenseKind, ExpenseRecord, TotalsDelta } from '../src/store/store.js';

const NOVEMBER = { start: '2026-11-01', end: '2026-11-30' };

function record(amountMinor: number, kind: ExpenseKind, extra: Partial<ExpenseRecord> = {}): ExpenseRecord {
  return expenseRecord('alice', {
    id: 'exp_1',
    amountMinor,
    kind,
    date: '2026-11-03',
    createdAt: '2026-11-03T12:00:00.000Z',
    updatedAt: '2026-11-03T12:00:00.000Z',
    ...extra,
  });
}

/** The four figures of deltas added up, as a store adds them. */
function sum(deltas: readonly TotalsDelta[]) {
  return deltas.reduce(
    (t, d) => ({
      amountMinor: t.amountMinor + d.amountMinor,
      count: t.count + d.count,
      refundMinor: t.refundMinor + (d.refundMinor ?? 0),
      refundCount: t.refundCount + (d.refundCount ?? 0),
    }),
    { amountMinor: 0, count: 0, refundMinor: 0, refundCount: 0 },
  );
}

describe('totalsDelta', () => {
  it('an expense adds its amount and one to the count; a refund subtracts its amount and counts as a refund', () => {
    expect(totalsDelta(record(1250, 'expense'), 1)).toEqual({
      date: '2026-11-03',
      currency: 'USD',
      categoryId: null,
      amountMinor: 1250,
      count: 1,
      refundMinor: 0,
      refundCount: 0,
    });
    expect(totalsDelta(record(1250, 'refund', { categoryId: 'cat_1' }), 1)).toMatchObject({
      categoryId: 'cat_1',
      amountMinor: -1250,
      count: 0,
      refundMinor: 1250,
      refundCount: 1,
    });
    expect(totalsDelta(record(1250, 'refund'), -1)).toMatchObject({
      amountMinor: 1250,
      count: 0,
      refundMinor: -1250,
      refundCount: -1,
    });
  });

  it('a kind change from expense to refund moves twice the amount out of the day and the count across', () => {
    const before = record(500, 'expense');
    const after = { ...before, kind: 'refund' as const };
    expect(sum([totalsDelta(before, -1), totalsDelta(after, 1)])).toEqual({
      amountMinor: -1000,
      count: -1,
      refundMinor: 500,
      refundCount: 1,
    });
  });

  it('over any records, the deltas in add up to expenses − refunds, counted apart; out again, to nothing', () => {
    const item = fc.record({ amountMinor: fc.integer({ min: 1, max: 1e9 }), refund: fc.boolean() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        const records = items.map((i) => record(i.amountMinor, i.refund ? 'refund' : 'expense'));
        const expenses = items.filter((i) => !i.refund);
        const refunds = items.filter((i) => i.refund);
        const total = (list: typeof items) => list.reduce((s, i) => s + i.amountMinor, 0);
        expect(sum(records.map((r) => totalsDelta(r, 1)))).toEqual({
          amountMinor: total(expenses) - total(refunds),
          count: expenses.length,
          refundMinor: total(refunds),
          refundCount: refunds.length,
        });
        const inAndOut = records.flatMap((r) => [totalsDelta(r, 1), totalsDelta(r, -1)]);
        expect(sum(inAndOut)).toEqual({ amountMinor: 0, count: 0, refundMinor: 0, refundCount: 0 });
      }),
    );
  });
});

describe('computeStatus with refunds', () => {
  it('spending is net: a refund day lowers spent, the forecast and the percentage, and raises the allowance', () => {
    const figures = computeStatus({
      period: NOVEMBER,
      limitMinor: 40_000,
      rolloverMinor: 0,
      daily: [
        { date: '2026-11-02', amountMinor: 30_000 },
        { date: '2026-11-05', amountMinor: -10_000 }, // a 100.00 refund
      ],
      today: '2026-11-10',
    });
    expect(figures).toMatchObject({
      spentMinor: 20_000,
      remainingMinor: 20_000,
      percentUsed: 50,
      projectedSpendMinor: 60_000,
      dailyAllowanceMinor: 952,
      state: 'warning',
    });
  });

  it('the day spending went over stays the day it first did, even when a refund later brings it back and over again', () => {
    const figures = computeStatus({
      period: NOVEMBER,
      limitMinor: 10_000,
      rolloverMinor: 0,
      daily: [
        { date: '2026-11-02', amountMinor: 11_000 },
        { date: '2026-11-03', amountMinor: -5_000 },
        { date: '2026-11-04', amountMinor: 5_000 },
      ],
      today: '2026-11-10',
    });
    expect(figures).toMatchObject({ spentMinor: 11_000, state: 'exceeded', projectedExceedDate: '2026-11-02' });
  });

  it('refunds beyond spending: spent below 0, more than the limit remaining, state ok, and no exceed date', () => {
    const figures = computeStatus({
      period: NOVEMBER,
      limitMinor: 10_000,
      rolloverMinor: 0,
      daily: [{ date: '2026-11-02', amountMinor: -2_500 }],
      today: '2026-11-10',
    });
    expect(figures).toMatchObject({
      spentMinor: -2_500,
      remainingMinor: 12_500,
      percentUsed: -25,
      projectedSpendMinor: -7_500,
      projectedExceedDate: null,
      state: 'ok',
    });
  });
});
