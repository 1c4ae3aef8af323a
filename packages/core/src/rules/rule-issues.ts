/**
 * The second-level codes of a refused rule: the `code` of each `ValidationIssue` that the
 * rule checks raise themselves (zod's own codes, such as `invalid_type` or `too_big`, keep
 * their names). A closed list, so a client can switch over them and a new one is a
 * deliberate change:
 *
 * - `operator_not_allowed` — the operator does not apply to the field (`gt` on a
 *   description); the issue is at the condition's `op`.
 * - `invalid_pattern` — not a regular expression RE2 can parse.
 * - `unsupported_pattern` — a backreference or lookaround, which a linear-time engine cannot run.
 * - `pattern_too_long` / `pattern_too_complex` — over the pattern's length or program limit.
 * - `pattern_not_foldable` — a character that folding would turn into several letters or
 *   into punctuation (`ß`, `…`): the message says what to write instead.
 * - `invalid_amount` — an amount that is not an exact decimal of the condition's currency.
 * - `empty_range` — a `between` whose low end is above its high end.
 * - `duplicate_action` — two actions of one kind in a rule (which would win is not obvious).
 * - `nothing_to_do` — a rule with no action that does not `stop` either.
 *
 * @example
 * ```ts
 * import { RULE_ISSUE_CODES, type RuleIssueCode } from './rule-issues.js'; // internal to core for now
 *
 * const isRuleIssue = (code: string): code is RuleIssueCode => (RULE_ISSUE_CODES as readonly string[]).includes(code);
 * isRuleIssue('operator_not_allowed'); // true
 * ```
 */
export const RULE_ISSUE_CODES = [
  'operator_not_allowed',
  'invalid_pattern',
  'unsupported_pattern',
  'pattern_too_long',
  'pattern_too_complex',
  'pattern_not_foldable',
  'invalid_amount',
  'empty_range',
  'duplicate_action',
  'nothing_to_do',
] as const;

/**
 * One of {@link RULE_ISSUE_CODES}: the `code` of an issue a refused rule raises.
 *
 * @example
 * ```ts
 * import type { RuleIssueCode } from '@expense-tracker/core';
 *
 * const patternCodes: RuleIssueCode[] = ['invalid_pattern', 'unsupported_pattern', 'pattern_too_long'];
 * ```
 */
export type RuleIssueCode = (typeof RULE_ISSUE_CODES)[number];
