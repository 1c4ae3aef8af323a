import { describe, expect, it } from 'vitest';
import type { OwnerHandle } from '../../owner.js';
import type { Expense, ExpenseListQuery } from '../../expenses/schema.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Every page of a listing, following cursors. */
async function walk(owner: OwnerHandle, query: ExpenseListQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await owner.expenses.list({ ...query, cursor });
    ids.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
    if (pages > 1000) throw new Error('pagination does not end');
  } while (cursor);
  return { ids, pages };
}

const ids = (items: Expense[]) => items.map((e) => e.id);

/** Listing filters, order and keyset pagination. */
export function listingTests(getEnv: () => ConformanceEnv): void {
  describe('listing and pagination', () => {
    async function fixture() {
      const owner = getEnv().newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const travel = await owner.categories.create({ name: 'Travel' });
      const [coffee, train, hotel, misc, yen] = await owner.expenses.createMany([
        { amount: '3.50', date: '2026-01-05', categoryId: food.id, description: 'Coffee 100%', tags: ['Morning'] },
        { amount: '45.00', date: '2026-01-10', categoryId: travel.id, merchant: 'Rail_Co', tags: ['work', 'trip'] },
        { amount: '120.00', date: '2026-02-01', categoryId: travel.id, notes: 'Hotel in Zürich', tags: ['trip'] },
        { amount: '7.25', date: '2026-02-14', description: 'Flowers' },
        { amount: '900', currency: 'JPY', date: '2026-02-20', categoryId: food.id, description: 'Ramen' },
      ]);
      return { owner, food, travel, coffee: coffee!, train: train!, hotel: hotel!, misc: misc!, yen: yen! };
    }

    it('list() orders by date, newest first, then by id; and oldest first with order asc', async () => {
      const f = await fixture();
      expect(ids((await f.owner.expenses.list()).items)).toEqual([
        f.yen.id,
        f.misc.id,
        f.hotel.id,
        f.train.id,
        f.coffee.id,
      ]);
      expect(ids((await f.owner.expenses.list({ order: 'asc' })).items)).toEqual([
        f.coffee.id,
        f.train.id,
        f.hotel.id,
        f.misc.id,
        f.yen.id,
      ]);
    });

    it('list() sorts by amount in minor units, with a currency filter for a meaningful order', async () => {
      const f = await fixture();
      const page = await f.owner.expenses.list({ sort: 'amount', currency: 'USD' });
      expect(ids(page.items)).toEqual([f.hotel.id, f.train.id, f.misc.id, f.coffee.id]);
      expect(ids((await f.owner.expenses.list({ sort: 'amount', order: 'asc', currency: 'USD' })).items)[0]).toBe(
        f.coffee.id,
      );
    });

    it('list() filters by inclusive date range, categories (with none), tag, text, amount and currency', async () => {
      const f = await fixture();
      const list = async (query: ExpenseListQuery) => ids((await f.owner.expenses.list(query)).items).sort();
      const sorted = (...items: Expense[]) => ids(items).sort();
      expect(await list({ from: '2026-01-10', to: '2026-02-01' })).toEqual(sorted(f.train, f.hotel));
      expect(await list({ categoryId: f.travel.id })).toEqual(sorted(f.train, f.hotel));
      expect(await list({ categoryId: [f.food.id, 'none'] })).toEqual(sorted(f.coffee, f.misc, f.yen));
      expect(await list({ categoryId: 'none' })).toEqual(sorted(f.misc));
      expect(await list({ tag: 'TRIP' })).toEqual(sorted(f.train, f.hotel));
      expect(await list({ tag: ['morning', 'work'] })).toEqual(sorted(f.coffee, f.train));
      expect(await list({ q: 'zürich' })).toEqual(sorted(f.hotel));
      expect(await list({ q: 'ZÜRICH' })).toEqual(sorted(f.hotel));
      expect(await list({ q: 'rail_co' })).toEqual(sorted(f.train));
      expect(await list({ q: '100%' })).toEqual(sorted(f.coffee));
      expect(await list({ q: '%' })).toEqual(sorted(f.coffee));
      expect(await list({ q: '_' })).toEqual(sorted(f.train));
      expect(await list({ q: 'ramen' })).toEqual(sorted(f.yen));
      expect(await list({ minAmount: '7.25', maxAmount: '45' })).toEqual(sorted(f.train, f.misc));
      expect(await list({ minAmount: 500, currency: 'JPY' })).toEqual(sorted(f.yen));
      expect(await list({ currency: 'JPY' })).toEqual(sorted(f.yen));
      expect(await list({ categoryId: f.travel.id, tag: 'work', from: '2026-01-01' })).toEqual(sorted(f.train));
      // The same filters with other values: a listing's compiled SQL is reused, never its values.
      expect(await list({ tag: 'morning' })).toEqual(sorted(f.coffee));
      expect(await list({ categoryId: f.food.id })).toEqual(sorted(f.coffee, f.yen));
      expect(await list({ from: '2026-02-14', to: '2026-02-20' })).toEqual(sorted(f.misc, f.yen));
      expect(await list({ q: 'flowers' })).toEqual(sorted(f.misc));
    });

    it('list() rejects bad filters naming the field', async () => {
      const { owner } = await fixture();
      await expectTrackerError(owner.expenses.list({ from: '2026-13-01' }), 'VALIDATION_FAILED', ['from']);
      await expectTrackerError(owner.expenses.list({ from: '2026-02-01', to: '2026-01-01' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.expenses.list({ limit: 0 }), 'VALIDATION_FAILED', ['limit']);
      await expectTrackerError(owner.expenses.list({ limit: 201 }), 'VALIDATION_FAILED', ['limit']);
      await expectTrackerError(owner.expenses.list({ minAmount: '1.001' }), 'VALIDATION_FAILED', ['minAmount']);
      // @ts-expect-error -- 'merchant' is no sort order
      await expectTrackerError(owner.expenses.list({ sort: 'merchant' }), 'VALIDATION_FAILED', ['sort']);
      await expectTrackerError(owner.expenses.list({ cursor: 'not-a-cursor' }), 'VALIDATION_FAILED', ['cursor']);
      // @ts-expect-error -- the owner is the handle's, never a filter
      await expectTrackerError(owner.expenses.list({ ownerId: 'x' }), 'VALIDATION_FAILED');
    });

    it('pages of every size walk the whole listing once, in order, for each sort and order', async () => {
      const owner = getEnv().newOwner();
      // Many expenses share a date and an amount, so the id tie-breaker matters.
      await owner.expenses.createMany(
        Array.from({ length: 23 }, (_, i) => ({ amountMinor: 100 + (i % 4), date: `2026-03-0${1 + (i % 3)}` })),
      );
      for (const sort of ['date', 'amount'] as const) {
        for (const order of ['desc', 'asc'] as const) {
          const all = ids((await owner.expenses.list({ sort, order, limit: 200 })).items);
          expect(all).toHaveLength(23);
          for (const limit of [1, 2, 5, 22, 23, 24]) {
            const walked = await walk(owner, { sort, order, limit });
            expect(walked.ids).toEqual(all);
            expect(walked.pages).toBe(Math.max(1, Math.ceil(23 / limit)));
          }
        }
      }
    });

    it('an empty listing is one page with no cursor, and the last page has nextCursor null', async () => {
      const owner = getEnv().newOwner();
      expect(await owner.expenses.list()).toEqual({ items: [], nextCursor: null });
      await owner.expenses.createMany([{ amount: '1' }, { amount: '2' }]);
      const first = await owner.expenses.list({ limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toBeNull();
    });

    it('pagination is stable under concurrent inserts: nothing skipped, nothing repeated', async () => {
      const owner = getEnv().newOwner();
      const before = await owner.expenses.createMany(
        Array.from({ length: 10 }, (_, i) => ({
          amountMinor: 10 + i,
          date: `2026-06-${String(10 + i).padStart(2, '0')}`,
        })),
      );
      const seen: string[] = [];
      let page = await owner.expenses.list({ limit: 3 });
      seen.push(...ids(page.items));
      // New rows land on both sides of the cursor: newer dates (already passed) and older ones (still ahead).
      const newer = await owner.expenses.create({ amount: '1', date: '2026-06-30' });
      const older = await owner.expenses.create({ amount: '1', date: '2026-06-01' });
      while (page.nextCursor) {
        page = await owner.expenses.list({ limit: 3, cursor: page.nextCursor });
        seen.push(...ids(page.items));
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const expense of before) expect(seen).toContain(expense.id);
      expect(seen).toContain(older.id);
      expect(seen).not.toContain(newer.id);
    });

    it('listJson() is JSON.stringify(list()) to the byte, for every kind of field, filter, order and page', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const coffee = await owner.categories.create({ name: 'Coffee' });
      await owner.rules.create({
        conditions: [{ field: 'merchant', op: 'contains', value: 'starbucks' }],
        actions: [{ type: 'setCategory', categoryId: coffee.id }],
      });
      await owner.expenses.createMany([
        {
          amount: '12.34',
          date: '2026-03-01',
          categoryId: food.id,
          // Every character JSON escapes, and some it does not (DEL, the line separators, emoji).
          description: 'Quote " backslash \\ slash / tab\t newline\n return\r ff\f bs\b ctl \u0001\u001f del \u007f',
          merchant: 'Café ☕ 😀',
          notes: 'line\u2028sep\u2029end',
          tags: ['Work', 'naïve', 'a"b', 'x\\y'],
        },
        { amount: '5', currency: 'JPY', date: '2026-03-02', kind: 'refund' },
        { amount: '1.234', currency: 'KWD', date: '2026-03-02' },
        { amountMinor: 5, currency: 'CLF', date: '2026-03-02' },
        { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'JPY', date: '2026-03-03' },
        { amount: '0.01', date: '2026-03-03', source: { kind: 'manual', id: 'form-7' } },
        { amount: '4.10', date: '2026-03-04', merchant: 'Starbucks #12' },
      ]);
      await owner.expenses.import([{ date: '2026-03-05', amount: '3.20', description: 'Cafe', externalId: 'txn_1' }], {
        sourceKey: 'plaid:acc_1',
      });
      // A row the API never writes (a row number without a source id): the store still lists it.
      const at = '2026-03-06T10:00:00.000Z';
      await env.store.expenses.insert([
        {
          id: `exp_row_only_${owner.ownerId}`,
          ownerId: owner.ownerId,
          amountMinor: 700,
          kind: 'expense',
          currency: 'USD',
          date: '2026-03-06',
          categoryId: null,
          description: null,
          merchant: null,
          tags: [],
          notes: null,
          createdAt: at,
          updatedAt: at,
          sourceKind: 'import',
          sourceId: null,
          sourceRow: 3,
          categorySource: null,
          ruleId: null,
          externalId: null,
          sourceAccount: null,
          fingerprint: null,
        },
      ]);
      const all = await owner.expenses.list();
      expect(all.items).toHaveLength(9);
      // The fixture holds what it says: every branch of `source`, a rule's category, an import's identity.
      expect(all.items.map((e) => Object.keys(e.source).join())).toEqual(
        expect.arrayContaining(['kind', 'kind,id', 'kind,row', 'kind,id,row']),
      );
      expect(all.items.some((e) => e.categorySource === 'rule' && e.ruleId !== null)).toBe(true);
      expect(all.items.some((e) => e.externalId === 'txn_1' && e.sourceAccount !== null)).toBe(true);

      const same = async (query: ExpenseListQuery) =>
        expect(await owner.expenses.listJson(query)).toBe(JSON.stringify(await owner.expenses.list(query)));
      await same({});
      await same({ order: 'asc' });
      await same({ sort: 'amount', currency: 'JPY' });
      await same({ sort: 'amount', order: 'asc' });
      await same({ tag: 'work' });
      await same({ q: 'café' });
      await same({ categoryId: [coffee.id, 'none'], kind: 'expense' });
      await same({ from: '2026-03-02', to: '2026-03-03', limit: 2 });
      await same({ q: 'nothing like this' });
      let cursor: string | undefined;
      let pages = 0;
      do {
        const text = await owner.expenses.listJson({ limit: 3, cursor });
        expect(text).toBe(JSON.stringify(await owner.expenses.list({ limit: 3, cursor })));
        cursor = (JSON.parse(text) as { nextCursor: string | null }).nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(await env.newOwner().expenses.listJson()).toBe('{"items":[],"nextCursor":null}');
      await expectTrackerError(owner.expenses.listJson({ limit: 0 }), 'VALIDATION_FAILED', ['limit']);
    });

    it('a cursor made for one sort order is refused for another', async () => {
      const owner = getEnv().newOwner();
      await owner.expenses.createMany([{ amount: '1' }, { amount: '2' }, { amount: '3' }]);
      const { nextCursor } = await owner.expenses.list({ limit: 1 });
      expect(nextCursor).toEqual(expect.any(String));
      await expectTrackerError(
        owner.expenses.list({ limit: 1, sort: 'amount', cursor: nextCursor! }),
        'VALIDATION_FAILED',
        ['cursor'],
      );
      await expectTrackerError(
        owner.expenses.list({ limit: 1, order: 'asc', cursor: nextCursor! }),
        'VALIDATION_FAILED',
        ['cursor'],
      );
    });
  });
}
