import { describe, expect, it } from 'vitest';
import { alertsOf } from './budget-alerts.js';
import { isTrackerError } from '../../errors.js';
import type { TrackerEvent } from '../../events.js';
import type { ConformanceEnv } from '../harness.js';

/** Concurrent writes of one owner. */
export function concurrencyTests(getEnv: () => ConformanceEnv): void {
  describe('concurrent writes', () => {
    it('100 concurrent writes of one owner produce seqs 1..100, and a reader never sees a later seq before an earlier one', async () => {
      const owner = getEnv().newOwner();
      const observations: number[][] = [];
      let writing = true;
      const reader = (async () => {
        while (writing) {
          const { events } = await owner.changes({ limit: 200 });
          observations.push(events.map((e) => e.seq));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const created = await Promise.all(
        Array.from({ length: 100 }, (_, i) => owner.expenses.create({ amountMinor: i + 1, description: `w${i}` })),
      );
      writing = false;
      await reader;
      const { events } = await owner.changes({ limit: 200 });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => (e.data as { expense: { id: string } }).expense.id))).toEqual(
        new Set(created.map((e) => e.id)),
      );
      // Commit order: every snapshot the reader took is a prefix 1..n of the feed, with no hole to be filled later.
      for (const seen of observations) expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
      expect(observations.length).toBeGreaterThan(0);
    });

    it('two concurrent creates of one category name: exactly one wins, the other is a CONFLICT', async () => {
      const owner = getEnv().newOwner();
      const results = await Promise.allSettled([
        owner.categories.create({ name: 'Race' }),
        owner.categories.create({ name: 'RACE' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(isTrackerError(rejected?.reason, 'CONFLICT')).toBe(true);
      expect(await owner.categories.list()).toHaveLength(1);
      expect((await owner.changes()).lastSeq).toBe(1);
    });

    it('50 concurrent expenses crossing 80 % and 100 % of a budget fire each rule exactly once, with exact sums', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-05-10T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'Race', amount: '100.00' });
      await Promise.all(Array.from({ length: 50 }, () => owner.expenses.create({ amount: '2.50' })));
      expect((await owner.budgets.status(budget.id)).spentMinor).toBe(12500);
      const notifications = await alertsOf(owner.notifications);
      // Writes of one owner run one at a time, so each rule fires on exactly the write that crossed it.
      expect(notifications.map((n) => [n.thresholdPercent, n.spentMinor])).toEqual([
        [100, 10000],
        [80, 8000],
      ]);
      const { events, lastSeq } = await owner.changes({ limit: 200 });
      expect(lastSeq).toBe(53);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
      const alerts = events.filter((e): e is TrackerEvent<'alert.triggered'> => e.type === 'alert.triggered');
      expect(alerts.map((e) => e.data.notification.id).sort()).toEqual(notifications.map((n) => n.id).sort());
      expect(events.filter((e) => e.type === 'expense.created')).toHaveLength(50);
    });

    it('concurrent updates and deletes of one owner keep the feed gapless and the data consistent', async () => {
      const owner = getEnv().newOwner();
      const expenses = await owner.expenses.createMany(Array.from({ length: 30 }, (_, i) => ({ amountMinor: i + 1 })));
      await Promise.all(
        expenses.map((expense, i) =>
          i % 3 === 0
            ? owner.expenses.delete(expense.id)
            : owner.expenses.update(expense.id, { amountMinor: 1000 + i }),
        ),
      );
      const { events, lastSeq } = await owner.changes({ limit: 200 });
      expect(lastSeq).toBe(60);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const remaining = (await owner.expenses.list({ limit: 200, sort: 'amount', order: 'asc' })).items;
      expect(remaining.map((e) => e.amountMinor)).toEqual(
        expenses
          .map((_, i) => i)
          .filter((i) => i % 3 !== 0)
          .map((i) => 1000 + i),
      );
    });
  });
}
