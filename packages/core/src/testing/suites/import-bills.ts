import { describe, expect, it } from 'vitest';
import { runDueSchedules } from '../../schedules/run-due.js';
import { internalsOf } from '../../tracker.js';
import type { ConformanceEnv } from '../harness.js';

const PROFILE = {
  date: { column: 'Date', format: 'YMD' as const },
  amount: { kind: 'signed' as const, column: 'Amount' },
  currency: { default: 'USD' },
  description: 'Text',
};

/** A CSV statement of `lines` (`date,amount,text`), as bytes. */
function statement(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(['Date,Amount,Text', ...lines].join('\n') + '\n');
}

/**
 * Bills meet imports (SPEC §7.1 and §7.3): the importer asks schedules before calling a line
 * new, and a committed line settles the bill it fits, so the due work posts nothing for it.
 */
export function importBillTests(getEnv: () => ConformanceEnv): void {
  describe('imports and bills', () => {
    it('a 1,203.00 imported line settles a 1,200.00 ±1 % bill without a new expense', async () => {
      const env = getEnv();
      env.clock.set('2027-01-01T12:00:00Z');
      const owner = env.newOwner();
      const rent = await owner.schedules.create({
        name: 'Rent',
        mode: 'expect',
        tolerancePercent: 1,
        windowDays: 3,
        recurrence: { unit: 'month', anchor: '2027-01-31' },
        template: { amount: '1200.00' },
      });
      env.clock.set('2027-02-03T12:00:00Z'); // the due work has not run since the 31st
      const imp = await owner.imports.preview(
        statement(
          '2027-02-01,-1203.00,RENT JANUARY',
          '2027-01-30,-1201.00,RENT AGAIN', // fits too, but one bill is settled by one line
          '2027-02-01,-1213.00,NOT RENT', // 1.08 % off
          '2027-02-02,-4.50,Coffee',
        ),
        { sourceKey: 'checking', profile: PROFILE },
      );
      const { items: rows } = await owner.imports.rows(imp.id, { limit: 10 });
      expect(rows.map((r) => [r.state, r.decision, r.bill])).toEqual([
        ['new', 'create', { scheduleId: rent.id, name: 'Rent', nominal: '2027-01-31', due: '2027-01-31' }],
        ['new', 'create', null],
        ['new', 'create', null],
        ['new', 'create', null],
      ]);
      await owner.imports.commit(imp.id);
      const created = (await owner.imports.rows(imp.id, { limit: 10 })).items.map((r) => r.expenseId);
      expect(await owner.schedules.occurrences(rent.id)).toEqual([
        expect.objectContaining({ nominal: '2027-01-31', state: 'matched', expenseId: created[0] }),
      ]);
      // The settled occurrence was the next one: the schedule now points at February's.
      expect((await owner.schedules.get(rent.id)).nextOccurrence).toEqual({ nominal: '2027-02-28', due: '2027-02-28' });
      const { events } = await owner.changes({ limit: 50 });
      const types = events.map((e) => e.type);
      expect(types.filter((t) => t === 'schedule.occurrence.matched')).toHaveLength(1);
      expect(types.lastIndexOf('expense.created')).toBeLessThan(types.indexOf('schedule.occurrence.matched'));

      // The due work finds the occurrence settled: no expense of its own, then or later.
      // (The run works every owner's schedules in the store: its report counts other tests' too.)
      await runDueSchedules(internalsOf(env.tracker).context, new Date('2027-02-05T12:00:00Z'));
      expect((await owner.schedules.occurrences(rent.id)).map((o) => o.state)).toEqual(['matched']);
      const { items } = await owner.expenses.list({ limit: 50 });
      expect(items).toHaveLength(4);
      expect(items.filter((e) => e.source.kind === 'schedule')).toEqual([]);

      // The same bill in a later file is no longer open: the line is an ordinary new one.
      const again = await owner.imports.preview(statement('2027-02-01,-1200.00,RENT RETRY'), {
        sourceKey: 'savings',
        profile: PROFILE,
      });
      expect((await owner.imports.rows(again.id)).items.map((r) => r.bill)).toEqual([null]);
    });

    it('a statement imported after a bill’s window closed settles the missed occurrence it paid', async () => {
      const env = getEnv();
      env.clock.set('2027-01-01T12:00:00Z');
      const owner = env.newOwner();
      const power = await owner.schedules.create({
        name: 'Power',
        mode: 'expect',
        windowDays: 2,
        recurrence: { unit: 'month', anchor: '2027-01-15' },
        template: { amount: '80.00' },
      });
      await runDueSchedules(internalsOf(env.tracker).context, new Date('2027-01-20T12:00:00Z'));
      expect((await owner.schedules.occurrences(power.id)).map((o) => o.state)).toEqual(['missed']);
      env.clock.set('2027-01-25T12:00:00Z');
      const imp = await owner.imports.preview(statement('2027-01-16,-80.00,POWER CO'), {
        sourceKey: 'checking',
        profile: PROFILE,
      });
      expect((await owner.imports.rows(imp.id)).items[0]?.bill).toMatchObject({ nominal: '2027-01-15' });
      await owner.imports.commit(imp.id);
      const [row] = (await owner.imports.rows(imp.id)).items;
      const [occurrence] = await owner.schedules.occurrences(power.id);
      expect(occurrence).toMatchObject({ state: 'matched', expenseId: row!.expenseId });
      expect(row!.expenseId).not.toBeNull();

      // Reverted, the import takes its payment away: the bill is open again, and the due work,
      // back on it, finds its window closed.
      await owner.imports.revert(imp.id);
      expect(await owner.schedules.occurrences(power.id)).toEqual([
        expect.objectContaining({ nominal: '2027-01-15', state: 'pending', expenseId: null }),
      ]);
      expect((await owner.schedules.get(power.id)).nextOccurrence).toEqual({
        nominal: '2027-01-15',
        due: '2027-01-15',
      });
      await runDueSchedules(internalsOf(env.tracker).context, new Date('2027-01-25T12:00:00Z'));
      expect((await owner.schedules.occurrences(power.id)).map((o) => o.state)).toEqual(['missed']);
      expect((await owner.schedules.get(power.id)).nextOccurrence).toEqual({
        nominal: '2027-02-15',
        due: '2027-02-15',
      });
    });

    it('a bill settled between preview and commit leaves the line an ordinary expense', async () => {
      const env = getEnv();
      env.clock.set('2027-01-01T12:00:00Z');
      const owner = env.newOwner();
      const rent = await owner.schedules.create({
        name: 'Rent',
        mode: 'expect',
        recurrence: { unit: 'month', anchor: '2027-01-31' },
        template: { amount: '1200.00' },
      });
      env.clock.set('2027-02-01T12:00:00Z');
      const imp = await owner.imports.preview(statement('2027-01-31,-1200.00,RENT'), {
        sourceKey: 'checking',
        profile: PROFILE,
      });
      expect((await owner.imports.rows(imp.id)).items[0]?.bill).not.toBeNull();
      await owner.schedules.skip(rent.id, '2027-01-31');
      await owner.imports.commit(imp.id);
      const [row] = (await owner.imports.rows(imp.id)).items;
      expect(row).toMatchObject({ bill: null, applied: true, expenseId: expect.stringMatching(/^exp_/) as string });
      expect((await owner.schedules.occurrences(rent.id)).map((o) => [o.state, o.expenseId])).toEqual([
        ['skipped', null],
      ]);
    });
  });
}
