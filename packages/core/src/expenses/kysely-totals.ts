import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../store/database.js';
import { preparedQuery, type PreparedQuery } from '../store/prepared-query.js';
import { chunk, toInt } from '../store/sql-values.js';
import type { TotalsDelta, TotalsQuery, TotalsRepository, TotalsRow } from '../store/store.js';

/** `''` stands for "uncategorized" in the totals key. */
const NONE = '';
const toKey = (categoryId: string | null) => categoryId ?? NONE;
const fromKey = (key: string) => (key === NONE ? null : key);
/**
 * The uncategorized key as a SQL literal, not a bound parameter: PostgreSQL matches a
 * selected expression to its GROUP BY by text, and two parameters (`$1`, `$2`) never match.
 */
const categoryKeyOf = sql<string>`coalesce(category_id, ${sql.lit(NONE)})`;

/**
 * A row's part of the net total, its refund amount and whether it is a refund, over
 * `et_expense`: refunds subtract (their stored amount is positive). Literals, not parameters,
 * for the same GROUP BY reason as {@link categoryKeyOf}.
 */
const isRefund = sql`kind = ${sql.lit('refund')}`;
const netOf = sql<number>`case when ${isRefund} then -amount_minor else amount_minor end`;
const refundOf = sql<number>`case when ${isRefund} then amount_minor else 0 end`;

type Source = 'et_daily_total' | 'et_expense';

type SumsQuery = PreparedQuery<Database, string[], Record<string, unknown>>;

/** Shapes of grouped sum kept prepared by one store: status, analytics and alert checks use a few. */
const MAX_SUMS_SHAPES = 256;

/**
 * The prepared grouped sums of one store, by shape (table, grouping, filters): arguments are
 * the owner, `from`, `to`, then the currency when filtered by one, then the category keys when
 * filtered by categories. One per {@link KyselyStore}, never module state: two stores in one
 * process keep their own (least recently used shapes dropped past 256).
 */
export class SumsQueries {
  readonly #byShape = new LRUCache<string, SumsQuery>({ max: MAX_SUMS_SHAPES });

  /** The grouped sum of one shape, prepared on first use. */
  get(
    source: Source,
    groupBy: TotalsQuery['groupBy'],
    byCurrency: boolean,
    categoryCount: number | undefined,
  ): SumsQuery {
    const shape = `${source}|${groupBy.join(',')}|${byCurrency ? 1 : 0}|${categoryCount ?? '*'}`;
    let prepared = this.#byShape.get(shape);
    if (!prepared) {
      prepared = preparedQuery((db: Kysely<Database>, ...args: string[]) => {
        const [ownerId, from, to, ...rest] = args;
        const currency = byCurrency ? rest.shift() : undefined;
        return {
          compile: () =>
            sumsSql(
              source,
              groupBy,
              ownerId!,
              from!,
              to!,
              currency,
              categoryCount === undefined ? undefined : rest,
            ).compile(db),
        };
      });
      this.#byShape.set(shape, prepared);
    }
    return prepared;
  }
}

/** The SQL of one grouped sum over either table. */
function sumsSql(
  source: Source,
  groupBy: TotalsQuery['groupBy'],
  ownerId: string,
  from: string,
  to: string,
  currency: string | undefined,
  categoryKeys: string[] | undefined,
) {
  const category: RawBuilder<string> = source === 'et_daily_total' ? sql<string>`category_key` : categoryKeyOf;
  const daily = source === 'et_daily_total';
  const sums = daily
    ? [sql`sum(amount_minor)`, sql`sum(count)`, sql`sum(refund_minor)`, sql`sum(refund_count)`]
    : [
        sql`sum(${netOf})`,
        sql`count(*) - count(case when ${isRefund} then 1 end)`,
        sql`sum(${refundOf})`,
        sql`count(case when ${isRefund} then 1 end)`,
      ];
  const keys: Record<string, RawBuilder<string>> = {
    date: sql<string>`date`,
    month: sql<string>`substr(date, 1, 7)`,
    currency: sql<string>`currency`,
    category,
  };
  const groups = groupBy.map((group) => ({ alias: group === 'category' ? 'category_key' : group, expr: keys[group]! }));
  const selections = [
    ...groups.map((g) => sql`${g.expr} as ${sql.ref(g.alias)}`),
    sql`${sums[0]} as amount_minor`,
    sql`${sums[1]} as count`,
    sql`${sums[2]} as refund_minor`,
    sql`${sums[3]} as refund_count`,
  ];
  const conditions = [sql`owner_id = ${ownerId}`, sql`date >= ${from}`, sql`date <= ${to}`];
  if (currency !== undefined) conditions.push(sql`currency = ${currency}`);
  if (categoryKeys !== undefined) {
    conditions.push(categoryKeys.length === 0 ? sql`1 = 0` : sql`${category} in (${sql.join(categoryKeys)})`);
  }
  const groupByClause = groups.length > 0 ? sql`group by ${sql.join(groups.map((g) => g.expr))}` : sql``;
  const having = daily ? sql`having sum(count) + sum(refund_count) > 0` : sql``;
  const orderBy = groups.length > 0 ? sql`order by ${sql.join(groups.map((g) => sql.ref(g.alias)))}` : sql``;
  return sql<
    Record<string, unknown>
  >`select ${sql.join(selections)} from ${sql.table(source)} where ${sql.join(conditions, sql` and `)} ${groupByClause} ${having} ${orderBy}`;
}

/**
 * One grouped sum over either the totals or the expense table: the same SQL shape, so the
 * two answer identically (which the daily-totals property test relies on).
 */
async function groupedSums(
  db: Kysely<Database>,
  sums: SumsQueries,
  source: Source,
  ownerId: string,
  query: TotalsQuery,
): Promise<TotalsRow[]> {
  const categoryKeys = query.categoryIds?.map(toKey);
  const args = [
    ownerId,
    query.from,
    query.to,
    ...(query.currency === undefined ? [] : [query.currency]),
    ...(categoryKeys ?? []),
  ];
  const result = await sums
    .get(source, query.groupBy, query.currency !== undefined, categoryKeys?.length)
    .execute(db, ...args);
  const int = (value: unknown) => toInt(value as number | string | null);
  return result.rows
    .filter((row) => int(row.count) + int(row.refund_count) > 0)
    .map((row) => {
      const out: TotalsRow = {
        amountMinor: int(row.amount_minor),
        count: int(row.count),
        refundMinor: int(row.refund_minor),
        refundCount: int(row.refund_count),
      };
      if ('date' in row) out.date = row.date as string;
      if ('month' in row) out.month = row.month as string;
      if ('currency' in row) out.currency = row.currency as string;
      if ('category_key' in row) out.categoryId = fromKey(row.category_key as string);
      return out;
    });
}

/** Sums straight over the expense table. */
export function aggregateExpenses(
  db: Kysely<Database>,
  sums: SumsQueries,
  ownerId: string,
  query: TotalsQuery,
): Promise<TotalsRow[]> {
  return groupedSums(db, sums, 'et_expense', ownerId, query);
}

/** An upsert's update of a daily total: each figure adds the incoming one. */
const addDailyExcluded = {
  amount_minor: sql<number>`et_daily_total.amount_minor + excluded.amount_minor`,
  count: sql<number>`et_daily_total.count + excluded.count`,
  refund_minor: sql<number>`et_daily_total.refund_minor + excluded.refund_minor`,
  refund_count: sql<number>`et_daily_total.refund_count + excluded.refund_count`,
};

/** The usual delta of a write, one row: compiled once. */
const upsertDailyTotal = preparedQuery(
  (
    db: Kysely<Database>,
    ownerId: string,
    date: string,
    currency: string,
    categoryKey: string,
    amountMinor: number,
    count: number,
    refundMinor: number,
    refundCount: number,
  ) =>
    db
      .insertInto('et_daily_total')
      .values({
        owner_id: ownerId,
        date,
        currency,
        category_key: categoryKey,
        amount_minor: amountMinor,
        count,
        refund_minor: refundMinor,
        refund_count: refundCount,
      })
      .onConflict((oc) => oc.columns(['owner_id', 'date', 'currency', 'category_key']).doUpdateSet(addDailyExcluded)),
);

/**
 * The owner's all-time total of one currency, changed by a write's net delta: returns the
 * new total. Compiled once, like the daily upsert (every expense write runs both).
 */
const upsertCurrencyTotal = preparedQuery(
  (
    db: Kysely<Database>,
    ownerId: string,
    currency: string,
    amountMinor: number,
    count: number,
    refundMinor: number,
    refundCount: number,
  ) =>
    db
      .insertInto('et_currency_total')
      .values({
        owner_id: ownerId,
        currency,
        amount_minor: amountMinor,
        count,
        refund_minor: refundMinor,
        refund_count: refundCount,
      })
      .onConflict((oc) =>
        oc.columns(['owner_id', 'currency']).doUpdateSet({
          amount_minor: sql<number>`et_currency_total.amount_minor + excluded.amount_minor`,
          count: sql<number>`et_currency_total.count + excluded.count`,
          refund_minor: sql<number>`et_currency_total.refund_minor + excluded.refund_minor`,
          refund_count: sql<number>`et_currency_total.refund_count + excluded.refund_count`,
        }),
      )
      .returning(['amount_minor', 'count', 'refund_minor', 'refund_count']),
);

/** The four figures of a total, as a delta adds them (absent refund figures are 0). */
interface Figures {
  amountMinor: number;
  count: number;
  refundMinor: number;
  refundCount: number;
}

const ZERO: Figures = { amountMinor: 0, count: 0, refundMinor: 0, refundCount: 0 };
const plus = (a: Figures, d: TotalsDelta): Figures => ({
  amountMinor: a.amountMinor + d.amountMinor,
  count: a.count + d.count,
  refundMinor: a.refundMinor + (d.refundMinor ?? 0),
  refundCount: a.refundCount + (d.refundCount ?? 0),
});
const isZero = (f: Figures) => f.amountMinor === 0 && f.count === 0 && f.refundMinor === 0 && f.refundCount === 0;

/** Daily totals over Kysely; `sums` are the store's prepared grouped sums. */
export function createTotalsRepository(db: Kysely<Database>, sums: SumsQueries): TotalsRepository {
  return {
    async applyDeltas(ownerId, deltas) {
      // One row per key, in key order: the same order in every transaction, so concurrent
      // upserts of the same rows cannot deadlock.
      const merged = new Map<string, { delta: TotalsDelta; figures: Figures }>();
      for (const delta of deltas) {
        const key = JSON.stringify([delta.date, delta.currency, toKey(delta.categoryId)]);
        const current = merged.get(key);
        merged.set(key, { delta, figures: plus(current?.figures ?? ZERO, delta) });
      }
      const rows = [...merged.entries()]
        .filter(([, m]) => !isZero(m.figures))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, { delta: d, figures: f }]) => ({
          owner_id: ownerId,
          date: d.date,
          currency: d.currency,
          category_key: toKey(d.categoryId),
          amount_minor: f.amountMinor,
          count: f.count,
          refund_minor: f.refundMinor,
          refund_count: f.refundCount,
        }));
      if (rows.length === 1) {
        const [r] = rows as [(typeof rows)[number]];
        await upsertDailyTotal.execute(
          db,
          r.owner_id,
          r.date,
          r.currency,
          r.category_key,
          r.amount_minor,
          r.count,
          r.refund_minor,
          r.refund_count,
        );
      } else {
        for (const part of chunk(rows, 500)) {
          await db
            .insertInto('et_daily_total')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['owner_id', 'date', 'currency', 'category_key']).doUpdateSet(addDailyExcluded),
            )
            .execute();
        }
      }
      // The all-time total per currency, in currency order (the same lock order everywhere);
      // a currency whose total the write leaves as it was (an edit of the text) is skipped.
      const byCurrency = new Map<string, Figures>();
      for (const d of deltas) byCurrency.set(d.currency, plus(byCurrency.get(d.currency) ?? ZERO, d));
      const totals: TotalsRow[] = [];
      for (const currency of [...byCurrency.keys()].sort()) {
        const delta = byCurrency.get(currency)!;
        if (isZero(delta)) continue;
        const [row] = (
          await upsertCurrencyTotal.execute(
            db,
            ownerId,
            currency,
            delta.amountMinor,
            delta.count,
            delta.refundMinor,
            delta.refundCount,
          )
        ).rows;
        // Number(), not toInt(): past the safe range the caller must see the value to refuse the write.
        totals.push({
          currency,
          amountMinor: Number(row!.amount_minor),
          count: Number(row!.count),
          refundMinor: Number(row!.refund_minor),
          refundCount: Number(row!.refund_count),
        });
      }
      return totals;
    },

    query(ownerId, query) {
      return groupedSums(db, sums, 'et_daily_total', ownerId, query);
    },

    async moveCategory(ownerId, fromId, toId) {
      await sql`insert into et_daily_total (owner_id, date, currency, category_key, amount_minor, count, refund_minor, refund_count)
        select owner_id, date, currency, ${toKey(toId)}, amount_minor, count, refund_minor, refund_count from et_daily_total
        where owner_id = ${ownerId} and category_key = ${fromId}
        on conflict (owner_id, date, currency, category_key) do update set
          amount_minor = et_daily_total.amount_minor + excluded.amount_minor,
          count = et_daily_total.count + excluded.count,
          refund_minor = et_daily_total.refund_minor + excluded.refund_minor,
          refund_count = et_daily_total.refund_count + excluded.refund_count`.execute(db);
      await db
        .deleteFrom('et_daily_total')
        .where('owner_id', '=', ownerId)
        .where('category_key', '=', fromId)
        .execute();
    },

    async rebuild(ownerId) {
      // Refunds netted as the writes net them: the same expressions as the sums over et_expense.
      await db.deleteFrom('et_daily_total').where('owner_id', '=', ownerId).execute();
      await sql`insert into et_daily_total (owner_id, date, currency, category_key, amount_minor, count, refund_minor, refund_count)
        select owner_id, date, currency, ${categoryKeyOf}, sum(${netOf}),
          count(*) - count(case when ${isRefund} then 1 end), sum(${refundOf}), count(case when ${isRefund} then 1 end)
        from et_expense where owner_id = ${ownerId}
        group by owner_id, date, currency, ${categoryKeyOf}`.execute(db);
      await db.deleteFrom('et_currency_total').where('owner_id', '=', ownerId).execute();
      await sql`insert into et_currency_total (owner_id, currency, amount_minor, count, refund_minor, refund_count)
        select owner_id, currency, sum(amount_minor), sum(count), sum(refund_minor), sum(refund_count) from et_daily_total
        where owner_id = ${ownerId} group by owner_id, currency`.execute(db);
      const row = await db
        .selectFrom('et_daily_total')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('owner_id', '=', ownerId)
        .executeTakeFirstOrThrow();
      return toInt(row.n);
    },
  };
}
