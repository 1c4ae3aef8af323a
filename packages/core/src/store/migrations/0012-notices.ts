import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../store.js';

/**
 * Notices beside budget alerts in `et_notification` (SPEC §7.0, §7.4, §7.5): a dead webhook
 * message or an expiring API token is told to its owner where alerts are, in one list. A
 * notice (`kind = 'notice'`) has a `topic`, the `subject_id` it is about and `data` (JSON),
 * and none of an alert's budget columns, which therefore become nullable. The unique
 * `(owner_id, topic, subject_id)` makes each notice stored once however many instances post
 * it at once; alerts leave `topic` null, and NULLs are distinct on both engines, so they never
 * collide on it (as notices, with a null `rule_id`, never collide on the alerts' key).
 *
 * PostgreSQL drops the NOT NULLs in place. SQLite cannot, so the table is rebuilt as 0005
 * does it: one transaction, new table, copy, drop, rename, indexes. `down` deletes the
 * notices (an alert's columns cannot hold them) and restores the old table.
 */
export function notices(dialect: Dialect): Migration {
  return dialect === 'postgres'
    ? { up: postgresUp, down: postgresDown }
    : { up: (db) => sqliteRebuild(db, NOTICE_TABLE), down: (db) => sqliteRebuild(db, ALERT_TABLE) };
}

const BUDGET_COLUMNS = [
  'budget_id',
  'rule_id',
  'period_start',
  'period_end',
  'threshold_percent',
  'currency',
  'spent_minor',
  'available_minor',
  'projected_spend_minor',
];

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  const nullable = BUDGET_COLUMNS.map((column) => `alter column ${column} drop not null`).join(', ');
  await sql
    .raw(
      `alter table et_notification ${nullable}, add column topic text, add column subject_id text, add column data text`,
    )
    .execute(db);
  await sql
    .raw('create unique index et_notification_owner_topic_subject_key on et_notification (owner_id, topic, subject_id)')
    .execute(db);
}

async function postgresDown(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`delete from et_notification where kind = 'notice'`).execute(db);
  await sql.raw('drop index et_notification_owner_topic_subject_key').execute(db);
  const notNull = BUDGET_COLUMNS.map((column) => `alter column ${column} set not null`).join(', ');
  await sql
    .raw(`alter table et_notification drop column topic, drop column subject_id, drop column data, ${notNull}`)
    .execute(db);
}

interface TableShape {
  /** The columns copied from the old table to the new one. */
  columns: string;
  create: string;
  indexes: string[];
  /** Rows that cannot move to the new shape. */
  drop?: string;
}

const ALERT_COLUMNS =
  'id, owner_id, budget_id, rule_id, kind, period_start, period_end, threshold_percent, currency, spent_minor, available_minor, projected_spend_minor, message, created_at, read_at';

const BUDGET_INDEX = 'create index et_notification_budget_idx on et_notification (owner_id, budget_id, period_start)';

const NOTICE_TABLE: TableShape = {
  columns: ALERT_COLUMNS,
  create: `(id text not null, owner_id text not null, budget_id text, rule_id text, kind text not null,
      period_start text, period_end text, threshold_percent integer, currency text,
      spent_minor bigint, available_minor bigint, projected_spend_minor bigint,
      topic text, subject_id text, data text,
      message text not null, created_at text not null, read_at text,
      constraint et_notification_pk primary key (owner_id, id),
      constraint et_notification_owner_rule_period_key unique (owner_id, rule_id, period_start),
      constraint et_notification_owner_topic_subject_key unique (owner_id, topic, subject_id))`,
  indexes: [BUDGET_INDEX],
};

const ALERT_TABLE: TableShape = {
  columns: ALERT_COLUMNS,
  create: `(id text not null, owner_id text not null, budget_id text not null, rule_id text not null, kind text not null,
      period_start text not null, period_end text not null, threshold_percent integer not null, currency text not null,
      spent_minor bigint not null, available_minor bigint not null, projected_spend_minor bigint not null,
      message text not null, created_at text not null, read_at text,
      constraint et_notification_pk primary key (owner_id, id),
      constraint et_notification_owner_rule_period_key unique (owner_id, rule_id, period_start))`,
  indexes: [BUDGET_INDEX],
  drop: `delete from et_notification where kind = 'notice'`,
};

async function sqliteRebuild(db: Kysely<unknown>, table: TableShape): Promise<void> {
  // Kysely runs SQLite migrations outside a transaction, on one connection: this owns it.
  const run = (statement: string) => sql.raw(statement).execute(db);
  await run('begin immediate');
  try {
    if (table.drop) await run(table.drop);
    await run(`create table et_notification_next ${table.create}`);
    await run(`insert into et_notification_next (${table.columns}) select ${table.columns} from et_notification`);
    await run('drop table et_notification');
    await run('alter table et_notification_next rename to et_notification');
    for (const index of table.indexes) await run(index);
    await run('commit');
  } catch (error) {
    await run('rollback').catch(() => undefined);
    throw error;
  }
}
