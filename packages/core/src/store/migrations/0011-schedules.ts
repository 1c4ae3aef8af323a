import type { Kysely, Migration } from 'kysely';

/**
 * Recurring expenses and bills (SPEC §7.3): `et_schedule`, the owner's schedules with their
 * recurrence and template expense as JSON (validated by core before they are stored), and a
 * cursor (`next_nominal`, `next_due`: the first occurrence not yet settled) that the due
 * work reads across owners; `et_schedule_occurrence`, one row per occurrence that something
 * happened to. Its key `(owner_id, schedule_id, nominal_date)` is what makes an occurrence
 * posted at most once across re-runs, restarts and instances: the due work claims it by
 * inserting the row, and a second claim finds the key taken. The unique
 * `(owner_id, expense_id)` keeps one expense from settling two occurrences (NULLs are
 * distinct on both engines, so rows without an expense do not collide). Every key leads with
 * `owner_id`, as all of core's keys do (0005).
 */
export const schedules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_schedule')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('recurrence', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('window_days', 'integer', (c) => c.notNull())
      // Tolerance of an `expect` match in basis points of the amount (100 = 1 %).
      .addColumn('tolerance_bp', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('next_nominal', 'text')
      .addColumn('next_due', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_schedule_pk', ['owner_id', 'id'])
      .execute();
    // What the due work reads across owners: enabled schedules whose next occurrence is due.
    await db.schema.createIndex('et_schedule_due_idx').on('et_schedule').columns(['enabled', 'next_due']).execute();

    await db.schema
      .createTable('et_schedule_occurrence')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('schedule_id', 'text', (c) => c.notNull())
      .addColumn('nominal_date', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('expense_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_schedule_occurrence_pk', ['owner_id', 'schedule_id', 'nominal_date'])
      .execute();
    await db.schema
      .createIndex('et_schedule_occurrence_expense_uq')
      .on('et_schedule_occurrence')
      .columns(['owner_id', 'expense_id'])
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('et_schedule_occurrence').ifExists().execute();
    await db.schema.dropTable('et_schedule').ifExists().execute();
  },
};
