import type { BankRow } from '../imports/bank-row.js';
import type { RuleEvaluator } from './compile-rules.js';

/** What the rules make of one bank row in an import preview (SPEC §7.1: "rules of 7.2 already applied"). */
export interface RuledBankRow {
  categoryId: string | null;
  merchant: string | null;
  notes: string | null;
  tags: string[];
  /** The rule that set the category, or `null` (the expense's `ruleId` once provenance lands). */
  ruleId: string | null;
  /** Every rule that changed a field, in evaluation order. */
  ruleIds: string[];
}

/**
 * Runs the owner's rules over a bank row in an import preview, as over an expense being
 * created: the rules see the bank's own wording (`originalText`) and `sourceKind: 'import'`,
 * and a rule naming a category the owner no longer has does not set it. The import's commit
 * stores what the preview shows, through the same rules compiled once per config version.
 *
 * @param rules - `config.categoryRules.evaluator()` of the owner
 * @param categoryIds - the owner's category ids
 *
 * @example
 * ```ts
 * import { compileRules } from './compile-rules.js'; // internal to core
 * import { applyRulesToBankRow } from './bank-rows.js';
 *
 * const rules = compileRules([{ id: 'rul_rent', position: 0, conditions: [{ field: 'originalText', op: 'contains', value: 'miete' }], actions: [{ type: 'setCategory', categoryId: 'cat_home' }] }]);
 * const row = { kind: 'row', line: 2, date: '2026-11-01', amountMinor: 120000n, direction: 'debit', currency: 'EUR', description: 'Rent', merchant: null, originalText: 'DAUERAUFTRAG MIETE NOV', externalId: null, status: 'booked', account: null } as const;
 * applyRulesToBankRow(rules, row, new Set(['cat_home'])).categoryId; // 'cat_home'
 * ```
 */
export function applyRulesToBankRow(
  rules: RuleEvaluator,
  row: BankRow,
  categoryIds: ReadonlySet<string>,
): RuledBankRow {
  const ruled: RuledBankRow = {
    categoryId: null,
    merchant: row.merchant,
    notes: null,
    tags: [],
    ruleId: null,
    ruleIds: [],
  };
  const { changes } = rules.evaluate({ ...row, sourceKind: 'import', tags: [] }, { categoryLockedByUser: false });
  for (const change of changes) {
    if (change.field === 'categoryId') {
      if (!categoryIds.has(change.value)) continue;
      ruled.categoryId = change.value;
      ruled.ruleId = change.ruleId;
    } else if (change.field === 'tags') ruled.tags.push(...change.value);
    else ruled[change.field] = change.value;
    if (!ruled.ruleIds.includes(change.ruleId)) ruled.ruleIds.push(change.ruleId);
  }
  return ruled;
}
