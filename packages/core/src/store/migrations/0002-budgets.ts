import type { Kysely, Migration } from 'kysely';

/** Daily totals, budgets, alert rules and notifications. */
export const budgets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_daily_total')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('category_key', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      // Owner then date: every reader asks for a date range of one owner.
      .addPrimaryKeyConstraint('et_daily_total_pk', ['owner_id', 'date', 'currency', 'category_key'])
      .execute();

    await db.schema
      .createTable('et_budget')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('category_ids', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('rollover', 'text', (c) => c.notNull())
      .addColumn('starts_on', 'text', (c) => c.notNull())
      .addColumn('ends_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('et_budget_owner_idx').on('et_budget').columns(['owner_id', 'created_at']).execute();

    await db.schema
      .createTable('et_alert_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('budget_id', 'text', (c) => c.notNull())
      .addColumn('threshold_percent', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('et_alert_rule_budget_idx')
      .on('et_alert_rule')
      .columns(['owner_id', 'budget_id'])
      .execute();

    await db.schema
      .createTable('et_notification')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('budget_id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('period_start', 'text', (c) => c.notNull())
      .addColumn('period_end', 'text', (c) => c.notNull())
      .addColumn('threshold_percent', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('spent_minor', 'bigint', (c) => c.notNull())
      .addColumn('available_minor', 'bigint', (c) => c.notNull())
      .addColumn('projected_spend_minor', 'bigint', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      // The database, not a read-then-write check, makes each (rule, period) fire once.
      .addUniqueConstraint('et_notification_rule_period_key', ['rule_id', 'period_start'])
      .execute();
    await db.schema
      .createIndex('et_notification_owner_idx')
      .on('et_notification')
      .columns(['owner_id', 'id'])
      .execute();
    await db.schema
      .createIndex('et_notification_budget_idx')
      .on('et_notification')
      .columns(['owner_id', 'budget_id', 'period_start'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['et_notification', 'et_alert_rule', 'et_budget', 'et_daily_total']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
