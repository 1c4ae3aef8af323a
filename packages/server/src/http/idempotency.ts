import { createHash } from 'node:crypto';
import type { AppContext } from './context.js';

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
 * `Idempotency-Key` on authenticated POSTs. The request's owner handle is swapped for one
 * keyed with the header (`owner.withIdempotencyKey`), with a fingerprint of the request
 * (method, path, body): core records the write's result in the write's own transaction and
 * answers a retry from it, so a committed write always has its answer, whatever happens to
 * this process after the commit. The route shapes a replayed result as it shapes a fresh one
 * (same status, same body) and the answer says `Idempotent-Replayed: true`.
 *
 * The same key with another request is a 422 (`IDEMPOTENCY_KEY_REUSED`); a retry sent while
 * the first attempt is still writing waits for it (writes of one owner run one at a time) and
 * replays its answer. A request that fails records nothing. Keys are per account, kept 24 h.
 */
export function createIdempotency() {
  return async function idempotency(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
    const key = ctx.get('idempotency-key');
    const owner = ctx.state.owner;
    if (ctx.method !== 'POST' || !key || !owner) return void (await next());
    const fingerprint = createHash('sha256')
      .update(`${ctx.method} ${ctx.path}\n${requestText(ctx)}`)
      .digest('base64url');
    ctx.state.owner = owner.withIdempotencyKey(key, {
      fingerprint,
      onReplay: () => ctx.set('idempotent-replayed', 'true'),
    });
    await next();
  };
}
