import { notificationListQuerySchema, notificationSchema } from '@expense-tracker/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';

/**
 * `/notifications`: what alert rules raised, newest first (`?unread=true|false`, `budgetId`,
 * `limit`, and `before` = the last id seen, for the next page), and marking one read. They
 * come from budgets' alert rules, so they need `budgets:*` (see `permissions.ts`).
 */
export const notificationRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/notifications',
    operationId: 'listNotifications',
    tag: 'Notifications',
    summary: 'List notifications, newest first',
    permission: 'budgets:read',
    query: notificationListQuerySchema,
    response: z.array(notificationSchema),
    handler: ({ owner, query }) => owner.notifications.list(query),
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/{id}/read',
    operationId: 'markNotificationRead',
    tag: 'Notifications',
    summary: 'Mark a notification read',
    permission: 'budgets:write',
    response: notificationSchema,
    handler: ({ owner, params }) => owner.notifications.markRead(params.id),
  }),
];
