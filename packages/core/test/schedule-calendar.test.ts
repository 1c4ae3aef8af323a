import { describe, expect, it } from 'vitest';
import {
  nextOccurrence,
  occurrenceOn,
  occurrencesBetween,
  recurrenceSchema,
  type RecurrenceInput,
} from '../src/schedules/calendar.js';

const rule = (input: RecurrenceInput) => recurrenceSchema.parse(input);
/** The due dates of the occurrences due in `from`..`to`. */
const dues = (input: RecurrenceInput, from: string, to: string) =>
  occurrencesBetween(rule(input), from, to).map((o) => o.due);

describe('monthly from the 31st (SPEC §7.3, issue 15)', () => {
  it('gives 12 dates in 2026: the last day of each shorter month, Feb 28 and Apr 30 among them', () => {
    expect(dues({ unit: 'month', anchor: '2026-01-31' }, '2026-01-01', '2026-12-31')).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-31',
    ]);
  });

  it('gives Feb 29 in the leap year 2028, and 12 dates there too', () => {
    const dates = dues({ unit: 'month', anchor: '2028-01-31' }, '2028-01-01', '2028-12-31');
    expect(dates).toHaveLength(12);
    expect(dates.slice(0, 4)).toEqual(['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30']);
  });

  it('never drifts back to the 28th after February, years on', () => {
    expect(dues({ unit: 'month', anchor: '2026-01-31' }, '2030-02-01', '2030-03-31')).toEqual([
      '2030-02-28',
      '2030-03-31',
    ]);
  });

  it('every 3 months from the 31st: 31 Jan, 30 Apr, 31 Jul, 31 Oct', () => {
    expect(dues({ unit: 'month', every: 3, anchor: '2026-01-31' }, '2026-01-01', '2026-12-31')).toEqual([
      '2026-01-31',
      '2026-04-30',
      '2026-07-31',
      '2026-10-31',
    ]);
  });

  it('the 31st as a day of the month, from an anchor on the 1st, is the same calendar', () => {
    expect(dues({ unit: 'month', anchor: '2026-01-01', days: [31] }, '2026-01-01', '2026-12-31')).toEqual(
      dues({ unit: 'month', anchor: '2026-01-31' }, '2026-01-01', '2026-12-31'),
    );
  });
});

describe('days of the month', () => {
  it('twice a month on the 1st and 15th is 24 dates a year, never every 15 days', () => {
    const dates = dues({ unit: 'month', anchor: '2026-01-01', days: [1, 15] }, '2026-01-01', '2026-12-31');
    expect(dates).toHaveLength(24);
    expect(dates.every((d) => d.endsWith('-01') || d.endsWith('-15'))).toBe(true);
  });

  it('the 15th and the last day: 15 and 28 February, 15 and 29 in a leap year, 15 and 31 March', () => {
    const twice: RecurrenceInput = { unit: 'month', anchor: '2026-01-01', days: [15, -1] };
    expect(dues(twice, '2026-02-01', '2026-03-31')).toEqual(['2026-02-15', '2026-02-28', '2026-03-15', '2026-03-31']);
    expect(dues({ ...twice, anchor: '2028-01-01' }, '2028-02-01', '2028-02-29')).toEqual(['2028-02-15', '2028-02-29']);
  });

  it('starts on the anchor: days before it in its month are not occurrences', () => {
    expect(dues({ unit: 'month', anchor: '2026-01-20', days: [1, 15] }, '2026-01-01', '2026-03-01')).toEqual([
      '2026-02-01',
      '2026-02-15',
      '2026-03-01',
    ]);
  });

  it('yearly on the last day of February, from a leap day anchor or from days [-1]', () => {
    const expected = ['2026-02-28', '2027-02-28', '2028-02-29', '2029-02-28'];
    expect(dues({ unit: 'year', anchor: '2024-02-29' }, '2026-01-01', '2029-12-31')).toEqual(expected);
    expect(dues({ unit: 'year', anchor: '2026-02-01', days: [-1] }, '2026-01-01', '2029-12-31')).toEqual(expected);
  });
});

describe('weekdays', () => {
  it('the 2nd Tuesday of each month', () => {
    expect(
      dues({ unit: 'month', anchor: '2026-01-01', weekdays: [{ weekday: 'tue', nth: 2 }] }, '2026-01-01', '2026-04-30'),
    ).toEqual(['2026-01-13', '2026-02-10', '2026-03-10', '2026-04-14']);
  });

  it('the last Friday of each month', () => {
    expect(
      dues(
        { unit: 'month', anchor: '2026-01-01', weekdays: [{ weekday: 'fri', nth: -1 }] },
        '2026-01-01',
        '2026-04-30',
      ),
    ).toEqual(['2026-01-30', '2026-02-27', '2026-03-27', '2026-04-24']);
  });

  it('yearly on the 4th Thursday of the anchor’s month (November)', () => {
    expect(
      dues({ unit: 'year', anchor: '2026-11-01', weekdays: [{ weekday: 'thu', nth: 4 }] }, '2026-01-01', '2027-12-31'),
    ).toEqual(['2026-11-26', '2027-11-25']);
  });

  it('every other week on Monday and Thursday', () => {
    const rule: RecurrenceInput = {
      unit: 'week',
      every: 2,
      anchor: '2026-01-05',
      weekdays: [{ weekday: 'thu' }, { weekday: 'mon' }],
    };
    expect(dues(rule, '2026-01-01', '2026-02-06')).toEqual([
      '2026-01-05',
      '2026-01-08',
      '2026-01-19',
      '2026-01-22',
      '2026-02-02',
      '2026-02-05',
    ]);
  });

  it('a weekly rule anchored mid-week starts at the first chosen weekday after the anchor', () => {
    const rule: RecurrenceInput = { unit: 'week', every: 2, anchor: '2026-01-07', weekdays: [{ weekday: 'mon' }] };
    expect(dues(rule, '2026-01-01', '2026-01-31')).toEqual(['2026-01-12', '2026-01-26']);
  });

  it('every 3 days, from the anchor', () => {
    expect(dues({ unit: 'day', every: 3, anchor: '2026-01-01' }, '2026-01-01', '2026-01-12')).toEqual([
      '2026-01-01',
      '2026-01-04',
      '2026-01-07',
      '2026-01-10',
    ]);
  });
});

describe('weekend shifts', () => {
  it('after: rent due Saturday 28 February is due Monday 2 March; its nominal date stays the 28th', () => {
    const rent = rule({ unit: 'month', anchor: '2026-01-31', weekendShift: 'after' });
    expect(occurrencesBetween(rent, '2026-02-03', '2026-03-05')).toEqual([
      { nominal: '2026-02-28', due: '2026-03-02' },
    ]);
    // A range that starts on that Monday has it.
    expect(occurrencesBetween(rent, '2026-03-02', '2026-03-31')).toEqual([
      { nominal: '2026-02-28', due: '2026-03-02' },
      { nominal: '2026-03-31', due: '2026-03-31' },
    ]);
    // Saturday 31 January is due Monday 2 February: in February's range, though its nominal date is in January.
    expect(occurrencesBetween(rent, '2026-02-01', '2026-02-02')).toEqual([
      { nominal: '2026-01-31', due: '2026-02-02' },
    ]);
  });

  it('before: Sunday 1 February is due Friday 30 January, in January’s range and not in February’s', () => {
    const first = rule({ unit: 'month', anchor: '2026-01-01', weekendShift: 'before' });
    expect(occurrencesBetween(first, '2026-01-01', '2026-01-31')).toEqual([
      { nominal: '2026-01-01', due: '2026-01-01' },
      { nominal: '2026-02-01', due: '2026-01-30' },
    ]);
    // 1 March is a Sunday too: due Friday 27 February.
    expect(occurrencesBetween(first, '2026-02-01', '2026-02-28')).toEqual([
      { nominal: '2026-03-01', due: '2026-02-27' },
    ]);
  });

  it('never moves onto another occurrence: Saturday and Sunday after give Saturday and Monday', () => {
    const weekend = rule({
      unit: 'week',
      anchor: '2026-01-03',
      weekdays: [{ weekday: 'sat' }, { weekday: 'sun' }],
      weekendShift: 'after',
    });
    expect(occurrencesBetween(weekend, '2026-01-01', '2026-01-05')).toEqual([
      { nominal: '2026-01-03', due: '2026-01-03' },
      { nominal: '2026-01-04', due: '2026-01-05' },
    ]);
  });

  it('never moves across another occurrence: the last day and the 1st, across a month end', () => {
    // Saturday 31 January and Sunday 1 February.
    const ends: RecurrenceInput = { unit: 'month', anchor: '2026-01-01', days: [1, -1] };
    expect(occurrencesBetween(rule({ ...ends, weekendShift: 'after' }), '2026-01-30', '2026-02-03')).toEqual([
      { nominal: '2026-01-31', due: '2026-01-31' },
      { nominal: '2026-02-01', due: '2026-02-02' },
    ]);
    expect(occurrencesBetween(rule({ ...ends, weekendShift: 'before' }), '2026-01-29', '2026-02-03')).toEqual([
      { nominal: '2026-01-31', due: '2026-01-30' },
      { nominal: '2026-02-01', due: '2026-02-01' },
    ]);
  });

  it('keep leaves a weekend date where it is', () => {
    expect(occurrencesBetween(rule({ unit: 'month', anchor: '2026-01-31' }), '2026-05-01', '2026-05-31')).toEqual([
      { nominal: '2026-05-31', due: '2026-05-31' },
    ]);
  });
});

describe('ends', () => {
  it('after N counts nominal occurrences, from the anchor', () => {
    const three: RecurrenceInput = { unit: 'month', anchor: '2026-01-20', days: [1, 15], end: { after: 3 } };
    expect(dues(three, '2026-01-01', '2027-12-31')).toEqual(['2026-02-01', '2026-02-15', '2026-03-01']);
    expect(nextOccurrence(rule(three), '2026-03-02')).toBeNull();
  });

  it('on a date ends on nominal dates: a last occurrence shifted past it is still due', () => {
    const rent = rule({ unit: 'month', anchor: '2026-01-31', weekendShift: 'after', end: { on: '2026-02-28' } });
    expect(occurrencesBetween(rent, '2026-01-01', '2026-12-31')).toEqual([
      { nominal: '2026-01-31', due: '2026-02-02' },
      { nominal: '2026-02-28', due: '2026-03-02' },
    ]);
  });

  it('after N with a shifted last occurrence still counts it once', () => {
    const rent = rule({ unit: 'month', anchor: '2026-01-31', weekendShift: 'after', end: { after: 2 } });
    expect(nextOccurrence(rent, '2026-03-01')).toEqual({ nominal: '2026-02-28', due: '2026-03-02' });
    expect(nextOccurrence(rent, '2026-03-03')).toBeNull();
  });
});

describe('next occurrence and a nominal date', () => {
  it('nextOccurrence is the first due on or after the date', () => {
    const rent = rule({ unit: 'month', anchor: '2026-01-31' });
    expect(nextOccurrence(rent, '2026-02-01')).toEqual({ nominal: '2026-02-28', due: '2026-02-28' });
    expect(nextOccurrence(rent, '2026-02-28')).toEqual({ nominal: '2026-02-28', due: '2026-02-28' });
    expect(nextOccurrence(rent, '2020-01-01')).toEqual({ nominal: '2026-01-31', due: '2026-01-31' });
  });

  it('occurrenceOn finds the occurrence of a nominal date, shifted or not, and nothing elsewhere', () => {
    const rent = rule({ unit: 'month', anchor: '2026-01-31', weekendShift: 'after' });
    expect(occurrenceOn(rent, '2026-02-28')).toEqual({ nominal: '2026-02-28', due: '2026-03-02' });
    expect(occurrenceOn(rent, '2026-03-02')).toBeNull();
    expect(occurrenceOn(rent, '2025-12-31')).toBeNull(); // before the anchor
  });

  it('stops at the last supported date', () => {
    const daily = rule({ unit: 'day', anchor: '9999-12-30' });
    expect(occurrencesBetween(daily, '9999-12-01', '9999-12-31').map((o) => o.due)).toEqual([
      '9999-12-30',
      '9999-12-31',
    ]);
    expect(nextOccurrence(rule({ unit: 'year', anchor: '9999-06-30' }), '9999-07-01')).toBeNull();
  });
});
