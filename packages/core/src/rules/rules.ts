/**
 * Auto-categorisation rules (SPEC §7.2) as pure logic: the rule shape, text folding, the
 * linear-time `matches` operator, the compiled evaluator and suggestions. No I/O: storing
 * rules, running them in the write transaction and import preview, `test`, `apply` and
 * `revert` are later steps. This is the module's index, the names the rest of core imports;
 * it is not called `index.ts` because that name marks the package's entry points (STYLE.md,
 * public-surface.test.ts). Not exported from the package root yet.
 *
 * The decisions, each documented where it is made:
 * - Text is compared folded (`foldText`): NFKD, diacritics stripped, full case folding
 *   (`Straße` = `STRASSE`), whitespace collapsed; an absent or blank field matches nothing.
 * - Which operators fit which fields is in the schema (`ruleConditionSchema`); a misfit is an
 *   issue at the condition's `op`, coded `operator_not_allowed`.
 * - Amounts are exact decimals of the condition's currency, compared as bigint minor units,
 *   and only against expenses in that currency.
 * - `matches` runs on RE2 (`re2js`), case-insensitively over the folded text; backreferences
 *   and lookaround are refused (`compilePattern`). A rule set's patterns on one field run
 *   together as RE2 sets, one pass per field and expense (`pattern-group.ts`).
 * - Evaluation (`compileRules`): position order, ties by id; conditions see the expense as
 *   given; first rule wins each field; tags accumulate; `stop` ends the run; a category the
 *   user chose is never changed.
 * - Suggestions (`suggestRules`) need three hand categorisations the rules do not reproduce.
 */
export { foldText } from './fold-text.js';
export { RULE_ISSUE_CODES, type RuleIssueCode } from './rule-issues.js';
export {
  MAX_PATTERN_LENGTH,
  MAX_PATTERN_PROGRAM,
  compilePattern,
  type CompiledPattern,
  type PatternProblem,
} from './rule-pattern.js';
export {
  MAX_ONE_OF_VALUES,
  MAX_TEXT_VALUE_LENGTH,
  TEXT_FIELDS,
  ruleConditionSchema,
  sourceKindSchema,
  type RuleCondition,
  type RuleConditionInput,
} from './rule-conditions.js';
export {
  RULE_LIMITS,
  ruleActionSchema,
  ruleDefinitionSchema,
  ruleSchema,
  type Rule,
  type RuleAction,
  type RuleActionInput,
  type RuleDefinition,
  type RuleDefinitionInput,
  type RuleInput,
} from './rule-schema.js';
export type { RuleSubject } from './rule-subject.js';
export {
  compileRules,
  toRuleIssues,
  type EvaluateOptions,
  type RuleChange,
  type RuleEvaluation,
  type RuleEvaluator,
} from './compile-rules.js';
export {
  SUGGESTION_THRESHOLD,
  suggestRules,
  type RuleDraft,
  type RuleHistoryRecord,
  type RuleSuggestion,
} from './suggest-rules.js';
