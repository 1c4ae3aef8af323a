import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { isTrackerError, Tracker, type TrackerOptions } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

type OnErrorCall = Parameters<NonNullable<TrackerOptions['onError']>>;

const pgDatabases: TestDatabase[] = [];
const openTrackers: Tracker[] = [];
const adminClients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(openTrackers.splice(0).map((tracker) => tracker.close()));
  await Promise.all(adminClients.splice(0).map((client) => client.end().catch(() => undefined)));
});
afterAll(async () => {
  await Promise.all(pgDatabases.map((db) => db.drop()));
});

/** A migrated tracker on a database of its own, recording what reaches `onError`. */
async function trackerOnFreshDatabase(): Promise<{ tracker: Tracker; db: TestDatabase; onErrorCalls: OnErrorCall[] }> {
  const db = await createTestDatabase(inject('pgUrl'));
  pgDatabases.push(db);
  const onErrorCalls: OnErrorCall[] = [];
  const tracker = await Tracker.open({ database: db.url, onError: (...args) => onErrorCalls.push(args) });
  openTrackers.push(tracker);
  await tracker.migrate();
  return { tracker, db, onErrorCalls };
}

/** A plain client beside the tracker, closed after the test. */
async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A terminated admin connection must not crash the test run either.
  client.on('error', () => undefined);
  await client.connect();
  adminClients.push(client);
  return client;
}

/** Terminates every connection to `database` except the admin's own and those in `spare`. */
async function terminateBackends(admin: pg.Client, database: string, spare: number[] = []): Promise<number> {
  const { rows } = await admin.query<{ terminated: boolean }>(
    `select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where datname = $1 and pid <> pg_backend_pid() and pid <> all($2::int[])`,
    [database, spare],
  );
  return rows.filter((row) => row.terminated).length;
}

/** The settled rejection of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to reject, but it resolved'),
    (error: unknown) => error,
  );
}

/** Runs `call`; when it fails once, that failure must be STORE_UNAVAILABLE, and the retry must succeed. */
async function withOneRetry<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    expect(isTrackerError(error) ? error.code : error).toBe('STORE_UNAVAILABLE');
    return call();
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

/** Listens on a free port and returns it after closing, so nothing listens there. */
async function portWithNothingListening(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('an unreachable PostgreSQL', () => {
  it('fails migrate() and owner calls with STORE_UNAVAILABLE when nothing listens on the port', async () => {
    const port = await portWithNothingListening();
    const tracker = await Tracker.open({
      database: `postgres://postgres@127.0.0.1:${port}/x`,
      onError: () => undefined,
    });
    openTrackers.push(tracker);
    const owner = tracker.forOwner('x');

    const started = Date.now();
    for (const call of [
      () => tracker.migrate(),
      () => owner.expenses.create({ amount: '1.50' }),
      () => owner.expenses.list(),
    ]) {
      const error = await rejectionOf(call());
      expect(isTrackerError(error) ? error.code : error).toBe('STORE_UNAVAILABLE');
      // Never leaks driver internals in the message; the driver error is the cause.
      expect((error as Error).message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      expect((error as Error).cause).toBeDefined();
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails with STORE_UNAVAILABLE after the 5 s connect timeout when the server accepts but never answers', async () => {
    // A TCP server that accepts connections and says nothing: without a connect timeout, calls would hang.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const tracker = await Tracker.open({
        database: `postgres://postgres@127.0.0.1:${port}/x`,
        onError: () => undefined,
      });
      openTrackers.push(tracker);

      const started = Date.now();
      const errors = await Promise.all([
        rejectionOf(tracker.migrate()),
        rejectionOf(tracker.forOwner('x').expenses.create({ amount: '1.50' })),
      ]);
      const elapsed = Date.now() - started;
      expect(errors.map((error) => (isTrackerError(error) ? error.code : error))).toEqual([
        'STORE_UNAVAILABLE',
        'STORE_UNAVAILABLE',
      ]);
      expect(elapsed).toBeGreaterThanOrEqual(4500);
      expect(elapsed).toBeLessThan(7000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('connections terminated by the server', () => {
  it('reports idle connections that die to onError, and the next calls reconnect', async () => {
    const { tracker, db, onErrorCalls } = await trackerOnFreshDatabase();
    const owner = tracker.forOwner('x');
    // Several calls at once leave several idle connections in the pool.
    const first = await Promise.all([1, 2, 3].map((n) => owner.expenses.create({ amount: `${n}.50` })));

    const admin = await adminClient(inject('pgUrl'));
    const terminated = await terminateBackends(admin, databaseName(db.url));
    expect(terminated).toBeGreaterThanOrEqual(1);

    // Nothing was running, so every terminated connection was an idle one of the pool: each is
    // reported once, as a 'database' error carrying the server's admin_shutdown code.
    await waitFor(() => onErrorCalls.length >= terminated, "the pool's errors to reach onError");
    expect(onErrorCalls).toHaveLength(terminated);
    for (const [error, context] of onErrorCalls) {
      expect(context).toEqual({ source: 'database' });
      expect((error as { code?: string }).code).toBe('57P01');
    }

    const page = await withOneRetry(() => owner.expenses.list());
    expect(page.items.map((expense) => expense.id).sort()).toEqual(first.map((expense) => expense.id).sort());
    const next = await withOneRetry(() => owner.expenses.create({ amount: '4.00' }));
    expect(await owner.expenses.get(next.id)).toEqual(next);
    expect((await owner.changes()).events.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(onErrorCalls).toHaveLength(terminated);
  });

  it('rolls back a createMany whose connection is terminated mid-transaction, keeping seqs gapless', async () => {
    const { tracker, db, onErrorCalls } = await trackerOnFreshDatabase();
    const name = databaseName(db.url);
    const owner = tracker.forOwner('x');
    await owner.expenses.create({ amount: '1.00' }); // seq 1, and today's daily-total row exists

    // Hold today's daily-total row: createMany takes the owner lock, inserts its 500 expenses
    // and tags, then waits on that row when it adds its delta, i.e. in the middle of its transaction.
    const locker = await adminClient(db.url);
    const { rows: lockerRows } = await locker.query<{ pid: number }>('select pg_backend_pid() as pid');
    await locker.query('begin');
    await locker.query("select owner_id from et_daily_total where owner_id = 'x' for update");

    const items = Array.from({ length: 500 }, (_, i) => ({ amount: `${i + 1}.25`, tags: ['batch', `n${i}`] }));
    const pending = rejectionOf(owner.expenses.createMany(items));

    const admin = await adminClient(inject('pgUrl'));
    await waitFor(async () => {
      const { rows } = await admin.query(
        `select 1 from pg_stat_activity where datname = $1 and state = 'active' and wait_event_type = 'Lock'
            and query ilike '%et_daily_total%' and backend_xid is not null`,
        [name],
      );
      return rows.length === 1;
    }, 'createMany to wait on the daily-total row');
    // It waits holding a transaction id, i.e. it has already written: the termination lands mid-transaction.
    expect(await terminateBackends(admin, name, [lockerRows[0]!.pid])).toBeGreaterThanOrEqual(1);

    const error = await pending;
    expect(isTrackerError(error) ? error.code : error).toBe('STORE_UNAVAILABLE');
    await locker.query('rollback');

    // Nothing of the batch was stored: not the expenses, their tags, the events, nor the seq bump.
    const counts = await locker.query<{ expenses: number; tags: number; events: number; last_seq: number }>(
      `select (select count(*)::int from et_expense) as expenses, (select count(*)::int from et_expense_tag) as tags,
              (select count(*)::int from et_event) as events, (select last_seq::int from et_owner where id = 'x') as last_seq`,
    );
    expect(counts.rows).toEqual([{ expenses: 1, tags: 0, events: 1, last_seq: 1 }]);
    expect((await withOneRetry(() => owner.expenses.list())).items).toHaveLength(1);

    // The pool recovers, and the next batch continues the feed without a gap.
    await withOneRetry(() => owner.expenses.createMany(items));
    const seqs: number[] = [];
    let page = await owner.changes({ limit: 200 });
    while (page.events.length > 0) {
      seqs.push(...page.events.map((event) => event.seq));
      page = await owner.changes({ after: seqs[seqs.length - 1]!, limit: 200 });
    }
    expect(seqs).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));
    expect(page.lastSeq).toBe(501);
    const { rows } = await locker.query<{ n: number }>('select count(*)::int as n from et_expense');
    expect(rows[0]!.n).toBe(501);
    expect(onErrorCalls.every(([, ctx]) => ctx.source === 'database')).toBe(true);
  });
});
