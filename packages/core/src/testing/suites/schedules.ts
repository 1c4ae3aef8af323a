import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth } from '../../dates.js';
import { runDueSchedules } from '../../schedules/run-due.js';
import { internalsOf } from '../../tracker.js';
import type { OwnerHandle } from '../../owner.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** The due work of the suite's tracker at `instant`: what `tracker.runDue({ now })` runs. */
function runDue(env: ConformanceEnv, instant: string) {
  return runDueSchedules(internalsOf(env.tracker).context, new Date(instant));
}

/** The owner's expenses posted by schedules, oldest date first. */
async function scheduled(owner: OwnerHandle) {
  const { items } = await owner.expenses.list({ limit: 200, sort: 'date', order: 'asc' });
  return items.filter((e) => e.source.kind === 'schedule');
}

/** Rent of 1,200.00 EUR on the 31st (the last day of shorter months), created on 1 January of `year`. */
async function rent(env: ConformanceEnv, year: number, extra: Record<string, unknown> = {}) {
  env.clock.set(`${year}-01-01T12:00:00Z`);
  const owner = env.newOwner();
  const schedule = await owner.schedules.create({
    name: 'Rent',
    recurrence: { unit: 'month', anchor: `${year}-01-31` },
    template: { amount: '1200.00', currency: 'EUR', merchant: 'Landlord' },
    ...extra,
  });
  return { owner, schedule };
}

/** Recurring expenses and bills (SPEC §7.3) and their due work (§7.0), through the owner handle. */
export function scheduleTests(getEnv: () => ConformanceEnv): void {
  describe('schedules', () => {
    it('monthly from the 31st gives 12 dates a year, Feb 28 (29 in a leap year) and Apr 30 among them', async () => {
      const env = getEnv();
      for (const [year, february] of [
        [2027, '2027-02-28'],
        [2028, '2028-02-29'],
      ] as const) {
        const { owner } = await rent(env, year);
        const upcoming = await owner.schedules.upcoming({ from: `${year}-01-01`, to: `${year}-12-31` });
        expect(upcoming.map((o) => o.nominal)).toEqual(
          Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}-${daysInMonth(year, m + 1)}`),
        );
        expect(upcoming.map((o) => o.nominal)).toContain(february);
        expect(upcoming.map((o) => o.nominal)).toContain(`${year}-04-30`);
        expect(upcoming.every((o) => o.amount === '1200.00' && o.currency === 'EUR' && o.state === null)).toBe(true);
        // Posting them all: one expense per month, each dated on its due date.
        await runDue(env, `${year + 1}-01-01T06:00:00Z`);
        expect((await scheduled(owner)).map((e) => e.date)).toEqual(upcoming.map((o) => o.due));
      }
    });

    it('after downtime over several due dates the next run posts each exactly once, dated on its due date', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027, {
        recurrence: { unit: 'month', anchor: '2027-01-31', weekendShift: 'after' },
      });
      expect(await scheduled(owner)).toEqual([]);
      await runDue(env, '2027-05-15T06:00:00Z');
      const posted = await scheduled(owner);
      // 31 January is a Sunday and 31 March a Wednesday; 28 February a Sunday too: due on the Monday.
      expect(posted.map((e) => e.date)).toEqual(['2027-02-01', '2027-03-01', '2027-03-31', '2027-04-30']);
      expect(posted.every((e) => e.source.id === schedule.id && e.amount === '1200.00' && e.currency === 'EUR')).toBe(
        true,
      );
      await runDue(env, '2027-05-15T06:00:00Z');
      await runDue(env, '2027-05-30T23:00:00Z');
      expect(await scheduled(owner)).toHaveLength(4);
      await runDue(env, '2027-05-31T00:00:00Z');
      expect((await scheduled(owner)).map((e) => e.date)).toHaveLength(5);
      const history = await owner.schedules.occurrences(schedule.id);
      expect(history.map((o) => [o.nominal, o.state])).toEqual([
        ['2027-01-31', 'posted'],
        ['2027-02-28', 'posted'],
        ['2027-03-31', 'posted'],
        ['2027-04-30', 'posted'],
        ['2027-05-31', 'posted'],
      ]);
      expect((await owner.schedules.get(schedule.id)).nextOccurrence).toEqual({
        nominal: '2027-06-30',
        due: '2027-06-30',
      });
    });

    it('two runs at once post each occurrence once', async () => {
      const env = getEnv();
      const { owner } = await rent(env, 2027);
      await Promise.all([runDue(env, '2027-12-31T12:00:00Z'), runDue(env, '2027-12-31T12:00:00Z')]);
      expect(await scheduled(owner)).toHaveLength(12);
    });

    it('a posted expense carries the schedule as its source and the template category as the schedule’s', async () => {
      const env = getEnv();
      env.clock.set('2027-01-01T12:00:00Z');
      const owner = env.newOwner();
      const home = await owner.categories.create({ name: 'Home' });
      const schedule = await owner.schedules.create({
        name: 'Internet',
        recurrence: { unit: 'month', anchor: '2027-01-05' },
        template: { amount: '39.90', categoryId: home.id, tags: ['bills'] },
      });
      const seen: string[] = [];
      const off = env.tracker.on('*', (event) => {
        if (event.ownerId === owner.ownerId) seen.push(`${event.type}:${event.actor.kind}`);
      });
      await runDue(env, '2027-01-05T08:00:00Z');
      off();
      const [posted] = await scheduled(owner);
      expect(posted).toMatchObject({
        amount: '39.90',
        currency: 'USD',
        date: '2027-01-05',
        categoryId: home.id,
        categorySource: 'schedule',
        source: { kind: 'schedule', id: schedule.id },
        tags: ['bills'],
        description: 'Internet',
      });
      expect(seen).toEqual(['expense.created:system', 'schedule.occurrence.posted:system']);
      const { events } = await owner.changes({ limit: 50 });
      expect(events.map((e) => e.type)).toEqual([
        'category.created',
        'schedule.created',
        'expense.created',
        'schedule.occurrence.posted',
      ]);
    });

    it('a 1,203.00 expense settles a 1,200.00 ±1 % bill without a new expense', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027, { mode: 'expect', tolerancePercent: 1, windowDays: 3 });
      const paid = await owner.expenses.create({ amount: '1203.00', currency: 'EUR', date: '2027-02-01' });
      await owner.expenses.create({ amount: '1213.00', currency: 'EUR', date: '2027-01-31' }); // 1.08 % off
      await runDue(env, '2027-01-31T12:00:00Z');
      const [occurrence] = await owner.schedules.occurrences(schedule.id);
      expect(occurrence).toMatchObject({ nominal: '2027-01-31', state: 'matched', expenseId: paid.id });
      expect(await scheduled(owner)).toEqual([]);
      expect((await owner.expenses.list({ limit: 10 })).items).toHaveLength(2);
      const { events } = await owner.changes({ limit: 50 });
      const matched = events.find((e) => e.type === 'schedule.occurrence.matched');
      expect(matched?.data).toMatchObject({ schedule: { id: schedule.id, name: 'Rent' }, expense: { id: paid.id } });
    });

    it('a bill waits in its window (pending), then is missed; a late match settles it inside the window', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027, { mode: 'expect', tolerancePercent: 0, windowDays: 2 });
      await runDue(env, '2027-02-01T12:00:00Z');
      expect((await owner.schedules.occurrences(schedule.id)).map((o) => o.state)).toEqual(['pending']);
      await runDue(env, '2027-02-03T12:00:00Z');
      expect((await owner.schedules.occurrences(schedule.id)).map((o) => o.state)).toEqual(['missed']);
      // February's is paid two days late, in the window: the run after the payment links it.
      await runDue(env, '2027-03-01T12:00:00Z');
      const paid = await owner.expenses.create({ amount: '1200', currency: 'EUR', date: '2027-03-02' });
      await runDue(env, '2027-03-02T12:00:00Z');
      expect((await owner.schedules.occurrences(schedule.id)).map((o) => [o.nominal, o.state, o.expenseId])).toEqual([
        ['2027-01-31', 'missed', null],
        ['2027-02-28', 'matched', paid.id],
      ]);
      expect(await scheduled(owner)).toEqual([]);
    });

    it('deleting the expense that settled a bill reopens it: the due work looks again, then marks it missed', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027, { mode: 'expect', tolerancePercent: 0, windowDays: 2 });
      const history = async () =>
        (await owner.schedules.occurrences(schedule.id)).map((o) => [o.nominal, o.state, o.expenseId]);
      const next = async () => (await owner.schedules.get(schedule.id)).nextOccurrence?.nominal;
      const paid = await owner.expenses.create({ amount: '1200', currency: 'EUR', date: '2027-01-31' });
      await runDue(env, '2027-01-31T12:00:00Z');
      expect(await history()).toEqual([['2027-01-31', 'matched', paid.id]]);
      expect(await next()).toBe('2027-02-28');

      const { events: before } = await owner.changes({ limit: 100 });
      await owner.expenses.delete(paid.id);
      expect(await history()).toEqual([['2027-01-31', 'pending', null]]);
      expect(await next()).toBe('2027-01-31');
      const { events } = await owner.changes({ after: before.at(-1)!.seq });
      expect(events.map((e) => e.type)).toEqual(['expense.deleted', 'schedule.occurrence.reopened']);
      expect(events[1]!.data).toMatchObject({
        schedule: { id: schedule.id, name: 'Rent' },
        occurrence: { scheduleId: schedule.id, nominal: '2027-01-31', state: 'pending', expenseId: null },
      });

      // Another payment in the window settles it again; deleted too, the window closes without one.
      const again = await owner.expenses.create({ amount: '1200', currency: 'EUR', date: '2027-02-01' });
      await runDue(env, '2027-02-01T12:00:00Z');
      expect(await history()).toEqual([['2027-01-31', 'matched', again.id]]);
      await owner.expenses.delete(again.id);
      await runDue(env, '2027-02-05T12:00:00Z');
      expect(await history()).toEqual([['2027-01-31', 'missed', null]]);
      expect(await next()).toBe('2027-02-28');

      // A posted occurrence stays posted when its expense is deleted: it is posted once.
      const { owner: other, schedule: posting } = await rent(env, 2027);
      await runDue(env, '2027-01-31T12:00:00Z');
      const [posted] = await scheduled(other);
      await other.expenses.delete(posted!.id);
      await runDue(env, '2027-02-05T12:00:00Z');
      expect((await other.schedules.occurrences(posting.id)).map((o) => o.state)).toEqual(['posted']);
      expect(await scheduled(other)).toEqual([]);
    });

    it('skip and postNow act on one occurrence, once', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027);
      const skipped = await owner.schedules.skip(schedule.id, '2027-02-28');
      expect(skipped).toMatchObject({ nominal: '2027-02-28', due: '2027-02-28', state: 'skipped', expenseId: null });
      const { occurrence, expense } = await owner.schedules.postNow(schedule.id, '2027-03-31');
      expect(occurrence).toMatchObject({ state: 'posted', expenseId: expense.id });
      expect(expense.date).toBe('2027-01-01'); // paid early: dated today
      await expectTrackerError(owner.schedules.postNow(schedule.id, '2027-03-31'), 'CONFLICT');
      await expectTrackerError(owner.schedules.skip(schedule.id, '2027-03-31'), 'CONFLICT');
      await expectTrackerError(owner.schedules.skip(schedule.id, '2027-03-30'), 'VALIDATION_FAILED', ['date']);
      await expectTrackerError(owner.schedules.skip('sch_missing', '2027-03-31'), 'NOT_FOUND');
      await runDue(env, '2027-04-30T12:00:00Z');
      expect((await scheduled(owner)).map((e) => e.date)).toEqual(['2027-01-01', '2027-01-31', '2027-04-30']);
      const upcoming = await owner.schedules.upcoming({ from: '2027-02-01', to: '2027-05-31' });
      expect(upcoming.map((o) => [o.due, o.state])).toEqual([
        ['2027-02-28', 'skipped'],
        ['2027-03-31', 'posted'],
        ['2027-04-30', 'posted'],
        ['2027-05-31', null],
      ]);
    });

    it('settling the next occurrence ahead of the due work moves nextOccurrence to the first one still open', async () => {
      const env = getEnv();
      const { owner, schedule } = await rent(env, 2027);
      const next = async () => (await owner.schedules.get(schedule.id)).nextOccurrence;
      expect(await next()).toEqual({ nominal: '2027-01-31', due: '2027-01-31' });
      await owner.schedules.skip(schedule.id, '2027-02-28'); // not the next one: it stays
      expect(await next()).toEqual({ nominal: '2027-01-31', due: '2027-01-31' });
      await owner.schedules.postNow(schedule.id, '2027-01-31'); // past it, and past February's, skipped
      expect(await next()).toEqual({ nominal: '2027-03-31', due: '2027-03-31' });
      await owner.schedules.skip(schedule.id, '2027-03-31');
      expect(await next()).toEqual({ nominal: '2027-04-30', due: '2027-04-30' });
      // The cursor is bookkeeping: the schedule was not edited.
      expect((await owner.schedules.get(schedule.id)).updatedAt).toBe(schedule.updatedAt);
      // The due work goes on from there: April's is posted, nothing skipped or posted twice.
      await runDue(env, '2027-05-15T06:00:00Z');
      expect((await scheduled(owner)).map((e) => e.date)).toEqual(['2027-01-01', '2027-04-30']);
      expect(await next()).toEqual({ nominal: '2027-05-31', due: '2027-05-31' });
    });

    it('create, update and delete are validated, evented, and scoped to the owner', async () => {
      const env = getEnv();
      env.clock.set('2027-01-01T12:00:00Z');
      const owner = env.newOwner();
      await expectTrackerError(
        owner.schedules.create({
          name: 'X',
          recurrence: { unit: 'week', anchor: '2027-01-04', days: [1] },
          template: { amount: '1' },
        }),
        'VALIDATION_FAILED',
        ['recurrence', 'days'],
      );
      await expectTrackerError(
        owner.schedules.create({
          name: 'X',
          recurrence: { unit: 'month', anchor: '2027-01-04' },
          template: { amount: '1', categoryId: 'cat_nope' },
        }),
        'VALIDATION_FAILED',
        ['template', 'categoryId'],
      );
      const gym = await owner.schedules.create({
        name: 'Gym',
        recurrence: { unit: 'month', anchor: '2027-01-04' },
        template: { amountMinor: 2500 },
      });
      expect(gym).toMatchObject({
        mode: 'post',
        windowDays: 3,
        tolerancePercent: 0,
        enabled: true,
        nextOccurrence: { nominal: '2027-01-04' },
      });
      await expectTrackerError(env.newOwner().schedules.get(gym.id), 'NOT_FOUND');
      const off = await owner.schedules.update(gym.id, { enabled: false });
      expect(off.enabled).toBe(false);
      await runDue(env, '2027-03-01T12:00:00Z');
      expect(await scheduled(owner)).toEqual([]);
      env.clock.set('2027-03-01T12:00:00Z');
      // Enabled again, it starts from today: the months it was off are not back-posted.
      expect((await owner.schedules.update(gym.id, { enabled: true })).nextOccurrence).toEqual({
        nominal: '2027-03-04',
        due: '2027-03-04',
      });
      expect((await owner.schedules.list()).map((s) => s.name)).toEqual(['Gym']);
      await owner.schedules.delete(gym.id);
      await expectTrackerError(owner.schedules.delete(gym.id), 'NOT_FOUND');
      const { events } = await owner.changes({ limit: 50 });
      expect(events.map((e) => e.type)).toEqual([
        'schedule.created',
        'schedule.updated',
        'schedule.updated',
        'schedule.deleted',
      ]);
    });

    it('property: any anchor day, any downtime, posts one occurrence per month on the clamped day, none twice', async () => {
      const env = getEnv();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 31 }),
          fc.integer({ min: 2027, max: 2030 }),
          fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 4 }),
          async (day, year, runs) => {
            env.clock.set(`${year}-01-01T00:00:00Z`);
            const owner = env.newOwner();
            const anchor = `${year}-01-${String(day).padStart(2, '0')}`;
            await owner.schedules.create({
              name: 'P',
              recurrence: { unit: 'month', anchor },
              template: { amount: '1' },
            });
            const start = Date.parse(`${year}-01-01T12:00:00Z`);
            for (const offset of [...runs].sort((a, b) => a - b))
              await runDue(env, new Date(start + offset * 86_400_000).toISOString());
            const last = new Date(start + Math.max(...runs) * 86_400_000).toISOString().slice(0, 10);
            const dates = (await scheduled(owner)).map((e) => e.date);
            const expected: string[] = [];
            for (let m = 0; ; m += 1) {
              const [y, month] = [year + Math.floor(m / 12), (m % 12) + 1];
              const date = `${y}-${String(month).padStart(2, '0')}-${String(Math.min(day, daysInMonth(y, month))).padStart(2, '0')}`;
              if (date > last) break;
              expected.push(date);
            }
            expect(dates).toEqual(expected);
          },
        ),
        { numRuns: 12 },
      );
    });
  });
}
