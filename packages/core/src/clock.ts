/**
 * Where the tracker reads the current instant. Pass your own to `Tracker.open` to make
 * tests and simulations deterministic.
 *
 * @example
 * ```ts
 * import { Tracker, type Clock } from '@expense-tracker/core';
 *
 * const clock: Clock = { now: () => new Date('2026-03-01T12:00:00Z') };
 * const tracker = await Tracker.open({ database: ':memory:', clock });
 * ```
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/**
 * The real clock.
 *
 * @example
 * ```ts
 * import { systemClock, Tracker, type Clock } from '@expense-tracker/core';
 *
 * systemClock.now(); // the current instant, as a Date
 * // A clock running a day ahead, built on the real one (e.g. for a demo):
 * const tomorrow: Clock = { now: () => new Date(systemClock.now().getTime() + 86_400_000) };
 * const tracker = await Tracker.open({ database: ':memory:', clock: tomorrow });
 * ```
 */
export const systemClock: Clock = { now: () => new Date() };
