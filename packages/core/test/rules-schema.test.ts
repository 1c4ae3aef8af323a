import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import {
  compileRules,
  MAX_ONE_OF_VALUES,
  MAX_TEXT_VALUE_LENGTH,
  RULE_ISSUE_CODES,
  RULE_LIMITS,
  ruleActionSchema,
  ruleConditionSchema,
  ruleDefinitionSchema,
  ruleSchema,
  toRuleIssues,
  type RuleInput,
} from '../src/rules/rules.js';

/** The issues of a refused value, as `path code` strings. */
function refused(
  schema: { safeParse(input: unknown): { success: boolean; error?: { issues: Parameters<typeof toRuleIssues>[0] } } },
  input: unknown,
): string[] {
  const result = schema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input)} to be refused`).toBe(false);
  return toRuleIssues(result.error?.issues ?? []).map((issue) => `${issue.path.join('.')} ${issue.code}`);
}

const VALUES: Record<string, Record<string, unknown>> = {
  text: {
    is: 'x',
    contains: 'x',
    startsWith: 'x',
    endsWith: 'x',
    oneOf: ['x'],
    matches: 'x',
    gt: 'x',
    lt: 'x',
    between: ['a', 'b'],
  },
  amount: {
    is: '1',
    oneOf: ['1'],
    gt: '1',
    lt: '1',
    between: ['1', '2'],
    contains: '1',
    startsWith: '1',
    endsWith: '1',
    matches: '1',
  },
  date: {
    is: '2026-01-01',
    oneOf: ['2026-01-01'],
    gt: '2026-01-01',
    lt: '2026-01-01',
    between: ['2026-01-01', '2026-01-02'],
    contains: '2026',
    startsWith: '2026',
    endsWith: '01',
    matches: '2026',
  },
  currency: {
    is: 'EUR',
    oneOf: ['EUR'],
    gt: 'EUR',
    lt: 'EUR',
    between: ['EUR', 'USD'],
    contains: 'E',
    startsWith: 'E',
    endsWith: 'R',
    matches: 'E',
  },
  weekday: {
    is: 'mon',
    oneOf: ['mon'],
    gt: 'mon',
    lt: 'mon',
    between: ['mon', 'fri'],
    contains: 'm',
    startsWith: 'm',
    endsWith: 'n',
    matches: 'm',
  },
  sourceKind: {
    is: 'import',
    oneOf: ['import'],
    gt: 'api',
    lt: 'api',
    between: ['api', 'import'],
    contains: 'i',
    startsWith: 'i',
    endsWith: 't',
    matches: 'i',
  },
};
const ALLOWED: Record<string, string[]> = {
  text: ['is', 'contains', 'startsWith', 'endsWith', 'oneOf', 'matches'],
  amount: ['is', 'oneOf', 'gt', 'lt', 'between'],
  date: ['is', 'oneOf', 'gt', 'lt', 'between'],
  currency: ['is', 'oneOf'],
  weekday: ['is', 'oneOf'],
  sourceKind: ['is', 'oneOf'],
};
const FIELDS: [string, keyof typeof VALUES][] = [
  ['description', 'text'],
  ['merchant', 'text'],
  ['notes', 'text'],
  ['originalText', 'text'],
  ['tags', 'text'],
  ['amount', 'amount'],
  ['date', 'date'],
  ['currency', 'currency'],
  ['weekday', 'weekday'],
  ['sourceKind', 'sourceKind'],
];
const OPS = ['is', 'contains', 'startsWith', 'endsWith', 'oneOf', 'matches', 'gt', 'lt', 'between'];

describe('which operators fit which fields', () => {
  for (const [field, kind] of FIELDS) {
    it(`${field} takes ${ALLOWED[kind]!.join(', ')} and refuses the rest at op`, () => {
      for (const op of OPS) {
        const condition = { field, op, value: VALUES[kind]![op], ...(field === 'amount' ? { currency: 'EUR' } : {}) };
        if (ALLOWED[kind]!.includes(op))
          expect(ruleConditionSchema.safeParse(condition).success, `${field} ${op}`).toBe(true);
        else expect(refused(ruleConditionSchema, condition), `${field} ${op}`).toEqual(['op operator_not_allowed']);
      }
    });
  }

  it('names the field’s operators in the message, a 422 a person can act on', () => {
    const [issue] = toRuleIssues(
      ruleConditionSchema.safeParse({ field: 'description', op: 'gt', value: '5' }).error!.issues,
    );
    expect(issue).toEqual({
      path: ['op'],
      code: 'operator_not_allowed',
      message: 'Text fields take the operators is, contains, startsWith, endsWith, oneOf, matches, not "gt"',
    });
  });

  it('refuses an unknown field at field, and unknown keys', () => {
    expect(refused(ruleConditionSchema, { field: 'payee', op: 'is', value: 'x' })).toEqual(['field invalid_union']);
    expect(refused(ruleConditionSchema, { field: 'merchant', op: 'is', value: 'x', caseSensitive: true })).toEqual([
      ' unrecognized_keys',
    ]);
  });
});

describe('condition values', () => {
  it('reads amounts as exact decimal strings of the condition’s currency, never numbers', () => {
    expect(ruleConditionSchema.parse({ field: 'amount', op: 'gt', value: ' 12.50 ', currency: 'eur' })).toEqual({
      field: 'amount',
      op: 'gt',
      value: '12.50',
      currency: 'EUR',
    });
    expect(refused(ruleConditionSchema, { field: 'amount', op: 'gt', value: 12.5, currency: 'EUR' })).toEqual([
      'value invalid_type',
    ]);
    expect(refused(ruleConditionSchema, { field: 'amount', op: 'gt', value: '12.345', currency: 'EUR' })).toEqual([
      'value invalid_amount',
    ]);
    expect(ruleConditionSchema.safeParse({ field: 'amount', op: 'gt', value: '12.345', currency: 'KWD' }).success).toBe(
      true,
    );
    expect(refused(ruleConditionSchema, { field: 'amount', op: 'is', value: '1.5', currency: 'JPY' })).toEqual([
      'value invalid_amount',
    ]);
    expect(
      refused(ruleConditionSchema, { field: 'amount', op: 'oneOf', value: ['1', '1e3'], currency: 'EUR' }),
    ).toEqual(['value.1 invalid_amount']);
    expect(refused(ruleConditionSchema, { field: 'amount', op: 'lt', value: '-1', currency: 'EUR' })).toEqual([
      'value invalid_amount',
    ]);
    expect(refused(ruleConditionSchema, { field: 'amount', op: 'is', value: '1' })).toEqual(['currency invalid_type']);
  });

  it('refuses an empty between, on amounts and dates', () => {
    expect(
      refused(ruleConditionSchema, { field: 'amount', op: 'between', value: ['20', '10'], currency: 'EUR' }),
    ).toEqual(['value empty_range']);
    expect(
      ruleConditionSchema.safeParse({ field: 'amount', op: 'between', value: ['10', '10.00'], currency: 'EUR' })
        .success,
    ).toBe(true);
    expect(refused(ruleConditionSchema, { field: 'date', op: 'between', value: ['2026-02-01', '2026-01-31'] })).toEqual(
      ['value empty_range'],
    );
    expect(refused(ruleConditionSchema, { field: 'date', op: 'between', value: ['2026-02-01'] })).toEqual([
      'value too_small',
    ]);
  });

  it('refuses blank or overlong text and too many oneOf values', () => {
    expect(refused(ruleConditionSchema, { field: 'merchant', op: 'is', value: '   ' })).toEqual(['value too_small']);
    expect(
      refused(ruleConditionSchema, { field: 'merchant', op: 'is', value: 'x'.repeat(MAX_TEXT_VALUE_LENGTH + 1) }),
    ).toEqual(['value too_big']);
    expect(refused(ruleConditionSchema, { field: 'merchant', op: 'is', value: 'a\u0000b' })).toEqual(['value custom']);
    expect(refused(ruleConditionSchema, { field: 'merchant', op: 'oneOf', value: [] })).toEqual(['value too_small']);
    const many = Array.from({ length: MAX_ONE_OF_VALUES + 1 }, (_, i) => `m${i}`);
    expect(refused(ruleConditionSchema, { field: 'merchant', op: 'oneOf', value: many })).toEqual(['value too_big']);
    expect(refused(ruleConditionSchema, { field: 'date', op: 'is', value: '2026-02-30' })).toEqual([
      'value invalid_format',
    ]);
    expect(refused(ruleConditionSchema, { field: 'weekday', op: 'oneOf', value: ['mon', 'monday'] })).toEqual([
      'value.1 invalid_value',
    ]);
  });
});

const base: RuleInput = {
  id: 'rule_a',
  position: 0,
  conditions: [{ field: 'merchant', op: 'is', value: 'x' }],
  actions: [{ type: 'setCategory', categoryId: 'cat_x' }],
};

describe('the rule shape', () => {
  it('defaults to enabled, match all, no stop', () => {
    const { id: _, ...definition } = base;
    expect(ruleDefinitionSchema.parse(definition)).toEqual({ ...definition, enabled: true, match: 'all', stop: false });
    expect(ruleSchema.parse(base).id).toBe('rule_a');
  });

  it('takes one action of each kind, at most, and keeps addTags a set', () => {
    expect(
      refused(ruleSchema, {
        ...base,
        actions: [
          { type: 'setCategory', categoryId: 'a' },
          { type: 'setCategory', categoryId: 'b' },
        ],
      }),
    ).toEqual(['actions.1.type duplicate_action']);
    const all = ruleSchema.parse({
      ...base,
      actions: [
        { type: 'setCategory', categoryId: 'c' },
        { type: 'setMerchant', merchant: ' Lidl ' },
        { type: 'setNotes', notes: 'n' },
        { type: 'addTags', tags: ['Food', 'food', 'weekly'] },
      ],
    });
    expect(all.actions).toEqual([
      { type: 'setCategory', categoryId: 'c' },
      { type: 'setMerchant', merchant: 'Lidl' },
      { type: 'setNotes', notes: 'n' },
      { type: 'addTags', tags: ['Food', 'weekly'] },
    ]);
    expect(refused(ruleActionSchema, { type: 'addTags', tags: ['x'.repeat(RULE_LIMITS.tag + 1)] })).toEqual([
      'tags.0 too_big',
    ]);
    expect(refused(ruleActionSchema, { type: 'setMerchant', merchant: 'x'.repeat(RULE_LIMITS.merchant + 1) })).toEqual([
      'merchant too_big',
    ]);
    expect(refused(ruleActionSchema, { type: 'deleteExpense' })).toEqual(['type invalid_union']);
  });

  it('needs an action, unless it only stops later rules', () => {
    expect(refused(ruleSchema, { ...base, actions: [] })).toEqual(['actions nothing_to_do']);
    expect(ruleSchema.safeParse({ ...base, actions: [], stop: true }).success).toBe(true);
  });

  it('holds 1 to 20 conditions', () => {
    expect(refused(ruleSchema, { ...base, conditions: [] })).toEqual(['conditions too_small']);
    const condition = { field: 'merchant', op: 'is', value: 'x' } as const;
    expect(ruleSchema.safeParse({ ...base, conditions: Array(RULE_LIMITS.conditions).fill(condition) }).success).toBe(
      true,
    );
    expect(refused(ruleSchema, { ...base, conditions: Array(RULE_LIMITS.conditions + 1).fill(condition) })).toEqual([
      'conditions too_big',
    ]);
  });

  it('uses only catalogued codes for its own issues', () => {
    const codes = refused(ruleSchema, {
      ...base,
      conditions: [
        { field: 'merchant', op: 'matches', value: '(a)\\1' },
        { field: 'notes', op: 'lt', value: 'x' },
      ],
      actions: [],
    });
    expect(codes).toEqual(['conditions.0.value unsupported_pattern', 'conditions.1.op operator_not_allowed']);
    const refusedOnly = { ...base, actions: [] };
    expect(refused(ruleSchema, refusedOnly).map((line) => line.split(' ')[1])).toEqual(['nothing_to_do']);
    expect(RULE_ISSUE_CODES).toContain('nothing_to_do');
  });
});

describe('compileRules', () => {
  it('refuses the whole set with VALIDATION_FAILED, each issue under its rule’s index', () => {
    const broken = [
      base,
      { ...base, id: 'rule_b', conditions: [{ field: 'amount', op: 'contains', value: '1', currency: 'EUR' }] },
    ] as RuleInput[];
    let caught: unknown;
    try {
      compileRules(broken);
    } catch (error) {
      caught = error;
    }
    expect(isTrackerError(caught, 'VALIDATION_FAILED')).toBe(true);
    if (!isTrackerError(caught)) return;
    expect(caught.issues.map((issue) => `${issue.path.join('.')} ${issue.code}`)).toEqual([
      '1.conditions.0.op operator_not_allowed',
    ]);
    expect(caught.message).toMatch(/^Invalid input: 1\.conditions\.0\.op: Amounts take the operators/);
  });
});
