// A rule in words, for the rules section's list: "description contains “netflix”" and
// "category: Streaming". Any rule the API holds is shown, not only those the page's form makes.

interface Condition {
  field: string;
  op: string;
  value?: unknown;
  currency?: string;
}
type Action =
  | { type: 'setCategory'; categoryId: string }
  | { type: 'setMerchant'; merchant: string | null }
  | { type: 'addTags'; tags: string[] }
  | { type: 'setNotes'; notes: string | null };

/** A saved rule, as `GET /rules` lists it. */
export interface Rule {
  id: string;
  position: number;
  enabled: boolean;
  match: 'all' | 'any';
  conditions: Condition[];
  actions: Action[];
  stop: boolean;
}

const OPERATORS: Record<string, string> = {
  is: 'is',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  oneOf: 'is one of',
  matches: 'matches',
  gt: 'is more than',
  lt: 'is less than',
  between: 'is between',
};

function valueText(condition: Condition): string {
  const { value, op } = condition;
  const one = (item: unknown) => (typeof item === 'string' ? `“${item}”` : JSON.stringify(item));
  const currency = condition.currency ? ` ${condition.currency}` : '';
  if (Array.isArray(value)) return value.map(one).join(op === 'between' ? ' and ' : ', ') + currency;
  return `${one(value)}${currency}`;
}

function actionText(action: Action, categoryName: (id: string | null) => string): string {
  switch (action.type) {
    case 'setCategory':
      return `category: ${categoryName(action.categoryId)}`;
    case 'setMerchant':
      return `merchant: ${action.merchant ?? 'none'}`;
    case 'addTags':
      return `add tags: ${action.tags.join(', ')}`;
    case 'setNotes':
      return `notes: ${action.notes ?? 'none'}`;
  }
}

/** The rule's conditions ("when") and actions ("then") as text. */
export function describeRule(rule: Rule, categoryName: (id: string | null) => string): { when: string; then: string } {
  const when = rule.conditions
    .map((condition) => `${condition.field} ${OPERATORS[condition.op] ?? condition.op} ${valueText(condition)}`)
    .join(rule.match === 'all' ? ' and ' : ' or ');
  const actions = rule.actions.map((action) => actionText(action, categoryName));
  if (rule.stop) actions.push('then stop');
  return { when: when || 'always', then: actions.join('; ') };
}
