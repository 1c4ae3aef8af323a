import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptanceDatabase,
  ensureBuilt,
  login,
  processClock,
  startBuiltServer,
  stopServer,
  type AcceptanceDatabase,
  type ProcessClock,
} from './support/acceptance.js';
import { processUser, waitFor, type ServerProcess } from './support/process.js';
import { DIALECTS } from './support/server.js';

/**
 * Issue #15 accepted black-box (SPEC §7.0 due work, §7.3): the built server (`npm start`) as
 * child processes on each engine, driven only over HTTP. Time is moved, never waited for:
 * every process reads its clock from a file the test rewrites (`ET_TEST_CLOCK_FILE`, a
 * test-only preload), and runs its due work every 50 ms of real time.
 */

const RENT = {
  name: 'Rent',
  recurrence: { unit: 'month', anchor: '2027-01-31' },
  template: { amount: '1200.00', currency: 'EUR', merchant: 'Landlord' },
};
const TICK = { DUE_WORK_INTERVAL_MS: '50' };
/** How long a catch-up may take on a loaded 2-core CI machine (it takes a second or two here). */
const CATCH_UP_MS = 30_000;

interface Expense {
  id: string;
  date: string;
  amountMinor: number;
  merchant: string | null;
  source: { kind: string; id?: string };
}

/** The dates from `first` to `last`, every `days` days. */
function everyDays(first: string, days: number, last: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += days * 86_400_000) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

describe.each(DIALECTS)('schedules against npm start on %s (#15)', (dialect) => {
  let database: AcceptanceDatabase;
  let clock: ProcessClock;
  const started: ServerProcess[] = [];
  let server: ServerProcess;
  const start = async () => {
    const s = await startBuiltServer(database, { ...clock.env, ...TICK });
    started.push(s);
    return s;
  };

  beforeAll(async () => {
    await ensureBuilt();
    database = await acceptanceDatabase(dialect);
    clock = processClock('2027-01-15T12:00:00.000Z');
    server = await start();
  }, 600_000); // a build on a loaded machine, once per run

  afterAll(async () => {
    for (const s of started) await stopServer(s);
    await database?.drop();
    clock?.remove();
  });

  const owner = `sch${dialect}`;
  let token: string;
  let rentId: string;
  let coffeeId: string;

  /** Every expense the schedule `id` posted, by date. */
  async function postedBy(on: ServerProcess, as: string, id: string): Promise<Expense[]> {
    const all: Expense[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Expense[]; nextCursor: string | null } } = await on.request(
        'GET',
        `/expenses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: as },
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return all
      .filter((e) => e.source.kind === 'schedule' && e.source.id === id)
      .sort((a, b) => a.date.localeCompare(b.date));
  }

  const dates = (list: { date: string }[]) => list.map((e) => e.date);

  it('monthly from the 31st: 12 dates a year, the last day of shorter months (Feb 28, Feb 29 in a leap year, Apr 30)', async () => {
    token = (await processUser(server, owner)).token;
    const created = await server.request('POST', '/schedules', { token, body: RENT });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    rentId = created.body.id;
    expect(created.body.nextOccurrence).toMatchObject({ nominal: '2027-01-31', due: '2027-01-31' });
    const year = async (y: number) => {
      const res = await server.request('GET', `/schedules/upcoming?from=${y}-01-01&to=${y}-12-31`, { token });
      expect(res.status).toBe(200);
      return res.body.map((o: { due: string }) => o.due) as string[];
    };
    // The 31st, or the last day of a shorter month (day 0 of the next month is the last of this one).
    const lastDays = (y: number) =>
      Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10));
    expect(await year(2027)).toEqual(lastDays(2027));
    expect(await year(2028)).toEqual(lastDays(2028));
    expect(lastDays(2027)).toEqual(expect.arrayContaining(['2027-02-28', '2027-04-30', '2027-12-31']));
    expect(lastDays(2028)[1]).toBe('2028-02-29');
    // upcoming wrote nothing.
    expect((await server.request('GET', `/schedules/${rentId}/occurrences`, { token })).body).toEqual([]);
  });

  it('with the server stopped over several due dates, the next start posts each exactly once, on its due date', async () => {
    // A weekly one due today shows the running server's due work at work: it posts today's.
    const coffee = await server.request('POST', '/schedules', {
      token,
      body: {
        name: 'Coffee beans',
        recurrence: { unit: 'week', anchor: '2027-01-15' },
        template: { amount: '9.90', currency: 'EUR', merchant: 'Roastery' },
      },
    });
    expect(coffee.status, JSON.stringify(coffee.body)).toBe(201);
    coffeeId = coffee.body.id;
    await waitFor(
      'today’s coffee',
      async () => dates(await postedBy(server, token, coffeeId)),
      (d) => d.length > 0,
      CATCH_UP_MS,
    );
    expect(dates(await postedBy(server, token, coffeeId))).toEqual(['2027-01-15']);
    expect(await postedBy(server, token, rentId)).toEqual([]);

    await stopServer(server);
    clock.set('2027-05-03T12:00:00.000Z'); // three and a half months of downtime
    server = await start();
    token = await login(server, owner); // the old access token expired meanwhile
    const rent = await waitFor(
      'the missed rents',
      () => postedBy(server, token, rentId),
      (list) => list.length >= 4,
      CATCH_UP_MS,
    );
    const coffees = everyDays('2027-01-15', 7, '2027-05-03');
    await waitFor(
      'the missed coffees',
      async () => (await postedBy(server, token, coffeeId)).length,
      (n) => n >= coffees.length,
      CATCH_UP_MS,
    );
    expect(dates(rent)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30']);
    expect(rent.every((e) => e.amountMinor === 120000 && e.merchant === 'Landlord')).toBe(true);
    expect(dates(await postedBy(server, token, coffeeId))).toEqual(coffees);
    const occurrences = (await server.request('GET', `/schedules/${rentId}/occurrences`, { token })).body;
    expect(
      occurrences.map((o: { nominal: string; state: string; expenseId: string }) => [o.nominal, o.state, o.expenseId]),
    ).toEqual(rent.map((e) => [e.date, 'posted', e.id]));

    // Stopped and started again later: the next due date only, nothing of the earlier ones again.
    await stopServer(server);
    clock.set('2027-05-31T12:00:00.000Z');
    server = await start();
    token = await login(server, owner);
    await waitFor(
      'May’s rent',
      async () => (await postedBy(server, token, rentId)).length,
      (n) => n >= 5,
      CATCH_UP_MS,
    );
    await waitFor(
      'May’s coffees',
      async () => (await postedBy(server, token, coffeeId)).length,
      (n) => n >= coffees.length + 4,
      CATCH_UP_MS,
    );
    expect(dates(await postedBy(server, token, rentId))).toEqual([...dates(rent), '2027-05-31']);
    expect(dates(await postedBy(server, token, coffeeId))).toEqual(everyDays('2027-01-15', 7, '2027-05-31'));
  }, 120_000);

  it('two instances ticking at once post each occurrence once', async () => {
    // A second instance over the same database, both with the same clock, both ticking every 50 ms.
    const second = await start();
    const daily = (await processUser(second, `${owner}daily`)).token;
    const created = await second.request('POST', '/schedules', {
      token: daily,
      body: {
        name: 'Paper',
        recurrence: { unit: 'day', anchor: '2027-05-31' },
        template: { amount: '2.50', currency: 'EUR' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor(
      'today’s paper',
      async () => (await postedBy(second, daily, created.body.id)).length,
      (n) => n > 0,
      CATCH_UP_MS,
    );

    // Both jump three months at once and race for the same due work.
    clock.set('2027-08-31T12:00:00.000Z');
    token = await login(server, owner);
    let again = await login(second, `${owner}daily`);
    const papers = everyDays('2027-05-31', 1, '2027-08-31');
    await waitFor(
      'the papers',
      async () => (await postedBy(server, again, created.body.id)).length,
      (n) => n >= papers.length,
      CATCH_UP_MS,
    );
    await waitFor(
      'the rents',
      async () => (await postedBy(second, token, rentId)).length,
      (n) => n >= 8,
      CATCH_UP_MS,
    );
    // One more day: both have ticked again since, and still each is there once.
    clock.set('2027-09-01T12:00:00.000Z');
    token = await login(second, owner);
    again = await login(server, `${owner}daily`);
    await waitFor(
      '1 September’s paper',
      async () => (await postedBy(second, again, created.body.id)).length,
      (n) => n > papers.length,
      CATCH_UP_MS,
    );
    expect(dates(await postedBy(server, again, created.body.id))).toEqual([...papers, '2027-09-01']);
    expect(dates(await postedBy(second, token, rentId))).toEqual([
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
      '2027-06-30',
      '2027-07-31',
      '2027-08-31',
    ]);
    expect(dates(await postedBy(server, token, coffeeId))).toEqual(everyDays('2027-01-15', 7, '2027-09-01'));
  }, 120_000);
});
