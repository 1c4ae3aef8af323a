import { describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from '../../expenses/schema.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Expenses through the owner handle: create, read, update, delete, batch. */
export function expenseTests(getEnv: () => ConformanceEnv): void {
  describe('expenses', () => {
    it('create() parses a decimal amount exactly and fills the owner’s currency and today’s date', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      clock.set('2026-05-10T12:00:00Z');
      const expense = await owner.expenses.create({
        amount: '12.5',
        description: ' Lunch ',
        tags: ['Work', 'work', 'food'],
      });
      expect(expense).toMatchObject({
        amountMinor: 1250,
        amount: '12.50',
        currency: 'USD',
        date: '2026-05-10',
        categoryId: null,
        description: 'Lunch',
        merchant: null,
        notes: null,
        tags: ['Work', 'food'],
        createdAt: '2026-05-10T12:00:00.000Z',
        updatedAt: '2026-05-10T12:00:00.000Z',
      });
      expect(expense.id).toMatch(/^exp_/);
      expect(await owner.expenses.get(expense.id)).toEqual(expense);
    });

    it('create() takes amountMinor or a number, and uses the currency’s own exponent (JPY 0, KWD 3)', async () => {
      const owner = getEnv().newOwner();
      expect(await owner.expenses.create({ amountMinor: 199 })).toMatchObject({ amountMinor: 199, amount: '1.99' });
      expect(await owner.expenses.create({ amount: 0.1, currency: 'USD' })).toMatchObject({
        amountMinor: 10,
        amount: '0.10',
      });
      expect(await owner.expenses.create({ amount: '1500', currency: 'JPY' })).toMatchObject({
        amountMinor: 1500,
        amount: '1500',
      });
      expect(await owner.expenses.create({ amount: '1.234', currency: 'kwd' })).toMatchObject({
        amountMinor: 1234,
        amount: '1.234',
        currency: 'KWD',
      });
    });

    it('the default date is today in the owner’s time zone, not in UTC', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      await owner.settings.update({ timezone: 'America/New_York', currency: 'EUR' });
      clock.set('2026-01-01T03:30:00Z'); // still 31 December in New York
      expect(await owner.expenses.create({ amount: '5' })).toMatchObject({ date: '2025-12-31', currency: 'EUR' });
      await owner.settings.update({ timezone: 'Pacific/Kiritimati' }); // UTC+14
      clock.set('2026-01-01T11:00:00Z');
      expect(await owner.expenses.create({ amount: '5' })).toMatchObject({ date: '2026-01-02' });
    });

    it('create() rejects bad input with VALIDATION_FAILED naming the field, and stores nothing', async () => {
      const owner = getEnv().newOwner();
      const cases: [unknown, (string | number)[]][] = [
        [{ amount: '12.345' }, ['amount']],
        [{ amount: '12.5', currency: 'JPY' }, ['amount']],
        [{ amount: 'twelve' }, ['amount']],
        [{ amount: '0' }, ['amount']],
        [{ amount: '-5' }, ['amount']],
        [{ amountMinor: 1.5 }, ['amountMinor']],
        [{ amountMinor: 0 }, ['amountMinor']],
        [{ amountMinor: 2 ** 53 }, ['amountMinor']],
        [{}, ['amount']],
        [{ amount: '1', amountMinor: 100 }, ['amount']],
        [{ amount: '1', currency: 'XYZ' }, ['currency']],
        [{ amount: '1', date: '2026-02-30' }, ['date']],
        [{ amount: '1', date: '30/01/2026' }, ['date']],
        [{ amount: '1', categoryId: 'cat_nope' }, ['categoryId']],
        [{ amount: '1', description: 'x'.repeat(501) }, ['description']],
        [{ amount: '1', merchant: 'x'.repeat(201) }, ['merchant']],
        [{ amount: '1', notes: 'x'.repeat(2001) }, ['notes']],
        [{ amount: '1', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, ['tags']],
        [{ amount: '1', tags: ['x'.repeat(51)] }, ['tags', 0]],
        [{ amount: '1', description: 'nul\u0000byte' }, ['description']],
        [{ amount: '1', tags: ['a\u0000'] }, ['tags', 0]],
        [{ amount: '1', ownerId: 'someone-else' }, []],
        [{ amount: '1', id: 'exp_chosen' }, []],
      ];
      for (const [input, path] of cases) {
        // @ts-expect-error -- a deliberately invalid input: validation must refuse it
        await expectTrackerError(owner.expenses.create(input), 'VALIDATION_FAILED', path);
      }
      expect((await owner.expenses.list()).items).toEqual([]);
      expect((await owner.changes()).events).toEqual([]);
    });

    it('update() changes only the given fields, clears with null, and moves updatedAt', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'Food' });
      clock.set('2026-03-01T08:00:00Z');
      const original = await owner.expenses.create({
        amount: '10',
        categoryId: cat.id,
        merchant: 'Deli',
        notes: 'n',
        tags: ['a'],
      });
      clock.set('2026-03-02T08:00:00Z');
      const updated = await owner.expenses.update(original.id, { amount: '11.25', notes: null, date: '2026-02-27' });
      expect(updated).toEqual({
        ...original,
        amountMinor: 1125,
        amount: '11.25',
        notes: null,
        date: '2026-02-27',
        updatedAt: '2026-03-02T08:00:00.000Z',
      });
      expect(await owner.expenses.get(original.id)).toEqual(updated);
      expect(await owner.expenses.update(original.id, { categoryId: null })).toMatchObject({
        categoryId: null,
        merchant: 'Deli',
      });
    });

    it('update() to another currency needs the amount in that currency', async () => {
      const owner = getEnv().newOwner();
      const expense = await owner.expenses.create({ amount: '10.00' });
      await expectTrackerError(owner.expenses.update(expense.id, { currency: 'JPY' }), 'VALIDATION_FAILED', ['amount']);
      expect(await owner.expenses.update(expense.id, { currency: 'JPY', amount: '1500' })).toMatchObject({
        currency: 'JPY',
        amountMinor: 1500,
        amount: '1500',
      });
    });

    it('update() that changes nothing writes nothing and emits no event', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      clock.set('2026-03-01T08:00:00Z');
      const expense = await owner.expenses.create({ amount: '10', tags: ['a'] });
      clock.set('2026-03-05T08:00:00Z');
      expect(await owner.expenses.update(expense.id, { amount: '10.00', tags: ['a'] })).toEqual(expense);
      expect((await owner.changes()).lastSeq).toBe(1);
    });

    it('replace() takes a whole expense: optional fields it leaves out are cleared, currency and date are kept', async () => {
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'Food' });
      const expense = await owner.expenses.create({
        amount: '10',
        currency: 'EUR',
        date: '2026-01-05',
        categoryId: cat.id,
        tags: ['a'],
        notes: 'n',
      });
      const replaced = await owner.expenses.replace(expense.id, { amount: '7', description: 'New' });
      expect(replaced).toMatchObject({
        amountMinor: 700,
        currency: 'EUR',
        date: '2026-01-05',
        categoryId: null,
        description: 'New',
        tags: [],
        notes: null,
      });
      await expectTrackerError(owner.expenses.replace(expense.id, { description: 'no amount' }), 'VALIDATION_FAILED', [
        'amount',
      ]);
    });

    it('update(), replace(), get() and delete() of an unknown id are NOT_FOUND; bad updates change nothing', async () => {
      const owner = getEnv().newOwner();
      const expense = await owner.expenses.create({ amount: '4' });
      await expectTrackerError(owner.expenses.get('exp_missing'), 'NOT_FOUND');
      await expectTrackerError(owner.expenses.update('exp_missing', { amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(owner.expenses.replace('exp_missing', { amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(owner.expenses.delete('exp_missing'), 'NOT_FOUND');
      await expectTrackerError(owner.expenses.update(expense.id, { amount: '1.001' }), 'VALIDATION_FAILED', ['amount']);
      await expectTrackerError(owner.expenses.update(expense.id, { categoryId: 'cat_nope' }), 'VALIDATION_FAILED', [
        'categoryId',
      ]);
      await expectTrackerError(
        // @ts-expect-error -- `createdAt` is not writable: the unknown key must be refused
        owner.expenses.update(expense.id, { createdAt: '2020-01-01T00:00:00Z' }),
        'VALIDATION_FAILED',
      );
      expect(await owner.expenses.get(expense.id)).toEqual(expense);
    });

    it('delete() removes the expense and only it', async () => {
      const owner = getEnv().newOwner();
      const [a, b] = await owner.expenses.createMany([{ amount: '1' }, { amount: '2' }]);
      await owner.expenses.delete(a!.id);
      await expectTrackerError(owner.expenses.get(a!.id), 'NOT_FOUND');
      expect((await owner.expenses.list()).items.map((e) => e.id)).toEqual([b!.id]);
    });

    it(`createMany() stores ${MAX_BATCH_SIZE} expenses in one call`, async () => {
      const owner = getEnv().newOwner();
      const inputs = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => ({
        amountMinor: i + 1,
        date: '2026-04-01',
        tags: [`t${i % 3}`],
      }));
      const created = await owner.expenses.createMany(inputs);
      expect(created.map((e) => e.amountMinor)).toEqual(inputs.map((i) => i.amountMinor));
      expect((await owner.expenses.list({ tag: 't1', limit: 200 })).items.length).toBe(200);
      const { lastSeq } = await owner.changes();
      expect(lastSeq).toBe(MAX_BATCH_SIZE);
    });

    it('createMany() is all or nothing: one bad item rejects the batch with its index in the path', async () => {
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'Food' });
      const inputs = [{ amount: '1' }, { amount: '2', categoryId: cat.id }, { amount: '3.999' }, { amount: '4' }];
      await expectTrackerError(owner.expenses.createMany(inputs), 'VALIDATION_FAILED', [2, 'amount']);
      await expectTrackerError(
        owner.expenses.createMany([{ amount: '1' }, { amount: '1', categoryId: 'cat_x' }]),
        'VALIDATION_FAILED',
        [1, 'categoryId'],
      );
      await expectTrackerError(owner.expenses.createMany([]), 'VALIDATION_FAILED');
      const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => ({ amount: '1' }));
      await expectTrackerError(owner.expenses.createMany(tooMany), 'VALIDATION_FAILED');
      expect((await owner.expenses.list()).items).toEqual([]);
      expect((await owner.changes()).lastSeq).toBe(1);
    });
  });
}
