import { describe, expect, it, vi } from 'vitest';
import { actorSchema } from '../../actor.js';
import { expenseInputSchema } from '../../expenses/schema.js';
import { uniqueOwnerId, type ConformanceEnv } from '../harness.js';

/** Provenance of expenses and the actor of events (SPEC §7.0). */
export function provenanceTests(getEnv: () => ConformanceEnv): void {
  describe('provenance and actor', () => {
    it('an expense is `api` by default, `manual` when the caller says so, and never `import` from the caller', async () => {
      const owner = getEnv().newOwner();
      const posted = await owner.expenses.create({ amount: '1' });
      expect(posted.source).toEqual({ kind: 'api' });
      const typed = await owner.expenses.create({ amount: '1', source: { kind: 'manual', id: 'form-7' } });
      expect(typed.source).toEqual({ kind: 'manual', id: 'form-7' });
      expect((await owner.expenses.get(typed.id)).source).toEqual({ kind: 'manual', id: 'form-7' });
      // The input's type has no `import`; the schema refuses it from untyped callers too.
      expect(expenseInputSchema.safeParse({ amount: '1', source: { kind: 'import' } }).success).toBe(false);
      expect(expenseInputSchema.safeParse({ amount: '1', source: { kind: 'schedule' } }).success).toBe(false);
      const moved = await owner.expenses.update(posted.id, { source: { kind: 'manual' } });
      expect(moved.source).toEqual({ kind: 'manual' });
      expect(posted).toMatchObject({ externalId: null, sourceAccount: null, fingerprint: null, ruleId: null });
    });

    it('categorySource is `user` when the caller gives a category, null without one, and follows updates', async () => {
      const owner = getEnv().newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const bare = await owner.expenses.create({ amount: '1' });
      expect(bare.categorySource).toBeNull();
      const tagged = await owner.expenses.create({ amount: '1', categoryId: food.id });
      expect(tagged.categorySource).toBe('user');
      expect((await owner.expenses.update(bare.id, { categoryId: food.id })).categorySource).toBe('user');
      expect((await owner.expenses.update(tagged.id, { categoryId: null })).categorySource).toBeNull();
      expect((await owner.expenses.update(bare.id, { notes: 'x' })).categorySource).toBe('user');
      const [batch] = await owner.expenses.createMany([{ amount: '2', categoryId: food.id }]);
      expect(batch?.categorySource).toBe('user');
    });

    it('provenance is in the change feed and the export', async () => {
      const owner = getEnv().newOwner();
      await owner.expenses.create({ amount: '1', source: { kind: 'manual' } });
      const { events } = await owner.changes();
      expect(events[0]?.type === 'expense.created' && events[0].data.expense.source).toEqual({ kind: 'manual' });
      let json = '';
      for await (const chunk of owner.export({ format: 'json' })) json += chunk;
      expect((JSON.parse(json) as { source: unknown; categorySource: unknown }[])[0]).toMatchObject({
        source: { kind: 'manual' },
        categorySource: null,
      });
    });

    it('every event carries its actor: the owner’s account by default, or the one forOwner was given', async () => {
      const { tracker } = getEnv();
      const ownerId = uniqueOwnerId();
      const seen: unknown[] = [];
      const off = tracker.on('*', (event) => {
        if (event.ownerId === ownerId) seen.push(event.actor);
      });
      try {
        await tracker.forOwner(ownerId).expenses.create({ amount: '1' });
        await tracker.forOwner(ownerId, { actor: { kind: 'token', id: 'tok_9' } }).categories.create({ name: 'A' });
        await tracker.forOwner(ownerId, { actor: { kind: 'system' } }).expenses.create({ amount: '2' });
        const followed: unknown[] = [];
        const follower = await tracker.forOwner(ownerId).follow({
          after: 0,
          deliver: (e) => void followed.push(e.actor),
          onError: (error) => followed.push(error),
        });
        const expected = [{ kind: 'account', id: ownerId }, { kind: 'token', id: 'tok_9' }, { kind: 'system' }];
        expect((await tracker.forOwner(ownerId).changes()).events.map((e) => e.actor)).toEqual(expected);
        expect(seen).toEqual(expected);
        await vi.waitFor(() => expect(followed).toEqual(expected));
        follower.close();
      } finally {
        off();
      }
      expect(actorSchema.safeParse({ kind: 'robot', id: 'r2' }).success).toBe(false);
    });
  });
}
