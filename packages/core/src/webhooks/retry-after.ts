/** Delta-seconds: digits only (RFC 9110 §10.2.3). */
const DELTA_SECONDS = /^\d+$/;
/**
 * The preferred HTTP-date form, IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), checked by
 * shape before `Date.parse` reads it, because `Date.parse` also takes forms HTTP does not
 * (`2026-12-01`, local times) and would read them in the process's time zone.
 */
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * How many seconds a `Retry-After` header asks to wait from `now`: delta-seconds as given, or
 * the seconds until an IMF-fixdate (0 when it is past, rounded up). `null` when there is no
 * header or it is neither form, so a receiver's typo falls back to the normal backoff.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from './webhooks.js'; // internal to core for now
 *
 * const now = new Date('2026-12-01T10:00:00Z');
 * parseRetryAfter('120', now); // 120
 * parseRetryAfter('Tue, 01 Dec 2026 10:05:00 GMT', now); // 300
 * parseRetryAfter('soon', now); // null
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  const text = value?.trim() ?? '';
  if (DELTA_SECONDS.test(text)) {
    // An absurd number of seconds is still "much later": the retry schedule bounds it.
    return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
  }
  if (!IMF_FIXDATE.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
