import type { ExpenseRecord } from '../store/store.js';
import { applyChanges } from '../rules/apply-to-draft.js';
import { applyRulesToBankRow, type RuledBankRow } from '../rules/bank-rows.js';
import type { RuleEvaluator } from '../rules/compile-rules.js';
import type { RuleCause } from '../rules/on-write.js';
import type { WriteScope } from '../write-context.js';
import type { BankRow } from './bank-row.js';
import type { ImportRowRecord } from './repository.js';

/** The owner's rules as a preview reads them: compiled once per config version. */
export interface ImportRules {
  evaluator: RuleEvaluator;
  categoryIds: ReadonlySet<string>;
}

/**
 * A stored row as the bank row the rules see. Only credits are `inflow_ignored` (see
 * `inflowState()`), so the state says the direction: the row table needs no new column.
 */
function bankRowOf(row: ImportRowRecord): BankRow | null {
  if (row.date === null || row.amountMinor === null || row.currency === null) return null;
  return {
    kind: 'row',
    line: row.line,
    date: row.date,
    amountMinor: BigInt(row.amountMinor),
    direction: row.state === 'inflow_ignored' ? 'credit' : 'debit',
    currency: row.currency,
    description: row.description ?? '',
    merchant: row.merchant,
    originalText: row.originalText,
    externalId: row.externalId,
    status: 'booked',
    account: null,
  };
}

/**
 * What the owner's rules would give a row (SPEC §7.1, "rules of 7.2 already applied"),
 * computed when the row is read rather than stored: a rule added or changed between preview
 * and commit shows at once, and commit runs the same rules again in its transaction, so the
 * preview never promises what commit would not do. `null` for a row with no transaction.
 */
export function rulesForRow(rules: ImportRules, row: ImportRowRecord): RuledBankRow | null {
  const bank = bankRowOf(row);
  return bank === null ? null : applyRulesToBankRow(rules.evaluator, bank, rules.categoryIds);
}

/**
 * Runs the owner's rules over an expense an import commit is about to create, in the
 * commit's transaction, seeing the bank's own wording as the preview did. Nothing on an
 * imported expense was chosen by a person, so every field a rule sets is taken
 * (`categorySource: 'rule'` and `ruleId` when a rule set the category).
 */
export async function ruleImportedExpense(
  scope: WriteScope,
  draft: ExpenseRecord,
  originalText: string,
): Promise<{ draft: ExpenseRecord; cause: RuleCause }> {
  const config = await scope.config();
  const evaluator = config.categoryRules.evaluator();
  if (evaluator.size === 0) return { draft, cause: {} };
  const { changes } = evaluator.evaluate({ ...draft, originalText }, { categoryLockedByUser: false });
  const applied = applyChanges(draft, changes, {
    userChoseCategory: false,
    categoryIds: new Set(config.categories.map((category) => category.id)),
  });
  if (applied.ruleIds.length === 0) return { draft, cause: {} };
  return { draft: applied.draft, cause: { cause: { kind: 'rule', ruleIds: applied.ruleIds } } };
}
