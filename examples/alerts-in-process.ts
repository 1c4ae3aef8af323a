// React to `alert.triggered` in process. Run it with `npm run example:alerts-in-process`.
import { Tracker, formatAmount, type TrackerEvent } from '@expense-tracker/core';

// A fixed clock makes "today" 10 November 2026, so the output is always the same.
const tracker = await Tracker.open({ database: ':memory:', clock: { now: () => new Date('2026-11-10T09:00:00Z') } });
await tracker.migrate();
const carol = tracker.forOwner('carol');

// What a webhook would receive. Listeners run after commit and must not throw or block:
// do the network call asynchronously and handle its errors yourself.
function webhookRequest(event: TrackerEvent<'alert.triggered'>): [url: string, init: RequestInit & { body: string }] {
  const { notification, budget } = event.data;
  return [
    'https://hooks.example.com/expense-alerts',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
      body: JSON.stringify({
        text: notification.message,
        owner: event.ownerId,
        budget: budget.name,
        threshold: notification.thresholdPercent,
        spent: formatAmount(notification.spentMinor, notification.currency),
        currency: notification.currency,
      }),
    },
  ];
}

tracker.on('alert.triggered', (event) => {
  const { notification } = event.data;
  console.log(`alert #${event.seq} for ${event.ownerId}: ${notification.message}`);
  const [url, init] = webhookRequest(event);
  // In your app: `fetch(url, init).catch((error) => log.warn(error));` — here we only show the request.
  console.log(`  would ${init.method} ${url} ${init.body}`);
});

// A monthly budget of 200 with the default rules (spent at 80 % and 100 %) and a forecast rule at 100 %.
const budget = await carol.budgets.create({ name: 'Eating out', amount: '200' });
await carol.alerts.create({ budgetId: budget.id, kind: 'forecast', thresholdPercent: 100 });

for (const amount of ['45.00', '60.00', '70.00', '40.00', '12.00']) {
  await carol.expenses.create({ amount, date: '2026-11-09', description: 'Dinner' });
}

// Each (rule, period) fires once; the notifications are stored for a client to read later.
const notifications = await carol.notifications.list({ unread: true });
console.log(
  `${notifications.length} unread notifications: ${notifications.map((n) => (n.kind === 'notice' ? n.topic : `${n.kind} ${n.thresholdPercent} %`)).join(', ')}`,
);

await tracker.close();
