import type { ExpenseRecord } from '../store/store.js';
import type { WriteScope } from '../write-context.js';
import { applyRulesToDraft, categoryChosenByUser } from './apply-to-draft.js';

/** What an expense create or update puts in its event when rules changed the expense. */
export type RuleCause = { cause: { kind: 'rule'; ruleIds: string[] } } | Record<never, never>;

/**
 * Runs the owner's rules (compiled once per config version, from the owner config cache) over
 * an expense a create or update is about to store, in its transaction. Fields the caller gave
 * in this call stay as given; the category follows {@link categoryChosenByUser}.
 *
 * @param given - the caller's parsed input (which fields it set)
 * @param categoryGiven - the caller set the category in this call
 * @returns the expense to store, and the event's `cause` when a rule changed it
 */
export async function runRulesOnWrite(
  scope: WriteScope,
  draft: ExpenseRecord,
  given: { merchant?: unknown; notes?: unknown; tags?: unknown },
  categoryGiven: boolean,
): Promise<{ draft: ExpenseRecord; cause: RuleCause }> {
  const config = await scope.config();
  const rules = config.categoryRules.evaluator();
  if (rules.size === 0) return { draft, cause: {} };
  const givenFields = new Set((['merchant', 'notes', 'tags'] as const).filter((field) => given[field] !== undefined));
  const applied = applyRulesToDraft(rules, draft, {
    userChoseCategory: categoryChosenByUser(draft, categoryGiven),
    givenFields,
    categoryIds: new Set(config.categories.map((category) => category.id)),
  });
  if (applied.ruleIds.length === 0) return { draft, cause: {} };
  return { draft: applied.draft, cause: { cause: { kind: 'rule', ruleIds: applied.ruleIds } } };
}
