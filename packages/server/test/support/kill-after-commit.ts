import { readFileSync } from 'node:fs';
import { systemClock, Tracker, type Clock, type TrackerEventType } from '@expense-tracker/core';

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
 * - `ET_TEST_CLOCK_FILE=<path>`: the tracker's clock (which the server reads too) is the ISO
 *   instant written in that file, running on from the moment this process read it. The test
 *   moves time by writing a new instant: every process given the file jumps there at once
 *   (two instances reach the same due work together), and a server stopped, then started
 *   after the test moved the file, wakes up "three months later". Time since the read is
 *   measured on this process's monotonic clock, so it holds under libfaketime too, which
 *   gives each child process a clock of its own.
 */

const killOn = process.env.ET_TEST_KILL_AFTER_COMMIT as TrackerEventType | undefined;
const match = process.env.ET_TEST_KILL_MATCH ?? '';
const offsetMs = Number(process.env.ET_TEST_CLOCK_OFFSET_MS ?? 0);
const clockFile = process.env.ET_TEST_CLOCK_FILE;

/** The instant in `clockFile`, plus the time since it was read; read again when the file changes. */
function fileClock(path: string): Clock {
  let text = '';
  let base = 0;
  let readAt = 0;
  return {
    now() {
      const current = readFileSync(path, 'utf8').trim();
      if (current !== text) {
        const instant = Date.parse(current);
        if (Number.isNaN(instant)) throw new Error(`ET_TEST_CLOCK_FILE ${path} holds no instant: ${current}`);
        [text, base, readAt] = [current, instant, performance.now()];
      }
      return new Date(base + (performance.now() - readAt));
    },
  };
}

const open = Tracker.open.bind(Tracker);
Tracker.open = async (options) => {
  const clock = clockFile
    ? fileClock(clockFile)
    : offsetMs === 0
      ? options.clock
      : { now: () => new Date((options.clock ?? systemClock).now().getTime() + offsetMs) };
  const tracker = await open({ ...options, clock });
  if (killOn) {
    tracker.on(killOn, (event) => {
      if (JSON.stringify(event).includes(match)) process.kill(process.pid, 'SIGKILL');
    });
  }
  return tracker;
};
