// The README's quickstart. Run it with `npm run example:quickstart`.
import { Tracker, formatAmount } from '@expense-tracker/core';

// ':memory:' keeps everything in memory; give a file path or a postgres:// URL to keep it.
const tracker = await Tracker.open({ database: ':memory:' });
await tracker.migrate();
const alice = tracker.forOwner('alice'); // every call on `alice` is scoped to her data

tracker.on('expense.created', (event) => {
  console.log(`event #${event.seq}: ${event.type} ${event.data.expense.amount} ${event.data.expense.currency}`);
});

const food = await alice.categories.create({ name: 'Food', color: '#22AA55' });
await alice.expenses.create({ amount: '12.50', date: '2026-11-02', categoryId: food.id, description: 'Lunch' });
await alice.expenses.create({ amount: '3.99', date: '2026-11-03', categoryId: food.id, tags: ['coffee'] });
await alice.expenses.create({ amount: '45.00', date: '2026-11-04', description: 'Train ticket' });

// Amounts are integer minor units (cents for USD), so sums are exact.
const { items } = await alice.expenses.list({ categoryId: food.id, from: '2026-11-01', to: '2026-11-30' });
for (const e of items) console.log(`${e.date}  ${e.amount} ${e.currency}  ${e.description ?? e.tags.join(', ')}`);
const totalMinor = items.reduce((sum, e) => sum + e.amountMinor, 0);
console.log(`Food total: ${formatAmount(totalMinor, 'USD')} USD (${totalMinor} cents)`);

// The change feed: every change, in order, for a client to catch up from any seq.
const { events, lastSeq } = await alice.changes({ after: 0 });
console.log(`changes: ${events.map((e) => `${e.seq}:${e.type}`).join(' ')} (lastSeq ${lastSeq})`);

await tracker.close();
