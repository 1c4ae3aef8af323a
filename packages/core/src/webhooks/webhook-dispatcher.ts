import type { Clock } from '../clock.js';
import { internalsOf, type Tracker } from '../tracker.js';
import type { Deliverer } from './deliver.js';
import type { DispatchReport } from './dispatch.js';
import { dispatchDueOf } from './due-webhooks.js';

/**
 * Options of {@link createWebhookDispatcher}.
 *
 * @example
 * ```ts
 * import { createWebhookDispatcher, type WebhookDispatcherOptions } from '@expense-tracker/core';
 *
 * const options: WebhookDispatcherOptions = { tracker, concurrency: 32 };
 * const dispatcher = createWebhookDispatcher(options);
 * ```
 */
export interface WebhookDispatcherOptions {
  /** The tracker whose owners' endpoints are served; its `webhooks` options give keys and policy. */
  tracker: Tracker;
  /**
   * Sends the requests. @default the tracker's SSRF-safe deliverer (`createDeliverer` with the
   * tracker's `webhooks.allowPrivateAddresses`)
   */
  deliverer?: Deliverer;
  /** Signs attempts and is "now" for a pass given none. @default the tracker's clock */
  clock?: Clock;
  /** Uniform numbers in [0, 1) for the retry jitter. @default Math.random */
  random?: () => number;
  /** Messages claimed per round. @default 100 */
  batchSize?: number;
  /** Attempts in flight at once. @default 16 */
  concurrency?: number;
  /**
   * How long a claim holds before another dispatcher may take the message: longer than an
   * attempt can take (the tracker's `webhooks.timeoutMs`), so no message is ever attempted by
   * two at once. @default the tracker's `webhooks.leaseMs` (four times the attempt timeout, 60 s, by default)
   */
  leaseMs?: number;
  /** Receives errors of background passes ({@link WebhookDispatcher.start}). @default console.error */
  onError?: (error: unknown) => void;
}

/**
 * Delivers an embedding app's webhooks: fans the owners' change feeds out into durable
 * messages and attempts those that are due. Run it on one process or many (they share the
 * work through the database, one attempt at a time per message).
 *
 * @example
 * ```ts
 * import { createWebhookDispatcher } from '@expense-tracker/core';
 *
 * const dispatcher = createWebhookDispatcher({ tracker });
 * dispatcher.start(); // prompt after each commit, and every 1 s for retries
 * // on shutdown:
 * await dispatcher.close();
 * ```
 */
export interface WebhookDispatcher {
  /**
   * One pass: everything due at `now` (default: the clock's now). Tests move time by passing
   * `now`; `tracker.runDue` calls it on its tick.
   *
   * @example
   * ```ts
   * const dispatcher = createWebhookDispatcher({ tracker });
   * const report = await dispatcher.dispatchDue({ now: new Date('2026-12-01T10:00:00Z') });
   * ```
   */
  dispatchDue(options?: { now?: Date }): Promise<DispatchReport>;
  /**
   * Runs passes in the background: right after each of the tracker's commits (the prompt
   * path: a delivery leaves within milliseconds of the write), and every `intervalMs` for
   * retries and other processes' commits. Passes never overlap.
   *
   * @example
   * ```ts
   * createWebhookDispatcher({ tracker }).start({ intervalMs: 5_000 });
   * ```
   */
  start(options?: { intervalMs?: number }): void;
  /**
   * Stops the background passes and waits for the one running.
   *
   * @example
   * ```ts
   * const dispatcher = createWebhookDispatcher({ tracker });
   * await dispatcher.close();
   * ```
   */
  close(): Promise<void>;
}

/**
 * A webhook dispatcher over a tracker.
 *
 * @example
 * ```ts
 * import { createWebhookDispatcher } from '@expense-tracker/core';
 *
 * const dispatcher = createWebhookDispatcher({ tracker, concurrency: 8 });
 * await dispatcher.dispatchDue();
 * ```
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { tracker } = options;
  const dispatchDue = dispatchDueOf(internalsOf(tracker).context, options);
  const onError =
    // eslint-disable-next-line no-console -- the documented default when the host passes no onError
    options.onError ?? ((error: unknown) => console.error('[expense-tracker] webhook dispatch error:', error));
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const cleanups: (() => void)[] = [];

  const wake = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await dispatchDue();
        } catch (error) {
          if (!stopped) onError(error);
        }
      } while (again && !stopped);
      running = null;
    })();
  };

  return {
    dispatchDue,
    start({ intervalMs = 1_000 } = {}) {
      // Webhook notices are the dispatcher's own writes: they need a pass only if an endpoint names them.
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
