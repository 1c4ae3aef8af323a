import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Refunds (SPEC §7.0): `et_expense.kind` is `'expense'` or `'refund'`, every existing row an
 * expense. A refund's `amount_minor` stays positive (the amount CHECK holds); the totals take
 * it as negative. The daily and all-time totals get `refund_minor` and `refund_count` beside
 * the net `amount_minor` and the expense `count`: analytics count refunds apart, and the
 * all-time figures bound every partial sum (−refunds ≤ sum ≤ expenses), which keeps the 2^53−1
 * guard sound now that amounts can subtract. Existing totals hold no refunds, so the new
 * columns start at 0 and nothing is recomputed.
 *
 * Self-contained (only adds columns), so it folds into the second wave's 0007 at merge.
 */
export const refunds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('et_expense')
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
  },
};
