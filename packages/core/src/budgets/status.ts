import { addDays, toDayNumber } from '../dates.js';
import { daysIn, type DateRange } from './periods.js';

/**
 * Spending of one day.
 *
 * @example
 * ```ts
 * import { computeStatus, type DailySpend } from './status.js'; // internal to core
 *
 * const daily: DailySpend[] = [{ date: '2026-11-02', amountMinor: 12_000 }, { date: '2026-11-09', amountMinor: 8_000 }];
 * const { spentMinor } = computeStatus({ period: { start: '2026-11-01', end: '2026-11-30' }, limitMinor: 40_000, rolloverMinor: 0, daily, today: '2026-11-10' });
 * spentMinor; // 20000
 * ```
 */
export interface DailySpend {
  date: string;
  amountMinor: number;
}

/**
 * What a budget status is computed from.
 *
 * @example
 * ```ts
 * import { computeStatus, type StatusInput } from './status.js'; // internal to core
 *
 * // Only the total is known: every figure but the exceed date of an overspent budget can be computed.
 * const input: StatusInput = { period: { start: '2026-11-01', end: '2026-11-30' }, limitMinor: 40_000, rolloverMinor: 5_000, daily: { totalMinor: 30_000 }, today: '2026-11-15' };
 * computeStatus(input).availableMinor; // 45000: the limit plus what rolled over
 * ```
 */
export interface StatusInput {
  period: DateRange;
  limitMinor: number;
  rolloverMinor: number;
  /**
   * Spending per day inside the period (any order; days without spending may be absent),
   * or just the period's total when the caller needs no per-day figure: then
   * `projectedExceedDate` is `null` once spending has passed what was available.
   */
  daily: readonly DailySpend[] | { totalMinor: number };
  /** Today in the owner's time zone. */
  today: string;
}

/**
 * A budget's figures for one period (without the budget's id and currency).
 *
 * @example
 * ```ts
 * import { computeStatus, type StatusFigures } from './status.js'; // internal to core
 *
 * const figures: StatusFigures = computeStatus({
 *   period: { start: '2026-11-01', end: '2026-11-30' },
 *   limitMinor: 40_000, // 400.00
 *   rolloverMinor: 0,
 *   daily: [{ date: '2026-11-02', amountMinor: 12_000 }, { date: '2026-11-09', amountMinor: 8_000 }],
 *   today: '2026-11-10',
 * });
 * figures.state; // 'warning': 50 % spent, but on course for 600.00 by the end
 * ```
 */
export interface StatusFigures {
  period: DateRange;
  limitMinor: number;
  rolloverMinor: number;
  availableMinor: number;
  spentMinor: number;
  remainingMinor: number;
  percentUsed: number | null;
  daysElapsed: number;
  daysTotal: number;
  dailyAllowanceMinor: number;
  projectedSpendMinor: number;
  projectedExceedDate: string | null;
  /** Whether enough of the period has passed for the pace forecast to count (see {@link forecastConfidentFrom}). */
  forecastConfident: boolean;
  /** The first day of the period on which the pace forecast counts. */
  forecastConfidentFrom: string;
  state: 'ok' | 'warning' | 'exceeded';
}

/**
 * Share of spending (percent of available) from which a budget is in `warning`.
 *
 * @example
 * ```ts
 * import { computeStatus, WARNING_PERCENT } from './status.js'; // internal to core
 *
 * WARNING_PERCENT; // 80
 * // 80.00 of 100.00 spent on the last day: no forecast overspend, but the threshold is reached.
 * computeStatus({ period: { start: '2026-11-01', end: '2026-11-30' }, limitMinor: 10_000, rolloverMinor: 0, daily: { totalMinor: 8_000 }, today: '2026-11-30' }).state; // 'warning'
 * ```
 */
export const WARNING_PERCENT = 80;

/**
 * How many days of a period must have passed (today included) before a forecast from the
 * pace so far counts: a quarter of the period, and at least three days (the whole period when
 * it is shorter). Before that, the forecast is shown but changes neither `state` nor fires a
 * `forecast` alert rule: two days of spending say little about thirty (a weekly shop on the
 * 1st of the month would otherwise "forecast" four times the month's groceries).
 *
 * | period | counts from |
 * |---|---|
 * | 1 day | its day |
 * | 7 days | day 3 |
 * | 28–31 days | day 7 or 8 |
 * | 90–92 days | day 23 |
 * | 365–366 days | day 92 |
 *
 * @example
 * ```ts
 * import { forecastMinDays } from './status.js'; // internal to core
 *
 * forecastMinDays(30); // 8
 * forecastMinDays(7); // 3
 * forecastMinDays(2); // 2: the whole period
 * ```
 */
export function forecastMinDays(daysTotal: number): number {
  return Math.max(Math.ceil(daysTotal / 4), Math.min(3, daysTotal));
}

/**
 * The first day of `period` on which its pace forecast counts ({@link forecastMinDays}).
 *
 * @example
 * ```ts
 * import { forecastConfidentFrom } from './status.js'; // internal to core
 *
 * forecastConfidentFrom({ start: '2026-11-01', end: '2026-11-30' }); // '2026-11-08'
 * ```
 */
export function forecastConfidentFrom(period: DateRange): string {
  return addDays(period.start, forecastMinDays(daysIn(period)) - 1);
}

/** `a * b / c` rounded down, exactly (BigInt), for money figures; capped at ±(2^53−1). */
export function mulDiv(a: number, b: number, c: number): number {
  const q = (BigInt(a) * BigInt(b)) / BigInt(c);
  const floored = BigInt(a) * BigInt(b) < 0n !== BigInt(c) < 0n && q * BigInt(c) !== BigInt(a) * BigInt(b) ? q - 1n : q;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(floored > max ? max : floored < -max ? -max : floored);
}

/**
 * `part` as a percentage of `whole` with two decimals, rounded half away from zero, computed
 * exactly in integers (a ratio for display; never used as money). `whole` must not be 0.
 */
export function percentOf(part: number, whole: number): number {
  const scaled = (BigInt(part) * 20_000n) / BigInt(whole); // twice the basis points, truncated
  const basisPoints = (scaled + (scaled < 0n ? -1n : 1n)) / 2n; // halve, rounding half away from zero
  return Number(basisPoints) / 100;
}

/**
 * Every figure of a budget status, from pure inputs. Money stays in integer minor units
 * (BigInt for products); only `percentUsed`, a ratio for display, is a float with two
 * decimals.
 *
 * - `daysElapsed` counts today: 0 before the period, `daysTotal` after it.
 * - `dailyAllowanceMinor`: what remains, spread over the days left (today included), rounded down.
 * - `projectedSpendMinor`: spending so far continued at the same daily pace to the end,
 *   at most 2^53−1 (a forecast, so a cap rather than an error: spending is bounded by the
 *   SDK's write guard, a forecast of a long period from its first day is not).
 * - `projectedExceedDate`: the day spending passed what was available (when it has), or the
 *   day it will at the current pace (when that falls within the period); otherwise `null`.
 * - `percentUsed` is `null` when nothing is available (a `full` rollover can eat the limit).
 * - `forecastConfident`: from {@link forecastConfidentFrom} on. Before it, the forecast (and the
 *   exceed date it gives) is shown, but `state` comes from spending alone.
 * - `state`: `exceeded` when spending passed what is available; `warning` from
 *   {@link WARNING_PERCENT} % spent, or when a confident forecast goes over; else `ok`.
 *
 * @example
 * ```ts
 * import { computeStatus } from './status.js'; // internal to core
 *
 * const figures = computeStatus({
 *   period: { start: '2026-11-01', end: '2026-11-30' },
 *   limitMinor: 40_000, // 400.00
 *   rolloverMinor: 0,
 *   daily: [{ date: '2026-11-02', amountMinor: 12_000 }, { date: '2026-11-09', amountMinor: 8_000 }],
 *   today: '2026-11-10',
 * });
 * figures.spentMinor; // 20000
 * figures.percentUsed; // 50
 * figures.daysElapsed; // 10
 * figures.dailyAllowanceMinor; // 952: 20000 over the 21 days left, rounded down
 * figures.projectedSpendMinor; // 60000: 200.00 in 10 days, continued for 30
 * figures.projectedExceedDate; // '2026-11-21'
 * figures.forecastConfident; // true: a third of the month has passed (it counts from the 8th)
 * figures.state; // 'warning'
 * ```
 */
export function computeStatus(input: StatusInput): StatusFigures {
  const { period, limitMinor, rolloverMinor, today } = input;
  const daily = Array.isArray(input.daily)
    ? (input.daily as readonly DailySpend[])
        .filter((d) => d.date >= period.start && d.date <= period.end)
        .sort((a, b) => (a.date < b.date ? -1 : 1))
    : [];
  const availableMinor = limitMinor + rolloverMinor;
  const spentMinor =
    'totalMinor' in input.daily ? input.daily.totalMinor : daily.reduce((sum, d) => sum + d.amountMinor, 0);
  const remainingMinor = availableMinor - spentMinor;
  const daysTotal = daysIn(period);
  const daysElapsed =
    today < period.start ? 0 : today > period.end ? daysTotal : toDayNumber(today) - toDayNumber(period.start) + 1;
  const daysLeft = today > period.end ? 0 : today < period.start ? daysTotal : daysTotal - daysElapsed + 1;
  const dailyAllowanceMinor = remainingMinor > 0 && daysLeft > 0 ? Math.floor(remainingMinor / daysLeft) : 0;
  const projectedSpendMinor =
    daysElapsed === 0 || daysElapsed >= daysTotal ? spentMinor : mulDiv(spentMinor, daysTotal, daysElapsed);
  const percentUsed = availableMinor > 0 ? percentOf(spentMinor, availableMinor) : null;

  let projectedExceedDate: string | null = null;
  if (spentMinor > availableMinor) {
    let running = 0;
    for (const day of daily) {
      running += day.amountMinor;
      if (running > availableMinor) {
        projectedExceedDate = day.date;
        break;
      }
    }
  } else if (projectedSpendMinor > availableMinor && daysElapsed > 0 && spentMinor > 0) {
    // At the current pace, after n days spending is spent·n/daysElapsed; the first n above available:
    const n = mulDiv(Math.max(availableMinor, 0), daysElapsed, spentMinor) + 1;
    const date = addDays(period.start, n - 1);
    projectedExceedDate = date <= period.end ? date : null;
  }

  const confidentFrom = forecastConfidentFrom(period);
  const forecastConfident = daysElapsed >= forecastMinDays(daysTotal);
  const warning =
    (forecastConfident && projectedSpendMinor > availableMinor) ||
    (availableMinor > 0
      ? BigInt(spentMinor) * 100n >= BigInt(availableMinor) * BigInt(WARNING_PERCENT)
      : spentMinor > 0);
  const state = spentMinor > availableMinor ? 'exceeded' : warning ? 'warning' : 'ok';
  return {
    period,
    limitMinor,
    rolloverMinor,
    availableMinor,
    spentMinor,
    remainingMinor,
    percentUsed,
    daysElapsed,
    daysTotal,
    dailyAllowanceMinor,
    projectedSpendMinor,
    projectedExceedDate,
    forecastConfident,
    forecastConfidentFrom: confidentFrom,
    state,
  };
}

/**
 * The rollover carried into each of a run of consecutive periods, starting from 0: with
 * `surplus` only what was left unspent carries; with `full` an overspend carries too, as a
 * smaller limit. Returns one value per period in `spent` plus one for the period after.
 * A carry is capped so that limit + carry stays within 2^53−1: a surplus that keeps growing
 * (a large limit, many periods, little spending) stops there instead of leaving the range
 * a number holds exactly.
 *
 * @example
 * ```ts
 * import { rolloverChain } from './status.js'; // internal to core
 *
 * // A limit of 100.00; 80.00 spent in the first period, then 130.00.
 * rolloverChain('surplus', 10_000, [8_000, 13_000]); // [0, 2000, 0]: the overspend is forgiven
 * rolloverChain('full', 10_000, [8_000, 13_000]); // [0, 2000, -1000]: the next period gets 90.00
 * rolloverChain('none', 10_000, [8_000, 13_000]); // [0, 0, 0]
 * ```
 */
export function rolloverChain(
  mode: 'none' | 'surplus' | 'full',
  limitMinor: number,
  spent: readonly number[],
): number[] {
  const carries = [0];
  for (const spentMinor of spent) {
    const carry = carries[carries.length - 1]!;
    const left = Math.min(limitMinor + carry - spentMinor, Number.MAX_SAFE_INTEGER - limitMinor);
    carries.push(mode === 'none' ? 0 : mode === 'surplus' ? Math.max(0, left) : left);
  }
  return carries;
}
