import { expect } from 'vitest';
import type { AlertRuleRecord, NotificationRecord, Store } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { holdTransaction, settle } from './held-transaction.js';
import { budgetRecord, noticeRecord, notificationRecord, ruleRecord } from './records.js';

/** A budget with two rules (80 % and 100 %), of a new owner unless one is given. */
async function rules(store: Store, ownerId = uniqueOwnerId()): Promise<[AlertRuleRecord, AlertRuleRecord]> {
  const budget = budgetRecord(ownerId);
  const pair: [AlertRuleRecord, AlertRuleRecord] = [
    ruleRecord(ownerId, budget.id),
    ruleRecord(ownerId, budget.id, { thresholdPercent: 100 }),
  ];
  await store.transaction(async (tx) => {
    await tx.budgets.insert(budget);
    await tx.alertRules.insert(pair);
  });
  return pair;
}

const idsOf = (rows: readonly NotificationRecord[]) => rows.map((n) => n.id);

/** `notifications`: alerts that fired, once per (rule, period), and notices, once per (topic, subject). */
export const notificationChecks: ContractGroup = {
  name: 'notifications',
  checks: [
    check(
      'insertOnce answers true and stores the notification; findById reads it back and is null when absent',
      async ({ store }) => {
        const [rule] = await rules(store);
        const notification = notificationRecord(rule, { readAt: null, spentMinor: 9_007_199_254_740_991 });
        expect(await store.transaction((tx) => tx.notifications.insertOnce(notification))).toBe(true);
        expect(await store.notifications.findById(rule.ownerId, notification.id)).toEqual(notification);
        expect(await store.notifications.findById(rule.ownerId, 'ntf_missing')).toBeNull();
      },
    ),

    check(
      'insertOnce answers false for a (rule, period start) that already has a notification, and keeps the first',
      async ({ store }) => {
        const [rule] = await rules(store);
        const first = notificationRecord(rule);
        const again = notificationRecord(rule, { message: 'fired twice', periodEnd: '2026-03-30' });
        expect(await store.transaction((tx) => tx.notifications.insertOnce(first))).toBe(true);
        expect(await store.transaction((tx) => tx.notifications.insertOnce(again))).toBe(false);
        expect(await store.notifications.list(rule.ownerId, { limit: 10 })).toEqual([first]);
      },
    ),

    check(
      'insertOnce inserts for the same rule in another period, and for another rule in the same period',
      async ({ store }) => {
        const [eighty, hundred] = await rules(store);
        const inserted = await store.transaction(async (tx) => [
          await tx.notifications.insertOnce(notificationRecord(eighty)),
          await tx.notifications.insertOnce(
            notificationRecord(eighty, { periodStart: '2026-04-01', periodEnd: '2026-04-30' }),
          ),
          await tx.notifications.insertOnce(notificationRecord(hundred)),
        ]);
        expect(inserted).toEqual([true, true, true]);
        expect(await store.notifications.list(eighty.ownerId, { limit: 10 })).toHaveLength(3);
      },
    ),

    check(
      'insertOnce from two concurrent transactions fires once: the second answers false once the first commits',
      async ({ store, peer }) => {
        const [rule] = await rules(store);
        const [mine, theirs] = [
          notificationRecord(rule, { message: 'first writer' }),
          notificationRecord(rule, { message: 'second writer' }),
        ];
        const first = holdTransaction(store, (tx) => tx.notifications.insertOnce(mine));
        let second: Promise<boolean> | undefined;
        try {
          expect(await first.reached).toBe(true);
          // The second writer decides while the first has inserted but not committed: only a
          // unique key can tell it that (rule, period start) is taken.
          second = peer.transaction((tx) => tx.notifications.insertOnce(theirs));
          await settle(second);
        } finally {
          first.end('commit');
        }
        expect(await first.done).toBe(true);
        expect(await second).toBe(false);
        expect(await store.notifications.list(rule.ownerId, { limit: 10 })).toEqual([mine]);
      },
    ),

    check(
      'insertOnce after a concurrent first writer rolls back inserts the second notification',
      async ({ store, peer }) => {
        const [rule] = await rules(store);
        const [undone, kept] = [
          notificationRecord(rule, { message: 'rolled back' }),
          notificationRecord(rule, { message: 'kept' }),
        ];
        const first = holdTransaction(store, (tx) => tx.notifications.insertOnce(undone));
        let second: Promise<boolean> | undefined;
        try {
          expect(await first.reached).toBe(true);
          second = peer.transaction((tx) => tx.notifications.insertOnce(kept));
          await settle(second);
        } finally {
          first.end('rollback');
        }
        expect(await first.done).toBe('rolled back');
        expect(await second).toBe(true);
        expect(await store.notifications.list(rule.ownerId, { limit: 10 })).toEqual([kept]);
      },
    ),

    check(
      'insertNoticeOnce stores a notice once per (topic, subject): list and findById read it back with its data',
      async ({ store }) => {
        const [rule] = await rules(store);
        const alert = notificationRecord(rule);
        const notice = noticeRecord(rule.ownerId, 'tok_1');
        const sameSubject = noticeRecord(rule.ownerId, 'tok_1', { message: 'told twice' });
        const otherTopic = noticeRecord(rule.ownerId, 'tok_1', { topic: 'webhook.message.dead', data: {} });
        const otherOwner = noticeRecord(uniqueOwnerId(), 'tok_1');
        const inserted = await store.transaction(async (tx) => [
          await tx.notifications.insertOnce(alert),
          await tx.notifications.insertNoticeOnce(notice),
          await tx.notifications.insertNoticeOnce(sameSubject),
          await tx.notifications.insertNoticeOnce(otherTopic),
          await tx.notifications.insertNoticeOnce(otherOwner),
        ]);
        expect(inserted).toEqual([true, true, false, true, true]);
        expect(await store.notifications.findById(rule.ownerId, notice.id)).toEqual(notice);
        expect(idsOf(await store.notifications.list(rule.ownerId, { limit: 10 })).sort()).toEqual(
          [alert.id, notice.id, otherTopic.id].sort(),
        );
        // A notice belongs to no budget: a budget's listing and its fired rules leave it out.
        expect(idsOf(await store.notifications.list(rule.ownerId, { budgetId: rule.budgetId, limit: 10 }))).toEqual([
          alert.id,
        ]);
        expect(await store.notifications.firedRuleIds(rule.ownerId, rule.budgetId, '2026-03-01')).toEqual([rule.id]);
        expect(await store.notifications.markRead(rule.ownerId, notice.id, '2026-03-09T00:00:00.000Z')).toBe(true);
        expect((await store.notifications.findById(rule.ownerId, notice.id))?.readAt).toBe('2026-03-09T00:00:00.000Z');
      },
    ),

    check(
      'insertNoticeOnce from two concurrent transactions stores once: the second answers false once the first commits',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        const [mine, theirs] = [
          noticeRecord(ownerId, 'msg_1', { message: 'first instance' }),
          noticeRecord(ownerId, 'msg_1', { message: 'second instance' }),
        ];
        const first = holdTransaction(store, (tx) => tx.notifications.insertNoticeOnce(mine));
        let second: Promise<boolean> | undefined;
        try {
          expect(await first.reached).toBe(true);
          second = peer.transaction((tx) => tx.notifications.insertNoticeOnce(theirs));
          await settle(second);
        } finally {
          first.end('commit');
        }
        expect(await first.done).toBe(true);
        expect(await second).toBe(false);
        expect(await store.notifications.list(ownerId, { limit: 10 })).toEqual([mine]);
      },
    ),

    check(
      'firedRuleIds names the rules of that budget that fired in the period starting on that day',
      async ({ store }) => {
        const [eighty, hundred] = await rules(store);
        const [elsewhere] = await rules(store, eighty.ownerId);
        await store.transaction(async (tx) => {
          await tx.notifications.insertOnce(notificationRecord(eighty));
          await tx.notifications.insertOnce(
            notificationRecord(hundred, { periodStart: '2026-04-01', periodEnd: '2026-04-30' }),
          );
          await tx.notifications.insertOnce(notificationRecord(elsewhere));
        });
        expect(await store.notifications.firedRuleIds(eighty.ownerId, eighty.budgetId, '2026-03-01')).toEqual([
          eighty.id,
        ]);
        expect(await store.notifications.firedRuleIds(eighty.ownerId, eighty.budgetId, '2026-04-01')).toEqual([
          hundred.id,
        ]);
        expect(await store.notifications.firedRuleIds(eighty.ownerId, eighty.budgetId, '2026-02-01')).toEqual([]);
        expect(await store.notifications.firedRuleIds(eighty.ownerId, elsewhere.budgetId, '2026-03-01')).toEqual([
          elsewhere.id,
        ]);
        expect(await store.notifications.firedRuleIds(uniqueOwnerId(), eighty.budgetId, '2026-03-01')).toEqual([]);
      },
    ),

    check('list gives newest first, filtered by unread, budget and position, at most limit', async ({ store }) => {
      const [eighty, hundred] = await rules(store);
      const [other] = await rules(store, eighty.ownerId);
      const months = ['01', '02', '03', '04'];
      const made = months.map((m, i) =>
        notificationRecord(i % 2 ? hundred : eighty, {
          periodStart: `2026-${m}-01`,
          periodEnd: `2026-${m}-28`,
          readAt: i === 1 ? '2026-03-03T00:00:00.000Z' : null,
        }),
      );
      const otherBudget = notificationRecord(other);
      await store.transaction(async (tx) => {
        for (const n of [...made, otherBudget]) await tx.notifications.insertOnce(n);
      });
      const list = async (query: Parameters<Store['notifications']['list']>[1]) =>
        idsOf(await store.notifications.list(eighty.ownerId, query));
      const [n0, n1, n2, n3] = made.map((n) => n.id) as [string, string, string, string];
      expect(await list({ limit: 10 })).toEqual([otherBudget.id, n3, n2, n1, n0]);
      expect(await list({ limit: 2 })).toEqual([otherBudget.id, n3]);
      expect(await list({ limit: 10, before: n3 })).toEqual([n2, n1, n0]);
      expect(await list({ limit: 10, unread: true })).toEqual([otherBudget.id, n3, n2, n0]);
      expect(await list({ limit: 10, unread: false })).toEqual([n1]);
      expect(await list({ limit: 10, budgetId: eighty.budgetId, unread: true, before: n3 })).toEqual([n2, n0]);
    }),

    check('markRead sets readAt once and answers true; false when there is no such notification', async ({ store }) => {
      const [rule] = await rules(store);
      const notification = notificationRecord(rule);
      await store.transaction((tx) => tx.notifications.insertOnce(notification));
      const [first, second] = ['2026-03-04T08:00:00.000Z', '2026-03-05T08:00:00.000Z'];
      expect(await store.notifications.markRead(rule.ownerId, notification.id, first)).toBe(true);
      expect(await store.notifications.markRead(rule.ownerId, notification.id, second)).toBe(true);
      expect(await store.notifications.findById(rule.ownerId, notification.id)).toEqual({
        ...notification,
        readAt: first,
      });
      expect(await store.notifications.markRead(rule.ownerId, 'ntf_missing', second)).toBe(false);
    }),
  ],
};
