import type { Tracker } from '@expense-tracker/core';
import type { Logger } from 'pino';

/**
 * Options of `createDueWorkTicker`.
 *
 * @example
 * ```ts
 * import type { DueWorkOptions } from '@expense-tracker/server';
 *
 * const dueWork: DueWorkOptions = { intervalMs: 5_000 };
 * createApp({ tracker, jwtSecret: process.env.JWT_SECRET!, dueWork });
 * ```
 */
export interface DueWorkOptions {
  /** Milliseconds between runs of `tracker.runDue()` (retries, and other instances' commits). @default 1000 */
  intervalMs?: number;
  /**
   * Milliseconds a run that commits asked for waits after the run before it ended, so that
   * under a stream of writes due work runs at most about 1000 / `commitGapMs` times a second
   * instead of back to back (each run reads the schedules, the webhook feeds and the due
   * messages, which cost a write about as much as the write itself). A commit after a quiet
   * spell still runs at once. @default 25
   */
  commitGapMs?: number;
}

/**
 * Due work of the server's own, run by the ticker after `tracker.runDue()` (core's due work):
 * what needs the server's tables, such as telling owners that an API token expires soon. Like
 * a core step it MUST be safe on several instances at once and MUST catch up after downtime.
 */
export interface ServerDueStep {
  /** Named in the log line of a failed run. */
  name: string;
  run(): Promise<unknown>;
}

/**
 * Runs a tracker's due work in the background; see `createDueWorkTicker`. Get an app's with `dueWorkOf(app)`.
 *
 * @example
 * ```ts
 * import { createApp, dueWorkOf, type DueWorkTicker } from '@expense-tracker/server';
 *
 * const app = createApp({ tracker, jwtSecret: process.env.JWT_SECRET! });
 * const ticker: DueWorkTicker | undefined = dueWorkOf(app);
 * ticker?.start(); // an app served through app.callback() on a server of your own
 * await ticker?.close(); // on shutdown, before tracker.close()
 * ```
 */
export interface DueWorkTicker {
  /** Runs due work now, then on every commit and every interval. Calling it again does nothing. */
  start(): void;
  /** Stops the runs and waits for the one in flight. */
  close(): Promise<void>;
}

/**
 * Calls `tracker.runDue()`, then each of `serverSteps`, at start, every `intervalMs` (an unref'd timer: it never keeps the
 * process alive), and right after each of the tracker's commits, so a webhook leaves within
 * milliseconds of the write instead of up to a tick later. Runs never overlap: a wake while
 * one runs queues one more run, however many commits came meanwhile, `commitGapMs` after it. Several instances over
 * one database run it side by side; core claims each piece of work in the database, so each
 * is done by one of them. A failed run is logged and the next one tries again.
 */
export function createDueWorkTicker(
  tracker: Tracker,
  logger: Logger,
  options: DueWorkOptions = {},
  serverSteps: readonly ServerDueStep[] = [],
): DueWorkTicker {
  const intervalMs = options.intervalMs ?? 1000;
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  const cleanups: (() => void)[] = [];

  const runOnce = async (): Promise<void> => {
    try {
      const report = await tracker.runDue();
      const { webhooks } = report;
      if (webhooks.attempted > 0) logger.debug({ dueWork: report }, 'due work done');
    } catch (error) {
      if (!stopped) logger.error({ err: error }, 'due work failed; the next tick tries again');
    }
    // The server's own due work, each step apart: one failing holds up neither core's nor the others.
    for (const step of serverSteps) {
      try {
        await step.run();
      } catch (error) {
        if (!stopped) logger.error({ err: error, step: step.name }, 'due work failed; the next tick tries again');
      }
    }
  };
  const commitGapMs = options.commitGapMs ?? 25;
  const wake = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
        // More commits came during the run: let a few more gather before the next one.
        if (again && !stopped && commitGapMs > 0) await new Promise((resolve) => setTimeout(resolve, commitGapMs));
      } while (again && !stopped);
      running = null;
    })();
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      cleanups.push(tracker.on('*', wake));
      const timer = setInterval(wake, intervalMs);
      timer.unref();
      cleanups.push(() => clearInterval(timer));
      wake();
    },
    async close() {
      stopped = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      await running;
    },
  };
}
