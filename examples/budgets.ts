// Budgets, alerts, analytics and export. Run it with `npm run example:budgets`.
import { Tracker, formatAmount } from '@expense-tracker/core';

// A fixed clock makes "today" 21 November 2026, so the output is always the same.
const tracker = await Tracker.open({ database: ':memory:', clock: { now: () => new Date('2026-11-21T12:00:00Z') } });
await tracker.migrate();
const bob = tracker.forOwner('bob');
await bob.settings.update({ timezone: 'Europe/Berlin', currency: 'EUR' });

tracker.on('alert.triggered', (event) => console.log(`ALERT ${event.data.notification.message}`));

// A monthly budget from payday (the 25th), with the default alerts at 80 % and 100 %.
const groceries = await bob.categories.create({ name: 'Groceries' });
const budget = await bob.budgets.create({
  name: 'Groceries',
  amount: '400',
  categoryIds: [groceries.id],
  period: { unit: 'month', anchor: '2026-01-25' },
});
await bob.expenses.createMany([
  { amount: '120.40', date: '2026-10-28', categoryId: groceries.id, merchant: 'Market' },
  { amount: '95.10', date: '2026-11-05', categoryId: groceries.id, merchant: 'Market' },
  { amount: '110.00', date: '2026-11-18', categoryId: groceries.id, merchant: '=Deli' },
  { amount: '50.00', date: '2026-11-20', categoryId: groceries.id },
]);

const status = await bob.budgets.status(budget.id);
const eur = (minor: number) => `${formatAmount(minor, 'EUR')} EUR`;
console.log(
  `${status.period.start}..${status.period.end}: ${eur(status.spentMinor)} of ${eur(status.availableMinor)} (${status.percentUsed} %), ${status.state}`,
);
console.log(
  `forecast ${eur(status.projectedSpendMinor)}, over budget on ${status.projectedExceedDate}, ${eur(status.dailyAllowanceMinor)} a day left`,
);

const { months } = await bob.analytics.monthly({ from: '2026-10', to: '2026-11' });
for (const month of months)
  console.log(`${month.month}: ${month.currencies.map((c) => `${c.total} ${c.currency}`).join(', ')}`);

// Streamed in batches; a cell that a spreadsheet would run as a formula is neutralised.
for await (const chunk of bob.export({ format: 'csv', from: '2026-11-15' })) process.stdout.write(chunk);

await tracker.close();
