import {
  exportQuerySchema,
  expenseSchema,
  monthlyQuerySchema,
  monthlySchema,
  summaryQuerySchema,
  summarySchema,
  trendsQuerySchema,
  trendsSchema,
  weeklyQuerySchema,
  weeklySchema,
  localDate,
  type ExportQuery,
} from '@expense-tracker/core';
import { z } from 'zod';
import { csvExportSchema, ndjsonExportSchema } from '../http/openapi-schemas.js';
import { defineRoute, type Route, type RouteInput } from '../http/route.js';

type ExportFormat = NonNullable<ExportQuery['format']>;

/** The response type and file extension of each export format. */
const EXPORT_FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
  json: { type: 'application/json', extension: 'json' },
  ndjson: { type: 'application/x-ndjson', extension: 'ndjson' },
} as const satisfies Record<ExportFormat, { type: string; extension: string }>;

/**
 * `GET /analytics/export`: the listing filters, streamed as a download in bounded memory, a
 * few at a time per user (`exports`). Answers on `ctx` itself (headers, a stream).
 */
async function exportDownload({
  owner,
  auth,
  query,
  ctx,
  services,
}: RouteInput<'/analytics/export', typeof exportQuerySchema, undefined, 'export:read'>): Promise<undefined> {
  const release = services.exports.acquire(auth.accountId);
  const iterator = owner.export(query)[Symbol.asyncIterator]();
  // Core validates on the first read: read it before any header is sent, so a bad filter
  // is a 422 problem rather than a download that breaks off.
  let first: IteratorResult<string>;
  try {
    first = await iterator.next();
  } catch (error) {
    release();
    throw error;
  }
  const format = EXPORT_FORMATS[query.format ?? 'csv'];
  // The owner's date by the one clock (their settings are cached per configuration version).
  const today = localDate(services.clock.now(), (await owner.settings.get()).timezone);
  ctx.type = format.type;
  ctx.set('content-disposition', `attachment; filename="expenses-${today}.${format.extension}"`);
  ctx.set('cache-control', 'no-store');
  ctx.body = services.exports.body(first, iterator, ctx.res, release);
  return undefined;
}

/**
 * `/analytics`: summary, monthly, weekly and trends (the query string checked with core's
 * schemas), and the streamed export.
 */
export const analyticsRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/analytics/summary',
    operationId: 'getSummary',
    tag: 'Analytics',
    summary: 'Totals per currency, by category, against the previous range, with budget status',
    permission: 'analytics:read',
    query: summaryQuerySchema,
    response: summarySchema,
    handler: ({ owner, query }) => owner.analytics.summary(query),
  }),
  defineRoute({
    method: 'get',
    path: '/analytics/monthly',
    operationId: 'getMonthly',
    tag: 'Analytics',
    summary: 'Spending per month, per category and currency',
    permission: 'analytics:read',
    query: monthlyQuerySchema,
    response: monthlySchema,
    handler: ({ owner, query }) => owner.analytics.monthly(query),
  }),
  defineRoute({
    method: 'get',
    path: '/analytics/weekly',
    operationId: 'getWeekly',
    tag: 'Analytics',
    summary: 'Spending per week (weeks start on the owner’s `weekStartsOn`)',
    permission: 'analytics:read',
    query: weeklyQuerySchema,
    response: weeklySchema,
    handler: ({ owner, query }) => owner.analytics.weekly(query),
  }),
  defineRoute({
    method: 'get',
    path: '/analytics/trends',
    operationId: 'getTrends',
    tag: 'Analytics',
    summary: 'A zero-filled series with a moving average and change per point',
    permission: 'analytics:read',
    query: trendsQuerySchema,
    response: trendsSchema,
    handler: ({ owner, query }) => owner.analytics.trends(query),
  }),
  defineRoute({
    method: 'get',
    path: '/analytics/export',
    operationId: 'exportExpenses',
    tag: 'Analytics',
    summary: 'Export expenses as CSV, JSON or NDJSON, streamed',
    permission: 'export:read',
    description:
      'Takes the listing filters; rows oldest first. A user may run 2 exports at once (429 `TOO_MANY_EXPORTS` with `Retry-After` for a third); a download whose client reads nothing for 30 s is cut off.',
    query: exportQuerySchema,
    errors: [429],
    content: {
      'text/csv': csvExportSchema,
      'application/json': z.array(expenseSchema),
      'application/x-ndjson': ndjsonExportSchema,
    },
    handler: exportDownload,
  }),
];
