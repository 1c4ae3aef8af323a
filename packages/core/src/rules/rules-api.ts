import type { ServiceContext } from '../write-context.js';
import { applyRule, getRuleRun, listRuleRuns, revertRuleRun, ruleSuggestions, testRule } from './runs.js';
import type {
  RuleApplyInput,
  RuleCreate,
  RulePatch,
  RuleRevertResult,
  RuleRun,
  RuleRunListQuery,
  RuleTestInput,
  RuleTestResult,
  SavedRule,
} from './schema.js';
import { createRule, deleteRule, getRule, listRules, reorderRules, updateRule } from './service.js';
import type { RuleSuggestion } from './suggest-rules.js';

/**
 * The owner's auto-categorisation rules (SPEC §7.2), as `owner.rules`. Rules run in the
 * transaction of every expense create and update: a new expense without a category gets the
 * first matching rule's, an update fills a missing category, and a category the user chose
 * is never changed. Every change the rules make is attributed to its rule in the event's
 * `cause`.
 *
 * @example
 * ```ts
 * const coffee = await owner.categories.create({ name: 'Coffee' });
 * await owner.rules.create({ conditions: [{ field: 'merchant', op: 'contains', value: 'starbucks' }], actions: [{ type: 'setCategory', categoryId: coffee.id }] });
 * (await owner.expenses.create({ amount: '4.50', merchant: 'STARBUCKS #123' })).categoryId; // coffee.id
 * ```
 */
export interface RulesApi {
  /**
   * Creates a rule, after the owner's last one unless `position` is given.
   * @throws {@link TrackerError} `VALIDATION_FAILED` with the rule codes of `RULE_ISSUE_CODES`
   * @example
   * ```ts
   * await owner.rules.create({ conditions: [{ field: 'description', op: 'matches', value: '^uber\\s+trip' }], actions: [{ type: 'addTags', tags: ['travel'] }] });
   * ```
   */
  create(input: RuleCreate): Promise<SavedRule>;
  /**
   * One rule.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * const rule = await owner.rules.get(ruleId);
   * ```
   */
  get(id: string): Promise<SavedRule>;
  /**
   * The owner's rules in evaluation order.
   * @example
   * ```ts
   * (await owner.rules.list()).map((rule) => rule.position);
   * ```
   */
  list(): Promise<SavedRule[]>;
  /**
   * Changes a rule; the result is checked whole.
   * @throws {@link TrackerError} `NOT_FOUND`, `VALIDATION_FAILED`
   * @example
   * ```ts
   * await owner.rules.update(ruleId, { enabled: false });
   * ```
   */
  update(id: string, patch: RulePatch): Promise<SavedRule>;
  /**
   * Deletes a rule; its runs stay revertible.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * await owner.rules.delete(ruleId);
   * ```
   */
  delete(id: string): Promise<void>;
  /**
   * Puts the rules in a new order: every rule id once.
   * @throws {@link TrackerError} `VALIDATION_FAILED` (`invalid_order`)
   * @example
   * ```ts
   * const ids = (await owner.rules.list()).map((rule) => rule.id).reverse();
   * await owner.rules.reorder({ ruleIds: ids });
   * ```
   */
  reorder(input: { ruleIds: string[] }): Promise<SavedRule[]>;
  /**
   * Tries a draft or saved rule on a date range of expenses, writing nothing.
   * @example
   * ```ts
   * const { matched, items } = await owner.rules.test({ ruleId, from: '2026-01-01', to: '2026-12-31' });
   * ```
   */
  test(input: RuleTestInput): Promise<RuleTestResult>;
  /**
   * Applies a saved rule to existing expenses as a recorded run.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * const run = await owner.rules.apply(ruleId, { from: '2026-01-01' });
   * run.changed; // how many expenses it changed
   * ```
   */
  apply(ruleId: string, input?: RuleApplyInput): Promise<RuleRun>;
  /**
   * Reverts a run, skipping (and reporting) expenses edited since.
   * @throws {@link TrackerError} `NOT_FOUND`; `CONFLICT` when already reverted
   * @example
   * ```ts
   * const run = await owner.rules.apply(ruleId);
   * const { restored, skipped } = await owner.rules.revertRun(run.id);
   * ```
   */
  revertRun(runId: string): Promise<RuleRevertResult>;
  /**
   * The owner's runs, newest first, of one rule (deleted or not) or of all; each with the
   * expenses it changed and `revertedAt` once reverted. Pass the last id as `before` for the
   * next page.
   * @throws {@link TrackerError} `VALIDATION_FAILED` for a bad query
   * @example
   * ```ts
   * const [latest] = await owner.rules.runs({ ruleId, limit: 1 });
   * if (latest && latest.revertedAt === null) await owner.rules.revertRun(latest.id);
   * ```
   */
  runs(query?: RuleRunListQuery): Promise<RuleRun[]>;
  /**
   * One run, as `apply` answered it, with `revertedAt` once reverted.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * const run = await owner.rules.apply(ruleId);
   * (await owner.rules.getRun(run.id)).expenseIds; // run.expenseIds
   * ```
   */
  getRun(runId: string): Promise<RuleRun>;
  /**
   * Rules worth creating, learnt from manual categorisation; never created by themselves.
   * @example
   * ```ts
   * for (const s of await owner.rules.suggestions()) await owner.rules.create(s.rule); // after the user confirms
   * ```
   */
  suggestions(): Promise<RuleSuggestion[]>;
}

/**
 * `owner.rules` for one owner; `w` gives a write's context (with the idempotency key, when
 * the handle has one).
 */
export function createRulesApi(
  ctx: ServiceContext,
  ownerId: string,
  w: (operation: string, ...args: unknown[]) => ServiceContext,
): RulesApi {
  return {
    create: (input) => createRule(w('rules.create', input), ownerId, input),
    get: (id) => getRule(ctx, ownerId, id),
    list: () => listRules(ctx, ownerId),
    update: (id, patch) => updateRule(w('rules.update', id, patch), ownerId, id, patch),
    delete: (id) => deleteRule(w('rules.delete', id), ownerId, id),
    reorder: (input) => reorderRules(w('rules.reorder', input), ownerId, input),
    test: (input) => testRule(ctx, ownerId, input),
    apply: (ruleId, input) => applyRule(w('rules.apply', ruleId, input), ownerId, ruleId, input),
    revertRun: (runId) => revertRuleRun(w('rules.revertRun', runId), ownerId, runId),
    runs: (query) => listRuleRuns(ctx, ownerId, query),
    getRun: (runId) => getRuleRun(ctx, ownerId, runId),
    suggestions: () => ruleSuggestions(ctx, ownerId),
  };
}
