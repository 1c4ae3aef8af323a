import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configurePropertySeed } from '../src/testing/property-seed.js';
import {
  DEFAULT_RETRY_POLICY,
  nextRetry,
  parseRetryAfter,
  retryCeiling,
  type RetryPolicy,
} from '../src/webhooks/webhooks.js';

// The run's seed (FC_SEED, printed when drawn): a failure here replays with it.
configurePropertySeed();

/** Webhook retries (SPEC §7.5): backoff from seconds to a day, full jitter, Retry-After honoured within bounds, then dead. */

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const policyArbitrary: fc.Arbitrary<RetryPolicy> = fc
  .record({
    initialDelaySeconds: fc.integer({ min: 1, max: 600 }),
    extra: fc.integer({ min: 0, max: 7 * 86_400 }),
    minDelaySeconds: fc.integer({ min: 0, max: 60 }),
    maxAttempts: fc.integer({ min: 1, max: 40 }),
    maxRetryAfterSeconds: fc.integer({ min: 0, max: 2 * 86_400 }),
  })
  .map(({ extra, ...policy }) => ({ ...policy, maxDelaySeconds: policy.initialDelaySeconds + extra }));

/** A small seeded generator (mulberry32), for a fixed, replayable stream of uniform numbers. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('the retry schedule', () => {
  it('doubles its ceiling from 5 seconds up to a day, and gives up after the 16th attempt', () => {
    const ceilings = Array.from({ length: 15 }, (_, i) => retryCeiling(DEFAULT_RETRY_POLICY, i + 1));
    expect(ceilings).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920]);
    expect(retryCeiling(DEFAULT_RETRY_POLICY, 16)).toBe(86_400);
    expect(retryCeiling(DEFAULT_RETRY_POLICY, 1_000)).toBe(86_400);
    // The longest a dead message can have been retried: the sum of the ceilings, under two days.
    expect(ceilings.reduce((sum, c) => sum + c, 0)).toBe(163_835);
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 15, random: () => 0.999 })).toEqual({
      dead: false,
      delaySeconds: 81_839,
    });
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 16, random: () => 0.5 })).toEqual({ dead: true });
  });

  it('draws each delay across its whole range (full jitter), so failures after an outage spread out', () => {
    const random = seededRandom(20261202);
    const delays = Array.from({ length: 2_000 }, () => nextRetry(DEFAULT_RETRY_POLICY, { attempts: 10, random }));
    const seconds = delays.map((d) => (d.dead ? -1 : d.delaySeconds));
    expect(Math.min(...seconds)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...seconds)).toBeLessThanOrEqual(2_560);
    // Uniform over 1..2560: about a quarter in each quarter of the range, the mean near 1280.
    const quarters = [0, 1, 2, 3].map((q) => seconds.filter((s) => s > q * 640 && s <= (q + 1) * 640).length);
    for (const count of quarters) expect(count).toBeGreaterThan(400);
    const mean = seconds.reduce((sum, s) => sum + s, 0) / seconds.length;
    expect(mean).toBeGreaterThan(1_180);
    expect(mean).toBeLessThan(1_380);
  });

  it('honours Retry-After, but only up to its bound', () => {
    const low = () => 0;
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 1, retryAfter: 3_600, random: low })).toEqual({
      dead: false,
      delaySeconds: 3_600,
    });
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 1, retryAfter: 30 * 86_400, random: low })).toEqual({
      dead: false,
      delaySeconds: 86_400,
    });
    // A Retry-After shorter than the backoff's draw does not bring the retry forward.
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 12, retryAfter: 1, random: () => 0.5 })).toEqual({
      dead: false,
      delaySeconds: 5_120,
    });
    // Nor does it keep a message alive past its last attempt.
    expect(nextRetry(DEFAULT_RETRY_POLICY, { attempts: 16, retryAfter: 5, random: low })).toEqual({ dead: true });
  });

  it('property: dead exactly from maxAttempts on; otherwise a whole delay within [max(min, asked), max(ceiling, asked)]', () => {
    fc.assert(
      fc.property(
        policyArbitrary,
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 10 ** 9 })),
        unit,
        (policy, attempts, retryAfter, r) => {
          const decision = nextRetry(policy, { attempts, retryAfter, random: () => r });
          expect(decision.dead).toBe(attempts >= policy.maxAttempts);
          if (decision.dead) return;
          const asked = Math.min(retryAfter ?? 0, policy.maxRetryAfterSeconds);
          const ceiling = retryCeiling(policy, attempts);
          expect(Number.isInteger(decision.delaySeconds)).toBe(true);
          expect(decision.delaySeconds).toBeGreaterThanOrEqual(Math.max(policy.minDelaySeconds, asked));
          expect(decision.delaySeconds).toBeLessThanOrEqual(Math.max(ceiling, asked, policy.minDelaySeconds));
          expect(ceiling).toBeLessThanOrEqual(policy.maxDelaySeconds);
        },
      ),
    );
  });

  it('property: the ceiling never shrinks from one attempt to the next, and a larger draw never waits less', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.integer({ min: 1, max: 60 }), unit, unit, (policy, attempts, a, b) => {
        expect(retryCeiling(policy, attempts + 1)).toBeGreaterThanOrEqual(retryCeiling(policy, attempts));
        const [low, high] = a <= b ? [a, b] : [b, a];
        const delay = (r: number) => nextRetry({ ...policy, maxAttempts: Infinity }, { attempts, random: () => r });
        const [first, second] = [delay(low), delay(high)];
        expect(!first.dead && !second.dead && first.delaySeconds <= second.delaySeconds).toBe(true);
      }),
    );
  });

  it('property: the same inputs and random numbers give the same schedule (pure)', () => {
    fc.assert(
      fc.property(fc.array(unit, { minLength: 16, maxLength: 16 }), (draws) => {
        const schedule = () =>
          draws.map((r, i) => nextRetry(DEFAULT_RETRY_POLICY, { attempts: i + 1, random: () => r }));
        expect(schedule()).toEqual(schedule());
      }),
    );
  });

  it('holds a faulty random source to the range: no negative, NaN or endless delay', () => {
    for (const value of [-1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const decision = nextRetry(DEFAULT_RETRY_POLICY, { attempts: 3, random: () => value });
      expect(decision.dead === false && decision.delaySeconds >= 1 && decision.delaySeconds <= 20, String(value)).toBe(
        true,
      );
    }
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  it('reads delta-seconds and IMF-fixdate HTTP dates, measured from the given now', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:01 GMT', now)).toBe(1);
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:00 GMT', now)).toBe(86_400);
    expect(parseRetryAfter('Mon, 30 Nov 2026 10:00:00 GMT', now)).toBe(0); // already past
    expect(parseRetryAfter('99999999999999999999', now)).toBe(Number.MAX_SAFE_INTEGER); // bounded later by the policy
  });

  it('ignores what is neither form, including dates Date.parse would read in the local time zone', () => {
    for (const text of [
      null,
      undefined,
      '',
      'soon',
      '-5',
      '1.5',
      '2026-12-01T10:05:00',
      '2026-12-01',
      'Tuesday, 01-Dec-26 10:05:00 GMT',
      'Tue, 01 Dec 2026 10:05:00 +0100',
    ]) {
      expect(parseRetryAfter(text, now), String(text)).toBeNull();
    }
  });
});
