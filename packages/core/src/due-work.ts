import { runDueSchedules, type ScheduleDueReport } from './schedules/run-due.js';
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
 * What one `tracker.runDue()` did: the instant it ran at, and each kind of due work's report
 * under its name.
 *
 * @example
 * ```ts
 * import type { DueWorkReport } from '@expense-tracker/core';
 *
 * const report: DueWorkReport = await tracker.runDue();
 * console.log(`${report.at}: ${report.schedules.posted} posted, ${report.webhooks.delivered} webhook messages delivered`);
 * ```
 */
export interface DueWorkReport {
  /** The instant the due work ran at (ISO 8601 UTC). */
  at: string;
  /** The schedules pass: occurrences posted, bills matched and bills missed. */
  schedules: ScheduleDueReport;
  /** The webhook pass: messages fanned out from the feeds, attempts made and what they came to. */
  webhooks: DispatchReport;
}

/**
 * The due work `tracker.runDue` does (SPEC §7.0). A new kind of due work is a field of
 * {@link DueWorkReport}, its step here (the compiler asks for both) and a line in
 * {@link runDueWork}, which runs them in order.
 */
const DUE_WORK: { [K in Exclude<keyof DueWorkReport, 'at'>]: DueWorkStep<DueWorkReport[K]> } = {
  schedules: runDueSchedules,
  webhooks: runDueWebhooks,
};

/**
 * Runs every step of the due work at `now`, in order. Order matters where one step writes what
 * another reads: `schedules` go before `webhooks`, so an expense a schedule
 * posts is delivered in the same run. One step failing does not keep the others from
 * running (a webhook receiver's trouble must not hold up other work); the first failure is
 * thrown once all have run, so the caller's tick logs it and the next tick tries again.
 */
export async function runDueWork(ctx: ServiceContext, now: Date): Promise<DueWorkReport> {
  const failures: unknown[] = [];
  const run = async <R>(step: DueWorkStep<R>): Promise<R | undefined> => {
    try {
      return await step(ctx, now);
    } catch (error) {
      failures.push(error);
      return undefined;
    }
  };
  const schedules = await run(DUE_WORK.schedules);
  const webhooks = await run(DUE_WORK.webhooks);
  if (failures.length > 0 || schedules === undefined || webhooks === undefined) throw failures[0];
  return { at: now.toISOString(), schedules, webhooks };
}
