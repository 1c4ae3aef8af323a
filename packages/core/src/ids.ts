import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Prefixes of the ids the SDK generates, one per record kind: `rule` is an alert rule's (as
 * ids already stored have it), `rul` an auto-categorisation rule's and `run` one of its runs; `whk` a webhook endpoint's and `msg` one of its messages; `sch` a schedule's.
 */
export type IdPrefix = 'exp' | 'cat' | 'bud' | 'rule' | 'ntf' | 'imp' | 'ipr' | 'rul' | 'run' | 'whk' | 'msg' | 'sch';

/**
 * Monotonic within the process: ids made in the same millisecond still sort in creation
 * order (a plain `ulid()` randomises them), so "oldest first" and "newest first" listings
 * that tie-break or order by id follow creation order.
 */
const ulid = monotonicFactory(pooledRandom());

/**
 * ulid's own generator asks the operating system for one random byte per character (16
 * `randomFillSync` calls an id, ~3 % of an HTTP create's CPU); this one takes the same
 * cryptographic bytes from a pool refilled 4 KiB at a time. `byte / 256` is uniform over
 * [0, 1), so each of ulid's 32 symbols stays equally likely.
 */
function pooledRandom(): () => number {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

/**
 * A new time-ordered id with a kind prefix, e.g. `exp_01JD3M8X5Q7Z2V9R0W4K6T1B3C`.
 * ULIDs sort by creation time, which keeps index inserts local and makes ids a stable
 * tie-breaker for keyset pagination.
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
