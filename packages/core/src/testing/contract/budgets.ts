import { expect } from 'vitest';
import { isTrackerError } from '../../errors.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { budgetRecord, ruleRecord } from './records.js';

const LATER = '2026-03-02T09:30:00.000Z';

/** `budgets`. */
export const budgetChecks: ContractGroup = {
  name: 'budgets',
  checks: [
    check(
      'insert, findById, update and delete round-trip every field and answer null/false when absent',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const budget = budgetRecord(ownerId, {
          categoryIds: ['cat_a', 'cat_b'],
          period: { unit: 'week', every: 2, anchor: '2026-01-05' },
          rollover: 'full',
          endsOn: '2026-12-31',
          amountMinor: 9_007_199_254_740_991,
        });
        await store.budgets.insert(budget);
        expect(await store.budgets.findById(ownerId, budget.id)).toEqual(budget);
        expect(await store.budgets.findById(ownerId, 'bud_missing')).toBeNull();
        const changed = {
          ...budget,
          name: 'Trip',
          amountMinor: 12_345,
          currency: 'EUR',
          categoryIds: [],
          period: { start: '2026-07-01', end: '2026-07-14' },
          rollover: 'surplus' as const,
          startsOn: '2026-07-01',
          endsOn: null,
          updatedAt: LATER,
        };
        expect(await store.budgets.update(changed)).toBe(true);
        expect(await store.budgets.findById(ownerId, budget.id)).toEqual(changed);
        expect(await store.budgets.update({ ...changed, id: 'bud_missing' })).toBe(false);
        expect(await store.budgets.delete(ownerId, budget.id)).toBe(true);
        expect(await store.budgets.delete(ownerId, budget.id)).toBe(false);
        expect(await store.budgets.findById(ownerId, budget.id)).toBeNull();
      },
    ),

    check('list returns the owner’s budgets oldest first', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const newer = budgetRecord(ownerId, { name: 'Newer', createdAt: LATER });
      const older = budgetRecord(ownerId, { name: 'Older' });
      const sameInstant = budgetRecord(ownerId, { name: 'Same instant, later id' });
      for (const budget of [newer, older, sameInstant]) await store.budgets.insert(budget);
      await store.budgets.insert(budgetRecord(uniqueOwnerId()));
      expect((await store.budgets.list(ownerId)).map((b) => b.name)).toEqual([
        'Older',
        'Same instant, later id',
        'Newer',
      ]);
      expect(await store.budgets.list(uniqueOwnerId())).toEqual([]);
    }),

    check('insert of an id the owner already has is a CONFLICT and keeps the stored budget', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const budget = budgetRecord(ownerId);
      await store.budgets.insert(budget);
      const error = await store.budgets.insert({ ...budget, name: 'Other' }).catch((e: unknown) => e);
      expect(isTrackerError(error, 'CONFLICT')).toBe(true);
      expect(await store.budgets.findById(ownerId, budget.id)).toEqual(budget);
    }),

    check('delete removes the budget’s alert rules with it, and no other budget’s', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const [doomed, kept] = [budgetRecord(ownerId), budgetRecord(ownerId)];
      await store.budgets.insert(doomed);
      await store.budgets.insert(kept);
      const keptRule = ruleRecord(ownerId, kept.id);
      await store.alertRules.insert([
        ruleRecord(ownerId, doomed.id),
        ruleRecord(ownerId, doomed.id, { thresholdPercent: 100 }),
        keptRule,
      ]);
      expect(await store.transaction((tx) => tx.budgets.delete(ownerId, doomed.id))).toBe(true);
      expect(await store.alertRules.list(ownerId)).toEqual([keptRule]);
    }),
  ],
};

/** `alertRules`. */
export const alertRuleChecks: ContractGroup = {
  name: 'alertRules',
  checks: [
    check(
      'insert, findById, update and delete round-trip every field and answer null/false when absent',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const budget = budgetRecord(ownerId);
        await store.budgets.insert(budget);
        const rule = ruleRecord(ownerId, budget.id, { thresholdPercent: 150, kind: 'forecast' });
        await store.alertRules.insert([rule]);
        expect(await store.alertRules.findById(ownerId, rule.id)).toEqual(rule);
        expect(await store.alertRules.findById(ownerId, 'rule_missing')).toBeNull();
        const changed = { ...rule, thresholdPercent: 90, kind: 'spent' as const, active: false, updatedAt: LATER };
        expect(await store.alertRules.update(changed)).toBe(true);
        expect(await store.alertRules.findById(ownerId, rule.id)).toEqual(changed);
        expect(await store.alertRules.update({ ...changed, id: 'rule_missing' })).toBe(false);
        expect(await store.alertRules.delete(ownerId, rule.id)).toBe(true);
        expect(await store.alertRules.delete(ownerId, rule.id)).toBe(false);
        expect(await store.alertRules.findById(ownerId, rule.id)).toBeNull();
      },
    ),

    check(
      'insert stores several rules at once, and list gives them oldest first, of the given budgets only',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const [one, two, three] = [budgetRecord(ownerId), budgetRecord(ownerId), budgetRecord(ownerId)];
        for (const budget of [one, two, three]) await store.budgets.insert(budget);
        const rules = [
          ruleRecord(ownerId, one.id, { createdAt: LATER }),
          ruleRecord(ownerId, two.id),
          ruleRecord(ownerId, one.id, { thresholdPercent: 100 }),
          ruleRecord(ownerId, three.id),
        ];
        await store.alertRules.insert(rules);
        await store.alertRules.insert([]);
        const [laterOne, firstTwo, firstOne, firstThree] = rules;
        expect(await store.alertRules.list(ownerId)).toEqual([firstTwo, firstOne, firstThree, laterOne]);
        expect(await store.alertRules.list(ownerId, [one.id, three.id])).toEqual([firstOne, firstThree, laterOne]);
        expect(await store.alertRules.list(ownerId, [])).toEqual([]);
        expect(await store.alertRules.list(ownerId, ['bud_missing'])).toEqual([]);
      },
    ),
  ],
};
