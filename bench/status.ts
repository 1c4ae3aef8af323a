/**
 * Budget status with 1,000 and with 1,000,000 expenses of history: two owners with the
 * same monthly budget, one with a small history and one with a large one. The status read
 * comes from the daily totals of one period, so it should not grow with the history.
 *
 *   npm run bench:status           (BENCH_ROWS, BENCH_CALLS to change the work)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDate, Tracker, type OwnerHandle } from '@expense-tracker/core';
import { openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';
import { fmt, machine, median, seedExpenses, timed, today, withPostgres, writeSection } from './lib.js';

const LARGE = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = 1_000;
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const ROUNDS = 5;
const day = localDate(new Date(), 'UTC');

async function ownerWithHistory(
  tracker: Tracker,
  store: KyselyStore,
  ownerId: string,
  count: number,
): Promise<{ owner: OwnerHandle; budgetId: string }> {
  const owner = tracker.forOwner(ownerId);
  const categoryIds = [];
  for (let i = 0; i < 8; i += 1) categoryIds.push((await owner.categories.create({ name: `Category ${i}` })).id);
  await seedExpenses(store, ownerId, { count, days: 1095, lastDate: day, categoryIds, idPrefix: `exp_${ownerId}_` });
  const budget = await owner.budgets.create({ name: 'Monthly', amount: '5000', categoryIds: categoryIds.slice(0, 4) });
  return { owner, budgetId: budget.id };
}

async function run(database: string, label: string): Promise<string> {
  const store = await openKyselyStore({ database });
  const tracker = await Tracker.open({ store });
  await tracker.migrate();
  console.log(`${label}: seeding ${fmt(SMALL)} and ${fmt(LARGE)} expenses…`);
  const small = await ownerWithHistory(tracker, store, 'status-small', SMALL);
  const large = await ownerWithHistory(tracker, store, 'status-large', LARGE);
  const perCall = async ({ owner, budgetId }: { owner: OwnerHandle; budgetId: string }) => {
    const ms = await timed(async () => {
      for (let i = 0; i < CALLS; i += 1) await owner.budgets.status(budgetId);
    });
    return (ms / CALLS) * 1000; // µs per call
  };
  await perCall(small);
  await perCall(large);
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    smallTimes.push(await perCall(small));
    largeTimes.push(await perCall(large));
  }
  await tracker.close();
  const s = median(smallTimes);
  const l = median(largeTimes);
  console.log(`${label}: ${fmt(s)} µs with ${fmt(SMALL)}, ${fmt(l)} µs with ${fmt(LARGE)}`);
  return `| ${label} | ${fmt(s)} µs | ${fmt(l)} µs | ${fmt(l / s, 2)}× | ≤ 2× | ${l / s <= 2 ? 'met' : 'missed'} |`;
}

const dir = mkdtempSync(join(tmpdir(), 'et-bench-status-'));
const rows: string[] = [];
try {
  rows.push(await run(join(dir, 'status.db'), 'SQLite'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!process.argv.includes('--sqlite')) rows.push(await withPostgres((url) => run(url, 'PostgreSQL')));
writeSection(
  'status',
  `## Budget status: 1,000 against 1,000,000 expenses of history

\`npm run bench:status\` · ${today()} · ${machine()} · a monthly budget over 4 of 8 categories; ${CALLS} \`budgets.status()\` calls per round, median of ${ROUNDS} rounds, the two owners alternating in one database.

| database | 1,000 expenses | 1,000,000 expenses | ratio | target | |
|---|---|---|---|---|---|
${rows.join('\n')}`,
);
