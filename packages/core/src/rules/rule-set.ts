import { compileRules, type RuleEvaluator } from './compile-rules.js';
import type { RuleRecord } from './repository.js';

/**
 * An owner's rules as one configuration version holds them: the stored records, and the
 * evaluator compiled from them on first use. It lives in the owner config cache, so the
 * rules are compiled once per version (a rule write bumps it), not once per write: with 500
 * rules compiling costs milliseconds, evaluating microseconds.
 */
export interface RuleSet {
  readonly records: readonly RuleRecord[];
  /** The compiled rules (the enabled ones, in order), compiled at the first call. */
  evaluator(): RuleEvaluator;
}

/** A {@link RuleSet} over `records`, compiled lazily: reads that never evaluate pay nothing. */
export function lazyRuleSet(records: readonly RuleRecord[]): RuleSet {
  let compiled: RuleEvaluator | undefined;
  return {
    records,
    evaluator: () => (compiled ??= compileRules(records.map(toRuleInput))),
  };
}

/** A stored rule as `compileRules` takes it: the definition and its id. */
export function toRuleInput(record: RuleRecord) {
  const { ownerId: _owner, createdAt: _created, updatedAt: _updated, ...rule } = record;
  return rule;
}
