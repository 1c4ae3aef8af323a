/**
 * The forecast that knows what is coming (SPEC §7.3): budget status adds the period's
 * upcoming scheduled amounts to spending so far, and the pace of the other spending for the
 * days after today. Pure maths, no database; property tests replay with the seed printed by
 * the suite's fast-check setup (`FC_SEED`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, toDayNumber } from '../src/dates.js';
import { computeStatus, type StatusInput } from '../src/budgets/status.js';

const NOVEMBER = { start: '2026-11-01', end: '2026-11-30' };

const base = (extra: Partial<StatusInput> = {}): StatusInput => ({
  period: NOVEMBER,
  limitMinor: 150_000, // 1,500.00
  rolloverMinor: 0,
  daily: [
    { date: '2026-11-01', amountMinor: 100_000 }, // rent, posted by its schedule
    { date: '2026-11-05', amountMinor: 10_000 },
  ],
  today: '2026-11-10',
  ...extra,
});

describe('forecast with scheduled amounts', () => {
  it('adds the upcoming scheduled amounts as known and takes the pace from the other spending only', () => {
    const status = computeStatus(
      base({
        scheduled: {
          upcoming: [
            { date: '2026-11-15', amountMinor: 5_000 }, // a subscription
            { date: '2026-11-30', amountMinor: 2_000 },
          ],
          spentMinor: 100_000, // the rent of the 1st
        },
      }),
    );
    expect(status).toMatchObject({
      spentMinor: 110_000,
      scheduledSpentMinor: 100_000,
      scheduledMinor: 7_000,
      paceMinor: 20_000, // 100.00 in 10 days of other spending, for the 20 days after today
      projectedSpendMinor: 137_000, // 1,100.00 + 70.00 + 200.00
      projectedExceedDate: null,
      state: 'ok', // 73 % spent, and 1,370.00 forecast of 1,500.00
    });
  });

  it('without the schedules’ part the rent of the 1st would be extrapolated thirty times over', () => {
    const naive = computeStatus(base());
    expect(naive.paceMinor).toBe(220_000); // 1,100.00 in 10 days, for 20 more
    expect(naive.projectedSpendMinor).toBe(330_000);
  });

  it('rent due on the 1st of next period is not this period’s; one due after today within it is', () => {
    const december = { start: '2026-12-01', end: '2026-12-31' };
    const status = computeStatus(
      base({
        period: december,
        daily: [],
        today: '2026-11-20', // before the period: nothing elapsed, no pace
        scheduled: { upcoming: [{ date: '2026-12-01', amountMinor: 156_000 }], spentMinor: 0 },
      }),
    );
    expect(status).toMatchObject({
      daysElapsed: 0,
      scheduledMinor: 156_000,
      paceMinor: 0,
      projectedSpendMinor: 156_000,
      projectedExceedDate: '2026-12-01', // rent on the 1st takes you to 104 %
      state: 'warning', // known to go over, whatever the pace's confidence
      forecastConfident: false,
    });
  });

  it('only occurrences due after today and within the period count', () => {
    const status = computeStatus(
      base({
        scheduled: {
          upcoming: [
            { date: '2026-11-10', amountMinor: 1 }, // today: already due, settled by the due work
            { date: '2026-10-31', amountMinor: 2 },
            { date: '2026-12-01', amountMinor: 4 },
            { date: '2026-11-11', amountMinor: 8 },
          ],
          spentMinor: 0,
        },
      }),
    );
    expect(status.scheduledMinor).toBe(8);
  });

  it('a scheduled refund lowers the forecast', () => {
    const status = computeStatus(
      base({ scheduled: { upcoming: [{ date: '2026-11-20', amountMinor: -3_000 }], spentMinor: 100_000 } }),
    );
    expect(status.scheduledMinor).toBe(-3_000);
    expect(status.projectedSpendMinor).toBe(110_000 - 3_000 + 20_000);
  });

  it('the exceed date is the due date that tips it over, or the day the pace does after it', () => {
    // 1,100.00 spent, 400.00 left; the pace is 10.00 a day. A 250.00 bill on the 20th: 100.00 of
    // pace by then, 350.00 in all; the pace passes the remaining 150.00 on the 16th day after today.
    const tipped = computeStatus(
      base({ scheduled: { upcoming: [{ date: '2026-11-20', amountMinor: 25_000 }], spentMinor: 100_000 } }),
    );
    expect(tipped.projectedSpendMinor).toBe(155_000);
    expect(tipped.projectedExceedDate).toBe('2026-11-26');
    // A 320.00 bill with 100.00 of pace is 420.00 on its due date: that day tips it over.
    const bill = computeStatus(
      base({ scheduled: { upcoming: [{ date: '2026-11-20', amountMinor: 32_000 }], spentMinor: 100_000 } }),
    );
    expect(bill.projectedExceedDate).toBe('2026-11-20');
  });

  it('a closed period has neither scheduled amounts nor pace', () => {
    const status = computeStatus(
      base({
        today: '2026-12-05',
        scheduled: { upcoming: [{ date: '2026-11-30', amountMinor: 9_000 }], spentMinor: 100_000 },
      }),
    );
    expect(status).toMatchObject({
      scheduledMinor: 0,
      paceMinor: 0,
      scheduledSpentMinor: 0,
      projectedSpendMinor: 110_000,
    });
  });

  const scenario = fc
    .record({
      length: fc.integer({ min: 1, max: 62 }),
      todayOffset: fc.integer({ min: -5, max: 70 }),
      limitMinor: fc.integer({ min: 0, max: 2_000_000 }),
      spends: fc.array(fc.record({ offset: fc.nat(61), amountMinor: fc.integer({ min: 1, max: 300_000 }) }), {
        maxLength: 10,
      }),
      scheduledShare: fc.nat(100),
      upcoming: fc.array(
        fc.record({
          offset: fc.integer({ min: -3, max: 65 }),
          amountMinor: fc.integer({ min: -50_000, max: 300_000 }),
        }),
        {
          maxLength: 8,
        },
      ),
    })
    .map(({ length, todayOffset, limitMinor, spends, scheduledShare, upcoming }) => {
      const period = { start: '2027-01-01', end: addDays('2027-01-01', length - 1) };
      const today = addDays(period.start, todayOffset);
      const daily = spends
        .filter((s) => s.offset < length && addDays(period.start, s.offset) <= today)
        .map((s) => ({ date: addDays(period.start, s.offset), amountMinor: s.amountMinor }));
      const spent = daily.reduce((sum, d) => sum + d.amountMinor, 0);
      const scheduled = {
        upcoming: upcoming.map((o) => ({ date: addDays(period.start, o.offset), amountMinor: o.amountMinor })),
        spentMinor: Math.floor((spent * scheduledShare) / 100),
      };
      return { period, today, limitMinor, daily, scheduled };
    });

  it('projects spent + scheduled + pace, with the exceed date a day-by-day walk finds (property)', () => {
    fc.assert(
      fc.property(scenario, ({ period, today, limitMinor, daily, scheduled }) => {
        const s = computeStatus({ period, limitMinor, rolloverMinor: 0, daily, today, scheduled });
        expect(s.projectedSpendMinor).toBe(s.spentMinor + s.scheduledMinor + s.paceMinor);
        const counted = scheduled.upcoming.filter(
          (o) => o.date > today && o.date >= period.start && o.date <= period.end,
        );
        if (today <= period.end) expect(s.scheduledMinor).toBe(counted.reduce((sum, o) => sum + o.amountMinor, 0));
        else expect(s).toMatchObject({ scheduledMinor: 0, paceMinor: 0 });
        // The walk: each day after today, spending + what came due by then + pace·days/elapsed, exactly.
        if (s.spentMinor <= s.availableMinor && s.projectedSpendMinor > s.availableMinor) {
          let found: string | null = null;
          const first = today < period.start ? period.start : addDays(today, 1);
          for (let day = first; day <= period.end && found === null; day = addDays(day, 1)) {
            const due = counted.filter((o) => o.date <= day).reduce((sum, o) => sum + BigInt(o.amountMinor), 0n);
            const m = BigInt(toDayNumber(day) - toDayNumber(today));
            const e = BigInt(s.daysElapsed);
            const pace = s.daysElapsed === 0 ? 0n : BigInt(s.spentMinor - s.scheduledSpentMinor) * m;
            const total = (BigInt(s.spentMinor) + due) * (e === 0n ? 1n : e) + pace;
            if (total > BigInt(s.availableMinor) * (e === 0n ? 1n : e)) found = day;
          }
          expect(s.projectedExceedDate).toBe(found);
        }
      }),
    );
  });
});
