import type { z } from 'zod';
import { notFound, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { assertOpen, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { toRuleIssues } from './compile-rules.js';
import type { RuleRecord } from './repository.js';
import { ruleDefinitionSchema } from './rule-schema.js';
import {
  ruleCreateSchema,
  rulePatchSchema,
  ruleReorderSchema,
  type RuleCreate,
  type RulePatch,
  type RuleReorder,
  type SavedRule,
} from './schema.js';

/** Parses rule input with the rule checks' own issue codes (`toRuleIssues`), or throws `VALIDATION_FAILED`. */
export function parseRuleInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(toRuleIssues(result.error.issues, prefix));
  return result.data;
}

/** The public shape of a stored rule. */
export function toSavedRule(record: RuleRecord): SavedRule {
  const { ownerId: _owner, ...rule } = record;
  return { ...rule, conditions: [...rule.conditions], actions: [...rule.actions] };
}

/** A `setCategory` must name a category of the owner's, checked when the rule is saved. */
async function assertRuleCategories(scope: WriteScope, actions: RuleRecord['actions'], prefix: (string | number)[]) {
  const { categories } = await scope.config();
  actions.forEach((action, i) => {
    if (action.type === 'setCategory' && !categories.some((c) => c.id === action.categoryId)) {
      throw validationError([
        {
          path: [...prefix, 'actions', i, 'categoryId'],
          code: 'unknown_category',
          message: `No category ${JSON.stringify(action.categoryId)}`,
        },
      ]);
    }
  });
}

/** Creates a rule, after the owner's last one unless `position` is given. */
export async function createRule(ctx: ServiceContext, ownerId: string, input: RuleCreate): Promise<SavedRule> {
  const data = parseRuleInput(ruleCreateSchema, input);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at } = scope;
    await assertRuleCategories(scope, data.actions, []);
    const existing = await tx.rules.list(ownerId);
    const position = data.position ?? (existing.length === 0 ? 0 : Math.max(...existing.map((r) => r.position)) + 1);
    const record: RuleRecord = { ...data, position, id: newId('rul'), ownerId, createdAt: at, updatedAt: at };
    await tx.rules.insert(record);
    scope.configChanged();
    const rule = toSavedRule(record);
    scope.record({ type: 'rule.created', data: { rule } });
    return rule;
  });
}

/** The owner's rule, or `NOT_FOUND`. */
export async function getRule(ctx: ServiceContext, ownerId: string, id: string): Promise<SavedRule> {
  assertOpen(ctx);
  const record = await ctx.store.rules.findById(ownerId, id);
  if (!record) throw notFound('Rule', id);
  return toSavedRule(record);
}

/** The owner's rules, in evaluation order (position, then id). */
export async function listRules(ctx: ServiceContext, ownerId: string): Promise<SavedRule[]> {
  assertOpen(ctx);
  return (await ctx.store.rules.list(ownerId)).map(toSavedRule);
}

/** Changes a rule: the patch is merged and the resulting rule checked whole. */
export async function updateRule(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  patch: RulePatch,
): Promise<SavedRule> {
  const data = parseRuleInput(rulePatchSchema, patch);
  return write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.rules.findById(ownerId, id);
    if (!current) throw notFound('Rule', id);
    const { id: _id, ownerId: _owner, createdAt, updatedAt: _updated, ...definition } = current;
    const merged = parseRuleInput(ruleDefinitionSchema, { ...definition, ...stripUndefined(data) });
    await assertRuleCategories(scope, merged.actions, []);
    const next: RuleRecord = { ...merged, id, ownerId, createdAt, updatedAt: scope.at };
    await scope.tx.rules.update(next);
    scope.configChanged();
    const rule = toSavedRule(next);
    scope.record({ type: 'rule.updated', data: { rule, previous: toSavedRule(current) } });
    return rule;
  });
}

/** Deletes a rule, or `NOT_FOUND`. Its runs stay revertible. */
export async function deleteRule(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  assertOpen(ctx);
  await write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.rules.findById(ownerId, id);
    if (!current || !(await scope.tx.rules.delete(ownerId, id))) throw notFound('Rule', id);
    scope.configChanged();
    scope.record({ type: 'rule.deleted', data: { rule: toSavedRule(current) } });
  });
}

/**
 * Puts the owner's rules in a new order: `ruleIds` must name each of the owner's rules once;
 * positions become 0, 1, 2, ... Returns the rules in their new order.
 */
export async function reorderRules(ctx: ServiceContext, ownerId: string, input: RuleReorder): Promise<SavedRule[]> {
  const { ruleIds } = parseRuleInput(ruleReorderSchema, input);
  return write(ctx, ownerId, async (scope) => {
    const rules = await scope.tx.rules.list(ownerId);
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const unknown = ruleIds.findIndex((id, i) => !byId.has(id) || ruleIds.indexOf(id) !== i);
    if (unknown >= 0 || ruleIds.length !== rules.length) {
      throw validationError([
        {
          path: unknown >= 0 ? ['ruleIds', unknown] : ['ruleIds'],
          code: 'invalid_order',
          message: 'ruleIds must name each of your rules exactly once',
        },
      ]);
    }
    const ordered = ruleIds.map((id, position) => ({ ...byId.get(id)!, position }));
    for (const rule of ordered) {
      if (rule.position === byId.get(rule.id)!.position) continue;
      rule.updatedAt = scope.at;
      await scope.tx.rules.update(rule);
    }
    scope.configChanged();
    scope.record({ type: 'rule.reordered', data: { ruleIds } });
    return ordered.map(toSavedRule);
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
