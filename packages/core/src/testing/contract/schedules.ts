import { expect } from 'vitest';
import { newId } from '../../ids.js';
import type { OccurrenceRecord, ScheduleRecord } from '../../schedules/repository.js';
import { recurrenceSchema } from '../../schedules/recurrence-schema.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { holdTransaction, settle } from './held-transaction.js';

const AT = '2027-01-01T09:30:00.000Z';
const LATER = '2027-01-02T09:30:00.000Z';

/** A monthly schedule record of `ownerId` anchored on the 31st, unless overridden. */
function scheduleRecord(ownerId: string, extra: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: newId('sch'),
    ownerId,
    name: 'Rent',
    recurrence: recurrenceSchema.parse({ unit: 'month', anchor: '2027-01-31', weekendShift: 'after' }),
    template: {
      amountMinor: 120000,
      kind: 'expense',
      currency: 'EUR',
      categoryId: null,
      description: 'Rent',
      merchant: 'Landlord',
      tags: ['home'],
      notes: null,
    },
    mode: 'post',
    windowDays: 3,
    toleranceBp: 100,
    enabled: true,
    nextNominal: '2027-01-31',
    nextDue: '2027-02-01',
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

function occurrence(schedule: ScheduleRecord, extra: Partial<OccurrenceRecord> = {}): OccurrenceRecord {
  return {
    ownerId: schedule.ownerId,
    scheduleId: schedule.id,
    nominal: '2027-01-31',
    due: '2027-02-01',
    state: 'posted',
    expenseId: newId('exp'),
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** `schedules`: recurring expenses and bills, and their occurrences. */
export const scheduleChecks: ContractGroup = {
  name: 'schedules',
  checks: [
    check(
      'insert, findById, update and delete round-trip every field; list is by name then id; absent is null/false',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const rent = scheduleRecord(ownerId, { mode: 'expect', enabled: false, nextNominal: null, nextDue: null });
        const gym = scheduleRecord(ownerId, { name: 'Gym' });
        await store.schedules.insert(rent);
        await store.schedules.insert(gym);
        expect(await store.schedules.findById(ownerId, rent.id)).toEqual(rent);
        expect(await store.schedules.findById(ownerId, 'sch_missing')).toBeNull();
        expect(await store.schedules.findById(uniqueOwnerId(), rent.id)).toBeNull();
        expect((await store.schedules.list(ownerId)).map((s) => s.id)).toEqual([gym.id, rent.id]);
        const changed = {
          ...rent,
          name: 'Flat',
          enabled: true,
          nextNominal: '2027-02-28',
          nextDue: '2027-03-01',
          updatedAt: LATER,
        };
        expect(await store.schedules.update(changed)).toBe(true);
        expect(await store.schedules.findById(ownerId, rent.id)).toEqual(changed);
        expect(await store.schedules.update({ ...changed, id: 'sch_missing' })).toBe(false);
        await store.schedules.insertOccurrence(occurrence(rent));
        expect(await store.schedules.delete(ownerId, rent.id)).toBe(true);
        expect(await store.schedules.delete(ownerId, rent.id)).toBe(false);
        expect(await store.schedules.listOccurrences(ownerId, { scheduleId: rent.id, limit: 10 })).toEqual([]);
      },
    ),

    check(
      'listDue lists enabled schedules due on or before the date across owners, by owner and id, after a key',
      async ({ store }) => {
        const date = '1999-06-30'; // before any other check's dates: only this check's rows are due
        const [a, b] = [uniqueOwnerId(), uniqueOwnerId()].sort();
        const due = [
          scheduleRecord(a!, { nextDue: '1999-06-30' }),
          scheduleRecord(b!, { nextDue: '1999-06-01' }),
          scheduleRecord(a!, { nextDue: '1999-05-01' }),
        ];
        const notDue = [
          scheduleRecord(a!, { nextDue: '1999-07-01' }),
          scheduleRecord(b!, { nextDue: '1999-06-01', enabled: false }),
          scheduleRecord(b!, { nextDue: null }),
        ];
        for (const s of [...due, ...notDue]) await store.schedules.insert(s);
        const expected = due
          .map((s) => ({ ownerId: s.ownerId, id: s.id }))
          .sort((x, y) => x.ownerId.localeCompare(y.ownerId) || x.id.localeCompare(y.id));
        const listed = (await store.schedules.listDue(date, null, 1000)).filter(
          (k) => k.ownerId === a || k.ownerId === b,
        );
        expect(listed).toEqual(expected);
        const mine = (await store.schedules.listDue(date, expected[0]!, 1000)).filter(
          (k) => k.ownerId === a || k.ownerId === b,
        );
        expect(mine).toEqual(expected.slice(1));
        for (const s of [...due, ...notDue]) await store.schedules.delete(s.ownerId, s.id);
      },
    ),

    check(
      'insertOccurrence answers false for a (schedule, nominal date) that already has one, and keeps the first; updateOccurrence moves only from the given state',
      async ({ store }) => {
        const rent = scheduleRecord(uniqueOwnerId());
        await store.schedules.insert(rent);
        const first = occurrence(rent, { state: 'pending', expenseId: null });
        expect(await store.schedules.insertOccurrence(first)).toBe(true);
        expect(await store.schedules.insertOccurrence(occurrence(rent))).toBe(false);
        expect(await store.schedules.findOccurrence(rent.ownerId, rent.id, first.nominal)).toEqual(first);
        expect(await store.schedules.findOccurrence(rent.ownerId, rent.id, '2027-02-28')).toBeNull();
        const matched = { ...first, state: 'matched' as const, expenseId: 'exp_paid', updatedAt: LATER };
        expect(await store.schedules.updateOccurrence(matched, 'posted')).toBe(false);
        expect(await store.schedules.updateOccurrence(matched, 'pending')).toBe(true);
        expect(await store.schedules.updateOccurrence({ ...matched, state: 'missed' }, 'pending')).toBe(false);
        expect(await store.schedules.findOccurrence(rent.ownerId, rent.id, first.nominal)).toEqual(matched);
        expect(await store.schedules.occurrencesOfExpenses(rent.ownerId, ['exp_paid', 'exp_other'])).toEqual([matched]);
        expect(await store.schedules.occurrencesOfExpenses(uniqueOwnerId(), ['exp_paid'])).toEqual([]);
      },
    ),

    check('listOccurrences is by due date, of one schedule or all, within due dates', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const [rent, gym] = [scheduleRecord(ownerId), scheduleRecord(ownerId, { name: 'Gym' })];
      const rows = [
        occurrence(rent, { nominal: '2027-02-28', due: '2027-03-01' }),
        occurrence(gym, { nominal: '2027-01-15', due: '2027-01-15' }),
        occurrence(rent, { nominal: '2027-01-31', due: '2027-02-01' }),
      ];
      for (const row of rows) await store.schedules.insertOccurrence(row);
      const all = await store.schedules.listOccurrences(ownerId, { limit: 10 });
      expect(all.map((o) => o.due)).toEqual(['2027-01-15', '2027-02-01', '2027-03-01']);
      const ofRent = await store.schedules.listOccurrences(ownerId, {
        scheduleId: rent.id,
        fromDue: '2027-02-01',
        toDue: '2027-02-28',
        limit: 10,
      });
      expect(ofRent).toEqual([rows[2]]);
      expect(await store.schedules.listOccurrences(uniqueOwnerId(), { limit: 10 })).toEqual([]);
    }),

    check(
      'insertOccurrence from two concurrent transactions claims once: the second answers false once the first commits',
      async ({ store, peer }) => {
        const rent = scheduleRecord(uniqueOwnerId());
        await store.schedules.insert(rent);
        const [mine, theirs] = [occurrence(rent), occurrence(rent)];
        const first = holdTransaction(store, (tx) => tx.schedules.insertOccurrence(mine));
        let second: Promise<boolean> | undefined;
        try {
          expect(await first.reached).toBe(true);
          second = peer.transaction((tx) => tx.schedules.insertOccurrence(theirs));
          await settle(second);
        } finally {
          first.end('commit');
        }
        expect(await first.done).toBe(true);
        expect(await second).toBe(false);
        expect(await store.schedules.listOccurrences(rent.ownerId, { scheduleId: rent.id, limit: 10 })).toEqual([mine]);
      },
    ),
  ],
};
