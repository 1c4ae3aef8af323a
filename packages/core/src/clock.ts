/**
 * Where the tracker reads the current instant. Pass your own to `Tracker.open` to make
 * tests and simulations deterministic.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => new Date('2026-03-01T12:00:00Z') };
 * const tracker = await Tracker.open({ database: ':memory:', clock });
 * ```
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
