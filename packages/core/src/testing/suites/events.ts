import { describe, expect, it } from 'vitest';
import type { TrackerEvent } from '../../events.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** In-process events and the change feed. */
export function eventTests(getEnv: () => ConformanceEnv): void {
  describe('events and the change feed', () => {
    it('every change writes its event with the next seq, and changes() reads them back in order', async () => {
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'Food' });
      const expense = await owner.expenses.create({ amount: '2', categoryId: cat.id });
      await owner.expenses.update(expense.id, { amount: '3' });
      await owner.categories.update(cat.id, { name: 'Groceries' });
      await owner.expenses.delete(expense.id);
      await owner.categories.delete(cat.id);
      const { events, lastSeq } = await owner.changes();
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'category.created'],
        [2, 'expense.created'],
        [3, 'expense.updated'],
        [4, 'category.updated'],
        [5, 'expense.deleted'],
        [6, 'category.deleted'],
      ]);
      expect(lastSeq).toBe(6);
      expect(events.every((e) => e.ownerId === owner.ownerId)).toBe(true);
      const updated = events[2] as TrackerEvent<'expense.updated'>;
      expect(updated.data.previous.amountMinor).toBe(200);
      expect(updated.data.expense.amountMinor).toBe(300);
      const deleted = events[5] as TrackerEvent<'category.deleted'>;
      expect(deleted.data).toMatchObject({
        category: { id: cat.id, name: 'Groceries' },
        reassignedTo: null,
        expenseCount: 0,
      });
    });

    it('changes({ after, limit }) pages through the feed', async () => {
      const owner = getEnv().newOwner();
      await owner.expenses.createMany(Array.from({ length: 7 }, () => ({ amount: '1' })));
      const page = await owner.changes({ after: 2, limit: 3 });
      expect(page.events.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(page.lastSeq).toBe(7);
      expect((await owner.changes({ after: 7 })).events).toEqual([]);
      await expectTrackerError(owner.changes({ after: -1 }), 'VALIDATION_FAILED', ['after']);
      await expectTrackerError(owner.changes({ limit: 500 }), 'VALIDATION_FAILED', ['limit']);
    });

    it('listeners receive committed events by type and with "*", and stop after unsubscribing', async () => {
      const { tracker } = getEnv();
      const owner = getEnv().newOwner();
      const created: TrackerEvent<'expense.created'>[] = [];
      const all: TrackerEvent[] = [];
      const offCreated = tracker.on('expense.created', (e) => {
        if (e.ownerId === owner.ownerId) created.push(e);
      });
      const offAll = tracker.on('*', (e) => {
        if (e.ownerId === owner.ownerId) all.push(e);
      });
      const expense = await owner.expenses.create({ amount: '9.99' });
      await owner.expenses.delete(expense.id);
      expect(created.map((e) => e.data.expense.id)).toEqual([expense.id]);
      expect(created[0]).toMatchObject({ seq: 1, type: 'expense.created', ownerId: owner.ownerId });
      expect(all.map((e) => e.type)).toEqual(['expense.created', 'expense.deleted']);
      expect(all).toEqual((await owner.changes()).events);
      offCreated();
      offAll();
      await owner.expenses.create({ amount: '1' });
      expect(created).toHaveLength(1);
      expect(all).toHaveLength(2);
    });

    it('a throwing listener never fails the write, and other listeners still run', async () => {
      const { tracker } = getEnv();
      const owner = getEnv().newOwner();
      const seen: number[] = [];
      const offBad = tracker.on('expense.created', () => {
        throw new Error('listener bug');
      });
      const offGood = tracker.on('expense.created', (e) => {
        if (e.ownerId === owner.ownerId) seen.push(e.seq);
      });
      /* eslint-disable no-console -- the default onError reports to console.error: silenced for this check */
      const originalError = console.error;
      console.error = () => undefined;
      try {
        const expense = await owner.expenses.create({ amount: '1' });
        expect(await owner.expenses.get(expense.id)).toEqual(expense);
      } finally {
        console.error = originalError;
        /* eslint-enable no-console */
        offBad();
        offGood();
      }
      expect(seen).toEqual([1]);
    });

    it('a write that fails emits no event and takes no seq', async () => {
      const { tracker } = getEnv();
      const owner = getEnv().newOwner();
      const emitted: TrackerEvent[] = [];
      const off = tracker.on('*', (e) => {
        if (e.ownerId === owner.ownerId) emitted.push(e);
      });
      try {
        await owner.categories.create({ name: 'Once' });
        await expectTrackerError(owner.categories.create({ name: 'once' }), 'CONFLICT');
        await expectTrackerError(
          owner.expenses.createMany([{ amount: '1' }, { amount: '1', categoryId: 'cat_x' }]),
          'VALIDATION_FAILED',
        );
        await owner.expenses.create({ amount: '1' });
      } finally {
        off();
      }
      expect(emitted.map((e) => e.seq)).toEqual([1, 2]);
      expect((await owner.changes()).events.map((e) => e.seq)).toEqual([1, 2]);
    });
  });
}
