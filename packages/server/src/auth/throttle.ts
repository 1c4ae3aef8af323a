import type { Clock } from '@expense-tracker/core';
import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase } from './server-tables.js';

/**
 * One limit: at most `points` in a fixed window of `windowSeconds` that starts with the first
 * point taken (then a new window starts).
 *
 * @example
 * ```ts
 * import type { ThrottleRule } from '@expense-tracker/server';
 *
 * const fivePerQuarterHour: ThrottleRule = { points: 5, windowSeconds: 15 * 60 };
 * ```
 */
export interface ThrottleRule {
  points: number;
  windowSeconds: number;
}

/** A point to take from one counter under its rule. */
export interface Charge {
  key: string;
  rule: ThrottleRule;
}

/** What {@link Throttle.reserve} took: the counts after taking, and how to give the points back. */
export interface Reservation {
  /** Seconds until the first counter over its limit resets, or `null` when every one is within. */
  readonly retryAfterSeconds: number | null;
  /** A counter's count after this reservation (points of earlier attempts, in flight or kept). */
  hits(key: string): number;
  /** Gives back this reservation's point on these counters (all when none named), in its window only. */
  refund(keys?: string[]): Promise<void>;
}

/** How often expired counters are deleted, at most (on the next reservation after it). */
const SWEEP_EVERY_MS = 60_000;

/**
 * Throttle counters in the `srv_throttle` table, shared by every instance on the database and
 * kept across restarts. A reservation takes its points in one `INSERT … ON CONFLICT DO UPDATE …
 * RETURNING` before any work is done, so concurrent attempts are counted one after another by the
 * database (its row lock on PostgreSQL, its single writer on SQLite): of a burst of 300, only the
 * first `points` see a count within the limit. Callers refund what they did not spend.
 */
export class Throttle {
  readonly #db: Kysely<ServerDatabase>;
  readonly #clock: Clock;
  #sweptAt = 0;

  constructor(db: Kysely<ServerDatabase>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Takes one point from each counter, atomically per counter, and says whether any is over its limit. */
  async reserve(charges: Charge[]): Promise<Reservation> {
    const now = this.#clock.now();
    await this.#sweep(now);
    const nowIso = now.toISOString();
    // Sorted, so that two statements never lock the same rows in opposite orders (PostgreSQL).
    const sorted = [...charges].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const rows = await this.#db
      .insertInto('srv_throttle')
      .values(
        sorted.map((c) => ({
          key: c.key,
          hits: 1,
          resets_at: new Date(now.getTime() + c.rule.windowSeconds * 1000).toISOString(),
        })),
      )
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const expired = eb('srv_throttle.resets_at', '<=', nowIso);
          return {
            hits: eb
              .case()
              .when(expired)
              .then(eb.ref('excluded.hits'))
              .else(eb('srv_throttle.hits', '+', eb.ref('excluded.hits')))
              .end(),
            resets_at: eb
              .case()
              .when(expired)
              .then(eb.ref('excluded.resets_at'))
              .else(eb.ref('srv_throttle.resets_at'))
              .end(),
          };
        }),
      )
      .returning(['key', 'hits', 'resets_at'])
      .execute();
    const taken = new Map(rows.map((r) => [r.key, { hits: Number(r.hits), resetsAt: r.resets_at }]));
    let retryAfterMs: number | null = null;
    for (const charge of sorted) {
      const row = taken.get(charge.key)!;
      if (row.hits > charge.rule.points)
        retryAfterMs = Math.max(retryAfterMs ?? 0, Date.parse(row.resetsAt) - now.getTime());
    }
    let refunded = new Set<string>();
    return {
      retryAfterSeconds: retryAfterMs === null ? null : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      hits: (key) => taken.get(key)?.hits ?? 0,
      refund: async (keys) => {
        const give = (keys ?? [...taken.keys()]).filter((k) => taken.has(k) && !refunded.has(k));
        if (give.length === 0) return;
        refunded = new Set([...refunded, ...give]);
        await this.#db
          .updateTable('srv_throttle')
          .set((eb) => ({
            hits: eb
              .case()
              .when('hits', '>', 0)
              .then(eb('hits', '-', 1))
              .else(0)
              .end(),
          }))
          // Only in the window the point was taken in: a new window owes nothing.
          .where((eb) =>
            eb.or(give.map((k) => eb.and([eb('key', '=', k), eb('resets_at', '=', taken.get(k)!.resetsAt)]))),
          )
          .execute();
      },
    };
  }

  /** A counter's count in its current window (0 when it has none), without taking a point. */
  async peek(key: string): Promise<number> {
    const row = await this.#db
      .selectFrom('srv_throttle')
      .select('hits')
      .where('key', '=', key)
      .where('resets_at', '>', this.#clock.now().toISOString())
      .executeTakeFirst();
    return row ? Number(row.hits) : 0;
  }

  /** Forgets a counter (a successful login clears its username's failures). */
  async reset(key: string): Promise<void> {
    await this.#db.deleteFrom('srv_throttle').where('key', '=', key).execute();
  }

  /** Deletes expired counters, at most once a minute: rows of one-off keys (guessed usernames) do not pile up. */
  async #sweep(now: Date): Promise<void> {
    if (now.getTime() - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now.getTime();
    await this.#db.deleteFrom('srv_throttle').where('resets_at', '<=', now.toISOString()).execute();
  }
}

/**
 * The throttling key of a client address: an IPv4 address (IPv4-mapped IPv6 included) as is, an
 * IPv6 address by its /64 (one subscriber usually holds a whole /64: counting each address
 * would give them 2^64 budgets). Anything else is used as given.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address === '' ? 'unknown' : address;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
