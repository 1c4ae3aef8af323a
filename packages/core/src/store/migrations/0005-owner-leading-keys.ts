import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../store.js';

/**
 * Every primary key and unique key leads with the owner, and every foreign key joins on it:
 * `(owner_id, id)` instead of `(id)` for categories, expenses, budgets, rules and
 * notifications, `(owner_id, expense_id, tag)` for tags, and a notification fires once per
 * `(owner_id, rule_id, period_start)`. Ids are ULIDs, unique anyway, and every query already
 * names the owner, so nothing reads differently; but a sharded PostgreSQL (Citus) distributed
 * by `owner_id` accepts a primary key, unique constraint or foreign key only if it contains
 * the distribution column (docs/deployment.md, "Past one database").
 *
 * PostgreSQL alters the keys in place (in the migration's transaction, under ACCESS EXCLUSIVE
 * locks while the new indexes build). SQLite cannot alter a primary key, so each table is
 * rebuilt as SQLite documents it: foreign keys off, one transaction, new table, copy, drop,
 * rename, `foreign_key_check`, foreign keys back as they were.
 *
 * There is no `down`: going back needs ids unique across owners, which the data may no
 * longer promise.
 */
export function ownerLeadingKeys(dialect: Dialect): Migration {
  return { up: (db) => (dialect === 'postgres' ? postgresUp(db) : sqliteUp(db)) };
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    // Foreign keys go first: they depend on the unique indexes being replaced.
    'alter table et_expense_tag drop constraint et_expense_tag_expense_id_fkey',
    'alter table et_expense drop constraint et_expense_category_fk',
    'alter table et_category drop constraint et_category_parent_fk',
    // (owner_id, id) was a unique key only for those foreign keys; it becomes the primary key.
    'alter table et_category drop constraint et_category_owner_id_id_key, drop constraint et_category_pkey, add constraint et_category_pk primary key (owner_id, id)',
    'alter table et_expense drop constraint et_expense_pkey, add constraint et_expense_pk primary key (owner_id, id)',
    'alter table et_expense_tag drop constraint et_expense_tag_pk, add constraint et_expense_tag_pk primary key (owner_id, expense_id, tag)',
    'alter table et_budget drop constraint et_budget_pkey, add constraint et_budget_pk primary key (owner_id, id)',
    'alter table et_alert_rule drop constraint et_alert_rule_pkey, add constraint et_alert_rule_pk primary key (owner_id, id)',
    `alter table et_notification drop constraint et_notification_pkey, add constraint et_notification_pk primary key (owner_id, id),
       drop constraint et_notification_rule_period_key, add constraint et_notification_owner_rule_period_key unique (owner_id, rule_id, period_start)`,
    // The new primary key is this index.
    'drop index et_notification_owner_idx',
    'alter table et_category add constraint et_category_parent_fk foreign key (owner_id, parent_id) references et_category (owner_id, id)',
    'alter table et_expense add constraint et_expense_category_fk foreign key (owner_id, category_id) references et_category (owner_id, id)',
    'alter table et_expense_tag add constraint et_expense_tag_expense_fk foreign key (owner_id, expense_id) references et_expense (owner_id, id) on delete cascade',
  ]) {
    await sql.raw(statement).execute(db);
  }
}

/** The rebuilt SQLite tables: the columns of 0001/0002 as they were, with the new keys. */
const SQLITE_TABLES: { name: string; columns: string; create: string; indexes: string[] }[] = [
  {
    name: 'et_category',
    columns: 'id, owner_id, name, name_key, color, icon, parent_id, created_at, updated_at',
    create: `(id text not null, owner_id text not null, name text not null, name_key text not null, color text, icon text,
      parent_id text, created_at text not null, updated_at text not null,
      constraint et_category_pk primary key (owner_id, id),
      constraint et_category_owner_name_key unique (owner_id, name_key),
      constraint et_category_parent_fk foreign key (owner_id, parent_id) references et_category (owner_id, id))`,
    indexes: ['create index et_category_parent_idx on et_category (owner_id, parent_id)'],
  },
  {
    name: 'et_expense',
    columns:
      'id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at',
    create: `(id text not null, owner_id text not null, amount_minor bigint not null check (amount_minor > 0), currency text not null,
      date text not null, category_id text, description text, merchant text, notes text, tags text default '[]' not null,
      search_text text default '' not null, created_at text not null, updated_at text not null,
      constraint et_expense_pk primary key (owner_id, id),
      constraint et_expense_category_fk foreign key (owner_id, category_id) references et_category (owner_id, id))`,
    indexes: [
      'create index et_expense_owner_date_idx on et_expense (owner_id, date, id)',
      'create index et_expense_owner_amount_idx on et_expense (owner_id, amount_minor, id)',
      'create index et_expense_owner_category_idx on et_expense (owner_id, category_id, date)',
    ],
  },
  {
    name: 'et_expense_tag',
    columns: 'owner_id, expense_id, tag',
    create: `(owner_id text not null, expense_id text not null, tag text not null,
      constraint et_expense_tag_pk primary key (owner_id, expense_id, tag),
      constraint et_expense_tag_expense_fk foreign key (owner_id, expense_id) references et_expense (owner_id, id) on delete cascade)`,
    indexes: ['create index et_expense_tag_owner_tag_idx on et_expense_tag (owner_id, tag)'],
  },
  {
    name: 'et_budget',
    columns:
      'id, owner_id, name, amount_minor, currency, category_ids, period, rollover, starts_on, ends_on, created_at, updated_at',
    create: `(id text not null, owner_id text not null, name text not null, amount_minor bigint not null, currency text not null,
      category_ids text not null, period text not null, rollover text not null, starts_on text not null, ends_on text,
      created_at text not null, updated_at text not null,
      constraint et_budget_pk primary key (owner_id, id))`,
    indexes: ['create index et_budget_owner_idx on et_budget (owner_id, created_at)'],
  },
  {
    name: 'et_alert_rule',
    columns: 'id, owner_id, budget_id, threshold_percent, kind, active, created_at, updated_at',
    create: `(id text not null, owner_id text not null, budget_id text not null, threshold_percent integer not null,
      kind text not null, active integer not null, created_at text not null, updated_at text not null,
      constraint et_alert_rule_pk primary key (owner_id, id))`,
    indexes: ['create index et_alert_rule_budget_idx on et_alert_rule (owner_id, budget_id)'],
  },
  {
    name: 'et_notification',
    columns:
      'id, owner_id, budget_id, rule_id, kind, period_start, period_end, threshold_percent, currency, spent_minor, available_minor, projected_spend_minor, message, created_at, read_at',
    create: `(id text not null, owner_id text not null, budget_id text not null, rule_id text not null, kind text not null,
      period_start text not null, period_end text not null, threshold_percent integer not null, currency text not null,
      spent_minor bigint not null, available_minor bigint not null, projected_spend_minor bigint not null,
      message text not null, created_at text not null, read_at text,
      constraint et_notification_pk primary key (owner_id, id),
      constraint et_notification_owner_rule_period_key unique (owner_id, rule_id, period_start))`,
    indexes: ['create index et_notification_budget_idx on et_notification (owner_id, budget_id, period_start)'],
  },
];

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  // Kysely runs SQLite migrations outside a transaction (its SQLite adapter has no
  // transactional DDL), on one connection: this function owns the transaction, and
  // `foreign_keys` can only change outside one.
  const run = (statement: string) => sql.raw(statement).execute(db);
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  const foreignKeys = Number(rows[0]?.foreign_keys ?? 0) === 1;
  await run('pragma foreign_keys = off');
  try {
    await run('begin immediate');
    try {
      // The new tables reference the final names, which they take when the old ones are gone.
      for (const table of SQLITE_TABLES) {
        await run(`create table ${table.name}_next ${table.create}`);
        await run(`insert into ${table.name}_next (${table.columns}) select ${table.columns} from ${table.name}`);
      }
      for (const table of [...SQLITE_TABLES].reverse()) await run(`drop table ${table.name}`);
      for (const table of SQLITE_TABLES) {
        await run(`alter table ${table.name}_next rename to ${table.name}`);
        for (const index of table.indexes) await run(index);
      }
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0)
        throw new Error(`0005-owner-leading-keys: ${broken.rows.length} rows break a foreign key`);
      await run('commit');
    } catch (error) {
      await run('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    if (foreignKeys) await run('pragma foreign_keys = on');
  }
}
