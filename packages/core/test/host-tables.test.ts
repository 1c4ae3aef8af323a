/**
 * A host application's own tables in the tracker's database (`defineHostTables`,
 * `hostDatabase` from `@expense-tracker/core/kysely`): the one way a host, the server
 * included, reaches the database, without a way to core's tables or past the tracker's
 * connection rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect, type Migration } from 'kysely';
import { afterAll, afterEach, describe, expect, expectTypeOf, inject, it } from 'vitest';
import { isTrackerError, Tracker } from '../src/index.js';
import { defineHostTables, hostDatabase, openKyselyStore, type KyselyStore } from '../src/kysely/index.js';
import type { Store } from '../src/store/index.js';
import { kyselyRawQuery } from '../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

interface AppTables {
  app_note: { id: string; owner_id: string; text: string };
}

const createNotes: Migration = {
  async up(db) {
    await db.schema
      .createTable('app_note')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();
  },
};
const appTables = defineHostTables<AppTables>({ prefix: 'app_', migrations: { '0001-notes': createNotes } });

const pgDatabases: TestDatabase[] = [];
const dirs: string[] = [];
const opened: Tracker[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((tracker) => tracker.close()));
});
afterAll(async () => {
  await Promise.all(pgDatabases.map((database) => database.drop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A migrated tracker on the bundled store over a fresh SQLite file or PostgreSQL database, with that store. */
async function trackerOn(engine: 'sqlite' | 'postgres'): Promise<{ tracker: Tracker; store: KyselyStore }> {
  let database: string;
  if (engine === 'postgres') {
    const pg = await createTestDatabase(inject('pgUrl'));
    pgDatabases.push(pg);
    database = pg.url;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'et-host-'));
    dirs.push(dir);
    database = join(dir, 'app.db');
  }
  const store = await openKyselyStore({ database });
  const tracker = await Tracker.open({ store });
  opened.push(tracker);
  await tracker.migrate();
  return { tracker, store };
}

/** The settled rejection of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to reject, but it resolved'),
    (error: unknown) => error,
  );
}

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every callback already queued run (better-sqlite3 answers synchronously, within a few turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

const NOTE = { id: 'note_1', owner_id: 'alice', text: 'Pay the plumber' };

describe.each(['sqlite', 'postgres'] as const)('a host’s own tables on %s', (engine) => {
  it('are migrated beside core’s, bookkept apart from them, harmlessly twice, and queried through a handle typed for them only', async () => {
    const { tracker, store } = await trackerOn(engine);
    const db = hostDatabase(tracker, appTables);
    expectTypeOf(db).toEqualTypeOf<Kysely<AppTables>>(); // core's et_ tables are not in its type
    await appTables.migrate(db);
    await appTables.migrate(db);

    await db.insertInto('app_note').values(NOTE).execute();
    expect(await db.selectFrom('app_note').selectAll().execute()).toEqual([NOTE]);
    await tracker.forOwner('alice').expenses.create({ amount: '80.00', description: 'Plumber' });

    const raw = kyselyRawQuery(store);
    expect(await raw('select name from app_migration')).toEqual([{ name: '0001-notes' }]);
    const coreMigrations = (await raw('select name from et_migration')).map((row) => row.name);
    expect(coreMigrations).not.toContain('0001-notes');
    expect(coreMigrations.length).toBeGreaterThan(0);
    expect(await raw('select count(*) as n from et_expense')).toEqual([{ n: engine === 'sqlite' ? 1 : '1' }]);
  });

  it('run transactions of their own: a rollback takes only the host’s writes back, a commit keeps them', async () => {
    const { tracker } = await trackerOn(engine);
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);
    const alice = tracker.forOwner('alice');
    await alice.expenses.create({ amount: '5.00' });

    const failure = new Error('the host changed its mind');
    const thrown = await rejectionOf(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('app_note').values(NOTE).execute();
        throw failure;
      }),
    );
    expect(thrown).toBe(failure);
    expect(await db.selectFrom('app_note').selectAll().execute()).toEqual([]);
    expect((await alice.expenses.list()).items).toHaveLength(1);

    await db.transaction().execute(async (trx) => {
      await trx.insertInto('app_note').values(NOTE).execute();
      await trx.updateTable('app_note').set({ text: 'Paid the plumber' }).where('id', '=', NOTE.id).execute();
    });
    expect(await db.selectFrom('app_note').select('text').execute()).toEqual([{ text: 'Paid the plumber' }]);
  });

  it('roll back to a savepoint of a controlled transaction', async () => {
    const { tracker } = await trackerOn(engine);
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);
    const trx = await db.startTransaction().execute();
    await trx.insertInto('app_note').values(NOTE).execute();
    const saved = await trx.savepoint('before "second"').execute();
    await saved
      .insertInto('app_note')
      .values({ ...NOTE, id: 'note_2' })
      .execute();
    await saved.rollbackToSavepoint('before "second"').execute();
    await trx.commit().execute();
    expect(await db.selectFrom('app_note').select('id').execute()).toEqual([{ id: 'note_1' }]);
  });

  it('fail with TRACKER_CLOSED once the tracker is closed', async () => {
    const { tracker } = await trackerOn(engine);
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);
    await tracker.close();
    const error = await rejectionOf(db.selectFrom('app_note').selectAll().execute());
    expect(isTrackerError(error, 'TRACKER_CLOSED')).toBe(true);
  });
});

describe('a host’s own tables on SQLite, one connection shared with the tracker', () => {
  it('a host write during a tracker transaction waits for it, and is not rolled back with it', async () => {
    const { tracker, store } = await trackerOn('sqlite');
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);

    const inside = gate();
    const release = gate();
    const coreWrite = store.transaction(async (tx) => {
      await tx.owners.lock('alice', '2026-11-25T10:00:00.000Z');
      inside.open();
      await release.opened;
      throw new Error('rolled back');
    });
    await inside.opened;
    let written = false;
    const hostWrite = db
      .insertInto('app_note')
      .values(NOTE)
      .execute()
      .then(() => (written = true));
    await settle();
    expect(written).toBe(false); // it waits for the connection the tracker's transaction holds

    release.open();
    await expect(coreWrite).rejects.toThrow('rolled back');
    await hostWrite;
    // Run inside the tracker's transaction, the note would have gone with its rollback.
    expect(await db.selectFrom('app_note').selectAll().execute()).toEqual([NOTE]);
    expect(await kyselyRawQuery(store)('select id from et_owner')).toEqual([]);
  });

  it('a tracker write during a host transaction waits for it, and is not rolled back with it', async () => {
    const { tracker } = await trackerOn('sqlite');
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);
    const alice = tracker.forOwner('alice');

    const inside = gate();
    const release = gate();
    const hostTransaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('app_note').values(NOTE).execute();
      inside.open();
      await release.opened;
      throw new Error('the host rolls back');
    });
    await inside.opened;
    let written = false;
    const trackerWrite = alice.expenses.create({ amount: '12.50', description: 'Lunch' }).then((expense) => {
      written = true;
      return expense;
    });
    await settle();
    expect(written).toBe(false);

    release.open();
    await expect(hostTransaction).rejects.toThrow('the host rolls back');
    const lunch = await trackerWrite;
    expect((await alice.expenses.list()).items.map((e) => e.id)).toEqual([lunch.id]);
    expect(await db.selectFrom('app_note').selectAll().execute()).toEqual([]);
  });
});

describe('a host’s own tables on PostgreSQL', () => {
  it('a host transaction takes Kysely’s isolation level and access mode', async () => {
    const { tracker } = await trackerOn('postgres');
    const db = hostDatabase(tracker, appTables);
    await appTables.migrate(db);
    const seen = await db
      .transaction()
      .setIsolationLevel('serializable')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const isolation = await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx);
        const readOnly = await sql<{ transaction_read_only: string }>`show transaction_read_only`.execute(trx);
        return [isolation.rows[0]?.transaction_isolation, readOnly.rows[0]?.transaction_read_only];
      });
    expect(seen).toEqual(['serializable', 'on']);
  });
});

describe('defineHostTables() and hostDatabase() refuse', () => {
  it.each([
    ['core’s prefix', 'et_'],
    ['a prefix inside core’s', 'et_app_'],
    ['no trailing underscore', 'app'],
    ['upper case', 'App_'],
    ['an empty prefix', ''],
    ['a quote', 'app"_'],
  ])('%s as the prefix, with VALIDATION_FAILED at prefix', (_name, prefix) => {
    let error: unknown;
    try {
      defineHostTables<AppTables>({ prefix, migrations: {} });
    } catch (caught) {
      error = caught;
    }
    expect(isTrackerError(error, 'VALIDATION_FAILED')).toBe(true);
    expect(isTrackerError(error) ? error.issues.map((issue) => issue.path) : []).toEqual([['prefix']]);
  });

  it('a tracker on a store of the host’s own, saying what to do instead; the definition still migrates a Kysely instance of the host’s', async () => {
    const bundled = await openKyselyStore({ database: ':memory:' });
    // A store of the host's own: the bundled store's repositories behind an object of its own.
    const own: Store = {
      ...bundled,
      transaction: (fn) => bundled.transaction(fn),
      migrate: () => bundled.migrate(),
      ping: () => bundled.ping(),
      close: () => bundled.close(),
    };
    const tracker = await Tracker.open({ store: own });
    opened.push(tracker);
    let error: unknown;
    try {
      hostDatabase(tracker, appTables);
    } catch (caught) {
      error = caught;
    }
    expect(isTrackerError(error, 'VALIDATION_FAILED')).toBe(true);
    expect(error).toMatchObject({
      message: expect.stringContaining(
        'keep the app_ tables on a Kysely instance of yours and run their migrate() on it',
      ),
    });

    const mine = new Kysely<AppTables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    try {
      await appTables.migrate(mine);
      await mine.insertInto('app_note').values(NOTE).execute();
      expect(await mine.selectFrom('app_note').selectAll().execute()).toEqual([NOTE]);
    } finally {
      await mine.destroy();
    }
  });

  it('anything that is not a tracker, with VALIDATION_FAILED at tracker', () => {
    let error: unknown;
    try {
      hostDatabase(Object.create(Tracker.prototype) as Tracker, appTables);
    } catch (caught) {
      error = caught;
    }
    expect(isTrackerError(error, 'VALIDATION_FAILED')).toBe(true);
    expect(isTrackerError(error) ? error.issues.map((issue) => issue.path) : []).toEqual([['tracker']]);
  });
});
