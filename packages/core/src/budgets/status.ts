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
  /**
   * What schedules add (SPEC §7.3): the period's upcoming occurrences and the part of
   * spending so far they posted or matched. Absent: no schedules.
   */
  scheduled?: ScheduledSpend;
}

/**
 * What a budget's schedules tell its forecast, in the budget's currency and scope.
 *
 * @example
 * ```ts
 * import { computeStatus, type ScheduledSpend } from './status.js'; // internal to core
 *
 * // Rent of 1,000.00 is due on the 30th; 100.00 of the 200.00 spent so far was a schedule's.
 * const scheduled: ScheduledSpend = { upcoming: [{ date: '2026-11-30', amountMinor: 100_000 }], spentMinor: 10_000 };
 * computeStatus({ period: { start: '2026-11-01', end: '2026-11-30' }, limitMinor: 150_000, rolloverMinor: 0, daily: { totalMinor: 20_000 }, today: '2026-11-10', scheduled }).projectedSpendMinor;
 * // 140000: 200.00 spent + 1,000.00 scheduled + 200.00 at the pace of the other 100.00
 * ```
 */
export interface ScheduledSpend {
  /**
   * Occurrences not yet settled, each on its due date with its amount (a refund's negative).
   * Only those due after `today` and within the period count.
   */
  upcoming: readonly DailySpend[];
  /** Of the period's spending so far, what expenses posted or matched by schedules make up. */
  spentMinor: number;
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
  /**
   * The forecast of the period's end: `spentMinor + scheduledMinor + paceMinor`, the known
   * part first, then the pace.
   */
  projectedSpendMinor: number;
  /** Known: the period's upcoming scheduled amounts, due after today (see {@link ScheduledSpend}). */
  scheduledMinor: number;
  /** Of `spentMinor`, what schedules posted or matched: left out of the pace, since it recurs as `scheduledMinor`. */
  scheduledSpentMinor: number;
  /** The pace: spending other than schedules', per day elapsed, over the days after today. */
  paceMinor: number;
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

interface ForecastParts {
  /** The upcoming scheduled amounts that count, by due date. */
  upcoming: DailySpend[];
  scheduledMinor: number;
  scheduledSpentMinor: number;
  /** Spending the pace is taken from: all but schedules'. */
  paceBaseMinor: number;
  paceMinor: number;
  projectedSpendMinor: number;
}

const cap = (value: bigint) => {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(value > max ? max : value < -max ? -max : value);
};

/** The known and the pace parts of the forecast (see {@link computeStatus}). */
function forecastParts(input: StatusInput, spentMinor: number, daysElapsed: number, daysTotal: number): ForecastParts {
  const { period, today, scheduled } = input;
  const upcoming = (scheduled?.upcoming ?? [])
    .filter((o) => o.date > today && o.date >= period.start && o.date <= period.end)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const scheduledMinor = cap(upcoming.reduce((sum, o) => sum + BigInt(o.amountMinor), 0n));
  // A closed period has no pace left, and its schedules' part is not looked up (see budgetFigures).
  const scheduledSpentMinor = daysElapsed >= daysTotal ? 0 : (scheduled?.spentMinor ?? 0);
  const paceBaseMinor = spentMinor - scheduledSpentMinor;
  const paceMinor =
    daysElapsed === 0 || daysElapsed >= daysTotal ? 0 : mulDiv(paceBaseMinor, daysTotal - daysElapsed, daysElapsed);
  const projectedSpendMinor = cap(BigInt(spentMinor) + BigInt(scheduledMinor) + BigInt(paceMinor));
  return { upcoming, scheduledMinor, scheduledSpentMinor, paceBaseMinor, paceMinor, projectedSpendMinor };
}

/**
 * The first day after today (or from the period's start, before it) on which spending so far,
 * the scheduled amounts due by then and the pace pass `room` (what was left), or `null`.
 * Between two due dates the scheduled sum is constant and the pace grows by the same amount
 * each day, so each stretch is solved in one step rather than day by day.
 */
function exceedDate(input: StatusInput, forecast: ForecastParts, room: number, daysElapsed: number): string | null {
  const { period, today } = input;
  const first = today < period.start ? period.start : addDays(today, 1);
  if (first > period.end) return null;
  const todayNumber = toDayNumber(today < period.start ? addDays(period.start, -1) : today);
  const pace = forecast.paceBaseMinor;
  // Pace after m days past today: pace·m/daysElapsed (0 before the period). Over `room - sum` from day m on?
  const over = (m: number, sum: bigint) =>
    daysElapsed === 0
      ? sum > BigInt(room)
      : BigInt(pace) * BigInt(m) + sum * BigInt(daysElapsed) > BigInt(room) * BigInt(daysElapsed);
  const stretches: { from: string; sum: bigint }[] = [{ from: first, sum: 0n }];
  for (const o of forecast.upcoming) {
    const last = stretches[stretches.length - 1]!;
    const sum = last.sum + BigInt(o.amountMinor);
    if (o.date === last.from) last.sum = sum;
    else stretches.push({ from: o.date, sum });
  }
  for (const [i, stretch] of stretches.entries()) {
    const next = stretches[i + 1];
    const to = next ? addDays(next.from, -1) : period.end;
    const mFrom = toDayNumber(stretch.from) - todayNumber;
    const mTo = toDayNumber(to) - todayNumber;
    if (over(mFrom, stretch.sum)) return stretch.from;
    if (daysElapsed === 0 || pace <= 0) continue; // no growth within the stretch
    // The first m with pace·m > (room − sum)·daysElapsed: m = ⌊(room − sum)·daysElapsed / pace⌋ + 1.
    const m = ((BigInt(room) - stretch.sum) * BigInt(daysElapsed)) / BigInt(pace) + 1n;
    if (m <= BigInt(mTo)) return addDays(stretch.from, Number(m) - mFrom);
  }
  return null;
}

/**
 * Every figure of a budget status, from pure inputs. Money stays in integer minor units
 * (BigInt for products); only `percentUsed`, a ratio for display, is a float with two
 * decimals.
 *
 * - `daysElapsed` counts today: 0 before the period, `daysTotal` after it.
 * - `dailyAllowanceMinor`: what remains, spread over the days left (today included), rounded down.
 * - `projectedSpendMinor` = `spentMinor` + `scheduledMinor` + `paceMinor`: what was spent,
 *   what schedules say is coming (due after today, within the period), and the pace of the
 *   rest. The pace is spending *other than* schedules' (`spentMinor − scheduledSpentMinor`)
 *   per day elapsed, times the days after today, rounded down: rent posted on the 1st is not
 *   extrapolated as if it came daily, and next month's rent is counted once, as scheduled.
 *   Without schedules this is spending so far continued at the same daily pace to the end.
 *   At most 2^53−1 (a forecast, so a cap rather than an error: spending is bounded by the
 *   SDK's write guard, a forecast of a long period from its first day is not).
 * - `projectedExceedDate`: the day spending passed what was available (when it has), or the
 *   first day after today on which spending, the scheduled amounts due by then and the pace
 *   pass it (when the forecast goes over); otherwise `null`.
 * - `percentUsed` is `null` when nothing is available (a `full` rollover can eat the limit).
 * - `forecastConfident`: from {@link forecastConfidentFrom} on. Before it, the forecast (and the
 *   exceed date it gives) is shown, but `state` comes from spending alone.
 * - `state`: `exceeded` when spending passed what is available; `warning` from
 *   {@link WARNING_PERCENT} % spent, when a confident forecast goes over, or when the known
 *   part alone (spent + scheduled) goes over, whatever the confidence; else `ok`.
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
 * figures.paceMinor; // 40000: the 20 days after today at 20.00 a day
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
  const percentUsed = availableMinor > 0 ? percentOf(spentMinor, availableMinor) : null;
  const forecast = forecastParts(input, spentMinor, daysElapsed, daysTotal);
  const { scheduledMinor, projectedSpendMinor } = forecast;

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
  } else if (projectedSpendMinor > availableMinor) {
    projectedExceedDate = exceedDate(input, forecast, availableMinor - spentMinor, daysElapsed);
  }

  const confidentFrom = forecastConfidentFrom(period);
  const forecastConfident = daysElapsed >= forecastMinDays(daysTotal);
  const warning =
    (forecastConfident && projectedSpendMinor > availableMinor) ||
    spentMinor + scheduledMinor > availableMinor ||
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
    scheduledMinor,
    scheduledSpentMinor: forecast.scheduledSpentMinor,
    paceMinor: forecast.paceMinor,
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
