import { describe, expect, it } from 'vitest';
import { alertsOf } from './budget-alerts.js';
import type { TrackerEvent } from '../../events.js';
import type { OwnerHandle } from '../../owner.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** The `alert.triggered` events in the owner's change feed. */
async function alertEvents(owner: OwnerHandle): Promise<TrackerEvent<'alert.triggered'>[]> {
  const { events } = await owner.changes({ limit: 200 });
  return events.filter((e): e is TrackerEvent<'alert.triggered'> => e.type === 'alert.triggered');
}

/** Alert rules, the notifications they store, and `alert.triggered`. */
export function alertTests(getEnv: () => ConformanceEnv): void {
  describe('alerts and notifications', () => {
    it('crossing 80 % then 100 % stores exactly one notification each and emits alert.triggered to the feed and listeners', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const heard: TrackerEvent<'alert.triggered'>[] = [];
      const off = env.tracker.on('alert.triggered', (e) => {
        if (e.ownerId === owner.ownerId) heard.push(e);
      });
      try {
        const groceries = await owner.categories.create({ name: 'Groceries' });
        env.clock.set('2026-11-21T12:00:00Z');
        const budget = await owner.budgets.create({ name: 'Groceries', amount: '400.00', categoryIds: [groceries.id] });
        const [rule80, rule100] = await owner.alerts.list({ budgetId: budget.id });
        await owner.expenses.create({ amount: '200', date: '2026-11-02', categoryId: groceries.id });
        await owner.expenses.create({ amount: '500', date: '2026-11-20' }); // not in the budget's category
        expect(await alertsOf(owner.notifications)).toEqual([]);

        const crossing = await owner.expenses.create({ amount: '130', categoryId: groceries.id }); // 330.00: 82.5 %
        const [at80, ...none] = await alertsOf(owner.notifications);
        expect(none).toEqual([]);
        expect(at80).toEqual({
          id: expect.stringMatching(/^ntf_/) as string,
          budgetId: budget.id,
          ruleId: rule80!.id,
          kind: 'spent',
          period: { start: '2026-11-01', end: '2026-11-30' },
          thresholdPercent: 80,
          currency: 'USD',
          spentMinor: 33000,
          availableMinor: 40000,
          projectedSpendMinor: 47142,
          message: expect.any(String) as string,
          createdAt: '2026-11-21T12:00:00.000Z',
          readAt: null,
        });
        for (const part of ['Groceries', '80 %', '400.00 USD', '330.00 USD', 'days left'])
          expect(at80!.message).toContain(part);

        await owner.expenses.create({ amount: '10', categoryId: groceries.id }); // 340.00: still only the 80 % one
        expect(await alertsOf(owner.notifications)).toHaveLength(1);
        await owner.expenses.create({ amount: '70', categoryId: groceries.id }); // 410.00
        await owner.expenses.create({ amount: '5', categoryId: groceries.id }); // 415.00
        const notifications = await alertsOf(owner.notifications);
        expect(notifications.map((n) => [n.thresholdPercent, n.ruleId, n.spentMinor])).toEqual([
          [100, rule100!.id, 41000],
          [80, rule80!.id, 33000],
        ]);
        expect(notifications[0]!.message).toContain('100 %');

        const events = await alertEvents(owner);
        expect(events.map((e) => e.data)).toEqual([
          { notification: at80, budget: { id: budget.id, name: 'Groceries' } },
          { notification: notifications[0], budget: { id: budget.id, name: 'Groceries' } },
        ]);
        // In the same transaction as the expense that crossed the threshold, right after it.
        const { events: feed } = await owner.changes({ limit: 200 });
        const created = feed.find((e) => e.type === 'expense.created' && e.data.expense.id === crossing.id);
        expect(events[0]!.seq).toBe(created!.seq + 1);
        expect(heard.map((e) => [e.seq, e.data.notification.id])).toEqual(
          events.map((e) => [e.seq, e.data.notification.id]),
        );
      } finally {
        off();
      }
    });

    it('one expense crossing 80 % and 100 % at once stores both, newest first', async () => {
      const owner = getEnv().newOwner();
      const budget = await owner.budgets.create({ name: 'All', amount: '100' });
      await owner.expenses.create({ amount: '150' });
      const notifications = await alertsOf(owner.notifications);
      expect(notifications.map((n) => [n.budgetId, n.thresholdPercent, n.spentMinor])).toEqual([
        [budget.id, 100, 15000],
        [budget.id, 80, 15000],
      ]);
      expect((await alertEvents(owner)).map((e) => e.data.notification.thresholdPercent)).toEqual([80, 100]);
    });

    it('a rule fires again in the next period', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'All', amount: '100', alertRules: [{ thresholdPercent: 80 }] });
      await owner.expenses.create({ amount: '85' });
      await owner.expenses.create({ amount: '5' });
      env.clock.set('2026-12-03T09:00:00Z');
      await owner.expenses.create({ amount: '50' });
      expect(await alertsOf(owner.notifications)).toHaveLength(1);
      await owner.expenses.create({ amount: '30' });
      const notifications = await alertsOf(owner.notifications);
      expect(notifications.map((n) => [n.period.start, n.period.end, n.spentMinor, n.budgetId])).toEqual([
        ['2026-12-01', '2026-12-31', 8000, budget.id],
        ['2026-11-01', '2026-11-30', 8500, budget.id],
      ]);
      expect(await alertEvents(owner)).toHaveLength(2);
    });

    it('a forecast rule fires when the end-of-period forecast reaches it, before spending does', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-10T12:00:00Z'); // day 10 of 30
      const budget = await owner.budgets.create({
        name: 'Pace',
        amount: '400',
        alertRules: [{ thresholdPercent: 100, kind: 'forecast' }],
      });
      await owner.expenses.create({ amount: '120', date: '2026-11-03' }); // forecast 360.00
      expect(await alertsOf(owner.notifications)).toEqual([]);
      await owner.expenses.create({ amount: '20' }); // 140.00 spent, forecast 420.00
      const [notification, ...rest] = await alertsOf(owner.notifications);
      expect(rest).toEqual([]);
      expect(notification).toMatchObject({
        budgetId: budget.id,
        kind: 'forecast',
        thresholdPercent: 100,
        spentMinor: 14000,
        projectedSpendMinor: 42000,
        availableMinor: 40000,
      });
      expect(notification!.message).toContain('Pace');
      expect(notification!.message).toContain('400.00 USD');
      expect((await owner.budgets.status(budget.id)).percentUsed).toBe(35);
    });

    it('a forecast rule waits until a quarter of the period has passed, then fires on the next write', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-02T12:00:00Z'); // day 2 of 30: a two-day pace says little
      const budget = await owner.budgets.create({
        name: 'Pace',
        amount: '400',
        alertRules: [{ thresholdPercent: 100, kind: 'forecast' }],
      });
      await owner.expenses.create({ amount: '60' }); // 60.00 in 2 days: forecast 900.00
      expect(await alertsOf(owner.notifications)).toEqual([]);
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        projectedSpendMinor: 90000,
        forecastConfident: false,
        forecastConfidentFrom: '2026-11-08',
        state: 'ok',
      });
      env.clock.set('2026-11-07T12:00:00Z'); // day 7: still early
      await owner.expenses.create({ amount: '1' });
      expect(await alertsOf(owner.notifications)).toEqual([]);
      env.clock.set('2026-11-08T12:00:00Z'); // day 8: the forecast counts
      await owner.expenses.create({ amount: '50' }); // 111.00 in 8 days: forecast 416.25
      const notifications = await alertsOf(owner.notifications);
      expect(notifications.map((n) => [n.kind, n.projectedSpendMinor])).toEqual([['forecast', 41625]]);
      expect(await owner.budgets.status(budget.id)).toMatchObject({ forecastConfident: true, state: 'warning' });
    });

    it('an update that moves an expense into the budget’s category or period fires the rule', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const other = await owner.categories.create({ name: 'Other' });
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'Food', amount: '100', categoryIds: [food.id] });
      const moved = await owner.expenses.create({ amount: '90', categoryId: other.id });
      const late = await owner.expenses.create({ amount: '15', categoryId: food.id, date: '2026-10-30' });
      expect(await alertsOf(owner.notifications)).toEqual([]);
      await owner.expenses.update(moved.id, { categoryId: food.id });
      expect((await alertsOf(owner.notifications)).map((n) => [n.budgetId, n.thresholdPercent, n.spentMinor])).toEqual([
        [budget.id, 80, 9000],
      ]);
      await owner.expenses.update(late.id, { date: '2026-11-01' });
      expect((await alertsOf(owner.notifications)).map((n) => [n.thresholdPercent, n.spentMinor])).toEqual([
        [100, 10500],
        [80, 9000],
      ]);
    });

    it('deleting the expense never un-fires a rule, and the rule does not fire twice in the period', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'All', amount: '100', alertRules: [{ thresholdPercent: 80 }] });
      const expense = await owner.expenses.create({ amount: '85' });
      const fired = await alertsOf(owner.notifications);
      expect(fired).toHaveLength(1);
      await owner.expenses.delete(expense.id);
      expect((await owner.budgets.status(budget.id)).spentMinor).toBe(0);
      expect(await alertsOf(owner.notifications)).toEqual(fired);
      await owner.expenses.create({ amount: '90' });
      expect(await alertsOf(owner.notifications)).toEqual(fired);
      expect(await alertEvents(owner)).toHaveLength(1);
    });

    it('an inactive rule does not fire; activating it evaluates it at once', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'All',
        amount: '100',
        alertRules: [{ thresholdPercent: 50, active: false }],
      });
      await owner.expenses.create({ amount: '60' });
      await owner.expenses.create({ amount: '10' });
      expect(await alertsOf(owner.notifications)).toEqual([]);
      const [rule] = await owner.alerts.list({ budgetId: budget.id });
      expect(await owner.alerts.update(rule!.id, { active: true })).toMatchObject({ active: true });
      expect((await alertsOf(owner.notifications)).map((n) => [n.ruleId, n.spentMinor])).toEqual([[rule!.id, 7000]]);
    });

    it('a rule created on a budget already past its threshold fires at once', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'All', amount: '100', alertRules: [] });
      await owner.expenses.create({ amount: '90' });
      expect(await alertsOf(owner.notifications)).toEqual([]);
      const rule = await owner.alerts.create({ budgetId: budget.id, thresholdPercent: 75 });
      const notifications = await alertsOf(owner.notifications);
      expect(notifications.map((n) => [n.ruleId, n.thresholdPercent, n.spentMinor])).toEqual([[rule.id, 75, 9000]]);
      expect((await alertEvents(owner)).map((e) => e.data.notification)).toEqual(notifications);
      // So does a new budget over spending that already happened.
      const late = await owner.budgets.create({ name: 'Late', amount: '100' });
      expect((await alertsOf(owner.notifications, { budgetId: late.id })).map((n) => n.thresholdPercent)).toEqual([80]);
    });

    it('rules: create with defaults, get, list, update, delete; bad input is VALIDATION_FAILED naming the field', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'A', amount: '100' });
      const other = await owner.budgets.create({ name: 'B', amount: '100', alertRules: [] });
      const rule = await owner.alerts.create({ budgetId: budget.id, thresholdPercent: 120 });
      expect(rule).toEqual({
        id: expect.stringMatching(/^rule_/) as string,
        budgetId: budget.id,
        thresholdPercent: 120,
        kind: 'spent',
        active: true,
        createdAt: '2026-11-21T12:00:00.000Z',
        updatedAt: '2026-11-21T12:00:00.000Z',
      });
      expect(await owner.alerts.get(rule.id)).toEqual(rule);
      expect((await owner.alerts.list({ budgetId: budget.id })).map((r) => r.thresholdPercent)).toEqual([80, 100, 120]);
      const onOther = await owner.alerts.create({
        budgetId: other.id,
        thresholdPercent: 1000,
        kind: 'forecast',
        active: false,
      });
      expect((await owner.alerts.list({ budgetId: other.id })).map((r) => r.id)).toEqual([onOther.id]);
      expect(await owner.alerts.list()).toHaveLength(4);

      env.clock.set('2026-11-22T12:00:00Z');
      const updated = await owner.alerts.update(rule.id, { thresholdPercent: 90, kind: 'forecast' });
      expect(updated).toEqual({
        ...rule,
        thresholdPercent: 90,
        kind: 'forecast',
        updatedAt: '2026-11-22T12:00:00.000Z',
      });
      expect(await owner.alerts.get(rule.id)).toEqual(updated);

      const invalid: [() => Promise<unknown>, (string | number)[]][] = [
        [() => owner.alerts.create({ budgetId: budget.id, thresholdPercent: 0 }), ['thresholdPercent']],
        [() => owner.alerts.create({ budgetId: budget.id, thresholdPercent: 1001 }), ['thresholdPercent']],
        [() => owner.alerts.create({ budgetId: budget.id, thresholdPercent: 50.5 }), ['thresholdPercent']],
        // @ts-expect-error -- 'hope' is no rule kind
        [() => owner.alerts.create({ budgetId: budget.id, thresholdPercent: 50, kind: 'hope' }), ['kind']],
        [() => owner.alerts.create({ budgetId: 'bud_missing', thresholdPercent: 50 }), ['budgetId']],
        [() => owner.alerts.update(rule.id, { thresholdPercent: 0 }), ['thresholdPercent']],
        [() => owner.alerts.update(rule.id, { thresholdPercent: 1001 }), ['thresholdPercent']],
      ];
      for (const [call, path] of invalid) await expectTrackerError(call(), 'VALIDATION_FAILED', path);
      expect(await owner.alerts.get(rule.id)).toEqual(updated);
      expect(await owner.alerts.list()).toHaveLength(4);

      await owner.alerts.delete(rule.id);
      await expectTrackerError(owner.alerts.get(rule.id), 'NOT_FOUND');
      await expectTrackerError(owner.alerts.update(rule.id, { active: false }), 'NOT_FOUND');
      await expectTrackerError(owner.alerts.delete(rule.id), 'NOT_FOUND');
      expect((await owner.alerts.list({ budgetId: budget.id })).map((r) => r.thresholdPercent)).toEqual([80, 100]);
    });

    it('notifications: newest first, filtered by unread and budgetId, paged with limit and before; markRead keeps the first readAt', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const steps = [10, 20, 30, 40].map((thresholdPercent) => ({ thresholdPercent }));
      const budget = await owner.budgets.create({ name: 'Steps', amount: '100', alertRules: steps });
      for (const amount of ['15', '10', '10', '10']) await owner.expenses.create({ amount }); // 15 %, 25 %, 35 %, 45 %
      const food = await owner.categories.create({ name: 'Food' });
      const other = await owner.budgets.create({
        name: 'Food',
        amount: '10',
        categoryIds: [food.id],
        alertRules: [{ thresholdPercent: 50 }],
      });
      await owner.expenses.create({ amount: '6', categoryId: food.id }); // Food's 50 %; Steps has no rule left to fire

      const all = await alertsOf(owner.notifications);
      expect(all.map((n) => [n.budgetId, n.thresholdPercent])).toEqual([
        [other.id, 50],
        [budget.id, 40],
        [budget.id, 30],
        [budget.id, 20],
        [budget.id, 10],
      ]);
      const ofBudget = await alertsOf(owner.notifications, { budgetId: budget.id });
      expect(ofBudget.map((n) => n.thresholdPercent)).toEqual([40, 30, 20, 10]);
      const page1 = await alertsOf(owner.notifications, { budgetId: budget.id, limit: 3 });
      expect(page1.map((n) => n.thresholdPercent)).toEqual([40, 30, 20]);
      const page2 = await alertsOf(owner.notifications, { budgetId: budget.id, limit: 3, before: page1[2]!.id });
      expect(page2.map((n) => n.thresholdPercent)).toEqual([10]);
      expect(await alertsOf(owner.notifications, { before: page2[0]!.id })).toEqual([]);
      await expectTrackerError(alertsOf(owner.notifications, { limit: 0 }), 'VALIDATION_FAILED', ['limit']);

      const at20 = ofBudget[2]!;
      env.clock.set('2026-11-22T08:00:00Z');
      const read = await owner.notifications.markRead(at20.id);
      expect(read).toEqual({ ...at20, readAt: '2026-11-22T08:00:00.000Z' });
      env.clock.set('2026-11-23T08:00:00Z');
      expect(await owner.notifications.markRead(at20.id)).toEqual(read);
      expect((await alertsOf(owner.notifications, { unread: true })).map((n) => n.thresholdPercent)).toEqual([
        50, 40, 30, 10,
      ]);
      expect(await alertsOf(owner.notifications, { unread: false })).toEqual([read]);
      await expectTrackerError(owner.notifications.markRead('ntf_missing'), 'NOT_FOUND');
    });

    it('another owner cannot see, use, change or delete an owner’s budgets, rules and notifications', async () => {
      const env = getEnv();
      const alice = env.newOwner();
      const mallory = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await alice.budgets.create({ name: 'Private', amount: '100' });
      await alice.expenses.create({ amount: '85' });
      const snapshot = async () => ({
        budgets: await alice.budgets.list(),
        rules: await alice.alerts.list(),
        notifications: await alertsOf(alice.notifications),
        status: await alice.budgets.status(budget.id),
        changes: await alice.changes({ limit: 200 }),
      });
      const before = await snapshot();
      const [rule] = before.rules;
      const [notification] = before.notifications;
      expect(notification).toBeDefined();

      await expectTrackerError(mallory.budgets.get(budget.id), 'NOT_FOUND');
      await expectTrackerError(mallory.budgets.update(budget.id, { amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(mallory.budgets.replace(budget.id, { name: 'Mine', amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(mallory.budgets.delete(budget.id), 'NOT_FOUND');
      await expectTrackerError(mallory.budgets.status(budget.id), 'NOT_FOUND');
      await expectTrackerError(mallory.budgets.history(budget.id), 'NOT_FOUND');
      await expectTrackerError(mallory.alerts.get(rule!.id), 'NOT_FOUND');
      await expectTrackerError(mallory.alerts.update(rule!.id, { active: false }), 'NOT_FOUND');
      await expectTrackerError(mallory.alerts.delete(rule!.id), 'NOT_FOUND');
      await expectTrackerError(
        mallory.alerts.create({ budgetId: budget.id, thresholdPercent: 1 }),
        'VALIDATION_FAILED',
        ['budgetId'],
      );
      await expectTrackerError(mallory.notifications.markRead(notification!.id), 'NOT_FOUND');
      expect(await mallory.budgets.list()).toEqual([]);
      expect(await mallory.budgets.overall()).toBeNull();
      expect(await mallory.alerts.list()).toEqual([]);
      expect(await mallory.alerts.list({ budgetId: budget.id })).toEqual([]);
      expect(await alertsOf(mallory.notifications)).toEqual([]);
      expect(await alertsOf(mallory.notifications, { budgetId: budget.id })).toEqual([]);
      // Another owner's spending never counts in, or fires, an owner's budget.
      await mallory.expenses.create({ amount: '50' });
      expect(await snapshot()).toEqual(before);
      expect((await mallory.changes()).events.map((e) => e.type)).toEqual(['expense.created']);
    });
  });
}
