/**
 * Rules in the write path: compiled once per owner config version (not per write), and a
 * catastrophic pattern on a long text answers correctly (RE2 is linear; the speed is the
 * benchmark's, not a timed test's).
 */
import { describe, expect, it } from 'vitest';
import { Tracker } from '../src/index.js';
import { applyRulesToDraft, categoryChosenByUser } from '../src/rules/apply-to-draft.js';
import { parseBankFile } from '../src/imports/index.js';
import { applyRulesToBankRow } from '../src/rules/bank-rows.js';
import { compileRules } from '../src/rules/compile-rules.js';
import { chunksOf, collect } from './support/import-files.js';
import { openKyselyStore } from '../src/store/open-database.js';
import type { ExpenseRecord, Store, StoreSession } from '../src/store/store.js';

/** `store`, counting the calls of `rules.list` on it and on its transactions' sessions. */
function countingRuleLists(store: Store): { store: Store; lists: () => number } {
  let lists = 0;
  const wrap = (session: StoreSession): StoreSession => ({
    ...session,
    rules: {
      ...session.rules,
      list: (ownerId) => {
        lists++;
        return session.rules.list(ownerId);
      },
    },
  });
  const counted: Store = {
    ...wrap(store),
    dialect: store.dialect,
    transaction: (fn) => store.transaction((tx) => fn(wrap(tx))),
    migrate: () => store.migrate(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { store: counted, lists: () => lists };
}

describe('rules in expense writes', () => {
  it('500 rules are read (and compiled) once per config version, however many writes follow', async () => {
    const { store, lists } = countingRuleLists(await openKyselyStore({ database: ':memory:' }));
    const tracker = await Tracker.open({ store });
    await tracker.migrate();
    try {
      const owner = tracker.forOwner('alice');
      const cat = await owner.categories.create({ name: 'Never' });
      // Seeded in one transaction (as a bulk import of rules would be), the version bumped once.
      await store.transaction(async (tx) => {
        for (let i = 0; i < 500; i++) {
          await tx.rules.insert({
            id: `rul_${String(i).padStart(3, '0')}`,
            ownerId: 'alice',
            position: i,
            enabled: true,
            match: 'all',
            conditions: [{ field: 'merchant', op: 'is', value: `merchant ${i}` }],
            actions: [{ type: 'setCategory', categoryId: cat.id }],
            stop: false,
            createdAt: '2026-03-01T00:00:00.000Z',
            updatedAt: '2026-03-01T00:00:00.000Z',
          });
        }
        await tx.owners.bumpConfigVersion('alice');
      });
      const before = lists();
      for (let i = 0; i < 20; i++) await owner.expenses.create({ amount: '1', merchant: 'nobody' });
      expect(lists() - before).toBe(1);
      expect((await owner.expenses.create({ amount: '1', merchant: 'Merchant 499' })).categoryId).toBe(cat.id);
      await owner.rules.create({ conditions: [{ field: 'merchant', op: 'is', value: 'x' }], stop: true });
      const afterChange = lists();
      for (let i = 0; i < 5; i++) await owner.expenses.create({ amount: '1', merchant: 'nobody' });
      expect(lists() - afterChange).toBe(1);
    } finally {
      await tracker.close();
    }
  });

  it('(a+)+$ against a 10 kB description matches exactly where it should', () => {
    const rules = compileRules([
      {
        id: 'rul_slow',
        position: 0,
        conditions: [{ field: 'description', op: 'matches', value: '(a+)+$' }],
        actions: [{ type: 'setCategory', categoryId: 'cat_x' }],
      },
    ]);
    const row = (description: string): ExpenseRecord => ({
      id: 'exp_1',
      ownerId: 'alice',
      amountMinor: 100,
      currency: 'USD',
      date: '2026-03-01',
      categoryId: null,
      description,
      merchant: null,
      tags: [],
      notes: null,
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
      kind: 'expense',
      sourceKind: 'api',
      sourceId: null,
      sourceRow: null,
      categorySource: null,
      ruleId: null,
      externalId: null,
      sourceAccount: null,
      fingerprint: null,
    });
    const run = (description: string) => {
      const draft = row(description);
      return applyRulesToDraft(rules, draft, {
        userChoseCategory: categoryChosenByUser(draft, false),
        categoryIds: new Set(['cat_x']),
      }).draft.categoryId;
    };
    expect(run(`${'a'.repeat(10_000)}!`)).toBeNull();
    expect(run(`!${'a'.repeat(10_000)}`)).toBe('cat_x');
  });
});

describe('rules in an import preview', () => {
  it('a rule categorises an imported row on the bank’s own wording, and renames its merchant', async () => {
    const csv = [
      'Date,Amount,Currency,Description,Merchant',
      '2026-11-01,-1200.00,EUR,DAUERAUFTRAG MIETE NOVEMBER,Hausverwaltung',
      '2026-11-02,-4.50,EUR,KARTENZAHLUNG,STARBUCKS 123',
    ].join('\n');
    const parsed = await collect(
      parseBankFile(chunksOf(Buffer.from(csv, 'utf8'), 7), {
        format: 'csv',
        profile: {
          date: { column: 'Date' },
          amount: { kind: 'signed', column: 'Amount' },
          currency: { column: 'Currency' },
          description: 'Description',
          merchant: 'Merchant',
        },
      }),
    );
    const rows = parsed.flatMap((row) => (row.kind === 'row' ? [row] : []));
    const rules = compileRules([
      {
        id: 'rul_rent',
        position: 0,
        conditions: [
          { field: 'originalText', op: 'contains', value: 'miete' },
          { field: 'sourceKind', op: 'is', value: 'import' },
        ],
        actions: [{ type: 'setCategory', categoryId: 'cat_home' }],
      },
      {
        id: 'rul_coffee',
        position: 1,
        conditions: [{ field: 'merchant', op: 'matches', value: '^starbucks\\b' }],
        actions: [
          { type: 'setCategory', categoryId: 'cat_gone' },
          { type: 'setMerchant', merchant: 'Starbucks' },
        ],
      },
    ]);
    const ruled = rows.map((row) => applyRulesToBankRow(rules, row, new Set(['cat_home'])));
    expect(ruled).toEqual([
      {
        categoryId: 'cat_home',
        merchant: 'Hausverwaltung',
        notes: null,
        tags: [],
        ruleId: 'rul_rent',
        ruleIds: ['rul_rent'],
      },
      // A rule naming a category the owner no longer has still renames, but files nothing.
      { categoryId: null, merchant: 'Starbucks', notes: null, tags: [], ruleId: null, ruleIds: ['rul_coffee'] },
    ]);
  });
});
