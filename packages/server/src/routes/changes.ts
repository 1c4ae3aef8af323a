import { changesPageSchema, changesQuerySchema } from '@expense-tracker/core';
import { defineRoute, type Route } from '../http/route.js';

/**
 * `/changes?after=<seq>&limit=`: the owner's change feed, oldest first, with `lastSeq` so a
 * client that was away can page until it has caught up.
 */
export const changesRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/changes',
    operationId: 'listChanges',
    tag: 'Changes',
    summary: 'Events with `seq` after `after`, oldest first',
    permission: 'changes:read',
    query: changesQuerySchema,
    response: changesPageSchema,
    handler: ({ owner, query }) => owner.changes(query),
  }),
];
