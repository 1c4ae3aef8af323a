/**
 * When failed deliveries are tried again, and when a message is given up as dead.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY_POLICY, Tracker, type RetryPolicy } from '@expense-tracker/core';
 *
 * const patient: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 18 };
 * const withRetries = await Tracker.open({ database: ':memory:', webhooks: { retryPolicy: patient } });
 * ```
 */
export interface RetryPolicy {
  /** The ceiling of the first retry's delay; each later retry's ceiling doubles. @default 5 */
  initialDelaySeconds: number;
  /** The largest ceiling: no retry waits longer than this for the schedule's sake. @default 86400 (a day) */
  maxDelaySeconds: number;
  /** The shortest delay, so that jitter drawing near 0 does not retry at once. @default 1 */
  minDelaySeconds: number;
  /** Attempts in all, the first included; a message whose last attempt fails is dead. @default 16 */
  maxAttempts: number;
  /** The longest a receiver's `Retry-After` may postpone a retry (it cannot park a message forever). @default 86400 */
  maxRetryAfterSeconds: number;
}

/**
 * The default policy. Ceilings double from 5 seconds (5, 10, 20 … 40 960, 81 920): 15 retries
 * after the first attempt, each drawn between 1 second and its ceiling, so a receiver that is
 * down for good is given up after about 0.95 days on average and at most 1.9 days (the sum of
 * the ceilings, 163 835 s), with about half of that in the last two retries: long enough for
 * a weekend-night outage to be noticed and fixed with nothing lost, no longer than a day per wait.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY_POLICY, nextRetry, type RetryPolicy } from './webhooks.js'; // internal to core for now
 *
 * // A receiver that should be retried for longer: two more day-long ceilings.
 * const patient: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 18 };
 * nextRetry(patient, { attempts: 17, random: Math.random }); // { dead: false, delaySeconds: ≤ 86 400 }
 * ```
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialDelaySeconds: 5,
  maxDelaySeconds: 86_400,
  minDelaySeconds: 1,
  maxAttempts: 16,
  maxRetryAfterSeconds: 86_400,
});

/** What failed so far, and the randomness the jitter draws from. */
export interface RetryInput {
  /** Attempts made so far, the one that just failed included (1 after the first attempt). */
  attempts: number;
  /** The receiver's `Retry-After` in seconds, if it sent one. */
  retryAfter?: number | null;
  /** A source of uniform numbers in [0, 1): `Math.random` in production, a seeded one in tests. */
  random: () => number;
}

/** The decision: wait `delaySeconds` (whole seconds) and try again, or give up. */
export type RetryDecision = { dead: false; delaySeconds: number } | { dead: true };

/**
 * When to try a failed message again: exponential backoff with full jitter (a delay drawn
 * uniformly up to the attempt's ceiling, so that messages failing together after an outage
 * do not come back together), never sooner than `minDelaySeconds`, and never sooner than a
 * `Retry-After` asks up to `maxRetryAfterSeconds`. After `maxAttempts` attempts the message
 * is dead. Pure: the same input and random numbers give the same answer.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY_POLICY, nextRetry } from './webhooks.js'; // internal to core for now
 *
 * nextRetry(DEFAULT_RETRY_POLICY, { attempts: 1, random: () => 0.5 }); // { dead: false, delaySeconds: 3 } (half of 5, rounded up)
 * nextRetry(DEFAULT_RETRY_POLICY, { attempts: 3, retryAfter: 600, random: () => 0.5 }); // { dead: false, delaySeconds: 600 }
 * nextRetry(DEFAULT_RETRY_POLICY, { attempts: 16, random: Math.random }); // { dead: true }
 * ```
 */
export function nextRetry(policy: RetryPolicy, input: RetryInput): RetryDecision {
  if (input.attempts >= policy.maxAttempts) return { dead: true };
  const ceiling = retryCeiling(policy, input.attempts);
  const jittered = Math.ceil(ceiling * clampUnit(input.random()));
  const asked = Math.min(Math.max(0, Math.ceil(input.retryAfter ?? 0)), policy.maxRetryAfterSeconds);
  return { dead: false, delaySeconds: Math.max(policy.minDelaySeconds, jittered, asked) };
}

/**
 * The ceiling of the delay after `attempts` failed attempts: `initialDelaySeconds` doubled
 * once per attempt after the first, capped at `maxDelaySeconds`.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY_POLICY, retryCeiling } from './webhooks.js'; // internal to core for now
 *
 * [1, 2, 3, 15, 16].map((attempts) => retryCeiling(DEFAULT_RETRY_POLICY, attempts)); // [5, 10, 20, 81920, 86400]
 * ```
 */
export function retryCeiling(policy: RetryPolicy, attempts: number): number {
  // 2 ** 60 is already far past any ceiling; capping the exponent keeps the number finite.
  const doubled = policy.initialDelaySeconds * 2 ** Math.min(Math.max(attempts - 1, 0), 60);
  return Math.min(doubled, policy.maxDelaySeconds);
}

/** A random source's number, held to [0, 1] so a faulty source cannot produce a negative or endless wait. */
function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
