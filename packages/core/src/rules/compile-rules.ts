import type { z } from 'zod';
import { validationError, type ValidationIssue } from '../errors.js';
import { compileCondition, type ConditionMatcher } from './condition-matcher.js';
import { PatternGroups } from './pattern-group.js';
import { ruleSchema, RULE_LIMITS, type Rule, type RuleAction, type RuleInput } from './rule-schema.js';
import { SubjectView, type RuleSubject } from './rule-subject.js';
import { suggestRules, type RuleHistoryRecord, type RuleSuggestion } from './suggest-rules.js';

/**
 * What a rule set. `tags` lists only the tags this rule added (ones the expense lacked and no
 * earlier rule added). A change is reported even when the expense already had that value:
 * it says which rule decides the field, and the caller compares.
 */
export type RuleChange =
  | { field: 'categoryId'; value: string; ruleId: string }
  | { field: 'merchant'; value: string; ruleId: string }
  | { field: 'notes'; value: string; ruleId: string }
  | { field: 'tags'; value: string[]; ruleId: string };

/** The outcome of running the rules over one expense. */
export interface RuleEvaluation {
  /** The fields the rules set, in the order they were set, each with its rule. */
  changes: RuleChange[];
  /** Every rule whose conditions held, in evaluation order, including ones that changed nothing. */
  matched: string[];
  /** The rule whose `stop` ended the evaluation, or `null`. */
  stoppedBy: string | null;
}

/** What the caller knows about the expense that rules must respect. */
export interface EvaluateOptions {
  /** The user chose the category by hand (`categorySource: 'user'`): no rule may change it. */
  categoryLockedByUser: boolean;
}

/**
 * A rule set compiled once: patterns compiled, texts folded, amounts in minor units, rules
 * in order with the disabled ones left out. Immutable, so one can be cached per owner
 * configuration version and shared by concurrent writes.
 */
export interface RuleEvaluator {
  /** How many enabled rules it runs. */
  readonly size: number;
  /**
   * Runs the rules over one expense, writing nothing: rules in `position` order (ties by id);
   * conditions read the expense as given, not as earlier rules changed it; the first rule to
   * set a field wins it, so a later rule's action on that field is skipped (tags accumulate
   * instead, up to an expense's 20); a matching rule with `stop` ends the run after its own
   * actions; and `setCategory` never applies when `categoryLockedByUser`.
   */
  evaluate(subject: RuleSubject, options: EvaluateOptions): RuleEvaluation;
  /** Rules worth suggesting from how the user categorised by hand: see {@link suggestRules}. */
  suggest(history: Iterable<RuleHistoryRecord>): RuleSuggestion[];
}

interface CompiledRule {
  id: string;
  test: (view: SubjectView) => boolean;
  actions: RuleAction[];
  stop: boolean;
}

/**
 * Validates and compiles a rule set.
 *
 * @param rules - the owner's rules, in any order, enabled or not
 * @returns the evaluator
 * @throws {@link TrackerError} `VALIDATION_FAILED` with an issue per problem, its path
 * starting with the rule's index (`[3, 'conditions', 0, 'op']`); the rule-specific codes are
 * those of `RULE_ISSUE_CODES`.
 *
 * @example
 * ```ts
 * import { compileRules } from './compile-rules.js'; // internal to core for now
 *
 * const rules = compileRules([
 *   { id: 'rule_coffee', position: 0, conditions: [{ field: 'merchant', op: 'contains', value: 'cafe' }], actions: [{ type: 'setCategory', categoryId: 'cat_coffee' }] },
 * ]);
 * rules.evaluate({ amountMinor: 450, currency: 'EUR', date: '2026-11-03', merchant: 'CAFÉ NORD' }, { categoryLockedByUser: false });
 * // { changes: [{ field: 'categoryId', value: 'cat_coffee', ruleId: 'rule_coffee' }], matched: ['rule_coffee'], stoppedBy: null }
 * ```
 */
export function compileRules(rules: readonly RuleInput[]): RuleEvaluator {
  const parsed = parseRules(rules);
  const patterns = new PatternGroups();
  const compiled = parsed
    .filter((rule) => rule.enabled)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((rule) => compileRule(rule, patterns));
  const evaluator: RuleEvaluator = {
    size: compiled.length,
    evaluate: (subject, options) => evaluate(compiled, subject, options),
    suggest: (history) => suggestRules(history, evaluator),
  };
  return Object.freeze(evaluator);
}

function parseRules(rules: readonly RuleInput[]): Rule[] {
  const issues: ValidationIssue[] = [];
  const parsed = rules.flatMap((rule, index) => {
    const result = ruleSchema.safeParse(rule);
    if (result.success) return [result.data];
    issues.push(...toRuleIssues(result.error.issues, [index]));
    return [];
  });
  if (issues.length > 0) throw validationError(issues);
  return parsed;
}

/**
 * A rule schema's zod issues as the SDK's validation issues: a refused operator is
 * `operator_not_allowed`, a rule check's own code replaces zod's `custom`.
 *
 * @example
 * ```ts
 * import { toRuleIssues } from './compile-rules.js'; // internal to core for now
 * import { ruleConditionSchema } from './rule-conditions.js';
 *
 * const result = ruleConditionSchema.safeParse({ field: 'description', op: 'gt', value: 'x' });
 * if (!result.success) toRuleIssues(result.error.issues); // [{ path: ['op'], code: 'operator_not_allowed', message: '...' }]
 * ```
 */
export function toRuleIssues(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): ValidationIssue[] {
  return issues.map((issue) => {
    const code: unknown = issue.code === 'custom' ? issue.params?.code : undefined;
    const own = typeof code === 'string' ? code : undefined;
    const operator = issue.code === 'invalid_union' && issue.path.at(-1) === 'op';
    return {
      path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
      message: issue.message,
      code: typeof own === 'string' ? own : operator ? 'operator_not_allowed' : issue.code,
    };
  });
}

function compileRule(rule: Rule, patterns: PatternGroups): CompiledRule {
  const matchers: ConditionMatcher[] = rule.conditions.map((condition) => compileCondition(condition, patterns));
  return { id: rule.id, test: combine(matchers, rule.match), actions: rule.actions, stop: rule.stop };
}

/** The rule's test: plain loops, and the condition itself when there is one (most rules). */
function combine(matchers: ConditionMatcher[], match: Rule['match']): ConditionMatcher {
  const [only] = matchers;
  if (matchers.length === 1 && only) return only;
  if (match === 'all') {
    return (view) => {
      for (const matches of matchers) if (!matches(view)) return false;
      return true;
    };
  }
  return (view) => {
    for (const matches of matchers) if (matches(view)) return true;
    return false;
  };
}

function evaluate(rules: readonly CompiledRule[], subject: RuleSubject, options: EvaluateOptions): RuleEvaluation {
  const result: RuleEvaluation = { changes: [], matched: [], stoppedBy: null };
  if (rules.length === 0) return result;
  const view = new SubjectView(subject);
  const taken = new Set<'categoryId' | 'merchant' | 'notes'>(options.categoryLockedByUser ? ['categoryId'] : []);
  const tags = new Set((subject.tags ?? []).map((tag) => tag.toLowerCase()));
  for (const rule of rules) {
    if (!rule.test(view)) continue;
    result.matched.push(rule.id);
    for (const action of rule.actions) applyAction(action, rule.id, taken, tags, result.changes);
    if (rule.stop) {
      result.stoppedBy = rule.id;
      break;
    }
  }
  return result;
}

/** Applies one action unless an earlier rule (or the user, for the category) holds its field. */
function applyAction(
  action: RuleAction,
  ruleId: string,
  taken: Set<'categoryId' | 'merchant' | 'notes'>,
  tags: Set<string>,
  changes: RuleChange[],
): void {
  if (action.type === 'addTags') {
    // Tags are a set compared case-insensitively, as expense tags are; an expense holds at most 20.
    const added = action.tags
      .filter((tag) => !tags.has(tag.toLowerCase()))
      .slice(0, Math.max(0, RULE_LIMITS.tags - tags.size));
    for (const tag of added) tags.add(tag.toLowerCase());
    if (added.length > 0) changes.push({ field: 'tags', value: added, ruleId });
    return;
  }
  const change: RuleChange =
    action.type === 'setCategory'
      ? { field: 'categoryId', value: action.categoryId, ruleId }
      : action.type === 'setMerchant'
        ? { field: 'merchant', value: action.merchant, ruleId }
        : { field: 'notes', value: action.notes, ruleId };
  if (taken.has(change.field)) return;
  taken.add(change.field);
  changes.push(change);
}
