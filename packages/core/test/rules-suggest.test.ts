import { describe, expect, it } from 'vitest';
import {
  compileRules,
  ruleDefinitionSchema,
  SUGGESTION_THRESHOLD,
  type RuleHistoryRecord,
} from '../src/rules/rules.js';

const record = (
  merchant: string | null,
  categoryId: string | null,
  categorySource: RuleHistoryRecord['categorySource'] = 'user',
): RuleHistoryRecord => ({
  amountMinor: 320,
  currency: 'EUR',
  date: '2026-11-02',
  merchant,
  categoryId,
  categorySource,
});
const times = (n: number, r: RuleHistoryRecord) => Array.from({ length: n }, () => r);
const noRules = compileRules([]);

describe('suggest(): rules from repeated manual categorisation', () => {
  it('suggests "merchant is M → set category C" after three hand categorisations, counting spellings as one', () => {
    const history = [
      record('Bäckerei Kamps', 'cat_food'),
      record('BACKEREI  KAMPS', 'cat_food'),
      record('bäckerei kamps', 'cat_food'),
    ];
    const [suggestion, ...rest] = noRules.suggest(history);
    expect(rest).toEqual([]);
    expect(suggestion).toEqual({
      merchant: 'Bäckerei Kamps',
      categoryId: 'cat_food',
      count: 3,
      rule: {
        enabled: true,
        match: 'all',
        conditions: [{ field: 'merchant', op: 'is', value: 'Bäckerei Kamps' }],
        actions: [{ type: 'setCategory', categoryId: 'cat_food' }],
        stop: false,
      },
    });
    // The draft is a valid rule once placed, and it matches every spelling it was learnt from.
    const draft = ruleDefinitionSchema.parse({ ...suggestion!.rule, position: 0 });
    const learnt = compileRules([{ ...draft, id: 'rule_new' }]);
    expect(
      history.every((r) => learnt.evaluate(r, { categoryLockedByUser: false }).changes[0]?.value === 'cat_food'),
    ).toBe(true);
  });

  it('needs three: two are not enough', () => {
    expect(SUGGESTION_THRESHOLD).toBe(3);
    expect(noRules.suggest(times(2, record('Kamps', 'cat_food')))).toEqual([]);
  });

  it('counts only categories chosen by hand', () => {
    for (const source of ['rule', 'import', 'schedule', null] as const) {
      expect(noRules.suggest(times(5, record('Kamps', 'cat_food', source)))).toEqual([]);
    }
    expect(noRules.suggest([...times(2, record('Kamps', 'cat_food')), record('Kamps', 'cat_food', 'rule')])).toEqual(
      [],
    );
  });

  it('ignores records without a merchant or a category', () => {
    expect(
      noRules.suggest([
        ...times(3, record(null, 'cat_food')),
        ...times(3, record('  ', 'cat_food')),
        ...times(3, record('Kamps', null)),
      ]),
    ).toEqual([]);
  });

  it('suggests nothing a rule already covers, and counts only the records the rules would miss', () => {
    const covering = compileRules([
      {
        id: 'rule_k',
        position: 0,
        conditions: [{ field: 'merchant', op: 'contains', value: 'kamps' }],
        actions: [{ type: 'setCategory', categoryId: 'cat_food' }],
      },
    ]);
    expect(covering.suggest(times(4, record('Kamps', 'cat_food')))).toEqual([]);
    // A rule that files the merchant elsewhere does not cover the user's choice: the user keeps correcting it.
    const elsewhere = compileRules([
      {
        id: 'rule_k',
        position: 0,
        conditions: [{ field: 'merchant', op: 'contains', value: 'kamps' }],
        actions: [{ type: 'setCategory', categoryId: 'cat_misc' }],
      },
    ]);
    expect(elsewhere.suggest(times(3, record('Kamps', 'cat_food')))).toMatchObject([
      { categoryId: 'cat_food', count: 3 },
    ]);
    // A disabled rule covers nothing.
    const disabled = compileRules([
      {
        id: 'rule_k',
        position: 0,
        enabled: false,
        conditions: [{ field: 'merchant', op: 'contains', value: 'kamps' }],
        actions: [{ type: 'setCategory', categoryId: 'cat_food' }],
      },
    ]);
    expect(disabled.suggest(times(3, record('Kamps', 'cat_food')))).toHaveLength(1);
  });

  it('suggests the merchant’s clear favourite category, and nothing on a tie', () => {
    const split = [...times(4, record('Rewe', 'cat_food')), ...times(3, record('Rewe', 'cat_household'))];
    expect(noRules.suggest(split)).toMatchObject([{ merchant: 'Rewe', categoryId: 'cat_food', count: 4 }]);
    expect(
      noRules.suggest([...times(3, record('Rewe', 'cat_food')), ...times(3, record('Rewe', 'cat_household'))]),
    ).toEqual([]);
  });

  it('orders suggestions by count, then merchant, and creates nothing', () => {
    const history = [
      ...times(3, record('Zara', 'cat_clothes')),
      ...times(5, record('Lidl', 'cat_food')),
      ...times(3, record('Aldi', 'cat_food')),
    ];
    expect(noRules.suggest(history).map((s) => `${s.merchant} ${s.count}`)).toEqual(['Lidl 5', 'Aldi 3', 'Zara 3']);
    expect(noRules.size).toBe(0);
  });
});
