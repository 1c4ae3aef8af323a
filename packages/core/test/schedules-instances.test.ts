/**
 * Two server instances ticking at once (SPEC §7.0, §7.3): two trackers, each with its own
 * connection pool, over one PostgreSQL database, run the schedules' due work at the same
 * instant. Every occurrence is posted once: each owner's work runs under the owner's lock,
 * and each occurrence is claimed by its unique key.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openKyselyStore } from '../src/store/open-database.js';
import { runDueSchedules } from '../src/schedules/run-due.js';
import { createTestClock } from '../src/testing/harness.js';
import { internalsOf, Tracker } from '../src/tracker.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

describe('schedules on two instances over one PostgreSQL database', () => {
  let database: TestDatabase;
  const trackers: Tracker[] = [];
  const clock = createTestClock();

  beforeAll(async () => {
    database = await createTestDatabase(inject('pgUrl'));
    for (let i = 0; i < 2; i += 1) {
      const tracker = await Tracker.open({
        store: await openKyselyStore({ database: database.url, poolSize: 5 }),
        clock,
      });
      await tracker.migrate();
      trackers.push(tracker);
    }
  });

  afterAll(async () => {
    for (const tracker of trackers) await tracker.close();
    await database?.drop();
  });

  it('post each due occurrence once when both tick at the same instant, catch-up included', async () => {
    clock.set('2027-01-01T12:00:00Z');
    const owners = ['ann', 'ben', 'cat', 'dan', 'eve'].map((id) => trackers[0]!.forOwner(id));
    for (const owner of owners) {
      await owner.schedules.create({
        name: 'Rent',
        recurrence: { unit: 'month', anchor: '2027-01-31' },
        template: { amount: '900' },
      });
      await owner.schedules.create({
        name: 'Coffee',
        recurrence: { unit: 'day', anchor: '2027-01-01' },
        template: { amount: '3' },
      });
    }
    const [a, b] = trackers.map((t) => internalsOf(t).context);
    for (const now of ['2027-03-15T06:00:00Z', '2027-03-15T06:00:00Z', '2027-07-01T06:00:00Z']) {
      const reports = await Promise.all([runDueSchedules(a!, new Date(now)), runDueSchedules(b!, new Date(now))]);
      expect(reports.every((r) => r.matched === 0 && r.missed === 0)).toBe(true);
    }
    for (const owner of owners) {
      const byB = trackers[1]!.forOwner(owner.ownerId);
      const posted: string[] = [];
      for (let page = await byB.expenses.list({ limit: 200 }); ;) {
        posted.push(...page.items.map((e) => `${e.description} ${e.date}`));
        if (!page.nextCursor) break;
        page = await byB.expenses.list({ limit: 200, cursor: page.nextCursor });
      }
      // Rent: 31 Jan to 30 Jun (6); coffee: every day from 1 Jan to 1 Jul (182).
      expect(posted.filter((p) => p.startsWith('Rent'))).toHaveLength(6);
      expect(posted.filter((p) => p.startsWith('Coffee'))).toHaveLength(182);
      expect(new Set(posted).size).toBe(posted.length);
    }
  });
});
