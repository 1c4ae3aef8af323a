import { describe, expect, it } from 'vitest';
import { compileRules, type RuleConditionInput, type RuleInput, type RuleSubject } from '../src/rules/rules.js';

const expense: RuleSubject = {
  amountMinor: 1250,
  currency: 'EUR',
  date: '2026-11-03',
  merchant: 'Café Nord',
  tags: ['Work'],
  sourceKind: 'import',
};
const free = { categoryLockedByUser: false };

function matches(condition: RuleConditionInput, subject: Partial<RuleSubject> = {}): boolean {
  const rules = compileRules([
    { id: 'rule_t', position: 0, conditions: [condition], actions: [{ type: 'setNotes', notes: 'hit' }] },
  ]);
  return rules.evaluate({ ...expense, ...subject }, free).matched.length === 1;
}

const merchantHas = (value: string): RuleConditionInput => ({ field: 'merchant', op: 'contains', value });
const rule = (id: string, position: number, rest: Partial<RuleInput> = {}): RuleInput => ({
  id,
  position,
  conditions: [merchantHas('cafe')],
  actions: [{ type: 'setCategory', categoryId: `cat_${id}` }],
  ...rest,
});

describe('amount conditions: exact minor units of the condition’s currency', () => {
  it('is, oneOf, gt and lt (strict), between (both ends included)', () => {
    const eur = (op: 'is' | 'gt' | 'lt', value: string): RuleConditionInput => ({
      field: 'amount',
      op,
      value,
      currency: 'EUR',
    });
    expect(matches(eur('is', '12.50'))).toBe(true);
    expect(matches(eur('is', '12.5'))).toBe(true);
    expect(matches(eur('is', '12.51'))).toBe(false);
    expect(matches(eur('gt', '12.49'))).toBe(true);
    expect(matches(eur('gt', '12.50'))).toBe(false);
    expect(matches(eur('lt', '12.51'))).toBe(true);
    expect(matches(eur('lt', '12.50'))).toBe(false);
    expect(matches({ field: 'amount', op: 'oneOf', value: ['5', '12.50'], currency: 'EUR' })).toBe(true);
    expect(matches({ field: 'amount', op: 'oneOf', value: ['5', '12.49'], currency: 'EUR' })).toBe(false);
    expect(matches({ field: 'amount', op: 'between', value: ['12.50', '20'], currency: 'EUR' })).toBe(true);
    expect(matches({ field: 'amount', op: 'between', value: ['1', '12.50'], currency: 'EUR' })).toBe(true);
    expect(matches({ field: 'amount', op: 'between', value: ['12.51', '20'], currency: 'EUR' })).toBe(false);
  });

  it('holds only for expenses in its currency', () => {
    expect(matches({ field: 'amount', op: 'gt', value: '1', currency: 'USD' })).toBe(false);
    expect(matches({ field: 'amount', op: 'gt', value: '1', currency: 'USD' }, { currency: 'usd' })).toBe(true);
  });

  it('uses the currency’s own exponent, and takes bigint amounts from bank rows', () => {
    expect(matches({ field: 'amount', op: 'is', value: '1250', currency: 'JPY' }, { currency: 'JPY' })).toBe(true);
    expect(matches({ field: 'amount', op: 'is', value: '1.250', currency: 'KWD' }, { currency: 'KWD' })).toBe(true);
    expect(
      matches(
        { field: 'amount', op: 'gt', value: '90071992547409.90', currency: 'EUR' },
        { amountMinor: 9_007_199_254_740_991n },
      ),
    ).toBe(true);
    expect(
      matches(
        { field: 'amount', op: 'is', value: '90071992547409.91', currency: 'EUR' },
        { amountMinor: 9_007_199_254_740_991n },
      ),
    ).toBe(true);
  });
});

describe('date, weekday, currency and source kind conditions', () => {
  it('compares local dates: is, oneOf, gt, lt, between (inclusive)', () => {
    expect(matches({ field: 'date', op: 'is', value: '2026-11-03' })).toBe(true);
    expect(matches({ field: 'date', op: 'oneOf', value: ['2026-11-01', '2026-11-02'] })).toBe(false);
    expect(matches({ field: 'date', op: 'gt', value: '2026-11-02' })).toBe(true);
    expect(matches({ field: 'date', op: 'gt', value: '2026-11-03' })).toBe(false);
    expect(matches({ field: 'date', op: 'lt', value: '2026-11-04' })).toBe(true);
    expect(matches({ field: 'date', op: 'between', value: ['2026-11-03', '2026-11-03'] })).toBe(true);
    expect(matches({ field: 'date', op: 'between', value: ['2026-10-01', '2026-11-02'] })).toBe(false);
  });

  it('reads the weekday from the local date, whatever the machine’s time zone', () => {
    // 2026-11-03 is a Tuesday; 2024-02-29 a Thursday; 1900-01-01 a Monday; 9999-12-31 a Friday.
    expect(matches({ field: 'weekday', op: 'is', value: 'tue' })).toBe(true);
    expect(matches({ field: 'weekday', op: 'is', value: 'wed' })).toBe(false);
    expect(matches({ field: 'weekday', op: 'oneOf', value: ['sat', 'thu'] }, { date: '2024-02-29' })).toBe(true);
    expect(matches({ field: 'weekday', op: 'is', value: 'mon' }, { date: '1900-01-01' })).toBe(true);
    expect(matches({ field: 'weekday', op: 'is', value: 'fri' }, { date: '9999-12-31' })).toBe(true);
  });

  it('compares currencies and source kinds by equality; an unknown source kind matches nothing', () => {
    expect(matches({ field: 'currency', op: 'is', value: 'eur' })).toBe(true);
    expect(matches({ field: 'currency', op: 'oneOf', value: ['USD', 'GBP'] })).toBe(false);
    expect(matches({ field: 'sourceKind', op: 'is', value: 'import' })).toBe(true);
    expect(matches({ field: 'sourceKind', op: 'oneOf', value: ['manual', 'api'] })).toBe(false);
    expect(
      matches(
        { field: 'sourceKind', op: 'oneOf', value: ['manual', 'api', 'import', 'schedule'] },
        { sourceKind: null },
      ),
    ).toBe(false);
  });
});

describe('match: all | any', () => {
  const two: RuleConditionInput[] = [merchantHas('cafe'), { field: 'amount', op: 'gt', value: '100', currency: 'EUR' }];
  it('all needs every condition, any one of them', () => {
    expect(compileRules([rule('a', 0, { conditions: two })]).evaluate(expense, free).matched).toEqual([]);
    expect(compileRules([rule('a', 0, { conditions: two, match: 'any' })]).evaluate(expense, free).matched).toEqual([
      'a',
    ]);
  });
});

describe('evaluation order, stop and first-wins', () => {
  it('runs rules by position, then id, whatever order they are given in', () => {
    const rules = compileRules([rule('c', 2), rule('b', 1), rule('a2', 1), rule('z', 0)]);
    expect(rules.evaluate(expense, free).matched).toEqual(['z', 'a2', 'b', 'c']);
  });

  it('gives each field to the first rule that sets it; later rules still set the fields left', () => {
    const rules = compileRules([
      rule('first', 0, { actions: [{ type: 'setCategory', categoryId: 'cat_food' }] }),
      rule('second', 1, {
        actions: [
          { type: 'setCategory', categoryId: 'cat_other' },
          { type: 'setMerchant', merchant: 'Nord' },
        ],
      }),
      rule('third', 2, {
        actions: [
          { type: 'setMerchant', merchant: 'Ignored' },
          { type: 'setNotes', notes: 'coffee' },
        ],
      }),
    ]);
    expect(rules.evaluate(expense, free)).toEqual({
      changes: [
        { field: 'categoryId', value: 'cat_food', ruleId: 'first' },
        { field: 'merchant', value: 'Nord', ruleId: 'second' },
        { field: 'notes', value: 'coffee', ruleId: 'third' },
      ],
      matched: ['first', 'second', 'third'],
      stoppedBy: null,
    });
  });

  it('lets conditions see the expense as given, not as earlier rules changed it', () => {
    const rules = compileRules([
      rule('rename', 0, { actions: [{ type: 'setMerchant', merchant: 'Starbucks' }] }),
      rule('coffee', 1, { conditions: [merchantHas('starbucks')] }),
    ]);
    expect(rules.evaluate(expense, free).matched).toEqual(['rename']);
  });

  it('stops after a matching rule with stop, its own actions applied', () => {
    const rules = compileRules([
      rule('a', 0),
      rule('b', 1, { stop: true, actions: [{ type: 'addTags', tags: ['x'] }] }),
      rule('c', 2, { actions: [{ type: 'setNotes', notes: 'n' }] }),
    ]);
    const result = rules.evaluate(expense, free);
    expect(result.matched).toEqual(['a', 'b']);
    expect(result.stoppedBy).toBe('b');
    expect(result.changes.map((change) => change.ruleId)).toEqual(['a', 'b']);
  });

  it('does not stop on a stop rule that does not match', () => {
    const rules = compileRules([rule('a', 0, { stop: true, conditions: [merchantHas('tea')] }), rule('b', 1)]);
    expect(rules.evaluate(expense, free)).toMatchObject({ matched: ['b'], stoppedBy: null });
  });

  it('skips disabled rules entirely, their stop included', () => {
    const rules = compileRules([rule('off', 0, { enabled: false, stop: true }), rule('on', 1)]);
    expect(rules.size).toBe(1);
    expect(rules.evaluate(expense, free)).toEqual({
      changes: [{ field: 'categoryId', value: 'cat_on', ruleId: 'on' }],
      matched: ['on'],
      stoppedBy: null,
    });
  });

  it('accumulates tags across rules, skipping ones the expense has (any case), up to 20', () => {
    const rules = compileRules([
      rule('a', 0, { actions: [{ type: 'addTags', tags: ['work', 'Coffee'] }] }),
      rule('b', 1, { actions: [{ type: 'addTags', tags: ['coffee', 'Morning'] }] }),
      rule('c', 2, { actions: [{ type: 'addTags', tags: ['WORK'] }] }),
    ]);
    expect(rules.evaluate(expense, free).changes).toEqual([
      { field: 'tags', value: ['Coffee'], ruleId: 'a' },
      { field: 'tags', value: ['Morning'], ruleId: 'b' },
    ]);
    const nineteen = Array.from({ length: 19 }, (_, i) => `t${i}`);
    const full = rules.evaluate({ ...expense, tags: nineteen }, free).changes;
    expect(full).toEqual([{ field: 'tags', value: ['work'], ruleId: 'a' }]);
  });

  it('answers no changes for an empty rule set', () => {
    expect(compileRules([]).evaluate(expense, free)).toEqual({ changes: [], matched: [], stoppedBy: null });
  });
});

describe('a category the user chose by hand', () => {
  const rules = compileRules([
    rule('cat', 0, {
      actions: [
        { type: 'setCategory', categoryId: 'cat_food' },
        { type: 'addTags', tags: ['coffee'] },
      ],
    }),
    rule('later', 1, { actions: [{ type: 'setCategory', categoryId: 'cat_other' }] }),
  ]);

  it('is never changed, by the first rule or a later one; the other actions still apply', () => {
    expect(rules.evaluate(expense, { categoryLockedByUser: true })).toEqual({
      changes: [{ field: 'tags', value: ['coffee'], ruleId: 'cat' }],
      matched: ['cat', 'later'],
      stoppedBy: null,
    });
  });

  it('is set by a rule when the user did not choose it', () => {
    expect(rules.evaluate(expense, free).changes[0]).toEqual({ field: 'categoryId', value: 'cat_food', ruleId: 'cat' });
  });
});

describe('the compiled evaluator', () => {
  it('is frozen and does not change with the input array', () => {
    const input = [rule('a', 0)];
    const rules = compileRules(input);
    input.push(rule('b', 1));
    expect(Object.isFrozen(rules)).toBe(true);
    expect(rules.evaluate(expense, free).matched).toEqual(['a']);
  });
});
