import { describe, expect, it } from 'vitest';
import type { ConformanceEnv, RawQuery } from '../harness.js';

const num = (value: unknown) => Number(value);

function raw(env: ConformanceEnv): RawQuery {
  if (!env.raw) throw new Error('rawQuery is required for the persisted-shape tests');
  return env.raw;
}

/** What the bundled store really writes, read back with raw SQL. */
export function persistedShapeTests(getEnv: () => ConformanceEnv): void {
  describe('persisted shape (raw SQL)', () => {
    it('an expense row holds integer minor units, the ISO date text, the owner, and its tags as JSON and as index rows', async () => {
      const env = getEnv();
      env.clock.set('2026-07-04T09:15:00.123Z');
      const owner = env.newOwner();
      const cat = await owner.categories.create({ name: 'Fuel' });
      const expense = await owner.expenses.create({
        amount: '61.07',
        categoryId: cat.id,
        merchant: 'Shell',
        tags: ['Car', 'road trip'],
      });
      const query = raw(env);
      const rows = await query('select * from et_expense where id = ?', [expense.id]);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(num(row.amount_minor)).toBe(6107);
      expect(Number.isInteger(num(row.amount_minor))).toBe(true);
      expect(row).toMatchObject({
        owner_id: owner.ownerId,
        currency: 'USD',
        date: '2026-07-04',
        category_id: cat.id,
        merchant: 'Shell',
        description: null,
        notes: null,
        created_at: '2026-07-04T09:15:00.123Z',
        updated_at: '2026-07-04T09:15:00.123Z',
      });
      expect(JSON.parse(String(row.tags))).toEqual(['Car', 'road trip']);
      const tags = await query('select owner_id, tag from et_expense_tag where expense_id = ? order by tag', [
        expense.id,
      ]);
      expect(tags).toEqual([
        { owner_id: owner.ownerId, tag: 'car' },
        { owner_id: owner.ownerId, tag: 'road trip' },
      ]);
      await owner.expenses.delete(expense.id);
      expect(await query('select * from et_expense_tag where expense_id = ?', [expense.id])).toEqual([]);
      expect(await query('select * from et_expense where id = ?', [expense.id])).toEqual([]);
    });

    it('a category row keeps the name as written and its lower-cased key', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const cat = await owner.categories.create({ name: 'Éclairs', color: '#abcdef' });
      const rows = await raw(env)('select owner_id, name, name_key, color, parent_id from et_category where id = ?', [
        cat.id,
      ]);
      expect(rows).toEqual([
        { owner_id: owner.ownerId, name: 'Éclairs', name_key: 'éclairs', color: '#ABCDEF', parent_id: null },
      ]);
    });

    it('the outbox holds one row per event with the JSON payload, and the owner row holds the last seq', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const expense = await owner.expenses.create({ amount: '5' });
      await owner.expenses.update(expense.id, { amount: '6' });
      const query = raw(env);
      const events = await query('select seq, type, data from et_event where owner_id = ? order by seq', [
        owner.ownerId,
      ]);
      expect(events.map((e) => [num(e.seq), e.type])).toEqual([
        [1, 'expense.created'],
        [2, 'expense.updated'],
      ]);
      expect(JSON.parse(String(events[1]!.data))).toMatchObject({
        expense: { id: expense.id, amountMinor: 600 },
        previous: { amountMinor: 500 },
      });
      const owners = await query('select last_seq, timezone, currency, week_starts_on from et_owner where id = ?', [
        owner.ownerId,
      ]);
      expect(owners.map((o) => ({ ...o, last_seq: num(o.last_seq), week_starts_on: num(o.week_starts_on) }))).toEqual([
        { last_seq: 2, timezone: 'UTC', currency: 'USD', week_starts_on: 1 },
      ]);
    });

    it('a rejected write leaves no row behind', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      await owner.expenses.createMany([{ amount: '1' }, { amount: '1.001' }]).catch(() => undefined);
      const query = raw(env);
      expect(await query('select id from et_expense where owner_id = ?', [owner.ownerId])).toEqual([]);
      expect(await query('select seq from et_event where owner_id = ?', [owner.ownerId])).toEqual([]);
    });
  });
}
