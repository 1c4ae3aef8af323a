import { Router } from '@koa/router';
import type { ExportQuery } from '@expense-tracker/core';
import { ownerOf, queryOf, type AppState } from '../http/context.js';
import type { ExportStreams } from './export-streams.js';

type ExportFormat = NonNullable<ExportQuery['format']>;

/** The response type and file extension of each export format. */
const EXPORT_FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
  json: { type: 'application/json', extension: 'json' },
  ndjson: { type: 'application/x-ndjson', extension: 'ndjson' },
} as const satisfies Record<ExportFormat, { type: string; extension: string }>;

/**
 * `/analytics`: summary, monthly, weekly and trends (the query string goes to core's
 * schemas), and `/analytics/export?format=csv|json|ndjson` with the listing filters,
 * streamed as a download in bounded memory, a few at a time per user (`exports`).
 */
export function createAnalyticsRouter(exports: ExportStreams): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/analytics' });

  router.get('/summary', async (ctx) => {
    ctx.body = await ownerOf(ctx).analytics.summary(queryOf(ctx) as never);
  });
  router.get('/monthly', async (ctx) => {
    ctx.body = await ownerOf(ctx).analytics.monthly(queryOf(ctx) as never);
  });
  router.get('/weekly', async (ctx) => {
    ctx.body = await ownerOf(ctx).analytics.weekly(queryOf(ctx) as never);
  });
  router.get('/trends', async (ctx) => {
    ctx.body = await ownerOf(ctx).analytics.trends(queryOf(ctx) as never);
  });

  router.get('/export', async (ctx) => {
    const query = queryOf(ctx);
    const release = exports.acquire(ctx.state.auth!.accountId);
    const iterator = ownerOf(ctx).export(query as never)[Symbol.asyncIterator]();
    // Core validates on the first read: read it before any header is sent, so a bad filter
    // is a 422 problem rather than a download that breaks off.
    let first: IteratorResult<string>;
    try {
      first = await iterator.next();
    } catch (error) {
      release();
      throw error;
    }
    // The first read succeeded, so `format` is one of the formats (or absent: CSV).
    const format = EXPORT_FORMATS[(query.format as ExportFormat | undefined) ?? 'csv'];
    const today = new Date().toISOString().slice(0, 10);
    ctx.type = format.type;
    ctx.set('content-disposition', `attachment; filename="expenses-${today}.${format.extension}"`);
    ctx.set('cache-control', 'no-store');
    ctx.body = exports.body(first, iterator, ctx.res, release);
  });
  return router;
}
