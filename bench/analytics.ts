/**
 * `monthly` (12 months and 3 years) and `summary` (12 months) over one owner with
 * 1,000,000 expenses, against the raw GROUP BY over the expense table with its best index
 * (a covering index on owner, date, currency, category, amount), on SQLite and PostgreSQL.
 *
 *   npm run bench:analytics        (BENCH_ROWS, BENCH_RUNS to change the work)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { addDays, localDate, Tracker } from '@expense-tracker/core';
import { openKyselyStore } from '@expense-tracker/core/kysely';
import { addMonthsClamped } from '../packages/core/src/budgets/periods.js';
import { fmt, machine, median, seedExpenses, timed, today, withPostgres, writeSection } from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const day = localDate(new Date(), 'UTC');
const thisMonth = day.slice(0, 7);

async function measure(label: string, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push(await timed(fn));
  const result = median(times);
  console.log(`${label}: ${fmt(result, 1)} ms`);
  return result;
}

async function run(database: string, label: string): Promise<string[]> {
  const store = await openKyselyStore({ database });
  const tracker = await Tracker.open({ store });
  await tracker.migrate();
  const owner = tracker.forOwner('analytics-owner');
  const categoryIds = [];
  for (let i = 0; i < 8; i += 1) categoryIds.push((await owner.categories.create({ name: `Category ${i}` })).id);
  console.log(`${label}: seeding ${fmt(ROWS)} expenses…`);
  await seedExpenses(store, owner.ownerId, { count: ROWS, days: 1095, lastDate: day, categoryIds });
  // The baseline's best index: everything the GROUP BY reads, in range order.
  await sql`create index bench_expense_covering on et_expense (owner_id, date, currency, category_id, amount_minor)`.execute(
    store.db,
  );
  await sql`analyze`.execute(store.db);

  const rawMonthly = (from: string, to: string) =>
    sql`select substr(date, 1, 7) as month, currency, category_id, sum(amount_minor) as total, count(*) as n
        from et_expense where owner_id = ${owner.ownerId} and date >= ${from} and date <= ${to}
        group by substr(date, 1, 7), currency, category_id order by 1, 2, 3`.execute(store.db);
  const rawSummary = (from: string, to: string) =>
    sql`select currency, category_id, sum(amount_minor) as total, count(*) as n
        from et_expense where owner_id = ${owner.ownerId} and date >= ${from} and date <= ${to}
        group by currency, category_id`.execute(store.db);

  const rows: string[] = [];
  for (const months of [12, 36]) {
    const fromMonth = addMonthsClamped(`${thisMonth}-01`, -(months - 1)).slice(0, 7);
    const from = `${fromMonth}-01`;
    const to = addDays(addMonthsClamped(`${thisMonth}-01`, 1), -1);
    // Both answer the same question: check the totals agree before timing.
    const sdk = await owner.analytics.monthly({ fromMonth, toMonth: thisMonth });
    const raw = await rawMonthly(from, to);
    const sdkSum = sdk.months.flatMap((m) => m.currencies).reduce((s, c) => s + c.totalMinor, 0);
    const rawSum = raw.rows.reduce<number>((s, r) => s + Number((r as { total: unknown }).total), 0);
    if (sdkSum !== rawSum)
      throw new Error(`monthly(${months}) disagrees with the raw GROUP BY: ${sdkSum} vs ${rawSum}`);
    const base = await measure(`${label} raw GROUP BY ${months} months`, () => rawMonthly(from, to));
    const ours = await measure(`${label} monthly ${months} months`, () =>
      owner.analytics.monthly({ fromMonth, toMonth: thisMonth }),
    );
    rows.push(
      `| ${label} | \`monthly\`, ${months} months | ${fmt(base, 1)} ms | ${fmt(ours, 1)} ms | ${fmt((ours / base) * 100, 1)} % | ≤ 10 % | ${ours / base <= 0.1 ? 'met' : 'missed'} |`,
    );
  }
  const from = addDays(day, -364);
  const base = await measure(`${label} raw GROUP BY summary`, async () => {
    await rawSummary(from, day);
    await rawSummary(addDays(from, -365), addDays(from, -1)); // the previous range, as summary compares
  });
  const ours = await measure(`${label} summary 12 months`, () => owner.analytics.summary({ from, to: day }));
  rows.push(
    `| ${label} | \`summary\`, 365 days (and the 365 before) | ${fmt(base, 1)} ms | ${fmt(ours, 1)} ms | ${fmt((ours / base) * 100, 1)} % | ≤ 10 % | ${ours / base <= 0.1 ? 'met' : 'missed'} |`,
  );
  await tracker.close();
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'et-bench-analytics-'));
const rows: string[] = [];
try {
  rows.push(...(await run(join(dir, 'analytics.db'), 'SQLite')));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!process.argv.includes('--sqlite')) rows.push(...(await withPostgres((url) => run(url, 'PostgreSQL'))));
writeSection(
  'analytics',
  `## Analytics over 1,000,000 expenses of one owner

\`npm run bench:analytics\` · ${today()} · ${machine()} · ${fmt(ROWS)} expenses over 3 years, 8 categories and uncategorized; median of ${RUNS} runs after a warm-up.
Baseline: the raw GROUP BY over \`et_expense\` with a covering index on (owner_id, date, currency, category_id, amount_minor), which the bench creates. The SDK answers from the daily totals (at most one row per day, currency and category), so its cost follows the range asked about, not the number of expenses. Each pair is checked to give the same totals before it is timed.

| database | query | baseline | SDK | SDK / baseline | target | |
|---|---|---|---|---|---|---|
${rows.join('\n')}`,
);
