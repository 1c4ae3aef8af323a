import { describe, expect, it } from 'vitest';
import type { ExpenseInput } from '../../expenses/schema.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Half of the surrogate pair of 🍰 (U+1F370): a high surrogate, and a low one. */
const HIGH = '\uD83C';
const LOW = '\uDF70';

/**
 * Text both engines must store as given: an unpaired UTF-16 surrogate (which JSON can carry
 * and UTF-8 cannot) is refused on every text field, so SQLite (which stored it as three
 * U+FFFD) and PostgreSQL (one U+FFFD) never disagree with each other or with the answer and
 * the change feed (which kept it as sent); paired surrogates round-trip unchanged.
 */
export function textTests(getEnv: () => ConformanceEnv): void {
  describe('text', () => {
    it('an unpaired surrogate is refused in every text field of an expense (create, update, replace, batch), and nothing is stored', async () => {
      const owner = getEnv().newOwner();
      const kept = await owner.expenses.create({ amount: '1', description: 'kept' });
      const before = await owner.changes();
      for (const lone of [HIGH, LOW, `${LOW}${HIGH}`, `a${HIGH}`, `${LOW}b`]) {
        // Valid by type (a lone surrogate is a string): only validation can refuse them.
        const cases: [ExpenseInput, (string | number)[]][] = [
          [{ amount: '1', description: lone }, ['description']],
          [{ amount: '1', merchant: lone }, ['merchant']],
          [{ amount: '1', notes: lone }, ['notes']],
          [{ amount: '1', tags: ['ok', lone] }, ['tags', 1]],
        ];
        for (const [input, path] of cases) {
          await expectTrackerError(owner.expenses.create(input), 'VALIDATION_FAILED', path);
          await expectTrackerError(owner.expenses.createMany([{ amount: '2' }, input]), 'VALIDATION_FAILED', [
            1,
            ...path,
          ]);
          await expectTrackerError(owner.expenses.replace(kept.id, input), 'VALIDATION_FAILED', path);
          const { amount: _amount, ...patch } = input;
          await expectTrackerError(owner.expenses.update(kept.id, patch), 'VALIDATION_FAILED', path);
        }
        await expectTrackerError(owner.expenses.list({ q: lone }), 'VALIDATION_FAILED', ['q']);
      }
      expect((await owner.expenses.list()).items).toEqual([kept]);
      expect(await owner.changes()).toEqual(before);
    });

    it('an unpaired surrogate is refused in category and budget names, a category icon and an owner id', async () => {
      const { tracker } = getEnv();
      const owner = getEnv().newOwner();
      await expectTrackerError(owner.categories.create({ name: `Food ${HIGH}` }), 'VALIDATION_FAILED', ['name']);
      await expectTrackerError(owner.categories.create({ name: 'Food', icon: LOW }), 'VALIDATION_FAILED', ['icon']);
      await expectTrackerError(owner.budgets.create({ name: `Food ${LOW}`, amount: '10' }), 'VALIDATION_FAILED', [
        'name',
      ]);
      const category = await owner.categories.create({ name: 'Food' });
      await expectTrackerError(owner.categories.update(category.id, { name: HIGH }), 'VALIDATION_FAILED', ['name']);
      expect(await owner.categories.list()).toEqual([category]);
      expect(await owner.budgets.list()).toEqual([]);
      expect(() => tracker.forOwner(`owner ${HIGH}`)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    });

    it('paired surrogates (emoji) round-trip unchanged: the answer, a read, the listing, a search and the change feed agree', async () => {
      const owner = getEnv().newOwner();
      const text = {
        description: 'Cake 🍰 and tea 🍵',
        merchant: '𝒞afé 𝔑',
        notes: 'four-byte UTF-8: 😀👍🏽 ☕',
        tags: ['🍰', 'caf\u00e9'],
      };
      expect(`${HIGH}${LOW}`).toBe('🍰');
      const created = await owner.expenses.create({ amount: '4.20', ...text });
      expect(created).toMatchObject(text);
      expect(await owner.expenses.get(created.id)).toEqual(created);
      expect((await owner.expenses.list()).items).toEqual([created]);
      expect((await owner.expenses.list({ q: '🍰' })).items).toEqual([created]);
      const [event] = (await owner.changes()).events;
      expect(event).toMatchObject({ type: 'expense.created', data: { expense: created } });
      const category = await owner.categories.create({ name: 'Sweets 🍰', icon: '🧁' });
      expect(await owner.categories.get(category.id)).toEqual(category);
      expect(category).toMatchObject({ name: 'Sweets 🍰', icon: '🧁' });
    });
  });
}
