import { z } from 'zod';
import { budgetNotificationSchema, budgetSchema, noticeSchema } from '../budgets/schema.js';
import { categorySchema } from '../categories/schema.js';
import { idSchema, instantSchema } from '../common-schemas.js';
import { expenseSchema } from '../expenses/schema.js';
import { actorSchema } from '../actor.js';
import { importSchema } from '../imports/schema.js';
import { webhookEndpointDisabledDataSchema, webhookMessageDeadDataSchema } from '../webhooks/webhook-schemas.js';
import { ruleRevertResultSchema, ruleRunSchema, savedRuleSchema } from '../rules/schema.js';
import { scheduleOccurrenceSchema, scheduleSchema } from '../schedules/schema.js';

/** The schedule an occurrence event belongs to, named for display. */
const scheduleRefSchema = z.object({ id: idSchema, name: z.string() }).meta({ id: 'ScheduleRef' });

/** An occurrence event's payload: the schedule, the occurrence, and its expense for `posted`/`matched`. */
const occurrenceData = { schedule: scheduleRefSchema, occurrence: scheduleOccurrenceSchema };

/**
 * Why an expense changed when it was not (only) the caller's doing: auto-categorisation
 * rules that shaped a create or update, or an `apply`/`revert` run of a rule.
 */
const causeSchema = z
  .object({
    kind: z.enum(['rule', 'rule-revert']),
    ruleIds: z.array(idSchema).meta({ description: 'The rules whose actions changed the expense' }),
    runId: idSchema.optional().meta({ description: 'The apply run, for rule.apply and its revert' }),
  })
  .meta({ id: 'ExpenseChangeCause' });

/**
 * What each event type carries in `data`, as zod schemas: the one definition of the event
 * payloads. `TrackerEventMap` (the SDK's types), the change feed's `ChangeEvent` and the
 * server's WebSocket messages (and so the OpenAPI document) are all derived from it.
 *
 * - `*.updated` carry the record after the change and the one before (`previous`).
 * - `category.deleted`: when expenses used the category, they now belong to `reassignedTo`
 *   (`null`: uncategorized); `expenseCount` says how many moved.
 * - `alert.triggered`: the stored notification, and the budget's id and name for display.
 * - `import.previewed`, `import.committed`, `import.reverted`: the import with its counts.
 * - `expense.created|updated` carry a `cause` when rules changed the expense (SPEC §7.2).
 * - `rule.*`: a rule's CRUD and order; `rule.applied`/`rule.reverted` a run of a rule.
 * - `notice.posted`: a notice stored for the owner (a dead webhook message, an expiring API token).
 *
 * @example
 * ```ts
 * import { eventDataSchemas } from '@expense-tracker/core';
 *
 * // Check a payload received from elsewhere (a queue, a webhook of your own) before use.
 * const received: unknown = JSON.parse(process.env.EVENT_JSON ?? '{}');
 * const result = eventDataSchemas['alert.triggered'].safeParse(received);
 * if (result.success) console.log(result.data.budget.name, result.data.notification.message);
 * ```
 */
export const eventDataSchemas = {
  'expense.created': z
    .object({ expense: expenseSchema, cause: causeSchema.optional() })
    .meta({ id: 'ExpenseCreatedData' }),
  'expense.updated': z
    .object({ expense: expenseSchema, previous: expenseSchema, cause: causeSchema.optional() })
    .meta({ id: 'ExpenseUpdatedData' }),
  'expense.deleted': z.object({ expense: expenseSchema }).meta({ id: 'ExpenseDeletedData' }),
  'category.created': z.object({ category: categorySchema }).meta({ id: 'CategoryCreatedData' }),
  'category.updated': z
    .object({ category: categorySchema, previous: categorySchema })
    .meta({ id: 'CategoryUpdatedData' }),
  'category.deleted': z
    .object({
      category: categorySchema,
      reassignedTo: idSchema
        .nullable()
        .meta({ description: 'Where the category’s expenses went; null: uncategorized' }),
      expenseCount: z.int().min(0).meta({ description: 'How many expenses moved' }),
    })
    .meta({ id: 'CategoryDeletedData' }),
  'budget.created': z.object({ budget: budgetSchema }).meta({ id: 'BudgetCreatedData' }),
  'budget.updated': z.object({ budget: budgetSchema, previous: budgetSchema }).meta({ id: 'BudgetUpdatedData' }),
  'budget.deleted': z.object({ budget: budgetSchema }).meta({ id: 'BudgetDeletedData' }),
  'alert.triggered': z
    .object({
      notification: budgetNotificationSchema,
      budget: z
        .object({ id: idSchema, name: z.string() })
        .meta({ description: 'The budget whose rule fired, for display' }),
    })
    .meta({ id: 'AlertTriggeredData' }),
  'import.previewed': z.object({ import: importSchema }).meta({ id: 'ImportPreviewedData' }),
  'import.committed': z.object({ import: importSchema }).meta({ id: 'ImportCommittedData' }),
  'import.reverted': z.object({ import: importSchema }).meta({ id: 'ImportRevertedData' }),
  'rule.created': z.object({ rule: savedRuleSchema }).meta({ id: 'RuleCreatedData' }),
  'rule.updated': z.object({ rule: savedRuleSchema, previous: savedRuleSchema }).meta({ id: 'RuleUpdatedData' }),
  'rule.deleted': z.object({ rule: savedRuleSchema }).meta({ id: 'RuleDeletedData' }),
  'rule.reordered': z
    .object({ ruleIds: z.array(idSchema).meta({ description: 'The owner’s rules in their new order' }) })
    .meta({ id: 'RuleReorderedData' }),
  'rule.applied': z.object({ run: ruleRunSchema }).meta({ id: 'RuleAppliedData' }),
  'rule.reverted': ruleRevertResultSchema.meta({ id: 'RuleRevertedData' }),
  'notice.posted': z
    .object({
      notification: noticeSchema.meta({ description: 'The notice as stored, as `GET /notifications` lists it' }),
    })
    .meta({ id: 'NoticePostedData' }),
  'webhook.message.dead': webhookMessageDeadDataSchema,
  'webhook.endpoint.disabled': webhookEndpointDisabledDataSchema,
  'schedule.created': z.object({ schedule: scheduleSchema }).meta({ id: 'ScheduleCreatedData' }),
  'schedule.updated': z
    .object({ schedule: scheduleSchema, previous: scheduleSchema })
    .meta({ id: 'ScheduleUpdatedData' }),
  'schedule.deleted': z.object({ schedule: scheduleSchema }).meta({ id: 'ScheduleDeletedData' }),
  'schedule.occurrence.posted': z
    .object({ ...occurrenceData, expense: expenseSchema })
    .meta({ id: 'ScheduleOccurrencePostedData' }),
  'schedule.occurrence.matched': z
    .object({ ...occurrenceData, expense: expenseSchema })
    .meta({ id: 'ScheduleOccurrenceMatchedData' }),
  'schedule.occurrence.skipped': z.object(occurrenceData).meta({ id: 'ScheduleOccurrenceSkippedData' }),
  'schedule.occurrence.missed': z.object(occurrenceData).meta({ id: 'ScheduleOccurrenceMissedData' }),
  'schedule.occurrence.reopened': z.object(occurrenceData).meta({ id: 'ScheduleOccurrenceReopenedData' }),
} as const;

/** The fields every event has beside `type` and `data`. */
const seqSchema = z
  .int()
  .min(1)
  .meta({ description: 'Position in the owner’s change feed, from 1; gapless, in commit order' });
const atSchema = instantSchema.meta({ description: 'When the change was committed (ISO 8601 UTC)' });

/**
 * One event type's envelope: `{ seq, ownerId, type, data, at }`, `type` a single value.
 *
 * @example
 * ```ts
 * import { changeEventOf } from '@expense-tracker/core';
 *
 * const alertEvent = changeEventOf('alert.triggered');
 * const { events } = await owner.changes();
 * const alerts = events.flatMap((event) => (alertEvent.safeParse(event).success ? [event] : []));
 * ```
 */
export function changeEventOf<K extends keyof typeof eventDataSchemas>(type: K) {
  return z.object({
    seq: seqSchema,
    ownerId: z.string(),
    type: z.literal(type),
    data: eventDataSchemas[type],
    at: atSchema,
    actor: actorSchema,
  });
}

/**
 * An event of the change feed (`owner.changes()`, the server's `GET /changes`): a union
 * discriminated by `type`, whose `data` is typed per type (see {@link eventDataSchemas}).
 * Its output is `TrackerEvent`.
 *
 * @example
 * ```ts
 * import { changeEventSchema } from '@expense-tracker/core';
 *
 * // A REST client reading `GET /changes`: parse, then switch on `type` to narrow `data`.
 * const page = (await fetch('http://localhost:8000/changes?after=0', { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json())) as { events: unknown[] };
 * for (const event of changeEventSchema.array().parse(page.events)) {
 *   if (event.type === 'expense.created') console.log(event.seq, event.data.expense.amount);
 * }
 * changeEventSchema.safeParse({ seq: 3, ownerId: 'alice', type: 'expense.exploded', data: {}, at: '2026-11-25T10:00:00.000Z' }).success; // false
 * ```
 */
export const changeEventSchema = z
  .discriminatedUnion('type', [
    changeEventOf('expense.created').meta({ id: 'ChangeEventExpenseCreated' }),
    changeEventOf('expense.updated').meta({ id: 'ChangeEventExpenseUpdated' }),
    changeEventOf('expense.deleted').meta({ id: 'ChangeEventExpenseDeleted' }),
    changeEventOf('category.created').meta({ id: 'ChangeEventCategoryCreated' }),
    changeEventOf('category.updated').meta({ id: 'ChangeEventCategoryUpdated' }),
    changeEventOf('category.deleted').meta({ id: 'ChangeEventCategoryDeleted' }),
    changeEventOf('budget.created').meta({ id: 'ChangeEventBudgetCreated' }),
    changeEventOf('budget.updated').meta({ id: 'ChangeEventBudgetUpdated' }),
    changeEventOf('budget.deleted').meta({ id: 'ChangeEventBudgetDeleted' }),
    changeEventOf('alert.triggered').meta({ id: 'ChangeEventAlertTriggered' }),
    changeEventOf('import.previewed').meta({ id: 'ChangeEventImportPreviewed' }),
    changeEventOf('import.committed').meta({ id: 'ChangeEventImportCommitted' }),
    changeEventOf('import.reverted').meta({ id: 'ChangeEventImportReverted' }),
    changeEventOf('rule.created').meta({ id: 'ChangeEventRuleCreated' }),
    changeEventOf('rule.updated').meta({ id: 'ChangeEventRuleUpdated' }),
    changeEventOf('rule.deleted').meta({ id: 'ChangeEventRuleDeleted' }),
    changeEventOf('rule.reordered').meta({ id: 'ChangeEventRuleReordered' }),
    changeEventOf('rule.applied').meta({ id: 'ChangeEventRuleApplied' }),
    changeEventOf('rule.reverted').meta({ id: 'ChangeEventRuleReverted' }),
    changeEventOf('notice.posted').meta({ id: 'ChangeEventNoticePosted' }),
    changeEventOf('webhook.message.dead').meta({ id: 'ChangeEventWebhookMessageDead' }),
    changeEventOf('webhook.endpoint.disabled').meta({ id: 'ChangeEventWebhookEndpointDisabled' }),
    changeEventOf('schedule.created').meta({ id: 'ChangeEventScheduleCreated' }),
    changeEventOf('schedule.updated').meta({ id: 'ChangeEventScheduleUpdated' }),
    changeEventOf('schedule.deleted').meta({ id: 'ChangeEventScheduleDeleted' }),
    changeEventOf('schedule.occurrence.posted').meta({ id: 'ChangeEventScheduleOccurrencePosted' }),
    changeEventOf('schedule.occurrence.matched').meta({ id: 'ChangeEventScheduleOccurrenceMatched' }),
    changeEventOf('schedule.occurrence.skipped').meta({ id: 'ChangeEventScheduleOccurrenceSkipped' }),
    changeEventOf('schedule.occurrence.missed').meta({ id: 'ChangeEventScheduleOccurrenceMissed' }),
    changeEventOf('schedule.occurrence.reopened').meta({ id: 'ChangeEventScheduleOccurrenceReopened' }),
  ])
  // `discriminator` is OpenAPI's hint for client generators; the server adds its `mapping`.
  .meta({
    id: 'ChangeEvent',
    description: 'An event of the change feed; `data` depends on `type`',
    discriminator: { propertyName: 'type' },
  });
