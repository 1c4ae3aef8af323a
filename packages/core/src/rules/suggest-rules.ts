import type { RuleEvaluator } from './compile-rules.js';
import { foldText } from './fold-text.js';
import type { RuleDefinitionInput } from './rule-schema.js';
import type { RuleSubject } from './rule-subject.js';

/** How many times a merchant must get the same category by hand before a rule is suggested (SPEC §7.2). */
export const SUGGESTION_THRESHOLD = 3;

/**
 * A past expense as suggestions read it: the fields rules look at, its category, and who
 * chose that category (SPEC §7.0 `categorySource`).
 *
 * @example
 * ```ts
 * import type { RuleHistoryRecord } from './suggest-rules.js'; // internal to core for now
 *
 * const record: RuleHistoryRecord = { amountMinor: 320, currency: 'EUR', date: '2026-11-02', merchant: 'Bäckerei Kamps', categoryId: 'cat_food', categorySource: 'user' };
 * ```
 */
export interface RuleHistoryRecord extends RuleSubject {
  categoryId: string | null;
  categorySource: 'user' | 'rule' | 'import' | 'schedule' | null;
}

/**
 * A rule as suggested: a definition the caller places (`position`) and the user confirms.
 *
 * @example
 * ```ts
 * import type { RuleDraft } from '@expense-tracker/core';
 *
 * const drafts: RuleDraft[] = (await owner.rules.suggestions()).map((s) => s.rule);
 * for (const draft of drafts) await owner.rules.create(draft); // once the user has confirmed
 * ```
 */
export type RuleDraft = Omit<RuleDefinitionInput, 'position'>;

/**
 * A suggested rule and the evidence for it: how often the user filed the merchant under the
 * category by hand. Shown to the user, never created by itself.
 *
 * @example
 * ```ts
 * import type { RuleSuggestion } from '@expense-tracker/core';
 *
 * const suggestions: RuleSuggestion[] = await owner.rules.suggestions();
 * suggestions.map((s) => `${s.merchant} → ${s.categoryId} (${s.count} times)`);
 * ```
 */
export interface RuleSuggestion {
  /** The merchant as first spelt in the history. */
  merchant: string;
  categoryId: string;
  /** How many times the user gave this merchant this category by hand where the rules would not have. */
  count: number;
  rule: RuleDraft;
}

interface Tally {
  merchant: string;
  counts: Map<string, number>;
}

/**
 * Suggests rules from manual categorisation: a merchant (compared as rules compare text) that
 * the user gave the same category by hand at least {@link SUGGESTION_THRESHOLD} times, on
 * expenses the current rules would not have given it, yields a rule "merchant is M → set
 * category C". Pure: it creates nothing, and the caller shows the suggestions (SPEC §7.2:
 * learning never creates a rule by itself, the mistake peers made).
 *
 * Decisions: only `categorySource: 'user'` counts (a rule's or an import's choice is not a
 * person's); a merchant the user filed under several categories yields a suggestion only for
 * a category with strictly more such records than any other, since a tie is no evidence;
 * records without a merchant are ignored. Sorted by count (most first), then merchant.
 *
 * @param history - past expenses, e.g. the last 90 days of the owner's
 * @param rules - the owner's current rules
 *
 * @example
 * ```ts
 * import { compileRules } from './compile-rules.js'; // internal to core for now
 * import { suggestRules } from './suggest-rules.js';
 *
 * const byHand = { amountMinor: 320, currency: 'EUR', date: '2026-11-02', merchant: 'Bäckerei Kamps', categoryId: 'cat_food', categorySource: 'user' } as const;
 * suggestRules([byHand, { ...byHand, merchant: 'BACKEREI KAMPS' }, byHand], compileRules([]));
 * // [{ merchant: 'Bäckerei Kamps', categoryId: 'cat_food', count: 3, rule: { conditions: [{ field: 'merchant', op: 'is', value: 'Bäckerei Kamps' }], ... } }]
 * ```
 */
export function suggestRules(history: Iterable<RuleHistoryRecord>, rules: RuleEvaluator): RuleSuggestion[] {
  const tallies = new Map<string, Tally>();
  for (const record of history) {
    if (record.categorySource !== 'user' || record.categoryId === null || !record.merchant) continue;
    const key = foldText(record.merchant);
    if (key === '' || coveredByRules(record, record.categoryId, rules)) continue;
    const tally = tallies.get(key) ?? { merchant: record.merchant.trim(), counts: new Map<string, number>() };
    tally.counts.set(record.categoryId, (tally.counts.get(record.categoryId) ?? 0) + 1);
    tallies.set(key, tally);
  }
  const suggestions = [...tallies.entries()].flatMap(([key, tally]) => {
    const suggestion = fromTally(tally);
    return suggestion ? [{ key, suggestion }] : [];
  });
  return suggestions
    .sort((a, b) => b.suggestion.count - a.suggestion.count || compare(a.key, b.key))
    .map(({ suggestion }) => suggestion);
}

/** Whether the current rules would give the record the category the user gave it. */
function coveredByRules(record: RuleHistoryRecord, categoryId: string, rules: RuleEvaluator): boolean {
  const { changes } = rules.evaluate(record, { categoryLockedByUser: false });
  return changes.some((change) => change.field === 'categoryId' && change.value === categoryId);
}

function fromTally(tally: Tally): RuleSuggestion | null {
  const ranked = [...tally.counts.entries()].sort((a, b) => b[1] - a[1]);
  const [best, runnerUp] = ranked;
  if (!best || best[1] < SUGGESTION_THRESHOLD || runnerUp?.[1] === best[1]) return null;
  const [categoryId, count] = best;
  return {
    merchant: tally.merchant,
    categoryId,
    count,
    rule: {
      enabled: true,
      match: 'all',
      conditions: [{ field: 'merchant', op: 'is', value: tally.merchant }],
      actions: [{ type: 'setCategory', categoryId }],
      stop: false,
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
