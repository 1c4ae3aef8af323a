import { z } from 'zod';
import { idSchema, storableText } from '../common-schemas.js';
import { ruleConditionSchema } from './rule-conditions.js';
import type { RuleIssueCode } from './rule-issues.js';

/**
 * The limits of one rule, chosen so that a rule set stays cheap to evaluate on every write
 * (500 rules is the benchmark of SPEC §7.6) and fits a form a person can read:
 *
 * - `conditions`: 1–20 per rule. At least one: a rule that matches every expense is a bulk
 *   edit, not a rule.
 * - `actions`: at most one of each kind, so 0–4; none only when the rule `stop`s (a rule that
 *   shields expenses from later rules).
 * - `position`: 0–1,000,000.
 * - Values: texts 1–500 characters, `oneOf` 1–50 values, patterns ≤ 300 characters and 2,000
 *   RE2 instructions, merchant ≤ 200, notes ≤ 2,000, tags as on an expense (≤ 20, each ≤ 50).
 *
 * @example
 * ```ts
 * import { RULE_LIMITS } from './rule-schema.js'; // internal to core for now
 *
 * RULE_LIMITS.conditions; // 20
 * ```
 */
export const RULE_LIMITS = {
  conditions: 20,
  actions: 4,
  position: 1_000_000,
  merchant: 200,
  notes: 2000,
  tags: 20,
  tag: 50,
} as const;

const tagSchema = storableText(
  z
    .string()
    .trim()
    .min(1, 'A tag must not be empty')
    .max(RULE_LIMITS.tag, `A tag must be at most ${RULE_LIMITS.tag} characters`),
);

/**
 * What a matching rule does. `setCategory` is skipped on an expense whose category the user
 * chose by hand; `addTags` adds the tags the expense lacks (compared case-insensitively, as an
 * expense's tags are) and never removes one.
 *
 * @example
 * ```ts
 * import { ruleActionSchema } from '@expense-tracker/core';
 *
 * ruleActionSchema.parse({ type: 'setCategory', categoryId: 'cat_01JD3M8X5Q7Z2V9R0W4K6T1B3C' });
 * ruleActionSchema.parse({ type: 'addTags', tags: ['coffee', 'Coffee', 'work'] }); // tags: ['coffee', 'work']
 * ```
 */
export const ruleActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('setCategory'), categoryId: idSchema }),
  z.strictObject({
    type: z.literal('setMerchant'),
    merchant: storableText(z.string().trim().min(1).max(RULE_LIMITS.merchant)),
  }),
  z.strictObject({ type: z.literal('setNotes'), notes: storableText(z.string().trim().min(1).max(RULE_LIMITS.notes)) }),
  z.strictObject({
    type: z.literal('addTags'),
    tags: z
      .array(tagSchema)
      .min(1, 'addTags needs at least one tag')
      .max(RULE_LIMITS.tags, `At most ${RULE_LIMITS.tags} tags`)
      .transform((tags) => tags.filter((tag, i) => tags.findIndex((t) => t.toLowerCase() === tag.toLowerCase()) === i)),
  }),
]);

/**
 * One action of a rule, as given to `owner.rules.create()` or `update()`.
 *
 * @example
 * ```ts
 * import type { RuleActionInput } from '@expense-tracker/core';
 *
 * const actions: RuleActionInput[] = [{ type: 'setCategory', categoryId: food.id }, { type: 'addTags', tags: ['groceries'] }];
 * await owner.rules.update(ruleId, { actions });
 * ```
 */
export type RuleActionInput = z.input<typeof ruleActionSchema>;

/**
 * One action of a rule, as parsed: how a saved rule holds it.
 *
 * @example
 * ```ts
 * import type { RuleAction } from '@expense-tracker/core';
 *
 * const actions: RuleAction[] = (await owner.rules.get(ruleId)).actions;
 * actions.find((action) => action.type === 'setCategory')?.categoryId;
 * ```
 */
export type RuleAction = z.output<typeof ruleActionSchema>;

/** The fields of a rule definition, for schemas built on it (the SDK's create and patch inputs). */
export const ruleDefinitionShape = {
  position: z.int().min(0).max(RULE_LIMITS.position),
  enabled: z.boolean().default(true),
  match: z.enum(['all', 'any']).default('all'),
  conditions: z
    .array(ruleConditionSchema)
    .min(1, 'A rule needs at least one condition')
    .max(RULE_LIMITS.conditions, `A rule may have at most ${RULE_LIMITS.conditions} conditions`),
  actions: z
    .array(ruleActionSchema)
    .max(RULE_LIMITS.actions, `A rule may have at most ${RULE_LIMITS.actions} actions, one of each kind`)
    .default([]),
  stop: z.boolean().default(false),
};

/**
 * A rule without its id: what a draft is before it is saved (and what `test` will take).
 * Rules run in `position` order (ties by id); `match: 'all'` needs every condition,
 * `'any'` one of them; a disabled rule is skipped; `stop` ends evaluation after this rule's
 * actions when it matches. Defaults: `enabled: true`, `match: 'all'`, `actions: []`,
 * `stop: false`.
 *
 * @example
 * ```ts
 * import { ruleDefinitionSchema } from '@expense-tracker/core';
 *
 * ruleDefinitionSchema.parse({
 *   position: 0,
 *   conditions: [{ field: 'merchant', op: 'contains', value: 'Starbucks' }],
 *   actions: [{ type: 'setCategory', categoryId: 'cat_coffee' }],
 * }); // { position: 0, enabled: true, match: 'all', conditions: [...], actions: [...], stop: false }
 * ```
 */
export const ruleDefinitionSchema = z.strictObject(ruleDefinitionShape).superRefine(checkActions);

/**
 * A rule without its id, as given: `position`, the conditions, and what defaults leave out.
 *
 * @example
 * ```ts
 * import type { RuleDefinitionInput } from '@expense-tracker/core';
 *
 * const rule: RuleDefinitionInput = { position: 0, conditions: [{ field: 'weekday', op: 'oneOf', value: ['sat', 'sun'] }], actions: [{ type: 'addTags', tags: ['weekend'] }] };
 * await owner.rules.create(rule);
 * ```
 */
export type RuleDefinitionInput = z.input<typeof ruleDefinitionSchema>;

/** A rule without its id, as parsed. */
export type RuleDefinition = z.output<typeof ruleDefinitionSchema>;

/**
 * A saved rule: a definition with its id, which every change it makes is attributed to.
 *
 * @example
 * ```ts
 * import { ruleSchema, type RuleInput } from './rule-schema.js'; // internal to core for now
 *
 * const rule: RuleInput = {
 *   id: 'rule_rent',
 *   position: 1,
 *   conditions: [{ field: 'amount', op: 'is', value: '1200.00', currency: 'EUR' }, { field: 'date', op: 'between', value: ['2026-01-01', '2026-12-31'] }],
 *   actions: [{ type: 'setCategory', categoryId: 'cat_housing' }, { type: 'addTags', tags: ['rent'] }],
 *   stop: true,
 * };
 * ruleSchema.parse(rule).enabled; // true
 * ```
 */
export const ruleSchema = z.strictObject({ id: idSchema, ...ruleDefinitionShape }).superRefine(checkActions);

/** A saved rule, as given. */
export type RuleInput = z.input<typeof ruleSchema>;

/** A saved rule, as parsed. */
export type Rule = z.output<typeof ruleSchema>;

/** The checks of a rule's actions across fields (one of each kind; something to do), for schemas built on the shape. */
export function checkActions(rule: { actions: RuleAction[]; stop: boolean }, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], code: RuleIssueCode, message: string) =>
    ctx.addIssue({ code: 'custom', path, message, params: { code } });
  rule.actions.forEach((action, i) => {
    if (rule.actions.findIndex((a) => a.type === action.type) < i) {
      issue(['actions', i, 'type'], 'duplicate_action', `Only one ${action.type} action per rule`);
    }
  });
  if (rule.actions.length === 0 && !rule.stop) {
    issue(
      ['actions'],
      'nothing_to_do',
      'A rule needs at least one action, or stop: true to keep later rules off the expenses it matches',
    );
  }
}
