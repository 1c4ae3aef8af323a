import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  changeEventSchema,
  changesPageSchema,
  createWebhookDispatcher,
  DEFAULT_RETRY_POLICY,
  EVENT_TYPES,
  eventDataSchemas,
  Tracker,
  type TrackerEvent,
  type TrackerEventMap,
} from '../src/index.js';
import { runDueSchedules } from '../src/schedules/run-due.js';
import { internalsOf } from '../src/tracker.js';

describe('the event schemas are the events', () => {
  let tracker: Tracker;
  const emitted: TrackerEvent[] = [];
  beforeAll(async () => {
    tracker = await Tracker.open({
      database: ':memory:',
      clock: { now: () => new Date('2026-11-15T12:00:00Z') },
      // One attempt: the first failure makes a message dead, so the scenario needs no schedule.
      webhooks: {
        encryptionKeys: [{ id: 'k', key: Buffer.alloc(32, 7) }],
        retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
      },
    });
    await tracker.migrate();
    tracker.on('*', (event) => emitted.push(event));
  });
  afterAll(async () => {
    await tracker.close();
  });

  it('types: TrackerEvent and TrackerEventMap are what the schemas parse to', () => {
    expectTypeOf<z.output<typeof changeEventSchema>>().toEqualTypeOf<TrackerEvent>();
    expectTypeOf<z.output<(typeof eventDataSchemas)['alert.triggered']>>().toEqualTypeOf<
      TrackerEventMap['alert.triggered']
    >();
    expect(Object.keys(eventDataSchemas).sort()).toEqual([...EVENT_TYPES].sort());
    expect(changeEventSchema.options.map((option) => option.shape.type.value).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('every event type, as emitted and as read back from the change feed, parses to itself: no field missing, none unknown', async () => {
    const owner = tracker.forOwner('events');
    const food = await owner.categories.create({ name: 'Food', color: '#00aa00' });
    const other = await owner.categories.create({ name: 'Other' });
    await owner.categories.update(food.id, { icon: 'apple' });
    const budget = await owner.budgets.create({ name: 'Food', amount: '10', categoryIds: [food.id] });
    await owner.budgets.update(budget.id, { amount: '20' });
    const lunch = await owner.expenses.create({
      amount: '19.00',
      categoryId: food.id,
      tags: ['work'],
      merchant: 'Deli',
    }); // fires the 80 % rule
    await owner.expenses.update(lunch.id, { notes: 'with the team' });
    await owner.expenses.delete(lunch.id);
    await owner.expenses.create({ amount: '1.00', categoryId: other.id });
    await owner.categories.delete(other.id, { uncategorize: true });
    await owner.budgets.delete(budget.id);
    const imported = await owner.expenses.import([{ date: '2026-03-01', amount: '2.00', externalId: 'x1' }], {
      sourceKey: 'bank',
    });
    await owner.imports.revert(imported.id);
    // Rules: CRUD, order, a create they categorise (a cause), and a run applied and reverted.
    const rule = await owner.rules.create({
      conditions: [{ field: 'merchant', op: 'is', value: 'Deli' }],
      actions: [{ type: 'setCategory', categoryId: food.id }],
    });
    const second = await owner.rules.create({ conditions: [{ field: 'merchant', op: 'is', value: 'x' }], stop: true });
    await owner.rules.reorder({ ruleIds: [second.id, rule.id] });
    await owner.rules.update(rule.id, { enabled: false });
    const deli = await owner.expenses.create({ amount: '2.00', merchant: 'Deli' });
    const run = await owner.rules.apply(rule.id);
    await owner.rules.revertRun(run.id);
    await owner.rules.update(rule.id, { enabled: true });
    await owner.expenses.update(deli.id, { notes: 'rules fill the category' });
    await owner.rules.delete(second.id);
    // Schedules: created, updated, an occurrence skipped and one posted by hand; then a bill
    // matched by the due work, reopened when its expense is deleted, and missed (the clock
    // stands on 2026-11-15).
    const rent = await owner.schedules.create({
      name: 'Rent',
      recurrence: { unit: 'month', anchor: '2026-11-30' },
      template: { amount: '100', categoryId: food.id },
    });
    await owner.schedules.update(rent.id, { name: 'Flat' });
    await owner.schedules.skip(rent.id, '2026-11-30');
    await owner.schedules.postNow(rent.id, '2026-12-30');
    await owner.schedules.create({
      name: 'Power',
      mode: 'expect',
      recurrence: { unit: 'month', anchor: '2026-11-20', end: { after: 2 } },
      template: { amount: '55.00' },
      windowDays: 1,
    });
    const powerPaid = await owner.expenses.create({ amount: '55.00', date: '2026-11-20' });
    const ctx = internalsOf(tracker).context;
    await runDueSchedules(ctx, new Date('2026-11-21T12:00:00Z'));
    await owner.expenses.delete(powerPaid.id); // the matched bill is reopened
    await runDueSchedules(ctx, new Date('2026-12-25T12:00:00Z'));
    await owner.schedules.delete(rent.id);
    // The webhook notices: a receiver that answers 410 (disabled), one that answers 500 (dead).
    await owner.webhooks.create({ url: 'https://gone.example.com/' });
    await owner.webhooks.create({ url: 'https://broken.example.com/' });
    await owner.expenses.create({ amount: '2.00' });
    const status = (url: string) => (url.includes('gone') ? 410 : 500);
    await createWebhookDispatcher({
      tracker,
      deliverer: {
        deliver: (url) => Promise.resolve({ kind: 'response', status: status(url), retryAfter: null, body: '' }),
        close: () => Promise.resolve(),
      },
    }).dispatchDue();

    const page = changesPageSchema.parse(await owner.changes({ limit: 200 }));
    expect(new Set(page.events.map((event) => event.type))).toEqual(new Set(EVENT_TYPES));
    const stored = (await owner.changes({ limit: 200 })).events;
    // zod drops keys it does not know: equality means the schema names every field, and parsing means it requires only what is there.
    expect(page.events).toEqual(stored);
    expect(emitted).toHaveLength(stored.length);
    for (const event of emitted) expect(changeEventSchema.parse(event), event.type).toEqual(event);
    expect(JSON.parse(JSON.stringify(emitted))).toEqual(stored);
  });
});
