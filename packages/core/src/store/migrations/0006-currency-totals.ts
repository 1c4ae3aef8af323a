import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `et_currency_total`: each owner's all-time total per currency, kept in the transaction of
 * every expense write like the daily totals, and filled from them for existing data. Every
 * sum status, alerts and analytics compute (a day, a period, a range, a category) is a part
 * of it, since amounts are positive: a write that would take it past 2^53−1 minor units is
 * refused, so no sum anywhere can leave the range a JavaScript number holds exactly.
 */
export const currencyTotals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_currency_total')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_currency_total_pk', ['owner_id', 'currency'])
      .execute();
    await sql`insert into et_currency_total (owner_id, currency, amount_minor, count)
      select owner_id, currency, sum(amount_minor), sum(count) from et_daily_total group by owner_id, currency`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('et_currency_total').ifExists().execute();
  },
};
