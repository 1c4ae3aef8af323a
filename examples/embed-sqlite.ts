// Embed the SDK in a plain Node script over a SQLite file. Run it with `npm run example:embed-sqlite`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tracker } from '@expense-tracker/core';

// A SQLite file in a fresh temporary directory, removed at the end; in your app, a path you keep.
const dir = await mkdtemp(join(tmpdir(), 'expense-tracker-'));
const file = join(dir, 'expenses.db');
// A fixed clock makes "today" 21 November 2026, so the summary's default range (this month) is stable.
const tracker = await Tracker.open({ database: file, clock: { now: () => new Date('2026-11-21T12:00:00Z') } });
try {
  await tracker.migrate(); // creates the et_* tables on first use; a no-op afterwards
  const me = tracker.forOwner('user_1');

  const rent = await me.categories.create({ name: 'Rent' });
  const food = await me.categories.create({ name: 'Food' });
  await me.expenses.createMany([
    { amount: '950', date: '2026-11-01', categoryId: rent.id, description: 'November rent' },
    { amount: '23.40', date: '2026-11-04', categoryId: food.id, merchant: 'Corner shop' },
    { amount: '8.15', date: '2026-11-12', categoryId: food.id, description: 'Lunch' },
    { amount: '61.05', date: '2026-11-19', categoryId: food.id, merchant: 'Market' },
  ]);

  const { items } = await me.expenses.list({ from: '2026-11-01', to: '2026-11-30' });
  for (const e of items)
    console.log(`${e.date}  ${e.amount.padStart(7)} ${e.currency}  ${e.description ?? e.merchant ?? ''}`);

  const summary = await me.analytics.summary(); // default: the current month
  for (const c of summary.currencies) {
    console.log(
      `${summary.from}..${summary.to}: ${c.total} ${c.currency} in ${c.count} expenses, ${c.averagePerDay} a day`,
    );
    for (const cat of c.byCategory)
      console.log(`  ${cat.categoryName ?? 'Uncategorized'}: ${cat.total} (${cat.sharePercent} %)`);
  }
  await tracker.close();

  // The data is in the file: a new tracker over it (say, after a restart) sees the same expenses.
  const reopened = await Tracker.open({ database: file });
  const { items: again } = await reopened.forOwner('user_1').expenses.list();
  console.log(`after reopening expenses.db: ${again.length} expenses`);
  await reopened.close();
} finally {
  await tracker.close(); // a second close is a no-op
  await rm(dir, { recursive: true, force: true });
}
