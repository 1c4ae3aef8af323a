import { changeEventOf, type TrackerEventType } from '@expense-tracker/core';
import { z } from 'zod';

/** A change feed event as the socket sends it: the same, without `ownerId` (a socket only ever carries its own user's) and `actor` (the feed has it). */
const messageOf = <K extends TrackerEventType>(type: K) => changeEventOf(type).omit({ ownerId: true, actor: true });

/**
 * A message on the notification socket (`/ws/notifications`): one committed event of the
 * socket's user, `{ type, seq, at, data }`, for `alert.triggered`, the `expense.*` and
 * `budget.*` changes, the `rule.*` and `schedule.*` changes, the webhook notices `webhook.message.dead` and
 * `webhook.endpoint.disabled`, and `notice.posted` (a stored notice: a dead webhook message, an API token about
 * to expire). A union discriminated by `type`; `data` is core's payload of that type
 * (`eventDataSchemas`), so the SDK's event types, this schema and the OpenAPI document's
 * `NotificationMessage` cannot drift apart.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * import { notificationMessageSchema } from '@expense-tracker/server';
 *
 * const socket = new WebSocket(`ws://localhost:8000/ws/notifications?token=${process.env.ACCESS_TOKEN}`);
 * socket.on('message', (raw) => {
 *   const message = notificationMessageSchema.parse(JSON.parse(String(raw)));
 *   if (message.type === 'alert.triggered') console.log(message.data.notification.message);
 *   else if (message.type === 'expense.created') console.log(`spent ${message.data.expense.amount} ${message.data.expense.currency}`);
 * });
 * ```
 */
export const notificationMessageSchema = z
  .discriminatedUnion('type', [
    messageOf('alert.triggered').meta({ id: 'NotificationMessageAlertTriggered' }),
    messageOf('expense.created').meta({ id: 'NotificationMessageExpenseCreated' }),
    messageOf('expense.updated').meta({ id: 'NotificationMessageExpenseUpdated' }),
    messageOf('expense.deleted').meta({ id: 'NotificationMessageExpenseDeleted' }),
    messageOf('budget.created').meta({ id: 'NotificationMessageBudgetCreated' }),
    messageOf('budget.updated').meta({ id: 'NotificationMessageBudgetUpdated' }),
    messageOf('budget.deleted').meta({ id: 'NotificationMessageBudgetDeleted' }),
    // The owner is told when a webhook message is given up and when a receiver's 410 disables an endpoint (SPEC §7.5).
    messageOf('webhook.message.dead').meta({ id: 'NotificationMessageWebhookMessageDead' }),
    messageOf('webhook.endpoint.disabled').meta({ id: 'NotificationMessageWebhookEndpointDisabled' }),
    // Notices stored for the owner: a dead webhook message, an API token about to expire.
    messageOf('notice.posted').meta({ id: 'NotificationMessageNoticePosted' }),
    // Rules and schedules change what the dashboard's rules and bills pages show (SPEC §7.2, §7.3).
    messageOf('rule.created').meta({ id: 'NotificationMessageRuleCreated' }),
    messageOf('rule.updated').meta({ id: 'NotificationMessageRuleUpdated' }),
    messageOf('rule.deleted').meta({ id: 'NotificationMessageRuleDeleted' }),
    messageOf('rule.reordered').meta({ id: 'NotificationMessageRuleReordered' }),
    messageOf('rule.applied').meta({ id: 'NotificationMessageRuleApplied' }),
    messageOf('rule.reverted').meta({ id: 'NotificationMessageRuleReverted' }),
    messageOf('schedule.created').meta({ id: 'NotificationMessageScheduleCreated' }),
    messageOf('schedule.updated').meta({ id: 'NotificationMessageScheduleUpdated' }),
    messageOf('schedule.deleted').meta({ id: 'NotificationMessageScheduleDeleted' }),
    messageOf('schedule.occurrence.posted').meta({ id: 'NotificationMessageScheduleOccurrencePosted' }),
    messageOf('schedule.occurrence.matched').meta({ id: 'NotificationMessageScheduleOccurrenceMatched' }),
    messageOf('schedule.occurrence.skipped').meta({ id: 'NotificationMessageScheduleOccurrenceSkipped' }),
    messageOf('schedule.occurrence.missed').meta({ id: 'NotificationMessageScheduleOccurrenceMissed' }),
    messageOf('schedule.occurrence.reopened').meta({ id: 'NotificationMessageScheduleOccurrenceReopened' }),
  ])
  .meta({
    id: 'NotificationMessage',
    description:
      'A message on the notification socket: one committed event of the socket’s user; `data` depends on `type`',
    discriminator: { propertyName: 'type' },
  });

/**
 * A message on the notification socket; narrow `data` by switching on `type`.
 *
 * @example
 * ```ts
 * import type { NotificationMessage } from '@expense-tracker/server';
 *
 * function describe(message: NotificationMessage): string {
 *   switch (message.type) {
 *     case 'alert.triggered':
 *       return `${message.data.budget.name}: ${message.data.notification.message}`;
 *     case 'expense.created':
 *       return `#${message.seq} spent ${message.data.expense.amount} ${message.data.expense.currency}`;
 *     default:
 *       return `#${message.seq} ${message.type}`;
 *   }
 * }
 * ```
 */
export type NotificationMessage = z.output<typeof notificationMessageSchema>;

/** The event types the socket forwards: alerts, the spending updates, rules, schedules, the webhook notices and stored notices. */
export const NOTIFICATION_TYPES: readonly NotificationMessage['type'][] = notificationMessageSchema.options.map(
  (option) => option.shape.type.value,
);
