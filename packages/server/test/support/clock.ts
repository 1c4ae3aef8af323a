import type { Clock } from '@expense-tracker/core';

/** A clock a test moves by hand: time passes only when the test says so. */
export interface ManualClock extends Clock {
  /** Jumps to `instant`. */
  set(instant: string): void;
  /** Moves `ms` milliseconds on. */
  advance(ms: number): void;
}

/**
 * A {@link ManualClock} starting at `start`. Give it to `startServer({ clock })`: the tracker
 * and the server (tokens, sessions, throttles, socket expiry) then read the same time.
 */
export function manualClock(start = '2026-11-15T12:00:00.000Z'): ManualClock {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    set: (instant) => void (ms = Date.parse(instant)),
    advance: (by) => void (ms += by),
  };
}
