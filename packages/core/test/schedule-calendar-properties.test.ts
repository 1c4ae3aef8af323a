import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, isLocalDate, MAX_LOCAL_DATE, MIN_LOCAL_DATE, toDayNumber } from '../src/dates.js';
import {
  nextOccurrence,
  occurrenceOn,
  occurrencesBetween,
  recurrenceSchema,
  weekdayNameSchema,
  type Occurrence,
  type Recurrence,
} from '../src/schedules/calendar.js';
import { configurePropertySeed } from '../src/testing/property-seed.js';

// The run's seed (FC_SEED, printed when drawn): a failure here replays with it.
configurePropertySeed();

const pad = (n: number) => String(n).padStart(2, '0');
const utc = (date: string) => new Date(`${date}T00:00:00Z`);
/** Days in a month, from `Date` rather than the code under test. */
const monthLength = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** Months since year 0 of a date's month, and back: the month arithmetic of these tests, apart from the code's. */
const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const yearMonth = (index: number) => `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
const lastDayOf = (index: number) =>
  `${yearMonth(index)}-${pad(monthLength(Math.floor(index / 12), (index % 12) + 1))}`;
const WEEKDAY_NUMBER = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

/**
 * Whether `date` is on the rule's calendar, decided from the definition alone (SPEC §7.3 and
 * docs/schedules.md), one date at a time, with `Date`: the oracle the lazy, period-based code
 * is checked against. Ends are applied by the caller.
 */
function onCalendar(rule: Recurrence, date: string): boolean {
  if (date < rule.anchor) return false;
  const [d, a] = [utc(date), utc(rule.anchor)];
  const daysSince = Math.round((d.getTime() - a.getTime()) / 86_400_000);
  if (rule.unit === 'day') return daysSince % rule.every === 0;
  if (rule.unit === 'week') {
    const inWeek = Math.floor(daysSince / 7) % rule.every === 0;
    return (
      inWeek &&
      (rule.weekdays ? rule.weekdays.some((w) => WEEKDAY_NUMBER[w.weekday] === d.getUTCDay()) : daysSince % 7 === 0)
    );
  }
  const months = (d.getUTCFullYear() - a.getUTCFullYear()) * 12 + d.getUTCMonth() - a.getUTCMonth();
  if (months % (rule.every * (rule.unit === 'year' ? 12 : 1)) !== 0) return false;
  const [day, length] = [d.getUTCDate(), monthLength(d.getUTCFullYear(), d.getUTCMonth() + 1)];
  if (rule.days) return rule.days.some((n) => (n === -1 ? length : Math.min(n, length)) === day);
  if (rule.weekdays) {
    return rule.weekdays.some(
      (w) =>
        WEEKDAY_NUMBER[w.weekday] === d.getUTCDay() &&
        (w.nth! > 0 ? Math.ceil(day / 7) === w.nth : Math.floor((length - day) / 7) + 1 === -w.nth!),
    );
  }
  return day === Math.min(a.getUTCDate(), length);
}

/** The oracle's occurrences due in `from`..`to`: every nominal date from the anchor, the end applied, then the shift. */
function expectedBetween(rule: Recurrence, from: string, to: string): Occurrence[] {
  const nominal: string[] = [];
  for (let date = rule.anchor; date <= addDays(to, 4) && date < MAX_LOCAL_DATE; date = addDays(date, 1)) {
    if (onCalendar(rule, date)) nominal.push(date);
  }
  const ended =
    rule.end === undefined
      ? nominal
      : 'on' in rule.end
        ? nominal.filter((date) => date <= (rule.end as { on: string }).on)
        : nominal.slice(0, rule.end.after);
  return ended
    .map((date, i) => ({ nominal: date, due: shifted(rule, date, ended[i - 1], ended[i + 1]) }))
    .filter((o) => o.due >= from && o.due <= to);
}

/** The shift as docs/schedules.md words it: to the Friday before or Monday after, unless another occurrence is on the way. */
function shifted(rule: Recurrence, date: string, previous: string | undefined, next: string | undefined): string {
  const weekday = utc(date).getUTCDay();
  if (rule.weekendShift === 'keep' || (weekday !== 0 && weekday !== 6)) return date;
  const target =
    rule.weekendShift === 'after' ? addDays(date, weekday === 6 ? 2 : 1) : addDays(date, weekday === 6 ? -1 : -2);
  const blocked =
    rule.weekendShift === 'after' ? next !== undefined && next <= target : previous !== undefined && previous >= target;
  return blocked ? date : target;
}

const dayIn = (from: string, to: string) =>
  fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);
const weekday = fc.constantFrom(...weekdayNameSchema.options);
const every = (max: number) => fc.integer({ min: 1, max });

/** Any valid recurrence: each unit with each of its ways to pick days, any shift and end; refused shapes are dropped. */
const recurrence: fc.Arbitrary<Recurrence> = fc
  .tuple(
    fc.oneof(
      fc.record({ unit: fc.constant('day' as const), every: every(40) }),
      fc.record({
        unit: fc.constant('week' as const),
        every: every(5),
        weekdays: fc.option(
          fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 }).map((ws) => ws.map((w) => ({ weekday: w }))),
          { nil: undefined },
        ),
      }),
      fc.record({
        unit: fc.constantFrom('month' as const, 'year' as const),
        every: every(13),
        days: fc.option(
          fc.uniqueArray(fc.constantFrom(-1, ...Array.from({ length: 31 }, (_, i) => i + 1)), {
            minLength: 1,
            maxLength: 5,
          }),
          { nil: undefined },
        ),
      }),
      fc.record({
        unit: fc.constantFrom('month' as const, 'year' as const),
        every: every(13),
        weekdays: fc.uniqueArray(fc.record({ weekday, nth: fc.constantFrom(1, 2, 3, 4, -1, -2, -3, -4) }), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
    ),
    dayIn('2000-01-01', '2060-12-31'),
    fc.constantFrom('keep' as const, 'before' as const, 'after' as const),
    fc.option(fc.oneof(fc.record({ after: fc.integer({ min: 1, max: 60 }) }), fc.integer({ min: 0, max: 2000 })), {
      nil: undefined,
    }),
  )
  .map(([shape, anchor, weekendShift, end]) =>
    recurrenceSchema.safeParse({
      ...shape,
      anchor,
      weekendShift,
      end: typeof end === 'number' ? { on: addDays(anchor, end) } : end,
    }),
  )
  .filter((result) => result.success)
  .map((result) => result.data);

/** A rule and a window of up to ~2.5 years near its anchor (before it, too). */
const ruleAndWindow = recurrence.chain((rule) =>
  fc.tuple(fc.integer({ min: -60, max: 900 }), fc.integer({ min: 0, max: 900 })).map(([offset, span]) => {
    const from = addDays(rule.anchor, offset);
    return { rule, from, to: addDays(from, span) };
  }),
);

describe('the calendar, for any recurrence', () => {
  it('for any anchor day and any span of months, a monthly rule has exactly one date a month, the anchor day clamped: no drift', () => {
    const anchor = fc
      .tuple(fc.integer({ min: 1950, max: 2150 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
      .map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`)
      .filter(isLocalDate);
    fc.assert(
      fc.property(
        anchor,
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 60 }),
        (anchor, startMonth, months) => {
          const day = Number(anchor.slice(8));
          const rule = recurrenceSchema.parse({ unit: 'month', anchor });
          expect(occurrencesBetween(rule, MIN_LOCAL_DATE, anchor)).toEqual([{ nominal: anchor, due: anchor }]); // it starts on the anchor
          const index = monthIndex(anchor) + startMonth;
          const from = `${yearMonth(index)}-01`;
          const to = lastDayOf(index + months - 1);
          const found = occurrencesBetween(rule, from, to);
          expect(found).toHaveLength(months);
          found.forEach((occurrence, i) => {
            const clamped = Math.min(day, Number(lastDayOf(index + i).slice(8)));
            expect(occurrence).toEqual({ nominal: `${yearMonth(index + i)}-${pad(clamped)}`, due: occurrence.nominal });
          });
        },
      ),
    );
  });

  it('gives exactly the dates the definition gives, one date at a time (nominal and due)', () => {
    fc.assert(
      fc.property(ruleAndWindow, ({ rule, from, to }) => {
        expect(occurrencesBetween(rule, from, to)).toEqual(expectedBetween(rule, from, to));
      }),
    );
  });

  it('nominal and due dates strictly increase (so each is unique), and a shift moves at most 2 days, off a weekend', () => {
    fc.assert(
      fc.property(ruleAndWindow, ({ rule, from, to }) => {
        const found = occurrencesBetween(rule, from, to);
        found.slice(1).forEach((occurrence, i) => {
          expect(occurrence.nominal > found[i]!.nominal).toBe(true);
          expect(occurrence.due > found[i]!.due).toBe(true);
        });
        for (const { nominal, due } of found) {
          const moved = toDayNumber(due) - toDayNumber(nominal);
          if (rule.weekendShift === 'keep') expect(moved).toBe(0);
          expect(Math.abs(moved)).toBeLessThanOrEqual(2);
          if (moved !== 0) expect([1, 2, 3, 4, 5]).toContain(utc(due).getUTCDay());
        }
      }),
    );
  });

  it('agrees with nextOccurrence, with itself split anywhere, and with occurrenceOn', () => {
    fc.assert(
      fc.property(ruleAndWindow, fc.integer({ min: 0, max: 900 }), ({ rule, from, to }, cut) => {
        const found = occurrencesBetween(rule, from, to);
        const chained: Occurrence[] = [];
        for (
          let next = nextOccurrence(rule, from);
          next && next.due <= to;
          next = nextOccurrence(rule, addDays(next.due, 1))
        )
          chained.push(next);
        expect(chained).toEqual(found);
        const middle = addDays(from, cut) < to ? addDays(from, cut) : to;
        expect([
          ...occurrencesBetween(rule, from, middle),
          ...occurrencesBetween(rule, addDays(middle, 1), to),
        ]).toEqual(found);
        for (const occurrence of found) {
          expect(occurrenceOn(rule, occurrence.nominal)).toEqual(occurrence);
          // A range of its due date alone finds it: the edges read the nominal dates a shift brings in.
          expect(occurrencesBetween(rule, occurrence.due, occurrence.due)).toEqual([occurrence]);
        }
        // A nominal date 2 days inside the range would be due inside it: one not found is no occurrence.
        if (addDays(middle, 2) <= to && addDays(middle, -2) >= from && !found.some((o) => o.nominal === middle)) {
          expect(occurrenceOn(rule, middle)).toBeNull();
        }
      }),
    );
  });

  it('an end after N gives exactly N occurrences in all', () => {
    fc.assert(
      fc.property(recurrence, fc.integer({ min: 1, max: 60 }), (rule, n) => {
        const ending = { ...rule, end: { after: n } };
        const all = occurrencesBetween(ending, addDays(rule.anchor, -2), MAX_LOCAL_DATE);
        // A rule whose Nth date lies past 9999-12-31 has fewer: none of these does.
        expect(all).toHaveLength(n);
        expect(nextOccurrence(ending, addDays(all[n - 1]!.due, 1))).toBeNull();
      }),
    );
  });

  it('twice a month stays on its two days in every month, never every 15 days', () => {
    const pair = fc.tuple(
      fc.integer({ min: 1, max: 13 }),
      fc.constantFrom(-1, ...Array.from({ length: 14 }, (_, i) => i + 14)),
    );
    fc.assert(
      fc.property(
        pair,
        dayIn('2000-01-01', '2060-12-01'),
        fc.integer({ min: 1, max: 36 }),
        ([first, second], someDay, months) => {
          const start = monthIndex(someDay);
          const rule = recurrenceSchema.parse({
            unit: 'month',
            anchor: `${yearMonth(start)}-01`,
            days: [first, second],
          });
          const found = occurrencesBetween(rule, rule.anchor, lastDayOf(start + months - 1)).map((o) => o.nominal);
          expect(found).toHaveLength(2 * months);
          for (let i = 0; i < months; i += 1) {
            const secondDay =
              second === -1
                ? lastDayOf(start + i)
                : `${yearMonth(start + i)}-${pad(Math.min(second, Number(lastDayOf(start + i).slice(8))))}`;
            expect(found.slice(2 * i, 2 * i + 2)).toEqual([`${yearMonth(start + i)}-${pad(first)}`, secondDay]);
          }
        },
      ),
    );
  });
});
