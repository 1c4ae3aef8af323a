import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  Migrator,
  MysqlQueryCompiler,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { isTrackerError, Tracker, type Expense, type TrackerEvent } from '../src/index.js';
import { openKyselyStore } from '../src/kysely/index.js';
import { MIGRATION_TABLE } from '../src/store/kysely-store.js';
import { coreMigrations } from '../src/store/migrations/core-migrations.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

const CORE_TABLES = [
  'et_alert_rule',
  'et_budget',
  'et_category',
  'et_currency_total',
  'et_daily_total',
  'et_event',
  'et_expense',
  'et_expense_tag',
  'et_idempotency',
  'et_import',
  'et_import_profile',
  'et_import_row',
  'et_migration',
  'et_migration_lock',
  'et_notification',
  'et_owner',
  'et_rule',
  'et_rule_run',
  'et_rule_run_change',
  'et_schedule',
  'et_schedule_occurrence',
  'et_webhook_endpoint',
  'et_webhook_message',
];
const MIGRATIONS = Object.keys(coreMigrations('sqlite')).sort();

// Every test that needs PostgreSQL gets a database of its own, dropped when the file is done.
const pgDatabases: TestDatabase[] = [];
async function freshPgDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgUrl'));
  pgDatabases.push(db);
  return db;
}
afterAll(async () => {
  await Promise.all(pgDatabases.map((db) => db.drop()));
});

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'et-open-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// Trackers a test opened; closed after each test even when it failed half-way.
const openTrackers: Tracker[] = [];
async function open(options: Parameters<typeof Tracker.open>[0]): Promise<Tracker> {
  const tracker = await Tracker.open(options);
  openTrackers.push(tracker);
  return tracker;
}
afterEach(async () => {
  await Promise.all(openTrackers.splice(0).map((tracker) => tracker.close()));
});

/** Migrates, creates an expense for owner `x`, and reads it back by id and by listing. */
async function roundTrip(tracker: Tracker): Promise<Expense> {
  await tracker.migrate();
  const owner = tracker.forOwner('x');
  const created = await owner.expenses.create({ amount: '1.50' });
  expect(created).toMatchObject({ amountMinor: 150, amount: '1.50', currency: 'USD' });
  expect(await owner.expenses.get(created.id)).toEqual(created);
  const page = await owner.expenses.list();
  expect(page.items).toEqual([created]);
  expect(page.nextCursor).toBeNull();
  return created;
}

/** The settled rejection of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to reject, but it resolved'),
    (error: unknown) => error,
  );
}

describe('Tracker.open with a database it opens itself', () => {
  it("works on ':memory:'", async () => {
    const tracker = await open({ database: ':memory:' });
    await roundTrip(tracker);
  });

  it('creates the missing parent directories of a SQLite file path, keeps the data, and uses WAL mode', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'expenses.db');
    expect(existsSync(dirname(path))).toBe(false);

    const tracker = await open({ database: path });
    const created = await roundTrip(tracker);
    await tracker.close();

    expect(existsSync(path)).toBe(true);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('select id, amount_minor from et_expense').all()).toEqual([
        { id: created.id, amount_minor: 150 },
      ]);
    } finally {
      raw.close();
    }

    const reopened = await open({ database: path });
    await reopened.migrate();
    expect(await reopened.forOwner('x').expenses.get(created.id)).toEqual(created);
  });

  it('creates the SQLite file, its -wal and -shm files and missing directories for the owner alone (0600, 0700), whatever the umask lets through', async () => {
    const previous = process.umask(0o022); // the usual umask, under which files were created 0644 before
    try {
      const base = tempDir();
      const path = join(base, 'private', 'expenses.db');
      const tracker = await open({ database: `sqlite:${path}` });
      await roundTrip(tracker); // a write: SQLite creates the -wal and -shm files
      const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
      expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)]).toEqual(['600', '600', '600']);
      expect(mode(join(base, 'private'))).toBe('700');
      // A file that already exists keeps the mode its owner gave it.
      const shared = join(base, 'shared.db');
      closeSync(openSync(shared, 'w', 0o640));
      await roundTrip(await open({ database: shared }));
      expect(mode(shared)).toBe('640');
    } finally {
      process.umask(previous);
    }
  });

  it('accepts the sqlite:<path> form and writes to <path> itself', async () => {
    const dir = tempDir();
    const path = join(dir, 'sub', 'prefixed.db');

    const tracker = await open({ database: `sqlite:${path}` });
    const created = await roundTrip(tracker);
    await tracker.close();

    expect(existsSync(path)).toBe(true);
    const reopened = await open({ database: path });
    expect(await reopened.forOwner('x').expenses.get(created.id)).toEqual(created);
  });

  it('works on a postgres:// URL', async () => {
    const { url } = await freshPgDatabase();
    expect(url).toMatch(/^postgres:\/\//);
    const tracker = await open({ database: url });
    const created = await roundTrip(tracker);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('select id, owner_id, amount_minor::int as amount_minor from et_expense');
      expect(rows).toEqual([{ id: created.id, owner_id: 'x', amount_minor: 150 }]);
    } finally {
      await client.end();
    }
  });
});

describe("Tracker.open with the host app's connection", () => {
  it('works on a better-sqlite3 Database and leaves it open on close()', async () => {
    const host = new Database(':memory:');
    try {
      const tracker = await open({ database: host });
      const created = await roundTrip(tracker);
      await tracker.close();

      expect(host.open).toBe(true);
      expect(host.prepare('select id from et_expense').all()).toEqual([{ id: created.id }]);
    } finally {
      host.close();
    }
  });

  it('works on a pg.Pool and leaves it open on close()', async () => {
    const { url } = await freshPgDatabase();
    const host = new pg.Pool({ connectionString: url });
    try {
      const tracker = await open({ database: host });
      const created = await roundTrip(tracker);
      await tracker.close();

      expect(host.ended).toBe(false);
      const { rows } = await host.query('select id from et_expense');
      expect(rows).toEqual([{ id: created.id }]);
    } finally {
      await host.end();
    }
  });

  it('works on a Kysely instance with SqliteDialect and leaves it open on close()', async () => {
    const host = new Kysely<Record<string, never>>({
      dialect: new SqliteDialect({ database: new Database(':memory:') }),
    });
    try {
      const tracker = await open({ database: host });
      const created = await roundTrip(tracker);
      await tracker.close();

      const { rows } = await sql<{ id: string }>`select id from et_expense`.execute(host);
      expect(rows).toEqual([{ id: created.id }]);
    } finally {
      await host.destroy();
    }
  });

  it('works on a Kysely instance with PostgresDialect and leaves it open on close()', async () => {
    const { url } = await freshPgDatabase();
    const host = new Kysely<Record<string, never>>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
    });
    try {
      const tracker = await open({ database: host });
      const created = await roundTrip(tracker);
      await tracker.close();

      const { rows } = await sql<{ id: string }>`select id from et_expense`.execute(host);
      expect(rows).toEqual([{ id: created.id }]);
    } finally {
      await host.destroy();
    }
  });
});

describe('migrate() beside a host app', () => {
  it('on SQLite: runs twice harmlessly, adds only et_ tables with et_migration bookkeeping, and leaves a host table alone', async () => {
    const host = new Database(':memory:');
    try {
      host.exec('create table host_note (id integer primary key, body text not null)');
      host.prepare('insert into host_note (id, body) values (?, ?)').run(1, 'keep me');

      const tracker = await open({ database: host });
      await tracker.migrate();
      await tracker.migrate();
      const created = await roundTrip(tracker); // a third migrate() inside

      const tables = host
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name",
        )
        .pluck()
        .all();
      expect(tables).toEqual([...CORE_TABLES, 'host_note'].sort());
      expect(host.prepare('select name from et_migration order by name').pluck().all()).toEqual(MIGRATIONS);
      expect(host.prepare('select id, body from host_note').all()).toEqual([{ id: 1, body: 'keep me' }]);
      expect(host.prepare('select id from et_expense').pluck().all()).toEqual([created.id]);
    } finally {
      host.close();
    }
  });

  it('on PostgreSQL: runs twice harmlessly, adds only et_ tables with et_migration bookkeeping, and leaves a host table alone', async () => {
    const { url } = await freshPgDatabase();
    const host = new pg.Pool({ connectionString: url });
    try {
      await host.query('create table host_note (id int primary key, body text not null)');
      await host.query("insert into host_note (id, body) values (1, 'keep me')");

      const tracker = await open({ database: url });
      await tracker.migrate();
      await tracker.migrate();
      const created = await roundTrip(tracker);

      const tables = await host.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual([...CORE_TABLES, 'host_note'].sort());
      expect((await host.query('select name from et_migration order by name')).rows).toEqual(
        MIGRATIONS.map((name) => ({ name })),
      );
      expect((await host.query('select id, body from host_note')).rows).toEqual([{ id: 1, body: 'keep me' }]);
      expect((await host.query('select id from et_expense')).rows).toEqual([{ id: created.id }]);
    } finally {
      await host.end();
    }
  });
});

describe('two trackers in one process', () => {
  const pairs: [string, () => Promise<[string, string]>][] = [
    ['two SQLite in-memory databases', async () => [':memory:', ':memory:']],
    ['two PostgreSQL databases', async () => [(await freshPgDatabase()).url, (await freshPgDatabase()).url]],
    ['a SQLite file and a PostgreSQL database', async () => [join(tempDir(), 'one.db'), (await freshPgDatabase()).url]],
  ];

  it.each(pairs)('on %s never see each other’s data or events', async (_name, databases) => {
    const [first, second] = await databases();
    const a = await open({ database: first });
    const b = await open({ database: second });
    await Promise.all([a.migrate(), b.migrate()]);

    const seenByA: TrackerEvent[] = [];
    const seenByB: TrackerEvent[] = [];
    a.on('*', (event) => seenByA.push(event));
    b.on('*', (event) => seenByB.push(event));

    const inA = await a.forOwner('x').expenses.create({ amount: '1.50' });
    expect((await b.forOwner('x').expenses.list()).items).toEqual([]);
    const missing = await rejectionOf(b.forOwner('x').expenses.get(inA.id));
    expect(isTrackerError(missing, 'NOT_FOUND')).toBe(true);
    expect(seenByA.map((event) => [event.type, event.seq])).toEqual([['expense.created', 1]]);
    expect(seenByB).toEqual([]);

    const inB = await b.forOwner('x').expenses.create({ amount: '2.00' });
    expect((await a.forOwner('x').expenses.list()).items).toEqual([inA]);
    expect((await b.forOwner('x').expenses.list()).items).toEqual([inB]);
    // Each database numbers its own change feed from 1.
    expect(seenByB.map((event) => [event.type, event.seq])).toEqual([['expense.created', 1]]);
    expect(seenByA).toHaveLength(1);
    expect((await a.forOwner('x').changes()).lastSeq).toBe(1);
    expect((await b.forOwner('x').changes()).lastSeq).toBe(1);
  });
});

describe('invalid and closed trackers', () => {
  const unknownKysely = new Kysely<Record<string, never>>({
    dialect: {
      createAdapter: () => new MysqlAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new MysqlIntrospector(db),
      createQueryCompiler: () => new MysqlQueryCompiler(),
    },
  });
  afterAll(() => unknownKysely.destroy());

  it.each([
    ['an empty object', {}],
    ['a number', 42],
    ['an empty sqlite: path', 'sqlite:'],
    ['a Kysely instance of another engine', unknownKysely],
  ])('open() rejects %s with VALIDATION_FAILED', async (_name, database) => {
    const error = await rejectionOf(Tracker.open({ database: database as never }));
    expect(isTrackerError(error, 'VALIDATION_FAILED')).toBe(true);
    expect(error).toMatchObject({ name: 'TrackerError', code: 'VALIDATION_FAILED' });
  });

  it('after close() every owner method and migrate() reject with TRACKER_CLOSED, and close() twice is fine', async () => {
    const tracker = await open({ database: ':memory:' });
    const created = await roundTrip(tracker);
    const owner = tracker.forOwner('x');

    await tracker.close();
    await expect(tracker.close()).resolves.toBeUndefined();

    const later = tracker.forOwner('y');
    const calls: [string, () => Promise<unknown>][] = [
      ['migrate', () => tracker.migrate()],
      ['ping', () => tracker.ping()],
      ['expenses.create', () => owner.expenses.create({ amount: '1.00' })],
      ['expenses.createMany', () => owner.expenses.createMany([{ amount: '1.00' }])],
      ['expenses.get', () => owner.expenses.get(created.id)],
      ['expenses.list', () => owner.expenses.list()],
      ['expenses.update', () => owner.expenses.update(created.id, { amount: '2.00' })],
      ['expenses.replace', () => owner.expenses.replace(created.id, { amount: '2.00' })],
      ['expenses.delete', () => owner.expenses.delete(created.id)],
      ['categories.create', () => owner.categories.create({ name: 'Food' })],
      ['categories.list', () => owner.categories.list()],
      ['settings.get', () => owner.settings.get()],
      ['settings.update', () => owner.settings.update({ currency: 'EUR' })],
      ['changes', () => owner.changes()],
      ['a handle taken after close', () => later.expenses.list()],
    ];
    for (const [name, call] of calls) {
      const error = await rejectionOf(call());
      expect({ name, code: isTrackerError(error) ? error.code : error }).toEqual({ name, code: 'TRACKER_CLOSED' });
    }
  });
});

describe('0006-currency-totals on a database with data', () => {
  it.each(['SQLite', 'PostgreSQL'] as const)(
    'on %s: fills each owner’s all-time total per currency from the daily totals written before it',
    async (engine) => {
      const store = await openKyselyStore({
        database: engine === 'SQLite' ? ':memory:' : (await freshPgDatabase()).url,
      });
      const tracker = await open({ store });
      await tracker.migrate();
      const alice = tracker.forOwner('alice');
      await alice.expenses.createMany([
        { amount: '10.00', date: '2026-01-01' },
        { amount: '2.50', date: '2026-02-03' },
        { amount: '700', currency: 'JPY', date: '2026-02-03' },
      ]);
      await tracker.forOwner('bob').expenses.create({ amount: '1.00', date: '2026-01-01' });
      // Back to how a database migrated up to 0005 looks, by the migrations' own `down` (0006
      // and every later one, which Kysely requires to run in order), keeping the data.
      const { db } = store;
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => coreMigrations(store.dialect) },
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: `${MIGRATION_TABLE}_lock`,
      });
      expect((await migrator.migrateTo('0005-owner-leading-keys')).error).toBeUndefined();
      expect(await sql`select 1 from et_currency_total`.execute(db).catch(() => 'no table')).toBe('no table');
      await tracker.migrate();
      const rows = await db
        .selectFrom('et_currency_total')
        .select(['owner_id', 'currency', 'amount_minor', 'count'])
        .orderBy('owner_id')
        .orderBy('currency')
        .execute();
      expect(rows.map((r) => [r.owner_id, r.currency, Number(r.amount_minor), Number(r.count)])).toEqual([
        ['alice', 'JPY', 700, 1],
        ['alice', 'USD', 1250, 2],
        ['bob', 'USD', 100, 1],
      ]);
    },
  );
});

describe('tracker.ping(), the readiness check', () => {
  it('resolves when the database answers, on SQLite and on PostgreSQL', async () => {
    await expect((await open({ database: ':memory:' })).ping()).resolves.toBeUndefined();
    await expect((await open({ database: (await freshPgDatabase()).url })).ping()).resolves.toBeUndefined();
  });

  it('rejects with STORE_UNAVAILABLE when PostgreSQL does not answer (the tracker opens its pool lazily)', async () => {
    // Port 1 (tcpmux) is closed on any machine that runs these tests: the connection is refused.
    const tracker = await open({ database: 'postgres://nobody@127.0.0.1:1/none' });
    const error = await rejectionOf(tracker.ping());
    expect(isTrackerError(error, 'STORE_UNAVAILABLE')).toBe(true);
  });
});
