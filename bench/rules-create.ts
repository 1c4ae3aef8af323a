/**
 * SPEC §7.6: in-process `expenses.create` for an owner with 500 auto-categorisation rules,
 * none matching, against an owner with none, in the same run on one SQLite file (WAL), the
 * two owners alternating round by round. Target: ≥ 70 % of the rate with no rules.
 *
 * Every create of the ruled owner runs all 500 rules (none matches, so every condition is
 * tried) inside its transaction; the rules come compiled from the owner config cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tracker } from '@expense-tracker/core';
import { openKyselyStore } from '@expense-tracker/core/kysely';
import { fmt, machine, median, timed, today, writeSection } from './lib.js';

const RULES = 500;
const CREATES = Number(process.env.BENCH_CREATES ?? 2000);
const ROUNDS = 7;
const MERCHANTS = ['Café Nord', 'REWE Markt', 'Bäckerei Kamps', 'Amazon Mktp DE', 'Deutsche Bahn', 'Lidl'];

/** Rule `i` of five shapes (merchant texts, a pattern, an amount range, an `any` rule); none matches the expenses. */
function ruleInput(i: number, categoryId: string) {
  const actions = [{ type: 'setCategory' as const, categoryId }];
  switch (i % 5) {
    case 0:
      return { actions, conditions: [{ field: 'merchant' as const, op: 'contains' as const, value: `Händler ${i}` }] };
    case 1:
      return {
        actions,
        conditions: [{ field: 'merchant' as const, op: 'oneOf' as const, value: [`Shop ${i}`, `SHOP-${i}`] }],
      };
    case 2:
      return {
        actions,
        conditions: [
          { field: 'description' as const, op: 'matches' as const, value: `^(lastschrift|sepa) .*ref ?${i}\\b` },
        ],
      };
    case 3:
      return {
        actions,
        conditions: [
          { field: 'merchant' as const, op: 'startsWith' as const, value: `Store ${i}` },
          {
            field: 'amount' as const,
            op: 'between' as const,
            value: ['100', '200'] as [string, string],
            currency: 'EUR',
          },
        ],
      };
    default:
      return {
        actions,
        match: 'any' as const,
        conditions: [
          { field: 'description' as const, op: 'endsWith' as const, value: `branch ${i}` },
          { field: 'notes' as const, op: 'contains' as const, value: `MANDATE ${i}X` },
        ],
      };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'et-bench-rules-'));
const store = await openKyselyStore({ database: join(dir, 'bench.db') });
const tracker = await Tracker.open({ store });
await tracker.migrate();
try {
  const plain = tracker.forOwner('plain');
  const ruled = tracker.forOwner('ruled');
  for (const owner of [plain, ruled]) await owner.categories.create({ name: 'Groceries' });
  const category = (await ruled.categories.list())[0]!;
  for (let i = 0; i < RULES; i++) await ruled.rules.create(ruleInput(i, category.id));

  let n = 0;
  /** Creates per second for `owner` over one round. */
  const rate = async (owner: typeof plain) => {
    const ms = await timed(async () => {
      for (let i = 0; i < CREATES; i++, n++) {
        const merchant = MERCHANTS[n % MERCHANTS.length]!;
        await owner.expenses.create({
          amountMinor: 199 + ((n * 7919) % 20_000),
          currency: 'EUR',
          date: '2026-11-03',
          merchant,
          description: `Kartenzahlung ${merchant} Berlin`,
        });
      }
    });
    return (CREATES / ms) * 1000;
  };
  await rate(plain); // warm-up
  await rate(ruled);
  const withRules: number[] = [];
  const without: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await rate(plain));
    withRules.push(await rate(ruled));
  }
  const sample = await ruled.expenses.list({ limit: 1 });
  if (sample.items[0]?.categoryId !== null) throw new Error('a benchmark rule matched an expense');
  const w = median(withRules);
  const o = median(without);
  console.log(`expenses.create: ${fmt(w)} /s with ${RULES} rules, ${fmt(o)} /s with none: ${fmt((w / o) * 100)} %`);
  writeSection(
    'rules-create',
    `## Rules: \`expenses.create\` with 500 non-matching rules against none (SPEC §7.6)

\`npm run bench:rules-create\` · ${today()} · ${machine()} · SQLite file (WAL), in-process; ${fmt(CREATES)} creates per round and owner, median of ${ROUNDS} rounds, the owner with no rules and the owner with ${RULES} alternating.

| rules | creates/s | of the rate with none |
|---|---|---|
| none | ${fmt(o)} | 100 % |
| ${RULES}, none matching | ${fmt(w)} | ${fmt((w / o) * 100)} % (target ≥ 70 %) |

The rules are compiled once per owner configuration version and kept in the owner config cache, so a create pays only their evaluation.`,
  );
} finally {
  await tracker.close();
  rmSync(dir, { recursive: true, force: true });
}
