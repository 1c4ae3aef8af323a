import type { ExpenseRecord } from '../store/store.js';
import type { RuleChange, RuleEvaluator } from './compile-rules.js';

/**
 * Whether the user chose the expense's category, so that no rule may change it (SPEC §7.2).
 * The one place this is decided: the caller gives a category in this call (`givenInCall`), or
 * the expense's category came from a person (`categorySource === 'user'`, SPEC §7.0). A
 * category a rule, an import or a schedule set is not the user's: a later rule may change it.
 *
 * @param expense - the expense as it will be stored if no rule applies
 * @param givenInCall - the caller set `categoryId` in this call
 */
export function categoryChosenByUser(
  expense: Pick<ExpenseRecord, 'categoryId' | 'categorySource'>,
  givenInCall: boolean,
): boolean {
  return givenInCall || (expense.categoryId !== null && expense.categorySource === 'user');
}

/** What {@link applyRulesToDraft} needs beside the rules and the draft. */
export interface ApplyRulesOptions {
  /** From {@link categoryChosenByUser}: no rule changes the category. */
  userChoseCategory: boolean;
  /** Fields the caller set in this call, which rules leave as given. */
  givenFields?: ReadonlySet<'merchant' | 'notes' | 'tags'>;
  /** The owner's category ids: a rule naming a deleted category skips its `setCategory`. */
  categoryIds: ReadonlySet<string>;
}

/** The draft after the rules, and which rules changed it. */
export interface RulesApplied {
  draft: ExpenseRecord;
  /** The rule that set the category, or `null` (SPEC §7.0 `ruleId`). */
  ruleId: string | null;
  /** Every rule that changed a field, in evaluation order, each once. */
  ruleIds: string[];
}

/**
 * Runs the owner's rules over an expense about to be stored (a create, an update, an import
 * row) and returns the expense as it should be stored. Pure: the caller stores it, inside
 * its write transaction, so the stored expense and its events carry the final state.
 *
 * @example
 * ```ts
 * import { compileRules } from './compile-rules.js'; // internal to core
 * import { applyRulesToDraft, categoryChosenByUser } from './apply-to-draft.js';
 *
 * const rules = compileRules([{ id: 'rul_1', position: 0, conditions: [{ field: 'merchant', op: 'contains', value: 'cafe' }], actions: [{ type: 'setCategory', categoryId: 'cat_coffee' }] }]);
 * const row = { id: 'exp_1', ownerId: 'alice', amountMinor: 450, currency: 'EUR', date: '2026-11-03', kind: 'expense' as const, categoryId: null, description: null, merchant: 'Café Nord', tags: [], notes: null, createdAt: '2026-11-03T08:00:00.000Z', updatedAt: '2026-11-03T08:00:00.000Z', sourceKind: 'api' as const, sourceId: null, sourceRow: null, categorySource: null, ruleId: null, externalId: null, sourceAccount: null, fingerprint: null };
 * const { draft, ruleId } = applyRulesToDraft(rules, row, { userChoseCategory: categoryChosenByUser(row, false), categoryIds: new Set(['cat_coffee']) });
 * // draft.categoryId: 'cat_coffee', draft.categorySource: 'rule', ruleId: 'rul_1'
 * ```
 */
export function applyRulesToDraft(
  rules: RuleEvaluator,
  draft: ExpenseRecord,
  options: ApplyRulesOptions,
): RulesApplied {
  if (rules.size === 0) return { draft, ruleId: null, ruleIds: [] };
  const { changes } = rules.evaluate(draft, { categoryLockedByUser: options.userChoseCategory });
  return applyChanges(draft, changes, options);
}

/** Applies a rule evaluation's changes to `draft`, leaving what the caller gave alone. */
export function applyChanges(
  draft: ExpenseRecord,
  changes: readonly RuleChange[],
  options: ApplyRulesOptions,
): RulesApplied {
  const next: ExpenseRecord = { ...draft, tags: [...draft.tags] };
  let ruleId: string | null = null;
  const ruleIds: string[] = [];
  const changedBy = (id: string) => {
    if (!ruleIds.includes(id)) ruleIds.push(id);
  };
  for (const change of changes) {
    if (change.field === 'categoryId') {
      if (options.userChoseCategory || !options.categoryIds.has(change.value)) continue;
      if (next.categoryId === change.value) continue;
      next.categoryId = change.value;
      next.categorySource = 'rule';
      next.ruleId = change.ruleId;
      ruleId = change.ruleId;
    } else if (options.givenFields?.has(change.field)) {
      continue;
    } else if (change.field === 'tags') {
      next.tags.push(...change.value);
    } else {
      if (next[change.field] === change.value) continue;
      next[change.field] = change.value;
    }
    changedBy(change.ruleId);
  }
  return ruleIds.length === 0 ? { draft, ruleId: null, ruleIds } : { draft: next, ruleId, ruleIds };
}
