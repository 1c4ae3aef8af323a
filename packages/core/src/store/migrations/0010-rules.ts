import type { Kysely, Migration } from 'kysely';

/**
 * Auto-categorisation rules (SPEC §7.2): `et_rule`, the owner's rules with their conditions
 * and actions as JSON (validated by core before they are stored, and compiled from there);
 * `et_rule_run`, one row per `apply` of a rule; `et_rule_run_change`, each expense a run
 * changed, with the record before and after, so `revert` restores exactly what the run
 * changed and skips an expense whose stored record is no longer the run's `after`. Every key
 * leads with `owner_id`, as all of core's keys do (0005).
 */
export const rules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_rule')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('match', 'text', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('actions', 'text', (c) => c.notNull())
      .addColumn('stop', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_rule_pk', ['owner_id', 'id'])
      .execute();
    // Rules are read whole, in position order, once per owner config version.
    await db.schema.createIndex('et_rule_position_idx').on('et_rule').columns(['owner_id', 'position']).execute();

    await db.schema
      .createTable('et_rule_run')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('range_from', 'text')
      .addColumn('range_to', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('reverted_at', 'text')
      .addPrimaryKeyConstraint('et_rule_run_pk', ['owner_id', 'id'])
      .execute();

    await db.schema
      .createTable('et_rule_run_change')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('expense_id', 'text', (c) => c.notNull())
      .addColumn('category_before', 'text')
      .addColumn('category_after', 'text')
      // The whole expense record before and after the change, as JSON.
      .addColumn('before', 'text', (c) => c.notNull())
      .addColumn('after', 'text', (c) => c.notNull())
      // The expense's updated_at after the change: a later edit moves it.
      .addColumn('expense_updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_rule_run_change_pk', ['owner_id', 'run_id', 'expense_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('et_rule_run_change').ifExists().execute();
    await db.schema.dropTable('et_rule_run').ifExists().execute();
    await db.schema.dropTable('et_rule').ifExists().execute();
  },
};
