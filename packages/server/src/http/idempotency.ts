import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '@expense-tracker/core';
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../auth/server-tables.js';
import type { AppContext } from './context.js';
import { HttpError } from './problem.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How the server handles `Idempotency-Key` (`createApp({ idempotency })`).
 *
 * @example
 * ```ts
 * import { createApp, type IdempotencyOptions } from '@expense-tracker/server';
 *
 * // A claim whose request died is released after 2 minutes of silence instead of 1.
 * const idempotency: IdempotencyOptions = { abandonedAfterMs: 120_000, heartbeatMs: 20_000 };
 * createApp({ tracker, jwtSecret: process.env.JWT_SECRET!, idempotency });
 * ```
 */
export interface IdempotencyOptions {
  /** Where "now" comes from (claim times, the 24 h replay window). @default systemClock */
  clock?: Clock;
  /**
   * How long an unanswered claim may go without a sign of life before a retry may release it
   * (its request died with its process, or its clean-up failed with the database).
   * @default 60000
   */
  abandonedAfterMs?: number;
  /**
   * How often a request that is still running renews its claim, so that it never looks
   * abandoned however long it runs. Shorter than `abandonedAfterMs`.
   * @default 10000
   */
  heartbeatMs?: number;
}

/**
 * The request body as hashed: its JSON, or the raw text for a body too deeply nested for
 * `JSON.stringify` (which throws a RangeError on it; core's schemas then refuse it with 422).
 */
function requestText(ctx: AppContext): string {
  const request = ctx.request as { body?: unknown; rawBody?: string };
  try {
    return JSON.stringify(request.body ?? null);
  } catch {
    return `raw:${request.rawBody ?? ''}`;
  }
}

/**
 * `Idempotency-Key` on authenticated POSTs: the first response (below 500) is stored for
 * 24 h and replayed for the same key; the same key with another request is a 422, and a key
 * whose first request is still running is a 409. Keys are per account.
 */
export function createIdempotency(db: Kysely<ServerDatabase>, options: IdempotencyOptions = {}) {
  const clock = options.clock ?? systemClock;
  const abandonedAfterMs = options.abandonedAfterMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  if (!(heartbeatMs > 0 && heartbeatMs < abandonedAfterMs)) throw new RangeError('createIdempotency: heartbeatMs must be above 0 and below abandonedAfterMs');
  return async function idempotency(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
    const key = ctx.get('idempotency-key');
    const accountId = ctx.state.auth?.accountId;
    if (ctx.method !== 'POST' || !key || !accountId) return void (await next());
    if (key.length > 255) throw new HttpError('IDEMPOTENCY_KEY_REUSED', 'An Idempotency-Key has at most 255 characters');
    const requestHash = createHash('sha256').update(`${ctx.method} ${ctx.path}\n${requestText(ctx)}`).digest('base64url');
    const now = clock.now();
    await db
      .deleteFrom('srv_idempotency')
      .where('account_id', '=', accountId)
      .where('idempotency_key', '=', key)
      .where('created_at', '<', new Date(now.getTime() - DAY_MS).toISOString())
      .execute();
    const inserted = await db
      .insertInto('srv_idempotency')
      .values({ account_id: accountId, idempotency_key: key, request_hash: requestHash, status: null, body: null, content_type: null, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
      .returning('idempotency_key')
      .executeTakeFirst();
    if (!inserted) {
      const stored = await db.selectFrom('srv_idempotency').selectAll().where('account_id', '=', accountId).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      if (stored.request_hash !== requestHash) throw new HttpError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
      if (stored.status === null) {
        // A running request renews its claim every `heartbeatMs`. One not renewed for the
        // window was left by a request that is gone (its process died, or its clean-up failed
        // with the database): release it, so the next retry can proceed. The time is checked
        // again in the delete, so a claim renewed meanwhile stays.
        const cutoff = new Date(now.getTime() - abandonedAfterMs).toISOString();
        if (stored.created_at < cutoff) {
          await db
            .deleteFrom('srv_idempotency')
            .where('account_id', '=', accountId)
            .where('idempotency_key', '=', key)
            .where('status', 'is', null)
            .where('created_at', '<', cutoff)
            .execute();
        }
        throw new HttpError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly');
      }
      ctx.status = stored.status;
      if (stored.content_type) ctx.type = stored.content_type;
      ctx.body = stored.body === null ? null : JSON.parse(stored.body);
      ctx.set('idempotent-replayed', 'true');
      return;
    }
    // The claim's `created_at` doubles as its last sign of life while it is unanswered. Requests
    // are not bounded in time once received (REQUEST_TIMEOUT bounds only receiving them; a write
    // can wait for a lock), so age alone cannot tell a slow request from a dead one.
    const heartbeat = setInterval(() => {
      db.updateTable('srv_idempotency')
        .set({ created_at: clock.now().toISOString() })
        .where('account_id', '=', accountId)
        .where('idempotency_key', '=', key)
        .where('status', 'is', null)
        .execute()
        .catch(() => undefined); // the database is away: the claim ages, as a dead request's would
    }, heartbeatMs);
    heartbeat.unref();
    try {
      await next();
    } catch (error) {
      clearInterval(heartbeat);
      await db.deleteFrom('srv_idempotency').where('account_id', '=', accountId).where('idempotency_key', '=', key).execute();
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    if (ctx.status >= 500 || (ctx.body !== null && ctx.body !== undefined && typeof ctx.body !== 'object')) {
      await db.deleteFrom('srv_idempotency').where('account_id', '=', accountId).where('idempotency_key', '=', key).execute();
      return;
    }
    await db
      .updateTable('srv_idempotency')
      .set({ status: ctx.status, body: ctx.body === undefined ? null : JSON.stringify(ctx.body), content_type: ctx.response.type || null })
      .where('account_id', '=', accountId)
      .where('idempotency_key', '=', key)
      .execute();
  };
}
