import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Tracker, type TrackerEvent } from '../src/index.js';
import { openKyselyStore, type KyselyStore } from '../src/kysely/index.js';
import { MIGRATION_TABLE } from '../src/store/kysely-store.js';
import { coreMigrations } from '../src/store/migrations/core-migrations.js';
import { createTestClock, expectTrackerError, kyselyRawQuery } from '../src/testing/index.js';
import { createTestDatabase } from './setup/pg-database.js';

/**
 * Notices (`owner.notifications.post`): stored once per (owner, topic, subject) however many
 * instances post at once, beside budget alerts in one list, and posted to the change feed as
 * `notice.posted`. Two trackers over one database stand for two server instances.
 */

interface Engine {
  name: string;
  /** Trackers that may share its database: SQLite's is one process's (docs/deployment.md). */
  instances: number;
  /** A fresh database and a way to open stores on it (one per "instance"). */
  setup(): Promise<{ openStore: () => Promise<KyselyStore>; cleanup: () => Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'SQLite',
    instances: 1,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'notices-'));
      return {
        openStore: () => openKyselyStore({ database: join(dir, 'test.db') }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    instances: 2,
    async setup() {
      const db = await createTestDatabase(inject('pgUrl'));
      return { openStore: () => openKyselyStore({ database: db.url, poolSize: 4 }), cleanup: () => db.drop() };
    },
  },
];

const notice = {
  topic: 'api-token.expiring',
  subjectId: 'tok_1',
  message: 'Your API token "CI" expires on 2026-11-22',
};

describe.each(engines)('notices on $name', (engine) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const clock = createTestClock();
  afterEach(() => clock.reset());

  async function instances(count: number): Promise<{ trackers: Tracker[]; stores: KyselyStore[] }> {
    const env = await engine.setup();
    closers.push(env.cleanup);
    const stores: KyselyStore[] = [];
    const trackers: Tracker[] = [];
    for (let i = 0; i < count; i++) {
      const store = await env.openStore();
      const tracker = await Tracker.open({ store, clock });
      closers.push(() => tracker.close());
      if (i === 0) await tracker.migrate();
      stores.push(store);
      trackers.push(tracker);
    }
    return { trackers, stores };
  }

  it('post stores a notice once, lists it beside alerts, emits notice.posted, and answers null the second time', async () => {
    const {
      trackers: [tracker],
    } = await instances(1);
    const owner = tracker!.forOwner('alice', { actor: { kind: 'system' } });
    const heard: TrackerEvent[] = [];
    tracker!.on('notice.posted', (event) => event.ownerId === 'alice' && heard.push(event));

    const posted = await owner.notifications.post({
      ...notice,
      data: { expiresAt: '2026-11-22T12:00:00.000Z', days: 7 },
    });
    expect(posted).toMatchObject({ kind: 'notice', ...notice, data: { days: 7 }, readAt: null });
    expect(await owner.notifications.post({ ...notice, message: 'told twice' })).toBeNull();
    expect(await tracker!.forOwner('bob').notifications.post(notice)).not.toBeNull(); // another owner's own

    expect(await owner.notifications.list()).toEqual([posted]);
    const { events } = await owner.changes();
    expect(events.map((e) => [e.type, e.actor])).toEqual([['notice.posted', { kind: 'system' }]]);
    expect(heard.map((e) => e.data)).toEqual([{ notification: posted }]);
    const read = await owner.notifications.markRead(posted!.id);
    expect(read.readAt).not.toBeNull();
    expect(await owner.notifications.list({ unread: true })).toEqual([]);
  });

  it('refuses a notice with a malformed topic or an empty message', async () => {
    const {
      trackers: [tracker],
    } = await instances(1);
    const owner = tracker!.forOwner('alice');
    await expectTrackerError(owner.notifications.post({ ...notice, topic: 'Token Expiring' }), 'VALIDATION_FAILED', [
      'topic',
    ]);
    await expectTrackerError(owner.notifications.post({ ...notice, message: '  ' }), 'VALIDATION_FAILED', ['message']);
    expect(await owner.notifications.list()).toEqual([]);
  });

  it('posting the same notice at once from every instance stores it once and emits it once', async () => {
    const { trackers } = await instances(engine.instances);
    for (let round = 0; round < 5; round++) {
      const subject = { ...notice, subjectId: `tok_${round}` };
      // Two posts per tracker, all at once: on PostgreSQL, from two pools over one database.
      const posters = [...trackers, ...trackers];
      const answers = await Promise.all(posters.map((t) => t.forOwner('alice').notifications.post(subject)));
      expect(answers.filter((a) => a !== null)).toHaveLength(1);
    }
    const owner = trackers[0]!.forOwner('alice');
    expect(await owner.notifications.list()).toHaveLength(5);
    expect((await owner.changes()).events.map((e) => e.type)).toEqual(Array(5).fill('notice.posted'));
  });

  it('migrating down to 0011 removes the notices and keeps the alerts; up again takes notices', async () => {
    const {
      trackers: [tracker],
      stores: [store],
    } = await instances(1);
    const owner = tracker!.forOwner('alice');
    clock.set('2026-11-21T12:00:00Z');
    const food = await owner.categories.create({ name: 'Food' });
    await owner.budgets.create({ name: 'Food', amount: '100.00', categoryIds: [food.id] });
    await owner.expenses.create({ amount: '90.00', categoryId: food.id, date: '2026-11-15' }); // 90 %: the 80 % rule fires
    await owner.notifications.post(notice);
    expect((await owner.notifications.list()).map((n) => n.kind).sort()).toEqual(['notice', 'spent']);

    const migrator = new Migrator({
      db: store!.db,
      provider: { getMigrations: async () => coreMigrations(store!.dialect) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    });
    expect((await migrator.migrateTo('0011-schedules')).error).toBeUndefined();
    const raw = kyselyRawQuery(store!);
    expect(await raw('select kind from et_notification')).toEqual([{ kind: 'spent' }]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect((await owner.notifications.list()).map((n) => n.kind)).toEqual(['spent']);
    expect(await owner.notifications.post(notice)).not.toBeNull();
  });
});
