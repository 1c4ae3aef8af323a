import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays } from '../src/dates.js';
import { Tracker, type OwnerHandle } from '../src/index.js';
import { openKyselyStore } from '../src/kysely/index.js';
import { createTestClock, type TestClock } from '../src/testing/index.js';
import { EVERY_SCHEDULE, seedOwner, type BudgetSeed } from '../src/testing/seeds.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/**
 * `analytics.summary()` asks the database once per figure it needs (issue 17): the range's
 * totals, the previous range's, and one totals query for every budget active today, plus one
 * read of the schedules, whatever the number of budgets. Counted as the statements Kysely runs
 * (its `log` callback), on a store opened over a Kysely instance of the test's own.
 */

let pgDatabase: TestDatabase;

beforeAll(async () => {
  pgDatabase = await createTestDatabase(inject('pgUrl'));
}, 60_000);

afterAll(async () => {
  await pgDatabase?.drop();
});

/** Eight budgets of every kind the summary lists, all active on 10 May 2026. */
const BUDGETS: readonly BudgetSeed[] = [
  { name: 'All', amount: '1000', rollover: 'full', startsOn: '2026-02-01' },
  { name: 'Food', amount: '300', categories: ['food'], rollover: 'surplus' },
  { name: 'Groceries', amount: '80', categories: ['groceries'], period: { unit: 'week' } },
  { name: 'EUR year', amount: '2000', currency: 'EUR', period: { unit: 'year', anchor: '2026-01-01' } },
  { name: 'Trip', amount: '500', categories: ['home'], period: { start: '2026-05-01', end: '2026-06-15' } },
  { name: 'Home EUR', amount: '900', currency: 'EUR', categories: ['home'] },
  { name: 'GBP', amount: '100', currency: 'GBP', rollover: 'surplus' },
  { name: 'Food and home', amount: '600', categories: ['food', 'home'] },
];

/** Rent to come, Gym to post and Power to match on 10 May: one schedule of each kind the summary reads. */
const SCHEDULES = EVERY_SCHEDULE.filter((schedule) => ['Rent', 'Gym', 'Power'].includes(schedule.name));

/** The same spending and schedules for every owner, with `budgets` budgets. */
async function seed(tracker: Tracker, clock: TestClock, ownerId: string, budgets: number) {
  const owner = tracker.forOwner(ownerId);
  const { categories } = await seedOwner(owner, clock, {
    budgets: BUDGETS.slice(0, budgets).map((budget) => ({ ...budget, alertRules: [] })),
    schedules: SCHEDULES,
  });
  const { food, groceries, home } = categories;
  await owner.expenses.createMany([
    { amount: '120.00', date: '2026-01-10', categoryId: food.id },
    { amount: '350.00', date: '2026-02-03', categoryId: groceries.id },
    { amount: '1200.00', date: '2026-03-15' },
    { amount: '300.00', currency: 'EUR', date: '2026-03-06', categoryId: home.id },
    { amount: '20.00', kind: 'refund', date: '2026-04-29', categoryId: groceries.id },
    { amount: '45.50', date: '2026-05-04', categoryId: groceries.id },
    { amount: '120.00', currency: 'EUR', date: '2026-05-03', categoryId: home.id },
    { amount: '20.00', currency: 'GBP', date: '2026-05-05' },
    { amount: '80.00', date: '2026-05-07', categoryId: home.id }, // Power of 8 May matches it
  ]);
  return owner;
}

describe.each(['sqlite', 'postgres'])('summary statements on %s', (engine) => {
  it('a summary runs as many statements with 8 budgets as with 1, cold and warm', async () => {
    const statements: string[] = [];
    let counting = false;
    const log = (event: LogEvent) => {
      if (counting) statements.push(event.query.sql);
    };
    const db =
      engine === 'postgres'
        ? new Kysely<Record<string, never>>({
            dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDatabase.url, max: 4 }) }),
            log,
          })
        : new Kysely<Record<string, never>>({
            dialect: new SqliteDialect({ database: new Database(':memory:') }),
            log,
          });
    const clock = createTestClock();
    const tracker = await Tracker.open({ store: await openKyselyStore({ database: db }), clock });
    try {
      await tracker.migrate();
      const one = await seed(tracker, clock, `owner_one_${engine}`, 1);
      const eight = await seed(tracker, clock, `owner_eight_${engine}`, 8);
      await tracker.runDue(); // posts Gym of 4 May, matches Power of 8 May, for both owners

      /** The statements of one summary of `owner`. */
      const count = async (owner: OwnerHandle) => {
        statements.length = 0;
        counting = true;
        const summary = await owner.analytics.summary();
        counting = false;
        return { statements: [...statements], summary };
      };
      const cold = [await count(one), await count(eight)];
      const warm = [await count(one), await count(eight)];
      expect(cold.map((c) => c.summary.budgets.length)).toEqual([1, 8]);
      // Both figures from the schedules show up: what was posted or matched, and what is coming.
      expect(warm[1]!.summary.budgets.find((b) => b.name === 'All')).toMatchObject({
        scheduledSpentMinor: 11_000,
        scheduledMinor: 100_000,
      });
      expect(cold[1]!.statements.length).toBe(cold[0]!.statements.length);
      expect(warm[1]!.statements.length).toBe(warm[0]!.statements.length);
      // Warm: the owner row; the range's two totals and the budgets' one; the schedules, their
      // occurrences, and the two expenses that settled them (Gym, Power).
      expect(warm[1]!.statements).toHaveLength(8);
      expect(warm[1]!.statements.filter((sql) => sql.includes('et_daily_total'))).toHaveLength(3);
    } finally {
      await tracker.close();
      await db.destroy();
    }
  });
});

describe.each(['sqlite', 'postgres'])('summary with more occurrences than one read takes, on %s', (engine) => {
  it('each budget still sees its own window’s occurrences, as its status does', async () => {
    const clock = createTestClock();
    const store = await openKyselyStore({ database: engine === 'postgres' ? pgDatabase.url : ':memory:' });
    const tracker = await Tracker.open({ store, clock });
    try {
      await tracker.migrate();
      clock.set('2026-05-01T09:00:00Z');
      const owner = tracker.forOwner(`owner_many_${engine}`);
      const year = await owner.budgets.create({
        name: 'Year',
        amount: '20000',
        period: { unit: 'year', anchor: '2026-01-01' },
        alertRules: [],
      });
      const week = await owner.budgets.create({
        name: 'Week',
        amount: '200',
        period: { unit: 'week' },
        alertRules: [],
      });
      const gym = await owner.schedules.create({
        name: 'Gym',
        recurrence: { unit: 'month', anchor: '2026-01-04' },
        template: { amount: '30' },
      });
      clock.set('2026-05-06T12:00:00Z'); // a Wednesday: the week is 4 to 10 May
      await tracker.runDue(); // posts Gym of 4 May
      // 10,000 skipped occurrences due in January: the first 10,000 of the year's window (which
      // one read takes at most), none in the week's.
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        owner_id: owner.ownerId,
        schedule_id: gym.id,
        nominal_date: addDays('1950-01-01', i),
        due_date: '2026-01-15',
        state: 'skipped',
        expense_id: null,
        created_at: '2026-05-06T12:00:00.000Z',
        updated_at: '2026-05-06T12:00:00.000Z',
      }));
      for (let i = 0; i < rows.length; i += 500)
        await store.db
          .insertInto('et_schedule_occurrence')
          .values(rows.slice(i, i + 500))
          .execute();

      const { budgets } = await owner.analytics.summary();
      expect(budgets).toEqual([
        { ...(await owner.budgets.status(year.id)), name: 'Year' },
        { ...(await owner.budgets.status(week.id)), name: 'Week' },
      ]);
      // The week's window reads past the year's 10,000 rows to the Gym posted on 4 May.
      expect(budgets.map((b) => b.scheduledSpentMinor)).toEqual([0, 3_000]);
    } finally {
      await tracker.close();
    }
  });
});
