import { describe, expect, it } from 'vitest';
import type { OwnerHandle } from '../../owner.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

const PROFILE = {
  date: { column: 'Date', format: 'YMD' as const },
  amount: { kind: 'signed' as const, column: 'Amount' },
  currency: { default: 'USD' },
  description: 'Text',
};

function statement(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(['Date,Amount,Text', ...lines].join('\n') + '\n');
}

const preview = (owner: OwnerHandle, file: Uint8Array) =>
  owner.imports.preview(file, { sourceKey: 'checking', profile: PROFILE });

/** An owner with a Coffee category and a rule filing bank lines that say "starbucks" under it. */
async function coffeeOwner(env: ConformanceEnv) {
  const owner = env.newOwner();
  const coffee = await owner.categories.create({ name: 'Coffee' });
  const rule = await owner.rules.create({
    conditions: [{ field: 'originalText', op: 'contains', value: 'starbucks' }],
    actions: [
      { type: 'setCategory', categoryId: coffee.id },
      { type: 'addTags', tags: ['caffeine'] },
    ],
  });
  return { owner, coffee, rule };
}

/** Rules in import preview and commit, and credits as refunds (SPEC §7.1, §7.0 refunds). */
export function importRuleTests(getEnv: () => ConformanceEnv): void {
  describe('imports: rules and refunds', () => {
    it('a preview row shows what the rules would give it, and commit stores it with the rule as its source', async () => {
      const env = getEnv();
      const { owner, coffee, rule } = await coffeeOwner(env);
      const imp = await preview(owner, statement('2026-03-01,-4.50,STARBUCKS 123', '2026-03-01,-9.00,Books'));
      const { items } = await owner.imports.rows(imp.id);
      expect(items.map((r) => r.rules?.categoryId ?? null)).toEqual([coffee.id, null]);
      expect(items[0]?.rules).toMatchObject({ ruleId: rule.id, tags: ['caffeine'], ruleIds: [rule.id] });
      const causes: unknown[] = [];
      const off = env.tracker.on('expense.created', (event) => {
        if (event.ownerId === owner.ownerId) causes.push(event.data.cause ?? null);
      });
      await owner.imports.commit(imp.id);
      off();
      const stored = (await owner.expenses.list()).items.sort((a, b) => a.amountMinor - b.amountMinor);
      expect(stored.map((e) => [e.categoryId, e.categorySource, e.ruleId, e.tags])).toEqual([
        [coffee.id, 'rule', rule.id, ['caffeine']],
        [null, null, null, []],
      ]);
      expect(causes).toEqual([{ kind: 'rule', ruleIds: [rule.id] }, null]);
    });

    it('a rule changed after the preview shows on the rows at once, and commit runs the rules as they are then', async () => {
      const { owner, rule } = await coffeeOwner(getEnv());
      const imp = await preview(owner, statement('2026-03-01,-4.50,STARBUCKS 123'));
      await owner.rules.update(rule.id, { enabled: false });
      expect((await owner.imports.rows(imp.id)).items[0]?.rules).toMatchObject({ categoryId: null, ruleIds: [] });
      await owner.imports.commit(imp.id);
      expect((await owner.expenses.list()).items[0]).toMatchObject({ categoryId: null, categorySource: null });
    });

    it('a credit stays inflow_ignored with no decision; decided create it is stored once as a refund', async () => {
      const owner = getEnv().newOwner();
      const file = statement('2026-03-01,-40.00,Shoe shop', '2026-03-03,40.00,Shoe shop', '2026-03-04,2500.00,Salary');
      const imp = await preview(owner, file);
      const rows = (await owner.imports.rows(imp.id)).items;
      expect(rows.map((r) => [r.state, r.decision])).toEqual([
        ['new', 'create'],
        ['inflow_ignored', null],
        ['inflow_ignored', null],
      ]);
      await expectTrackerError(owner.imports.decide(imp.id, 2, { decision: 'link' }), 'VALIDATION_FAILED');
      expect(await owner.imports.decide(imp.id, 2, { decision: 'create' })).toMatchObject({ decision: 'create' });
      const done = await owner.imports.commit(imp.id);
      expect(done.counts).toMatchObject({ created: 2, inflowIgnored: 2 });
      const stored = (await owner.expenses.list()).items.map((e) => [e.kind, e.amountMinor, e.date]);
      expect(stored.sort()).toEqual([
        ['expense', 4000, '2026-03-01'],
        ['refund', 4000, '2026-03-03'],
      ]);
      // The same statement again: deciding the refund again stores nothing twice.
      const again = await preview(owner, file);
      await owner.imports.decide(again.id, 2, { decision: 'create' });
      expect((await owner.imports.commit(again.id)).counts.created).toBe(0);
      expect((await owner.expenses.list()).items).toHaveLength(2);
      // Revert removes the refund with the purchase.
      await owner.imports.revert(imp.id);
      expect((await owner.expenses.list()).items).toEqual([]);
    });
  });
}
