import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The groundwork of the second wave (SPEC §7.0) on the tables that exist:
 *
 * - Provenance on `et_expense`: `source_kind` (`manual`, `api`, `import`, `schedule`) with the
 *   import's or schedule's id and row, `category_source` (`user`, `rule`, `import`,
 *   `schedule`) and the rule's id. Existing expenses were all written through the SDK or the
 *   API, so they become `api`, and their category (when they have one) was the caller's: `user`.
 * - External identity on `et_expense`: `external_id` (the bank's id of the line),
 *   `source_account` (the import's source key) and `fingerprint` (a hash of the line with its
 *   occurrence number in its file). Each is unique per (owner, source account) where set, by
 *   partial unique indexes, so neither a second import nor a retried commit can store one
 *   bank line twice: the database decides, not a read before the write.
 * - `actor` on `et_event`: who made the change (`account`, `token` or `system`, with an id
 *   but for `system`). Past events were all made through `forOwner(id)`, whose default actor
 *   is the owner's account.
 * - Refunds: `et_expense.kind` is `'expense'` or `'refund'`, every existing row an expense. A
 *   refund's `amount_minor` stays positive (the amount CHECK holds); the totals take it as
 *   negative. The daily and all-time totals get `refund_minor` and `refund_count` beside the
 *   net `amount_minor` and the expense `count`: analytics count refunds apart, and the all-time
 *   figures bound every partial sum (−refunds ≤ sum ≤ expenses), which keeps the 2^53−1 guard
 *   sound now that amounts can subtract. Existing totals hold no refunds, so the new columns
 *   start at 0 and nothing is recomputed.
 *
 * Only columns are added (both engines do it in place) and only indexes created; `down` drops them.
 */
export const secondWave: Migration = {
  async up(db: Kysely<unknown>) {
    const expense = () => db.schema.alterTable('et_expense');
    await expense()
      .addColumn('source_kind', 'text', (c) => c.notNull().defaultTo('api'))
      .execute();
    // One column per statement: SQLite's ALTER TABLE adds one column at a time.
    for (const column of ['source_id', 'category_source', 'rule_id', 'external_id', 'source_account', 'fingerprint']) {
      await expense().addColumn(column, 'text').execute();
    }
    await expense().addColumn('source_row', 'integer').execute();
    await sql`update et_expense set category_source = 'user' where category_id is not null`.execute(db);

    await db.schema
      .createIndex('et_expense_owner_account_external_key')
      .on('et_expense')
      .columns(['owner_id', 'source_account', 'external_id'])
      .unique()
      .where(sql.ref('external_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('et_expense_owner_account_fingerprint_key')
      .on('et_expense')
      .columns(['owner_id', 'source_account', 'fingerprint'])
      .unique()
      .where(sql.ref('fingerprint'), 'is not', null)
      .execute();

    await db.schema
      .alterTable('et_event')
      .addColumn('actor_kind', 'text', (c) => c.notNull().defaultTo('account'))
      .execute();
    await db.schema.alterTable('et_event').addColumn('actor_id', 'text').execute();
    await sql`update et_event set actor_id = owner_id`.execute(db);

    await expense()
      .addColumn('kind', 'text', (c) =>
        c
          .notNull()
          .defaultTo('expense')
          .check(sql`kind in ('expense', 'refund')`),
      )
      .execute();
    for (const table of ['et_daily_total', 'et_currency_total']) {
      for (const column of ['refund_minor', 'refund_count']) {
        await db.schema
          .alterTable(table)
          .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      }
    }
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['et_daily_total', 'et_currency_total']) {
      for (const column of ['refund_minor', 'refund_count']) {
        await db.schema.alterTable(table).dropColumn(column).execute();
      }
    }
    await db.schema.alterTable('et_expense').dropColumn('kind').execute();
    for (const column of ['actor_kind', 'actor_id']) {
      await db.schema.alterTable('et_event').dropColumn(column).execute();
    }
    // The partial indexes name their columns, so they go first (SQLite refuses to drop an indexed column).
    await db.schema.dropIndex('et_expense_owner_account_fingerprint_key').execute();
    await db.schema.dropIndex('et_expense_owner_account_external_key').execute();
    for (const column of [
      'source_kind',
      'source_id',
      'source_row',
      'category_source',
      'rule_id',
      'external_id',
      'source_account',
      'fingerprint',
    ]) {
      await db.schema.alterTable('et_expense').dropColumn(column).execute();
    }
  },
};
