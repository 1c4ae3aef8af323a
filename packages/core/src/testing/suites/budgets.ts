import { describe, expect, it } from 'vitest';
import type { TrackerEvent } from '../../events.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Budgets through the owner handle: create with defaults, validation, read, update, delete, events. */
export function budgetTests(getEnv: () => ConformanceEnv): void {
  describe('budgets', () => {
    it('create() fills the owner’s currency, a calendar month from the 1st, startsOn, and spent rules at 80 % and 100 %', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-05-10T12:00:00Z');
      const budget = await owner.budgets.create({ name: ' Everything ', amount: '400' });
      expect(budget).toEqual({
        id: expect.stringMatching(/^bud_/) as string,
        name: 'Everything',
        amountMinor: 40000,
        amount: '400.00',
        currency: 'USD',
        categoryIds: [],
        period: { unit: 'month', every: 1, anchor: '2026-05-01' },
        rollover: 'none',
        startsOn: '2026-05-01',
        endsOn: null,
        createdAt: '2026-05-10T12:00:00.000Z',
        updatedAt: '2026-05-10T12:00:00.000Z',
      });
      expect(await owner.budgets.get(budget.id)).toEqual(budget);
      const rules = await owner.alerts.list({ budgetId: budget.id });
      expect(rules.map((r) => [r.thresholdPercent, r.kind, r.active, r.budgetId])).toEqual([
        [80, 'spent', true, budget.id],
        [100, 'spent', true, budget.id],
      ]);

      await owner.settings.update({ currency: 'JPY' });
      const yen = await owner.budgets.create({ name: 'Yen', amount: '50000', alertRules: [] });
      expect(yen).toMatchObject({ currency: 'JPY', amountMinor: 50000, amount: '50000' });
      expect(await owner.alerts.list({ budgetId: yen.id })).toEqual([]);
      expect((await owner.alerts.list()).map((r) => r.budgetId)).toEqual([budget.id, budget.id]);
    });

    it('create() keeps what the input gives: amountMinor, currency, categories, period, rollover, window, rules', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-05-10T12:00:00Z');
      const food = await owner.categories.create({ name: 'Food' });
      const budget = await owner.budgets.create({
        name: 'Food',
        amountMinor: 12345,
        currency: 'eur',
        categoryIds: [food.id, food.id],
        period: { unit: 'week', every: 2, anchor: '2026-05-04' },
        rollover: 'surplus',
        startsOn: '2026-05-04',
        endsOn: '2026-12-31',
        alertRules: [{ thresholdPercent: 150, kind: 'forecast' }],
      });
      expect(budget).toMatchObject({
        amountMinor: 12345,
        amount: '123.45',
        currency: 'EUR',
        categoryIds: [food.id],
        period: { unit: 'week', every: 2, anchor: '2026-05-04' },
        rollover: 'surplus',
        startsOn: '2026-05-04',
        endsOn: '2026-12-31',
      });
      expect(
        (await owner.alerts.list({ budgetId: budget.id })).map((r) => [r.thresholdPercent, r.kind, r.active]),
      ).toEqual([[150, 'forecast', true]]);
      const oneOff = await owner.budgets.create({
        name: 'Trip',
        amount: '900',
        period: { start: '2026-07-01', end: '2026-07-14' },
      });
      expect(oneOff).toMatchObject({ period: { start: '2026-07-01', end: '2026-07-14' }, startsOn: '2026-07-01' });
    });

    it('create() rejects bad input with VALIDATION_FAILED naming the field, and stores nothing', async () => {
      const owner = getEnv().newOwner();
      const other = getEnv().newOwner();
      const foreign = await other.categories.create({ name: 'Theirs' });
      const own = await owner.categories.create({ name: 'Mine' });
      const cases: [unknown, (string | number)[]][] = [
        [{ name: 'B', amount: '400.001' }, ['amount']],
        [{ name: 'B', amount: '4.5', currency: 'JPY' }, ['amount']],
        [{ name: 'B', amount: '400', amountMinor: 40000 }, ['amount']],
        [{ name: 'B' }, ['amount']],
        [{ name: 'B', amount: '0' }, ['amount']],
        [{ name: '', amount: '1' }, ['name']],
        [{ name: 'B', amount: '1', currency: 'XYZ' }, ['currency']],
        [{ name: 'B', amount: '1', categoryIds: ['cat_nope'] }, ['categoryIds', 0]],
        [{ name: 'B', amount: '1', categoryIds: [own.id, foreign.id] }, ['categoryIds', 1]],
        [{ name: 'B', amount: '1', categoryIds: [foreign.id] }, ['categoryIds', 0]],
        [{ name: 'B', amount: '1', period: { start: '2026-05-10', end: '2026-05-09' } }, ['period', 'end']],
        [{ name: 'B', amount: '1', period: { unit: 'fortnight' } }, ['period']],
        [{ name: 'B', amount: '1', period: { unit: 'month', every: 0 } }, ['period', 'every']],
        [{ name: 'B', amount: '1', rollover: 'some' }, ['rollover']],
        [{ name: 'B', amount: '1', startsOn: '2026-05-10', endsOn: '2026-05-01' }, ['endsOn']],
        [{ name: 'B', amount: '1', alertRules: [{ thresholdPercent: 0 }] }, ['alertRules', 0, 'thresholdPercent']],
        [{ name: 'B', amount: '1', ownerId: 'someone-else' }, []],
      ];
      for (const [input, path] of cases) {
        // @ts-expect-error -- a deliberately invalid input: validation must refuse it
        await expectTrackerError(owner.budgets.create(input), 'VALIDATION_FAILED', path);
      }
      expect(await owner.budgets.list()).toEqual([]);
      expect(await owner.alerts.list()).toEqual([]);
      expect((await owner.changes()).events.map((e) => e.type)).toEqual(['category.created']);
    });

    it('get(), list() and overall(): oldest first; the overall budget is the oldest without categories, or null', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      expect(await owner.budgets.overall()).toBeNull();
      env.clock.set('2026-05-10T12:00:00Z');
      const groceries = await owner.budgets.create({ name: 'Groceries', amount: '300', categoryIds: [food.id] });
      expect(await owner.budgets.overall()).toBeNull();
      env.clock.set('2026-05-10T12:00:01Z');
      const first = await owner.budgets.create({ name: 'All', amount: '2000' });
      env.clock.set('2026-05-10T12:00:02Z');
      const second = await owner.budgets.create({ name: 'All again', amount: '2500' });
      expect((await owner.budgets.list()).map((b) => b.id)).toEqual([groceries.id, first.id, second.id]);
      expect(await owner.budgets.overall()).toEqual(first);
      await owner.budgets.delete(first.id);
      expect(await owner.budgets.overall()).toEqual(second);
      await expectTrackerError(owner.budgets.get('bud_missing'), 'NOT_FOUND');
    });

    it('setOverall() creates the overall budget (created: true), then replaces it (created: false, rules kept); budgets with categories do not count', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      env.clock.set('2026-05-10T12:00:00Z');
      const groceries = await owner.budgets.create({ name: 'Groceries', amount: '300', categoryIds: [food.id] });
      const created = await owner.budgets.setOverall({ name: 'Month', amount: '2000' });
      expect(created).toEqual({ budget: await owner.budgets.overall(), created: true });
      expect(created.budget).toMatchObject({ name: 'Month', amountMinor: 200000, categoryIds: [] });
      const rules = await owner.alerts.list({ budgetId: created.budget.id });
      expect(rules.map((r) => r.thresholdPercent)).toEqual([80, 100]);

      env.clock.set('2026-05-11T12:00:00Z');
      const replaced = await owner.budgets.setOverall({ name: 'Month', amount: '2500', rollover: 'surplus' });
      expect(replaced.created).toBe(false);
      expect(replaced.budget).toMatchObject({
        id: created.budget.id,
        amountMinor: 250000,
        rollover: 'surplus',
        updatedAt: '2026-05-11T12:00:00.000Z',
      });
      expect(await owner.alerts.list({ budgetId: created.budget.id })).toEqual(rules);
      expect((await owner.budgets.list()).map((b) => b.id)).toEqual([groceries.id, created.budget.id]);

      await expectTrackerError(
        owner.budgets.setOverall({ name: 'Food', amount: '5', categoryIds: [food.id] }),
        'VALIDATION_FAILED',
        ['categoryIds'],
      );
      await expectTrackerError(
        owner.budgets.setOverall({ name: 'Month', amount: '5', alertRules: [] }),
        'VALIDATION_FAILED',
        ['alertRules'],
      );
      expect((await owner.budgets.overall())?.amountMinor).toBe(250000);
      // The seed's shape: no name (it defaults), an empty categoryIds is the same as none.
      const seed = await owner.budgets.setOverall({ amount: '300', currency: 'usd', categoryIds: [] });
      expect(seed).toMatchObject({
        created: false,
        budget: { id: created.budget.id, name: 'Overall', amountMinor: 30000, currency: 'USD' },
      });
      const fresh = await getEnv().newOwner().budgets.setOverall({ amount: '42' });
      expect(fresh).toMatchObject({ created: true, budget: { name: 'Overall', amountMinor: 4200, categoryIds: [] } });
    });

    it('setOverall() called twice at once for an owner without an overall budget creates one and replaces it, never two', async () => {
      const owner = getEnv().newOwner();
      const results = await Promise.all([
        owner.budgets.setOverall({ name: 'A', amount: '100' }),
        owner.budgets.setOverall({ name: 'B', amount: '200' }),
      ]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(results[0].budget.id).toBe(results[1].budget.id);
      expect(await owner.budgets.list()).toHaveLength(1);
    });

    it('update() changes only the given fields and moves updatedAt; a new period moves startsOn', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      env.clock.set('2026-05-10T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'Food',
        amount: '400',
        categoryIds: [food.id],
        rollover: 'surplus',
      });
      env.clock.set('2026-05-11T08:00:00Z');
      const renamed = await owner.budgets.update(budget.id, { name: 'Food & drink', amount: '450.50' });
      expect(renamed).toEqual({
        ...budget,
        name: 'Food & drink',
        amountMinor: 45050,
        amount: '450.50',
        updatedAt: '2026-05-11T08:00:00.000Z',
      });
      expect(await owner.budgets.get(budget.id)).toEqual(renamed);

      const weekly = await owner.budgets.update(budget.id, { period: { unit: 'week' } }); // 2026-05-11 is a Monday
      expect(weekly).toMatchObject({
        period: { unit: 'week', every: 1, anchor: '2026-05-11' },
        startsOn: '2026-05-11',
        rollover: 'surplus',
      });
      expect(await owner.budgets.update(budget.id, { endsOn: '2026-06-30' })).toMatchObject({ endsOn: '2026-06-30' });
      expect(await owner.budgets.update(budget.id, { endsOn: null })).toMatchObject({ endsOn: null });
      await expectTrackerError(owner.budgets.update(budget.id, { endsOn: '2026-05-01' }), 'VALIDATION_FAILED', [
        'endsOn',
      ]);
      await expectTrackerError(owner.budgets.update(budget.id, { amount: '1.001' }), 'VALIDATION_FAILED', ['amount']);
      await expectTrackerError(owner.budgets.update(budget.id, { categoryIds: ['cat_nope'] }), 'VALIDATION_FAILED', [
        'categoryIds',
        0,
      ]);
      await expectTrackerError(owner.budgets.update('bud_missing', { name: 'x' }), 'NOT_FOUND');
      expect(await owner.budgets.get(budget.id)).toMatchObject({
        endsOn: null,
        amountMinor: 45050,
        categoryIds: [food.id],
      });
    });

    it('changing the currency needs the amount in the new currency', async () => {
      const owner = getEnv().newOwner();
      const budget = await owner.budgets.create({ name: 'B', amount: '400' });
      await expectTrackerError(owner.budgets.update(budget.id, { currency: 'JPY' }), 'VALIDATION_FAILED', ['amount']);
      expect(await owner.budgets.get(budget.id)).toMatchObject({ currency: 'USD', amountMinor: 40000 });
      expect(await owner.budgets.update(budget.id, { currency: 'JPY', amount: '60000' })).toMatchObject({
        currency: 'JPY',
        amountMinor: 60000,
        amount: '60000',
      });
    });

    it('replace() takes a whole budget: fields left out go back to their defaults, and its alert rules stay', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      env.clock.set('2026-05-10T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'Food',
        amount: '400',
        categoryIds: [food.id],
        period: { unit: 'week' },
        rollover: 'full',
        endsOn: '2026-12-31',
        alertRules: [{ thresholdPercent: 90 }],
      });
      const rules = await owner.alerts.list({ budgetId: budget.id });
      env.clock.set('2026-06-02T12:00:00Z');
      const replaced = await owner.budgets.replace(budget.id, { name: 'All', amount: '1000' });
      expect(replaced).toEqual({
        ...budget,
        name: 'All',
        amountMinor: 100000,
        amount: '1000.00',
        categoryIds: [],
        period: { unit: 'month', every: 1, anchor: '2026-06-01' },
        rollover: 'none',
        startsOn: '2026-06-01',
        endsOn: null,
        updatedAt: '2026-06-02T12:00:00.000Z',
      });
      expect(await owner.alerts.list({ budgetId: budget.id })).toEqual(rules);
      await expectTrackerError(owner.budgets.replace(budget.id, { name: 'No amount' }), 'VALIDATION_FAILED', [
        'amount',
      ]);
      await expectTrackerError(owner.budgets.replace('bud_missing', { name: 'x', amount: '1' }), 'NOT_FOUND');
    });

    it('delete() removes the budget and its rules; afterwards every method is NOT_FOUND', async () => {
      const owner = getEnv().newOwner();
      const budget = await owner.budgets.create({ name: 'B', amount: '400' });
      const keep = await owner.budgets.create({ name: 'Keep', amount: '10' });
      const [rule] = await owner.alerts.list({ budgetId: budget.id });
      await owner.budgets.delete(budget.id);
      await expectTrackerError(owner.budgets.get(budget.id), 'NOT_FOUND');
      await expectTrackerError(owner.budgets.status(budget.id), 'NOT_FOUND');
      await expectTrackerError(owner.budgets.history(budget.id), 'NOT_FOUND');
      await expectTrackerError(owner.budgets.update(budget.id, { name: 'x' }), 'NOT_FOUND');
      await expectTrackerError(owner.budgets.delete(budget.id), 'NOT_FOUND');
      await expectTrackerError(owner.alerts.get(rule!.id), 'NOT_FOUND');
      expect(await owner.alerts.list({ budgetId: budget.id })).toEqual([]);
      expect((await owner.alerts.list()).map((r) => r.budgetId)).toEqual([keep.id, keep.id]);
      expect((await owner.budgets.list()).map((b) => b.id)).toEqual([keep.id]);
    });

    it('create, update and delete write budget.created, budget.updated and budget.deleted to the feed', async () => {
      const { tracker } = getEnv();
      const owner = getEnv().newOwner();
      const heard: string[] = [];
      const off = tracker.on('*', (e) => {
        if (e.ownerId === owner.ownerId) heard.push(e.type);
      });
      try {
        const budget = await owner.budgets.create({ name: 'B', amount: '400' });
        const updated = await owner.budgets.update(budget.id, { amount: '500' });
        await owner.budgets.delete(budget.id);
        const { events } = await owner.changes();
        expect(events.map((e) => [e.seq, e.type])).toEqual([
          [1, 'budget.created'],
          [2, 'budget.updated'],
          [3, 'budget.deleted'],
        ]);
        expect((events[0] as TrackerEvent<'budget.created'>).data.budget).toEqual(budget);
        expect((events[1] as TrackerEvent<'budget.updated'>).data).toEqual({ budget: updated, previous: budget });
        expect((events[2] as TrackerEvent<'budget.deleted'>).data.budget).toEqual(updated);
        expect(heard).toEqual(['budget.created', 'budget.updated', 'budget.deleted']);
      } finally {
        off();
      }
    });
  });
}
