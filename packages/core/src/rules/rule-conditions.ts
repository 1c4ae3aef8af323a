import { z } from 'zod';
import { SOURCE_KINDS } from '../expenses/provenance.js';
import { parseAmount } from '../money.js';
import { currencySchema, localDateSchema, storableText } from '../common-schemas.js';
import { weekdayNameSchema } from '../schedules/recurrence-schema.js';
import { compilePattern } from './rule-pattern.js';
import type { RuleIssueCode } from './rule-issues.js';

/**
 * The conditions of a rule (SPEC §7.2): which fields each operator applies to is part of the
 * schema, a union on `field` and then on `op`, so `{ field: 'description', op: 'gt' }` is
 * refused with an issue at the condition's `op` (`operator_not_allowed`, a 422 on the
 * server) naming the operators the field takes.
 */

/** At most this many values in a `oneOf`. */
export const MAX_ONE_OF_VALUES = 50;
/** The longest text a text condition compares with: an expense's longest text field but notes. */
export const MAX_TEXT_VALUE_LENGTH = 500;

/** The kinds of an expense's source (SPEC §7.0), as provenance defines them. */
export const sourceKindSchema = z.enum(SOURCE_KINDS);

/** Text fields; `originalText` is the bank's own wording of an imported line; `tags` holds when any tag does. */
export const TEXT_FIELDS = ['description', 'merchant', 'notes', 'originalText', 'tags'] as const;

const issue = (ctx: z.RefinementCtx, path: (string | number)[], code: RuleIssueCode, message: string) =>
  ctx.addIssue({ code: 'custom', path, message, params: { code } });

const textValue = storableText(
  z
    .string()
    .trim()
    .min(1, 'A text value must not be empty')
    .max(MAX_TEXT_VALUE_LENGTH, `A text value may have at most ${MAX_TEXT_VALUE_LENGTH} characters`),
);
const oneOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, 'oneOf needs at least one value')
    .max(MAX_ONE_OF_VALUES, `oneOf takes at most ${MAX_ONE_OF_VALUES} values`);
const pattern = z.string().superRefine((value, ctx) => {
  const compiled = compilePattern(value);
  if ('code' in compiled) issue(ctx, [], compiled.code, compiled.message);
});

/** The error of an operator the field does not take, at the condition's `op`. */
function operatorsOf(kind: string, ops: readonly string[]) {
  return {
    error: (iss: { code?: string; input?: unknown }) =>
      iss.code === 'invalid_union'
        ? `${kind} take the operators ${ops.join(', ')}, not ${JSON.stringify(opOf(iss.input)) ?? 'none'}`
        : undefined,
  };
}

/** The `op` of a refused condition (zod hands over the whole condition). */
function opOf(input: unknown): unknown {
  return typeof input === 'object' && input !== null && 'op' in input ? input.op : undefined;
}

const textField = z.enum(TEXT_FIELDS);
const TEXT_OPS = ['is', 'contains', 'startsWith', 'endsWith', 'oneOf', 'matches'] as const;
const textCondition = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ field: textField, op: z.enum(['is', 'contains', 'startsWith', 'endsWith']), value: textValue }),
    z.strictObject({ field: textField, op: z.literal('oneOf'), value: oneOf(textValue) }),
    z.strictObject({ field: textField, op: z.literal('matches'), value: pattern }),
  ],
  operatorsOf('Text fields', TEXT_OPS),
);

/** An exact decimal such as `"12.50"`: a string, so no amount ever passes through a float. */
const decimal = z.string().trim();
const amountCondition = z
  .discriminatedUnion(
    'op',
    [
      z.strictObject({
        field: z.literal('amount'),
        op: z.enum(['is', 'gt', 'lt']),
        value: decimal,
        currency: currencySchema,
      }),
      z.strictObject({
        field: z.literal('amount'),
        op: z.literal('oneOf'),
        value: oneOf(decimal),
        currency: currencySchema,
      }),
      z.strictObject({
        field: z.literal('amount'),
        op: z.literal('between'),
        value: z.tuple([decimal, decimal]),
        currency: currencySchema,
      }),
    ],
    operatorsOf('Amounts', ['is', 'oneOf', 'gt', 'lt', 'between']),
  )
  .superRefine(checkAmounts);

const dateCondition = z
  .discriminatedUnion(
    'op',
    [
      z.strictObject({ field: z.literal('date'), op: z.enum(['is', 'gt', 'lt']), value: localDateSchema }),
      z.strictObject({ field: z.literal('date'), op: z.literal('oneOf'), value: oneOf(localDateSchema) }),
      z.strictObject({
        field: z.literal('date'),
        op: z.literal('between'),
        value: z.tuple([localDateSchema, localDateSchema]),
      }),
    ],
    operatorsOf('Dates', ['is', 'oneOf', 'gt', 'lt', 'between']),
  )
  .superRefine((c, ctx) => {
    if (c.op === 'between' && c.value[0] > c.value[1])
      issue(ctx, ['value'], 'empty_range', 'between needs [from, to] with from on or before to');
  });

/** A field whose values are a closed set: equality only. */
function choiceCondition<F extends string, T extends z.ZodType>(field: F, value: T, kind: string) {
  return z.discriminatedUnion(
    'op',
    [
      z.strictObject({ field: z.literal(field), op: z.literal('is'), value }),
      z.strictObject({ field: z.literal(field), op: z.literal('oneOf'), value: oneOf(value) }),
    ],
    operatorsOf(kind, ['is', 'oneOf']),
  );
}

/**
 * One condition of a rule. Text operators compare folded text (case- and accent-insensitive,
 * see `foldText`) and never match an absent field; `matches` searches with RE2 (see
 * `compilePattern`). An amount condition names its `currency` and holds only for expenses in
 * that currency: its value is an exact decimal of it (`"12.50"`), compared in minor units.
 * `gt` and `lt` are strict, `between` includes both ends, on amounts and dates alike; a
 * weekday is the expense date's.
 *
 * | field | operators | value |
 * |---|---|---|
 * | `description`, `merchant`, `notes`, `originalText`, `tags` | `is`, `contains`, `startsWith`, `endsWith`, `oneOf`, `matches` | text (1–500), a pattern (≤ 300) |
 * | `amount` (+ `currency`) | `is`, `oneOf`, `gt`, `lt`, `between` | decimal strings ≥ 0 |
 * | `date` | `is`, `oneOf`, `gt`, `lt`, `between` | `YYYY-MM-DD` |
 * | `currency` | `is`, `oneOf` | ISO 4217 |
 * | `weekday` | `is`, `oneOf` | `mon` … `sun` |
 * | `sourceKind` | `is`, `oneOf` | `manual`, `api`, `import`, `schedule` |
 *
 * @example
 * ```ts
 * import { ruleConditionSchema } from '@expense-tracker/core';
 *
 * ruleConditionSchema.parse({ field: 'merchant', op: 'contains', value: 'café' });
 * ruleConditionSchema.parse({ field: 'amount', op: 'between', value: ['10', '20.50'], currency: 'EUR' });
 * ruleConditionSchema.safeParse({ field: 'description', op: 'gt', value: 'x' }).success; // false, at ['op']
 * ```
 */
export const ruleConditionSchema = z.discriminatedUnion('field', [
  textCondition,
  amountCondition,
  dateCondition,
  choiceCondition('currency', currencySchema, 'Currencies'),
  choiceCondition('weekday', weekdayNameSchema, 'Weekdays'),
  choiceCondition('sourceKind', sourceKindSchema, 'Source kinds'),
]);

/**
 * One condition of a rule, as given (see the table of fields and operators on `ruleConditionSchema`).
 *
 * @example
 * ```ts
 * import type { RuleConditionInput } from '@expense-tracker/core';
 *
 * const conditions: RuleConditionInput[] = [{ field: 'merchant', op: 'contains', value: 'rewe' }, { field: 'amount', op: 'gt', value: '50', currency: 'EUR' }];
 * await owner.rules.create({ conditions, actions: [{ type: 'setCategory', categoryId: food.id }] });
 * ```
 */
export type RuleConditionInput = z.input<typeof ruleConditionSchema>;

/**
 * One condition of a rule, as parsed: how a saved rule holds it.
 *
 * @example
 * ```ts
 * import type { RuleCondition } from '@expense-tracker/core';
 *
 * const conditions: RuleCondition[] = (await owner.rules.get(ruleId)).conditions;
 * conditions.map((c) => `${c.field} ${c.op}`); // e.g. ['merchant contains']
 * ```
 */
export type RuleCondition = z.output<typeof ruleConditionSchema>;

/** Every amount must be an exact, non-negative decimal of the condition's currency. */
function checkAmounts(c: { op: string; value: string | string[]; currency: string }, ctx: z.RefinementCtx): void {
  const values = typeof c.value === 'string' ? [c.value] : c.value;
  const minors = values.map((value, i) => {
    const path = typeof c.value === 'string' ? ['value'] : ['value', i];
    try {
      const minor = parseAmount(value, c.currency);
      if (minor < 0)
        issue(
          ctx,
          path,
          'invalid_amount',
          'An amount condition compares with a non-negative amount: expenses and refunds are positive',
        );
      return minor;
    } catch (error) {
      issue(ctx, path, 'invalid_amount', error instanceof Error ? error.message : String(error));
      return null;
    }
  });
  const [low, high] = minors;
  if (c.op === 'between' && low !== undefined && low !== null && high !== undefined && high !== null && low > high) {
    issue(ctx, ['value'], 'empty_range', 'between needs [low, high] with low at most high');
  }
}
