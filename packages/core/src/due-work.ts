import type { DispatchReport } from './webhooks/dispatch.js';
import { runDueWebhooks } from './webhooks/due-webhooks.js';
import type { ServiceContext } from './write-context.js';

/**
 * One kind of due work: does what has come due at `now` and reports what it did. A step MUST
 * be safe on several processes at once (each piece of work claimed by a unique key or
 * `FOR UPDATE SKIP LOCKED`, never by a timer race) and MUST catch up after downtime: it is
 * given `now`, not "since the last tick", so everything due before `now` is still due.
 */
export type DueWorkStep<Report> = (ctx: ServiceContext, now: Date) => Promise<Report>;

/**
 * The due work `tracker.runDue` does, in this order (SPEC §7.0). A new kind of due work is one
 * entry here, and its report appears under the same key in {@link DueWorkReport}. Order
 * matters where one step writes what another reads: schedules, when they land, go before
 * `webhooks`, so an expense a schedule posts is delivered in the same pass.
 */
const DUE_WORK = {
  /** Fans the owners' feeds out into webhook messages and attempts those due (deliveries and retries). */
  webhooks: runDueWebhooks satisfies DueWorkStep<DispatchReport>,
} as const;

/**
 * What one `tracker.runDue()` did: the instant it ran at, and each step's report by name.
 *
 * @example
 * ```ts
 * import type { DueWorkReport } from '@expense-tracker/core';
 *
 * const report: DueWorkReport = await tracker.runDue();
 * console.log(`${report.at}: ${report.webhooks.delivered} webhook messages delivered`);
 * ```
 */
export type DueWorkReport = { at: string } & {
  [K in keyof typeof DUE_WORK]: Awaited<ReturnType<(typeof DUE_WORK)[K]>>;
};

/**
 * Runs every step of the due work at `now`. One step failing does not keep the others from
 * running (a webhook receiver's trouble must not hold up other work); the first failure is
 * thrown once all have run, so the caller's tick logs it and the next tick tries again.
 */
export async function runDueWork(ctx: ServiceContext, now: Date): Promise<DueWorkReport> {
  const reports: Record<string, unknown> = {};
  const failures: unknown[] = [];
  for (const [name, step] of Object.entries(DUE_WORK)) {
    try {
      reports[name] = await step(ctx, now);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { at: now.toISOString(), ...(reports as Omit<DueWorkReport, 'at'>) };
}
