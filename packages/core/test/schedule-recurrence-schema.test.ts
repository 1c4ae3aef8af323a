import { describe, expect, it } from 'vitest';
import { recurrenceSchema, type RecurrenceInput } from '../src/schedules/calendar.js';

/** The issues of a refused shape, as `path: message` lines. */
function refusal(input: unknown): string[] {
  const result = recurrenceSchema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input)} to be refused`).toBe(false);
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const month = (extra: Partial<RecurrenceInput> = {}): RecurrenceInput => ({
  unit: 'month',
  anchor: '2026-01-01',
  ...extra,
});

describe('the recurrence shape', () => {
  it('is the budget period (unit, every, anchor) with every defaulting to 1 and no weekend shift', () => {
    expect(recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-31' })).toEqual({
      unit: 'month',
      every: 1,
      anchor: '2026-01-31',
      weekendShift: 'keep',
    });
  });

  it('takes the budget period’s own limits on unit and every', () => {
    expect(refusal({ unit: 'fortnight', anchor: '2026-01-01' })).toEqual([expect.stringMatching(/^unit: /)]);
    expect(refusal(month({ every: 0 }))).toEqual(['every: every must be at least 1']);
    expect(refusal(month({ every: 367 }))).toEqual(['every: every must be at most 366']);
  });

  it('needs an anchor: it is where the series starts', () => {
    expect(refusal({ unit: 'month' })).toEqual([expect.stringMatching(/^anchor: /)]);
    expect(refusal({ unit: 'month', anchor: '2026-02-30' })).toEqual([expect.stringMatching(/^anchor: /)]);
  });

  it('keeps days in calendar order, once each, with -1 (the last day) last', () => {
    expect(recurrenceSchema.parse(month({ days: [-1, 15, 1, 15] })).days).toEqual([1, 15, -1]);
  });

  it('refuses days outside 1–31 and -1', () => {
    expect(refusal(month({ days: [0] }))).toEqual(['days.0: A day of the month is 1 to 31, or -1 for the last day']);
    expect(refusal(month({ days: [32] }))).toHaveLength(1);
    expect(refusal(month({ days: [-2] }))).toHaveLength(1);
    expect(refusal(month({ days: [1.5] }))).toHaveLength(1);
    expect(refusal(month({ days: [] }))).toEqual(['days: days must not be empty: leave it out for the anchor’s day']);
  });

  it('refuses days with a daily or weekly unit: days are days of a month', () => {
    expect(refusal({ unit: 'week', anchor: '2026-01-05', days: [1] })).toEqual([
      'days: days are days of a month: use them with unit month or year, not week',
    ]);
    expect(refusal({ unit: 'day', anchor: '2026-01-05', days: [1] })).toHaveLength(1);
  });

  it('refuses two days from 28–31 and -1, which share a date in February', () => {
    const message = 'days: days may hold only one of 28, 29, 30, 31 and -1: they fall on the same date in February';
    expect(refusal(month({ days: [30, -1] }))).toEqual([message]);
    expect(refusal(month({ days: [28, 31] }))).toEqual([message]);
    expect(recurrenceSchema.parse(month({ days: [27, -1] })).days).toEqual([27, -1]);
  });

  it('refuses days and weekdays together rather than guessing union or intersection', () => {
    expect(refusal(month({ days: [1], weekdays: [{ weekday: 'mon', nth: 1 }] }))).toEqual([
      'weekdays: Give days or weekdays, not both',
    ]);
  });

  it('takes nth weekdays in a month: 1 to 4 from the start, -1 to -4 from the end', () => {
    const rule = recurrenceSchema.parse(
      month({
        weekdays: [
          { weekday: 'tue', nth: 2 },
          { weekday: 'fri', nth: -1 },
        ],
      }),
    );
    expect(rule.weekdays).toEqual([
      { weekday: 'tue', nth: 2 },
      { weekday: 'fri', nth: -1 },
    ]);
    expect(refusal(month({ weekdays: [{ weekday: 'tue', nth: 5 }] }))).toEqual([
      'weekdays.0.nth: nth must be 1 to 4, or -1 (the last) to -4: a 5th weekday is missing from most months',
    ]);
    expect(refusal(month({ weekdays: [{ weekday: 'tue', nth: 0 }] }))).toHaveLength(1);
  });

  it('refuses a monthly weekday without nth, pointing to the weekly unit', () => {
    expect(refusal(month({ weekdays: [{ weekday: 'tue' }] }))).toEqual([
      'weekdays.0.nth: With unit month or year, each weekday needs nth (1 to 4, or -1 for the last); for every such weekday use unit week',
    ]);
  });

  it('refuses nth with a weekly unit and weekdays with a daily one', () => {
    expect(refusal({ unit: 'week', anchor: '2026-01-05', weekdays: [{ weekday: 'tue', nth: 2 }] })).toEqual([
      'weekdays.0.nth: nth counts weekdays in a month: with unit week, leave nth out',
    ]);
    expect(refusal({ unit: 'day', anchor: '2026-01-05', weekdays: [{ weekday: 'tue' }] })).toEqual([
      'weekdays: weekdays need unit week, month or year',
    ]);
  });

  it('refuses the same weekday counted from both ends where the two meet (4th and last Tuesday)', () => {
    const both = (nth: number, fromEnd: number) =>
      month({
        weekdays: [
          { weekday: 'tue', nth },
          { weekday: 'tue', nth: fromEnd },
        ],
      });
    expect(refusal(both(4, -1))).toEqual([
      'weekdays: nth 4 and -1 of tue fall on the same date in some months: choose one',
    ]);
    expect(refusal(both(2, -4))).toHaveLength(1); // a 5-Tuesday month: the 2nd is the 4th from the end
    expect(recurrenceSchema.safeParse(both(1, -1)).success).toBe(true); // the first and the last never meet
    expect(recurrenceSchema.safeParse(both(4, -4)).success).toBe(true); // they would need seven Tuesdays
  });

  it('keeps each weekday once', () => {
    const rule = recurrenceSchema.parse({
      unit: 'week',
      anchor: '2026-01-05',
      weekdays: [{ weekday: 'mon' }, { weekday: 'mon' }],
    });
    expect(rule.weekdays).toEqual([{ weekday: 'mon' }]);
  });

  it('ends after N occurrences or on a date, one of them, never before the anchor', () => {
    expect(recurrenceSchema.parse(month({ end: { after: 12 } })).end).toEqual({ after: 12 });
    expect(recurrenceSchema.parse(month({ end: { on: '2026-12-31' } })).end).toEqual({ on: '2026-12-31' });
    expect(refusal(month({ end: { after: 0 } }))).toEqual(['end.after: after must be at least 1']);
    expect(refusal({ ...month(), end: { after: 3, on: '2026-12-31' } })).toEqual([
      'end: end is { after: N } (occurrences) or { on: "YYYY-MM-DD" } (the last date), one of them',
    ]);
    expect(refusal(month({ end: { on: '2025-12-31' } }))).toEqual(['end.on: end.on must not be before the anchor']);
  });

  it('refuses an unknown weekend shift and unknown fields', () => {
    expect(refusal({ ...month(), weekendShift: 'nearest' })).toEqual([expect.stringMatching(/^weekendShift: /)]);
    expect(refusal({ ...month(), byMonthDay: [1] })).toHaveLength(1);
  });
});
