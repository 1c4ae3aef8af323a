/**
 * Every key of core's tables leads with the owner, read from each engine's own catalog after
 * the migrations: what lets the schema be distributed by owner on a sharded PostgreSQL such
 * as Citus (see docs/deployment.md, "Past one database"), where each primary key and unique
 * constraint must contain the distribution column, and a foreign key must join on it.
 */
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import { MIGRATION_TABLE, type KyselyStore } from '../src/store/kysely-store.js';
import { openKyselyStore } from '../src/store/open-database.js';
import { coreMigrations } from '../src/store/migrations/core-migrations.js';
import { kyselyRawQuery, type RawQuery } from '../src/testing/harness.js';
import { Tracker } from '../src/tracker.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/** A primary key or unique index, and its columns in order. */
interface Key {
  table: string;
  name: string;
  primary: boolean;
  columns: string[];
}

/** A foreign key: its columns, and the table and columns they reference, pairwise in order. */
interface ForeignKey {
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
}

/** Core's tables holding owners' data: all but Kysely's migration bookkeeping (`et_migration`, `et_migration_lock`). */
const OWNER_TABLES = [
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
const BOOKKEEPING = ['et_migration', 'et_migration_lock'];

/** The owner column of a table: `et_owner`'s rows are the owners themselves. */
const ownerColumn = (table: string) => (table === 'et_owner' ? 'id' : 'owner_id');

async function sqliteSchema(raw: RawQuery): Promise<{ tables: string[]; keys: Key[]; foreignKeys: ForeignKey[] }> {
  const tables = (
    await raw(`select name from sqlite_master where type = 'table' and name like 'et\\_%' escape '\\' order by name`)
  ).map((r) => String(r.name));
  const keys: Key[] = [];
  const foreignKeys: ForeignKey[] = [];
  for (const table of tables) {
    for (const index of await raw('select name, "unique", origin from pragma_index_list(?)', [table])) {
      if (Number(index.unique) !== 1) continue;
      const columns = await raw('select name from pragma_index_info(?) order by seqno', [String(index.name)]);
      keys.push({
        table,
        name: String(index.name),
        primary: index.origin === 'pk',
        columns: columns.map((c) => (typeof c.name === 'string' ? c.name : '(expression)')),
      });
    }
    const references = await raw(
      'select id, seq, "table" as parent, "from" as child_column, "to" as parent_column from pragma_foreign_key_list(?) order by id, seq',
      [table],
    );
    for (const id of new Set(references.map((r) => Number(r.id)))) {
      const parts = references.filter((r) => Number(r.id) === id);
      foreignKeys.push({
        table,
        columns: parts.map((p) => String(p.child_column)),
        references: String(parts[0]!.parent),
        referencedColumns: parts.map((p) => String(p.parent_column)),
      });
    }
  }
  return { tables, keys, foreignKeys };
}

async function postgresSchema(raw: RawQuery): Promise<{ tables: string[]; keys: Key[]; foreignKeys: ForeignKey[] }> {
  const tables = (
    await raw(
      `select tablename from pg_tables where schemaname = current_schema() and tablename like 'et\\_%' order by tablename`,
    )
  ).map((r) => String(r.tablename));
  // Every unique index (primary keys and unique constraints are backed by one), columns in index order.
  const keys = await raw(`
    select t.relname as "table", i.relname as name, x.indisprimary as primary,
      array(select coalesce(a.attname::text, '(expression)') from unnest(x.indkey::int2[]) with ordinality k(attnum, ord)
            left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.ord) as columns
    from pg_index x
    join pg_class t on t.oid = x.indrelid
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = t.relnamespace
    where x.indisunique and n.nspname = current_schema() and t.relname like 'et\\_%'
    order by 1, 2`);
  const foreignKeys = await raw(`
    select t.relname as "table", p.relname as "references",
      array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, ord)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.ord) as columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, ord)
            join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.ord) as "referencedColumns"
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_class p on p.oid = c.confrelid
    join pg_namespace n on n.oid = t.relnamespace
    where c.contype = 'f' and n.nspname = current_schema() and t.relname like 'et\\_%'
    order by 1, 2`);
  return { tables, keys: keys as unknown as Key[], foreignKeys: foreignKeys as unknown as ForeignKey[] };
}

/** The keys and foreign keys that do not lead with, or join on, the owner; empty when all do. */
function offenders({ keys, foreignKeys }: { keys: Key[]; foreignKeys: ForeignKey[] }): string[] {
  const found: string[] = [];
  for (const key of keys) {
    if (BOOKKEEPING.includes(key.table)) continue;
    if (key.columns[0] !== ownerColumn(key.table))
      found.push(`${key.table}: ${key.primary ? 'primary key' : 'unique'} ${key.name} (${key.columns.join(', ')})`);
  }
  for (const fk of foreignKeys) {
    const joinsOwners = fk.columns.some(
      (column, i) => column === ownerColumn(fk.table) && fk.referencedColumns[i] === ownerColumn(fk.references),
    );
    if (!joinsOwners)
      found.push(
        `${fk.table}: foreign key (${fk.columns.join(', ')}) → ${fk.references} (${fk.referencedColumns.join(', ')})`,
      );
  }
  return found;
}

function expectKeysLeadWithTheOwner(schema: { tables: string[]; keys: Key[]; foreignKeys: ForeignKey[] }): void {
  // The catalog queries must really see the tables, or an empty result would pass for the wrong reason.
  expect(schema.tables).toEqual([...OWNER_TABLES, ...BOOKKEEPING].sort());
  for (const table of OWNER_TABLES) {
    expect(
      schema.keys.filter((k) => k.table === table && k.primary),
      `${table} has a primary key`,
    ).toHaveLength(1);
  }
  expect(schema.foreignKeys.length).toBeGreaterThanOrEqual(3);
  expect(offenders(schema)).toEqual([]);
}

describe('every primary key and unique key of an et_ table leads with the owner, and every foreign key joins on it', () => {
  let pgDatabase: TestDatabase | undefined;
  const trackers: Tracker[] = [];

  afterAll(async () => {
    for (const tracker of trackers) await tracker.close();
    await pgDatabase?.drop();
  });

  async function migrated(database: string): Promise<RawQuery> {
    const store = await openKyselyStore({ database });
    const tracker = await Tracker.open({ store });
    trackers.push(tracker);
    await tracker.migrate();
    return kyselyRawQuery(store);
  }

  let sqlite: RawQuery;
  let postgres: RawQuery;
  beforeAll(async () => {
    pgDatabase = await createTestDatabase(inject('pgUrl'));
    [sqlite, postgres] = await Promise.all([migrated(':memory:'), migrated(pgDatabase.url)]);
  });

  it('on SQLite (sqlite_master, pragma index_list, index_info, foreign_key_list)', async () => {
    expectKeysLeadWithTheOwner(await sqliteSchema(sqlite));
  });

  it('on PostgreSQL (pg_index, pg_constraint)', async () => {
    expectKeysLeadWithTheOwner(await postgresSchema(postgres));
  });

  it('the same keys, column for column, on both engines', async () => {
    const shape = (schema: { keys: Key[]; foreignKeys: ForeignKey[] }) => ({
      keys: schema.keys
        .filter((k) => !BOOKKEEPING.includes(k.table))
        .map((k) => `${k.table}${k.primary ? ' primary' : ''} (${k.columns.join(', ')})`)
        .sort(),
      foreignKeys: schema.foreignKeys
        .map((fk) => `${fk.table} (${fk.columns.join(', ')}) → ${fk.references} (${fk.referencedColumns.join(', ')})`)
        .sort(),
    });
    expect(shape(await sqliteSchema(sqlite))).toEqual(shape(await postgresSchema(postgres)));
  });
});

/** One owner's rows of every kind, as a 0003 database holds them. */
const SEED: [string, unknown[]][] = [
  [
    'insert into et_owner (id, timezone, currency, week_starts_on, last_seq, config_version, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    ['alice', 'Europe/Paris', 'EUR', 1, 1, 3, 'T0', 'T0'],
  ],
  [
    'insert into et_category (id, owner_id, name, name_key, color, icon, parent_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['cat_home', 'alice', 'Home', 'home', '#112233', null, null, 'T0', 'T0'],
  ],
  [
    'insert into et_category (id, owner_id, name, name_key, color, icon, parent_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['cat_rent', 'alice', 'Rent', 'rent', null, 'house', 'cat_home', 'T0', 'T0'],
  ],
  [
    'insert into et_expense (id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      'exp_1',
      'alice',
      90_000,
      'EUR',
      '2026-03-01',
      'cat_rent',
      'March',
      null,
      null,
      '["Home","Fixed"]',
      'march',
      'T0',
      'T0',
    ],
  ],
  ['insert into et_expense_tag (owner_id, expense_id, tag) values (?, ?, ?)', ['alice', 'exp_1', 'home']],
  ['insert into et_expense_tag (owner_id, expense_id, tag) values (?, ?, ?)', ['alice', 'exp_1', 'fixed']],
  [
    'insert into et_daily_total (owner_id, date, currency, category_key, amount_minor, count) values (?, ?, ?, ?, ?, ?)',
    ['alice', '2026-03-01', 'EUR', 'cat_rent', 90_000, 1],
  ],
  [
    'insert into et_budget (id, owner_id, name, amount_minor, currency, category_ids, period, rollover, starts_on, ends_on, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      'bud_1',
      'alice',
      'Home',
      100_000,
      'EUR',
      '["cat_home","cat_rent"]',
      '{"unit":"month","every":1,"anchor":"2026-01-01"}',
      'none',
      '2026-01-01',
      null,
      'T0',
      'T0',
    ],
  ],
  [
    'insert into et_alert_rule (id, owner_id, budget_id, threshold_percent, kind, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    ['rule_1', 'alice', 'bud_1', 80, 'spent', 1, 'T0', 'T0'],
  ],
  [
    'insert into et_notification (id, owner_id, budget_id, rule_id, kind, period_start, period_end, threshold_percent, currency, spent_minor, available_minor, projected_spend_minor, message, created_at, read_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      'ntf_1',
      'alice',
      'bud_1',
      'rule_1',
      'spent',
      '2026-03-01',
      '2026-03-31',
      80,
      'EUR',
      90_000,
      100_000,
      90_000,
      'Home: 90 %',
      'T0',
      null,
    ],
  ],
  [
    'insert into et_event (owner_id, seq, type, data, at) values (?, ?, ?, ?, ?)',
    ['alice', 1, 'expense.created', '{"expense":{"id":"exp_1"}}', 'T0'],
  ],
  [
    'insert into et_idempotency (owner_id, idempotency_key, fingerprint, result, created_at) values (?, ?, ?, ?, ?)',
    ['alice', 'k1', 'POST /expenses', '{"id":"exp_1"}', 'T0'],
  ],
];

/** Every row of every owner table, in a stable order, with numbers as numbers (pg returns bigint as text). */
/** Columns 0007 adds (checked on their own): the dump of an upgraded database leaves them out. */
const ADDED_COLUMNS: Record<string, string[]> = {
  et_expense: [
    'source_kind',
    'source_id',
    'source_row',
    'category_source',
    'rule_id',
    'external_id',
    'source_account',
    'fingerprint',
  ],
  et_event: ['actor_kind', 'actor_id'],
};

async function dump(raw: RawQuery): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  // The tables a database at 0004 has: et_currency_total comes with 0006, the import tables with 0009, the webhook tables with 0008, et_rule* with 0010, et_schedule* with 0011.
  for (const table of OWNER_TABLES.filter(
    (t) =>
      t !== 'et_currency_total' &&
      !t.startsWith('et_import') &&
      !t.startsWith('et_rule') &&
      !t.startsWith('et_webhook') &&
      !t.startsWith('et_schedule'),
  )) {
    const added = ADDED_COLUMNS[table] ?? [];
    const rows = (await raw(`select * from ${table}`)).map((row) =>
      Object.fromEntries(Object.entries(row).filter(([k]) => !added.includes(k))),
    );
    tables[table] = rows
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]),
        ),
      )
      .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))))
      .sort();
  }
  return tables;
}

/** Columns that migrations after 0005 add, with the value an existing row gets. */
const LATER_COLUMNS: Record<string, Record<string, unknown>> = {
  // 0007: every existing row is an expense, and no total holds a refund yet.
  et_expense: { kind: 'expense' },
  et_daily_total: { refund_count: 0, refund_minor: 0 },
  // 0012: an existing notification is a budget alert, with none of a notice's columns.
  et_notification: { topic: null, subject_id: null, data: null },
};

/** A {@link dump} taken before the upgrade, as it reads after it: the later columns with their defaults. */
function withLaterColumns(before: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(before).map(([table, rows]) => [
      table,
      rows
        .map((json) => ({ ...(JSON.parse(json as string) as Record<string, unknown>), ...LATER_COLUMNS[table] }))
        .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))))
        .sort(),
    ]),
  );
}

describe('migrating a database that has data to owner-leading keys (0005) keeps every row, and the keys work', () => {
  let pgDatabase: TestDatabase | undefined;
  const trackers: Tracker[] = [];

  afterAll(async () => {
    for (const tracker of trackers) await tracker.close();
    await pgDatabase?.drop();
  });

  /** A database migrated up to 0004 (the last before owner-leading keys) and seeded, then migrated to the latest. */
  async function upgraded(
    database: string,
  ): Promise<{ tracker: Tracker; store: KyselyStore; raw: RawQuery; before: Record<string, unknown[]> }> {
    const store = await openKyselyStore({ database });
    const tracker = await Tracker.open({ store });
    trackers.push(tracker);
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => coreMigrations(store.dialect) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    });
    const { error } = await migrator.migrateTo('0004-idempotency');
    expect(error).toBeUndefined();
    const raw = kyselyRawQuery(store);
    for (const [statement, values] of SEED) await raw(statement, values);
    const before = await dump(raw);
    await tracker.migrate();
    return { tracker, store, raw, before };
  }

  for (const engine of ['sqlite', 'postgres'] as const) {
    it(`on ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, async () => {
      if (engine === 'postgres') pgDatabase = await createTestDatabase(inject('pgUrl'));
      const { tracker, store, raw, before } = await upgraded(engine === 'sqlite' ? ':memory:' : pgDatabase!.url);
      expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);
      expect(await dump(raw)).toEqual(withLaterColumns(before));
      // 0007: what was there was written through the SDK, by the owner's account, its category the caller's.
      expect(await raw('select source_kind, category_source, external_id, fingerprint from et_expense')).toEqual([
        { source_kind: 'api', category_source: 'user', external_id: null, fingerprint: null },
      ]);
      expect(await raw('select distinct actor_kind, actor_id from et_event')).toEqual([
        { actor_kind: 'account', actor_id: 'alice' },
      ]);
      expect(offenders(engine === 'sqlite' ? await sqliteSchema(raw) : await postgresSchema(raw))).toEqual([]);
      // 0006 filled the all-time totals from the expenses.
      expect(
        (await raw('select owner_id, currency, amount_minor, count from et_currency_total')).map((r) =>
          Object.values(r).map(String),
        ),
      ).toEqual([['alice', 'EUR', '90000', '1']]);
      if (engine === 'sqlite') expect(await raw('pragma foreign_keys')).toEqual([{ foreign_keys: 1 }]);

      // A notification still fires once per (rule, period), now keyed with the owner.
      const fired = await store.notifications.findById('alice', 'ntf_1');
      if (fired?.kind !== 'spent') throw new Error(`ntf_1 should be a spent alert, got ${fired?.kind}`);
      expect(await store.transaction((tx) => tx.notifications.insertOnce({ ...fired, id: 'ntf_2' }))).toBe(false);
      // The foreign keys hold: a tag needs its owner's expense, and goes with it.
      const orphan = await raw('insert into et_expense_tag (owner_id, expense_id, tag) values (?, ?, ?)', [
        'mallory',
        'exp_1',
        'x',
      ]).catch((e: unknown) => e);
      expect(orphan).toBeInstanceOf(Error);
      const alice = tracker.forOwner('alice');
      expect((await alice.expenses.list({ tag: 'fixed' })).items.map((e) => e.id)).toEqual(['exp_1']);
      await alice.expenses.delete('exp_1');
      expect(await raw('select tag from et_expense_tag')).toEqual([]);
      expect(isTrackerError(await alice.categories.create({ name: 'HOME' }).catch((e: unknown) => e), 'CONFLICT')).toBe(
        true,
      );
    });
  }
});
