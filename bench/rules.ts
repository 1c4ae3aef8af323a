/**
 * The rule engine's share of a write (SPEC §7.6: `expenses.create` with 500 rules, none
 * matching, ≥ 70 % of the rate with none): `evaluate()` of a typical imported expense against
 * 500 compiled rules that do not match it, side by side with an empty rule set. Pure CPU, no
 * database: the figure is the cost per write that the create path will add, to be set against
 * the create rate of `bench:write` once rules run in the write transaction.
 *
 *   npm run bench:rules            (BENCH_CALLS to change the work)
 */
import { compileRules, type RuleInput, type RuleSubject } from '../packages/core/src/rules/rules.js';
import { fmt, machine, median, timed, today, writeSection } from './lib.js';

const RULES = 500;
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const ROUNDS = 7;

const MERCHANTS = [
  'Café Nord',
  'REWE Markt',
  'Bäckerei Kamps',
  'Amazon Mktp DE',
  'Deutsche Bahn',
  'Späti Kreuzberg',
  'Lidl',
  'Shell Tankstelle',
];

/**
 * Imported card payments with accents and bank padding, as most expenses reaching rules are:
 * 1,000 different ones in turn, so the pattern sets' lazily built automata see new texts
 * rather than one text they have learnt.
 */
const expenses: RuleSubject[] = Array.from({ length: 1000 }, (_, i) => {
  const merchant = MERCHANTS[i % MERCHANTS.length]!;
  return {
    amountMinor: 199 + ((i * 7919) % 20_000),
    currency: 'EUR',
    date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
    merchant,
    description: `Kartenzahlung ${merchant} Berlin`,
    originalText: `KARTENZAHLUNG  ${merchant.toUpperCase()} BERLIN  2026-11-03  DE89${String(370_400_440_532_013_000 + i * 7_777)}`,
    notes: null,
    tags: ['imported'],
    sourceKind: 'import',
  };
});

/**
 * A mix like a long-lived rule list: mostly merchant texts, some patterns on the bank's text,
 * amount ranges, and `any` rules over two fields; every one of them misses the expense, so
 * every condition is evaluated (the worst case for a rule set that does not match).
 */
function ruleSet(): RuleInput[] {
  return Array.from({ length: RULES }, (_, i): RuleInput => {
    const actions = [{ type: 'setCategory' as const, categoryId: `cat_${i % 20}` }];
    const base = { id: `rule_${String(i).padStart(4, '0')}`, position: i, actions };
    switch (i % 5) {
      case 0:
        return { ...base, conditions: [{ field: 'merchant', op: 'contains', value: `Händler ${i}` }] };
      case 1:
        return {
          ...base,
          conditions: [{ field: 'merchant', op: 'oneOf', value: [`Shop ${i}`, `Shop ${i} GmbH`, `SHOP-${i}`] }],
        };
      case 2:
        return {
          ...base,
          conditions: [{ field: 'originalText', op: 'matches', value: `^(lastschrift|sepa) .*ref ?${i}\\b` }],
        };
      case 3:
        return {
          ...base,
          conditions: [
            { field: 'merchant', op: 'startsWith', value: `Store ${i}` },
            { field: 'amount', op: 'between', value: ['100', '200'], currency: 'EUR' },
          ],
        };
      default:
        return {
          ...base,
          match: 'any',
          conditions: [
            { field: 'description', op: 'endsWith', value: `branch ${i}` },
            { field: 'originalText', op: 'contains', value: `MANDATE ${i}X` },
          ],
        };
    }
  });
}

const many = compileRules(ruleSet());
const none = compileRules([]);
if (expenses.some((expense) => many.evaluate(expense, { categoryLockedByUser: false }).matched.length > 0)) {
  throw new Error('a benchmark rule matched an expense');
}

/** Microseconds per `evaluate()` over one round. */
async function perCall(rules: typeof many): Promise<number> {
  const ms = await timed(() => {
    for (let i = 0; i < CALLS; i += 1) rules.evaluate(expenses[i % expenses.length]!, { categoryLockedByUser: false });
  });
  return (ms / CALLS) * 1000;
}

await perCall(many); // warm-up: let the JIT settle before measuring
await perCall(none);
const withRules: number[] = [];
const without: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  withRules.push(await perCall(many));
  without.push(await perCall(none));
}
const w = median(withRules);
const n = median(without);
const compileMs = median(await Promise.all(Array.from({ length: 5 }, () => timed(() => compileRules(ruleSet())))));
console.log(
  `evaluate(): ${fmt(w, 1)} µs with ${RULES} rules, ${fmt(n, 2)} µs with none; compileRules(${RULES}) ${fmt(compileMs, 1)} ms`,
);

// The create rate of bench:write bounds what a write can spend on rules: at ≥ 70 % of the
// rate with none, evaluation may add at most 3/7 of a create's time.
const createMicros = 1e6 / Number(process.env.BENCH_CREATE_RATE ?? 3406);
const projected = createMicros / (createMicros + w - n);
writeSection(
  'rules',
  `## Rules: \`evaluate()\` with 500 non-matching rules against none

\`npm run bench:rules\` · ${today()} · ${machine()} · 1,000 imported card payments in turn (accents, bank padding); ${fmt(CALLS)} evaluations per round, median of ${ROUNDS} rounds, the two rule sets alternating.
The 500 rules mix merchant texts (\`contains\`, \`oneOf\`, \`startsWith\`), RE2 patterns on the bank's text, amount ranges and \`any\` rules over two fields; none matches, so every condition runs.

| rules | per \`evaluate()\` | compile once |
|---|---|---|
| none | ${fmt(n, 2)} µs | — |
| ${RULES}, none matching | ${fmt(w, 1)} µs | ${fmt(compileMs, 1)} ms |

Against the SQLite create rate of \`bench:write\` (${fmt(1e6 / createMicros)} /s, ${fmt(createMicros)} µs a create), ${fmt(w - n, 1)} µs more per write would keep creates at ${fmt(projected * 100)} % of the rate with no rules (target ≥ 70 %). The end-to-end figure comes once rules run in the write transaction.`,
);
