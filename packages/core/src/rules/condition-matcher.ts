import { parseAmount } from '../money.js';
import { foldText } from './fold-text.js';
import type { RuleCondition } from './rule-conditions.js';
import type { PatternGroups } from './pattern-group.js';
import { runnablePattern } from './rule-pattern.js';
import type { SubjectView, TextFieldName } from './rule-subject.js';

/** A compiled condition: a predicate over a subject's view. */
export type ConditionMatcher = (view: SubjectView) => boolean;

type TextCondition = Extract<RuleCondition, { field: TextFieldName | 'tags' }>;
type Ordered<T> = { op: 'is' | 'gt' | 'lt'; value: T } | { op: 'oneOf'; value: T[] } | { op: 'between'; value: [T, T] };

/**
 * Compiles a parsed condition once: needles folded, amounts turned into bigint minor units,
 * patterns placed in the rule set's pattern groups, so evaluating it is a comparison or a
 * lookup.
 *
 * @throws Error for a pattern the schema would have refused.
 */
export function compileCondition(condition: RuleCondition, patterns: PatternGroups): ConditionMatcher {
  switch (condition.field) {
    case 'amount': {
      const test = orderedTest(toMinor(condition, condition.currency));
      return (view) => view.currency() === condition.currency && test(view.amount());
    }
    case 'date': {
      const test = orderedTest(condition);
      return (view) => test(view.date());
    }
    case 'currency': {
      const values = new Set(condition.op === 'is' ? [condition.value] : condition.value);
      return (view) => values.has(view.currency());
    }
    case 'weekday': {
      const values = new Set(condition.op === 'is' ? [condition.value] : condition.value);
      return (view) => values.has(view.weekday());
    }
    case 'sourceKind': {
      const values = new Set(condition.op === 'is' ? [condition.value] : condition.value);
      return (view) => {
        const kind = view.sourceKind();
        return kind !== null && values.has(kind);
      };
    }
    default:
      return condition.op === 'matches'
        ? compileMatches(condition.field, condition.value, patterns)
        : compileText(condition);
  }
}

function compileMatches(field: TextFieldName | 'tags', pattern: string, patterns: PatternGroups): ConditionMatcher {
  const { group, index } = patterns.add(field, runnablePattern(pattern));
  return (view) => view.patternHits(group, field).has(index);
}

function compileText(condition: Exclude<TextCondition, { op: 'matches' }>): ConditionMatcher {
  const test = textTest(condition);
  if (condition.field === 'tags') return (view) => view.tags().some(test);
  const field = condition.field;
  return (view) => {
    const text = view.text(field);
    return text !== null && test(text);
  };
}

/** A test of one folded text. */
function textTest(condition: Exclude<TextCondition, { op: 'matches' }>): (text: string) => boolean {
  if (condition.op === 'oneOf') {
    const values = new Set(condition.value.map(foldText));
    return (text) => values.has(text);
  }
  const needle = foldText(condition.value);
  switch (condition.op) {
    case 'is':
      return (text) => text === needle;
    case 'contains':
      return (text) => text.includes(needle);
    case 'startsWith':
      return (text) => text.startsWith(needle);
    case 'endsWith':
      return (text) => text.endsWith(needle);
  }
}

/** `is`, `oneOf`, `gt` and `lt` (strict), `between` (both ends included) over bigints or dates. */
function orderedTest<T extends bigint | string>(condition: Ordered<T>): (value: T) => boolean {
  switch (condition.op) {
    case 'is': {
      const wanted = condition.value;
      return (value) => value === wanted;
    }
    case 'gt': {
      const bound = condition.value;
      return (value) => value > bound;
    }
    case 'lt': {
      const bound = condition.value;
      return (value) => value < bound;
    }
    case 'oneOf': {
      const values = new Set<T>(condition.value);
      return (value) => values.has(value);
    }
    case 'between': {
      const [low, high] = condition.value;
      return (value) => value >= low && value <= high;
    }
  }
}

/** An amount condition's decimals as exact minor units of its currency. */
function toMinor(condition: Ordered<string>, currency: string): Ordered<bigint> {
  const minor = (value: string) => BigInt(parseAmount(value, currency));
  switch (condition.op) {
    case 'oneOf':
      return { op: 'oneOf', value: condition.value.map(minor) };
    case 'between':
      return { op: 'between', value: [minor(condition.value[0]), minor(condition.value[1])] };
    default:
      return { op: condition.op, value: minor(condition.value) };
  }
}
