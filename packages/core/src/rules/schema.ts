import { z } from 'zod';
import { idSchema, instantSchema, limitSchema, localDateSchema } from '../common-schemas.js';
import { expenseSchema } from '../expenses/schema.js';
import { ruleConditionSchema } from './rule-conditions.js';
import { checkActions, ruleActionSchema, ruleDefinitionShape, RULE_LIMITS } from './rule-schema.js';

/**
 * Input of `owner.rules.create()`: a rule definition (see the conditions' table on
 * `ruleConditionSchema`); `position` defaults to after the owner's last rule.
 *
 * @example
 * ```ts
 * import { ruleCreateSchema } from '@expense-tracker/core';
 *
 * ruleCreateSchema.parse({ conditions: [{ field: 'merchant', op: 'contains', value: 'Starbucks' }], actions: [{ type: 'setCategory', categoryId: 'cat_coffee' }] }).enabled; // true
 * ```
 */
export const ruleCreateSchema = z
  .strictObject({ ...ruleDefinitionShape, position: ruleDefinitionShape.position.optional() })
  .superRefine(checkActions)
  .meta({ id: 'RuleCreate' });

/**
 * Input of `owner.rules.create()`: the conditions and actions, the rest defaulted.
 *
 * @example
 * ```ts
 * import type { RuleCreate } from '@expense-tracker/core';
 *
 * const rule: RuleCreate = { conditions: [{ field: 'merchant', op: 'contains', value: 'Lidl' }], actions: [{ type: 'setCategory', categoryId: food.id }] };
 * await owner.rules.create(rule);
 * ```
 */
export type RuleCreate = z.input<typeof ruleCreateSchema>;

/**
 * Input of `owner.rules.update()`: the fields to change; the rule they make is checked whole.
 *
 * @example
 * ```ts
 * import { rulePatchSchema } from '@expense-tracker/core';
 *
 * rulePatchSchema.parse({ enabled: false }); // { enabled: false }
 * ```
 */
export const rulePatchSchema = z
  .strictObject({
    position: ruleDefinitionShape.position.optional(),
    enabled: z.boolean().optional(),
    match: z.enum(['all', 'any']).optional(),
    conditions: ruleDefinitionShape.conditions.optional(),
    actions: z.array(ruleActionSchema).max(RULE_LIMITS.actions).optional(),
    stop: z.boolean().optional(),
  })
  .meta({ id: 'RulePatch' });

/**
 * Input of `owner.rules.update()`: only the fields to change.
 *
 * @example
 * ```ts
 * import type { RulePatch } from '@expense-tracker/core';
 *
 * const patch: RulePatch = { match: 'any', stop: true };
 * await owner.rules.update(ruleId, patch);
 * ```
 */
export type RulePatch = z.input<typeof rulePatchSchema>;

/**
 * A saved auto-categorisation rule, as the SDK returns it.
 *
 * @example
 * ```ts
 * import type { SavedRule } from '@expense-tracker/core';
 *
 * const rules: SavedRule[] = await owner.rules.list(); // in evaluation order
 * ```
 */
export const savedRuleSchema = z
  .object({
    id: idSchema,
    position: z.int().min(0),
    enabled: z.boolean(),
    match: z.enum(['all', 'any']),
    conditions: z.array(ruleConditionSchema),
    actions: z.array(ruleActionSchema),
    stop: z.boolean(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Rule' });

/**
 * A saved rule, as the SDK returns it: its definition with its id, position and times.
 *
 * @example
 * ```ts
 * import type { SavedRule } from '@expense-tracker/core';
 *
 * const rule: SavedRule = await owner.rules.get(ruleId);
 * rule.conditions.length; // 1 to 20
 * ```
 */
export type SavedRule = z.output<typeof savedRuleSchema>;

/**
 * Input of `owner.rules.reorder()`: every one of the owner's rule ids, once, in the new
 * order (positions become 0, 1, 2, ...).
 *
 * @example
 * ```ts
 * import { ruleReorderSchema } from '@expense-tracker/core';
 *
 * ruleReorderSchema.parse({ ruleIds: ['rul_b', 'rul_a'] });
 * ```
 */
export const ruleReorderSchema = z.strictObject({ ruleIds: z.array(idSchema).max(10_000) }).meta({ id: 'RuleReorder' });

/**
 * Input of `owner.rules.reorder()`: every rule id of the owner, once, in the new order.
 *
 * @example
 * ```ts
 * import type { RuleReorder } from '@expense-tracker/core';
 *
 * const order: RuleReorder = { ruleIds: (await owner.rules.list()).map((rule) => rule.id).reverse() };
 * await owner.rules.reorder(order);
 * ```
 */
export type RuleReorder = z.input<typeof ruleReorderSchema>;

const rangeFields = {
  from: localDateSchema.optional().meta({ description: 'First expense date, inclusive' }),
  to: localDateSchema.optional().meta({ description: 'Last expense date, inclusive' }),
};
const rangeCheck = (value: { from?: string | undefined; to?: string | undefined }) =>
  !(value.from && value.to && value.from > value.to);

/**
 * Input of `owner.rules.test()`: a draft (`rule`) or a saved rule (`ruleId`), and the date
 * range of expenses to try it on; `limit` caps the matches listed (all are counted).
 *
 * @example
 * ```ts
 * import { ruleTestSchema } from '@expense-tracker/core';
 *
 * ruleTestSchema.parse({ ruleId: 'rul_01JD3M8X5Q7Z2V9R0W4K6T1B3C', from: '2026-01-01', to: '2026-12-31' });
 * ```
 */
export const ruleTestSchema = z
  .strictObject({
    rule: ruleCreateSchema.optional(),
    ruleId: idSchema.optional(),
    ...rangeFields,
    limit: z.int().min(1).max(1000).default(100),
  })
  .refine((value) => (value.rule === undefined) !== (value.ruleId === undefined), {
    path: ['rule'],
    message: 'Give either rule (a draft) or ruleId (a saved rule)',
  })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'RuleTest' });

/**
 * Input of `owner.rules.test()`: a draft or a saved rule, and the date range to try it on.
 *
 * @example
 * ```ts
 * import type { RuleTestInput } from '@expense-tracker/core';
 *
 * const draft: RuleTestInput = { rule: { conditions: [{ field: 'description', op: 'startsWith', value: 'uber' }], actions: [{ type: 'addTags', tags: ['travel'] }] }, from: '2026-01-01' };
 * const { matched } = await owner.rules.test(draft);
 * ```
 */
export type RuleTestInput = z.input<typeof ruleTestSchema>;

/**
 * Input of `owner.rules.apply()`: the date range of expenses to apply the rule to (open
 * ends: all of them).
 *
 * @example
 * ```ts
 * import { ruleApplySchema } from '@expense-tracker/core';
 *
 * ruleApplySchema.parse({ from: '2026-01-01', to: '2026-03-31' });
 * ruleApplySchema.safeParse({ from: '2026-04-01', to: '2026-03-31' }).success; // false, at ['from']
 * ```
 */
export const ruleApplySchema = z
  .strictObject(rangeFields)
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'RuleApply' });

/**
 * Input of `owner.rules.apply()`: the date range to apply the rule to.
 *
 * @example
 * ```ts
 * import type { RuleApplyInput } from '@expense-tracker/core';
 *
 * const firstQuarter: RuleApplyInput = { from: '2026-01-01', to: '2026-03-31' };
 * await owner.rules.apply(ruleId, firstQuarter);
 * ```
 */
export type RuleApplyInput = z.input<typeof ruleApplySchema>;

const fieldValue = z.union([z.string(), z.array(z.string()), z.null()]);

/**
 * One field a rule changes (or would change) on an expense: its value before and after.
 *
 * @example
 * ```ts
 * import { ruleFieldChangeSchema } from '@expense-tracker/core';
 *
 * ruleFieldChangeSchema.parse({ field: 'categoryId', from: null, to: 'cat_01JD3M8X5Q7Z2V9R0W4K6T1B3C' });
 * ruleFieldChangeSchema.parse({ field: 'tags', from: ['work'], to: ['work', 'travel'] });
 * ```
 */
export const ruleFieldChangeSchema = z
  .object({
    field: z.enum(['categoryId', 'merchant', 'notes', 'tags']),
    from: fieldValue,
    to: fieldValue,
  })
  .meta({ id: 'RuleFieldChange' });

/**
 * One field a rule changes on an expense, as `owner.rules.test()` lists them.
 *
 * @example
 * ```ts
 * import type { RuleFieldChange } from '@expense-tracker/core';
 *
 * const { items } = await owner.rules.test({ ruleId });
 * const changes: RuleFieldChange[] = items.flatMap((item) => item.changes);
 * ```
 */
export type RuleFieldChange = z.output<typeof ruleFieldChangeSchema>;

/**
 * What `owner.rules.test()` answers: how many expenses of the range the rule matches, and
 * the first `limit` of them with the changes it would make (empty when it would change
 * nothing, e.g. on an expense whose category the user chose). Nothing is written.
 *
 * @example
 * ```ts
 * import { ruleTestResultSchema } from '@expense-tracker/core';
 *
 * ruleTestResultSchema.parse({ examined: 40, matched: 0, wouldChange: 0, items: [] });
 * ```
 */
export const ruleTestResultSchema = z
  .object({
    examined: z.int().min(0).meta({ description: 'Expenses in the range' }),
    matched: z.int().min(0).meta({ description: 'Expenses the rule matches' }),
    wouldChange: z.int().min(0).meta({ description: 'Matched expenses it would change' }),
    items: z.array(z.object({ expense: expenseSchema, changes: z.array(ruleFieldChangeSchema) })),
  })
  .meta({ id: 'RuleTestResult' });

/**
 * What `owner.rules.test()` answers: counts, and the first matches with their changes.
 *
 * @example
 * ```ts
 * import type { RuleTestResult } from '@expense-tracker/core';
 *
 * const result: RuleTestResult = await owner.rules.test({ ruleId, from: '2026-01-01' });
 * result.items.map(({ expense, changes }) => [expense.id, changes.length]);
 * ```
 */
export type RuleTestResult = z.output<typeof ruleTestResultSchema>;

/**
 * A recorded `apply` of a rule: what it covered and how many expenses it changed, kept so
 * that the run can be reverted.
 *
 * @example
 * ```ts
 * import { ruleRunSchema } from '@expense-tracker/core';
 *
 * ruleRunSchema.parse({ id: 'run_01JD3M8X5Q7Z2V9R0W4K6T1B3C', ruleId: 'rul_01JD3M8X5Q7Z2V9R0W4K6T1B3D', from: '2026-01-01', to: null,
 *   startedAt: '2026-11-25T10:00:00.000Z', revertedAt: null, changed: 1, expenseIds: ['exp_01JD3M8X5Q7Z2V9R0W4K6T1B3E'] });
 * ```
 */
export const ruleRunSchema = z
  .object({
    id: idSchema,
    ruleId: idSchema,
    from: localDateSchema.nullable(),
    to: localDateSchema.nullable(),
    startedAt: instantSchema,
    revertedAt: instantSchema.nullable(),
    changed: z.int().min(0).meta({ description: 'Expenses the run changed' }),
    expenseIds: z.array(idSchema).meta({ description: 'The expenses the run changed' }),
  })
  .meta({ id: 'RuleRun' });

/**
 * A recorded `apply` of a rule, as `owner.rules.apply()` answers.
 *
 * @example
 * ```ts
 * import type { RuleRun } from '@expense-tracker/core';
 *
 * const run: RuleRun = await owner.rules.apply(ruleId, { from: '2026-01-01' });
 * run.expenseIds; // the expenses it changed, run.changed of them
 * ```
 */
export type RuleRun = z.output<typeof ruleRunSchema>;

/**
 * Query of `owner.rules.runs()` and `GET /rule-runs`: the runs of one rule or all, newest
 * first, `limit` of them (1–200, default 50), those older than the run `before` (the last id
 * of the page before) when given.
 *
 * @example
 * ```ts
 * import { ruleRunListQuerySchema } from '@expense-tracker/core';
 *
 * ruleRunListQuerySchema.parse({ limit: '20' }); // { limit: 20 }
 * ruleRunListQuerySchema.parse({ ruleId: 'rul_01JD3M8X5Q7Z2V9R0W4K6T1B3D', before: 'run_01JD3M8X5Q7Z2V9R0W4K6T1B3C' });
 * ```
 */
export const ruleRunListQuerySchema = z
  .strictObject({
    ruleId: idSchema.optional().meta({ description: 'Only the runs of this rule (deleted or not)' }),
    limit: limitSchema.default(50),
    before: idSchema.optional().meta({ description: 'Only runs older than this one: the last id of the page before' }),
  })
  .meta({ id: 'RuleRunListQuery' });

/**
 * Query of `owner.rules.runs()`.
 *
 * @example
 * ```ts
 * import type { RuleRunListQuery } from '@expense-tracker/core';
 *
 * const query: RuleRunListQuery = { ruleId, limit: 10 };
 * const runs = await owner.rules.runs(query);
 * ```
 */
export type RuleRunListQuery = z.input<typeof ruleRunListQuerySchema>;

/**
 * What `owner.rules.revertRun()` answers: the expenses put back as they were before the run,
 * and those skipped because they were edited (or deleted) since.
 *
 * @example
 * ```ts
 * import { ruleRevertResultSchema } from '@expense-tracker/core';
 *
 * const run = await owner.rules.apply(ruleId);
 * ruleRevertResultSchema.parse(await owner.rules.revertRun(run.id)).skipped; // e.g. [{ expenseId: 'exp_…', reason: 'edited' }]
 * ```
 */
export const ruleRevertResultSchema = z
  .object({
    run: ruleRunSchema,
    restored: z.array(idSchema),
    skipped: z.array(z.object({ expenseId: idSchema, reason: z.enum(['edited', 'deleted']) })),
  })
  .meta({ id: 'RuleRevertResult' });

/**
 * What `owner.rules.revertRun()` answers: the expenses restored and those skipped.
 *
 * @example
 * ```ts
 * import type { RuleRevertResult } from '@expense-tracker/core';
 *
 * const run = await owner.rules.apply(ruleId);
 * const { restored, skipped }: RuleRevertResult = await owner.rules.revertRun(run.id);
 * ```
 */
export type RuleRevertResult = z.output<typeof ruleRevertResultSchema>;

/**
 * A suggested rule (never created by itself): a merchant the user filed under one category by hand.
 *
 * @example
 * ```ts
 * import { ruleSuggestionSchema } from '@expense-tracker/core';
 *
 * const rule = { enabled: true, match: 'all', conditions: [{ field: 'merchant', op: 'is', value: 'Bäckerei Kamps' }], actions: [{ type: 'setCategory', categoryId: 'cat_food' }], stop: false };
 * ruleSuggestionSchema.parse({ merchant: 'Bäckerei Kamps', categoryId: 'cat_food', count: 3, rule });
 * ```
 */
export const ruleSuggestionSchema = z
  .object({
    merchant: z.string(),
    categoryId: idSchema,
    count: z.int().min(1),
    rule: z
      .object({
        enabled: z.boolean(),
        match: z.enum(['all', 'any']),
        conditions: z.array(ruleConditionSchema),
        actions: z.array(ruleActionSchema),
        stop: z.boolean(),
      })
      .meta({ id: 'RuleDraft', description: 'The suggested rule, as `POST /rules` takes it' }),
  })
  .meta({ id: 'RuleSuggestion' });
