import { systemClock, Tracker, type TrackerEventType } from '@expense-tracker/core';

/**
 * A test-only preload (`node --import`, see `startServerProcess`'s `preload`) that puts a
 * server process where a crash hurts most: right after a write committed and before its
 * HTTP answer was sent (or, before issue #11, recorded). No production code path knows it.
 *
 * It wraps `Tracker.open`, so the tracker `main.ts` opens gets, from the environment:
 * - `ET_TEST_KILL_AFTER_COMMIT=<event type>` (with `ET_TEST_KILL_MATCH=<text>`): a listener
 *   that SIGKILLs the process on the first such event whose JSON contains the text. Events
 *   are emitted after commit and before the write's promise resolves to the route, so the
 *   process dies with the write committed and nothing answered.
 * - `ET_TEST_CLOCK_OFFSET_MS=<ms>`: the tracker's clock runs that far ahead of real time
 *   (a retry "two minutes later" without waiting two minutes).
 * - `ET_TEST_CLOCK_AT=<ISO instant>`: the tracker's clock (which the server reads too) starts
 *   at that instant when the process starts and runs on from there: a test stops the server
 *   and starts it again "three months later". Measured against this process's own clock, so
 *   it holds under libfaketime, which gives each child process a clock of its own.
 */

const killOn = process.env.ET_TEST_KILL_AFTER_COMMIT as TrackerEventType | undefined;
const match = process.env.ET_TEST_KILL_MATCH ?? '';
const clockAt = process.env.ET_TEST_CLOCK_AT;
const offsetMs = clockAt ? Date.parse(clockAt) - Date.now() : Number(process.env.ET_TEST_CLOCK_OFFSET_MS ?? 0);
if (Number.isNaN(offsetMs)) throw new Error(`ET_TEST_CLOCK_AT is not an instant: ${clockAt}`);

const open = Tracker.open.bind(Tracker);
Tracker.open = async (options) => {
  const clock =
    offsetMs === 0 ? options.clock : { now: () => new Date((options.clock ?? systemClock).now().getTime() + offsetMs) };
  const tracker = await open({ ...options, clock });
  if (killOn) {
    tracker.on(killOn, (event) => {
      if (JSON.stringify(event).includes(match)) process.kill(process.pid, 'SIGKILL');
    });
  }
  return tracker;
};
