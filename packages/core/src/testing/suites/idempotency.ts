import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../../errors.js';
import type { TrackerEvent } from '../../events.js';
import type { IdempotencyRecord } from '../../idempotency/repository.js';
import { expectTrackerError, uniqueOwnerId, type ConformanceEnv } from '../harness.js';

const AT = '2026-03-01T10:00:00.000Z';

function record(ownerId: string, key: string, extra: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return { ownerId, key, fingerprint: 'fp-1', result: '{"id":"exp_1"}', createdAt: AT, ...extra };
}

/** Counts the events the tracker emits for one owner while `fn` runs. */
async function eventsDuring(env: ConformanceEnv, ownerId: string, fn: () => Promise<unknown>): Promise<TrackerEvent[]> {
  const seen: TrackerEvent[] = [];
  const off = env.tracker.on('*', (event) => {
    if (event.ownerId === ownerId) seen.push(event);
  });
  try {
    await fn();
  } finally {
    off();
  }
  return seen;
}

/**
 * Idempotent writes (`owner.withIdempotencyKey`): the `idempotency` repository called
 * directly, and the SDK behaviour built on it. A write and its key's record commit in one
 * transaction, so a retry after any crash finds the record of every committed write.
 */
export function idempotencyTests(getEnv: () => ConformanceEnv): void {
  describe('idempotency', () => {
    it('idempotency.insert, find and deleteBefore round-trip, scoped by owner; a second record for one (owner, key) is a CONFLICT', async () => {
      const { store } = getEnv();
      const alice = uniqueOwnerId();
      const bob = uniqueOwnerId();
      const first = record(alice, 'k1');
      await store.idempotency.insert(first);
      expect(await store.idempotency.find(alice, 'k1')).toEqual(first);
      expect(await store.idempotency.find(alice, 'missing')).toBeNull();
      expect(await store.idempotency.find(bob, 'k1')).toBeNull();
      const again = await store.idempotency
        .insert(record(alice, 'k1', { fingerprint: 'fp-2' }))
        .catch((e: unknown) => e);
      expect(isTrackerError(again, 'CONFLICT')).toBe(true);
      expect(await store.idempotency.find(alice, 'k1')).toEqual(first);
      // Another owner's key is another record; a write with no result stores null.
      const bobs = record(bob, 'k1', { result: null, createdAt: '2026-03-01T09:00:00.000Z' });
      await store.idempotency.insert(bobs);
      expect(await store.idempotency.find(bob, 'k1')).toEqual(bobs);
      const later = record(alice, 'k2', { createdAt: '2026-03-02T10:00:00.000Z' });
      await store.idempotency.insert(later);

      // deleteBefore: only the owner's records created strictly before the instant.
      expect(await store.idempotency.deleteBefore(alice, AT)).toBe(0);
      expect(await store.idempotency.deleteBefore(alice, '2026-03-02T00:00:00.000Z')).toBe(1);
      expect(await store.idempotency.find(alice, 'k1')).toBeNull();
      expect(await store.idempotency.find(alice, 'k2')).toEqual(later);
      expect(await store.idempotency.find(bob, 'k1')).toEqual(bobs);
    });

    it('idempotency.insert is decided by the unique key: of two concurrent transactions inserting one (owner, key), one commits and one is a CONFLICT', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const results = await Promise.allSettled(
        ['fp-a', 'fp-b'].map((fingerprint) =>
          store.transaction((tx) => tx.idempotency.insert(record(ownerId, 'race', { fingerprint }))),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(isTrackerError(rejected?.reason, 'CONFLICT')).toBe(true);
      expect(['fp-a', 'fp-b']).toContain((await store.idempotency.find(ownerId, 'race'))?.fingerprint);
    });

    it('idempotency on a transaction’s session is bound to it: a record inserted in a transaction that rolls back is gone', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const failed = await store
        .transaction(async (tx) => {
          await tx.idempotency.insert(record(ownerId, 'rolled-back'));
          expect(await tx.idempotency.find(ownerId, 'rolled-back')).not.toBeNull();
          throw new Error('the write failed after its record was inserted');
        })
        .catch((e: unknown) => e);
      expect((failed as Error).message).toMatch(/after its record/);
      expect(await store.idempotency.find(ownerId, 'rolled-back')).toBeNull();
    });

    it('a write under a key runs once: a retry with the key returns the recorded result, writes nothing and emits nothing', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      let replays = 0;
      const keyed = () => owner.withIdempotencyKey('lunch-1', { onReplay: () => (replays += 1) });
      let first: Awaited<ReturnType<typeof owner.expenses.create>> | undefined;
      const firstEvents = await eventsDuring(env, owner.ownerId, async () => {
        first = await keyed().expenses.create({ amount: '12.50', description: 'Lunch' });
      });
      expect(firstEvents.map((e) => e.type)).toEqual(['expense.created']);
      expect(replays).toBe(0);

      env.clock.set(new Date(Date.now() + 60 * 60 * 1000)); // an hour later
      let retried: typeof first;
      const retryEvents = await eventsDuring(env, owner.ownerId, async () => {
        retried = await keyed().expenses.create({ amount: '12.50', description: 'Lunch' });
      });
      expect(retried).toEqual(first);
      expect(replays).toBe(1);
      expect(retryEvents).toEqual([]);
      expect((await owner.expenses.list()).items).toHaveLength(1);
      expect((await owner.changes()).lastSeq).toBe(1);
      // The record was written with the write: its result is what the write returned.
      const stored = await env.store.idempotency.find(owner.ownerId, 'lunch-1');
      expect(JSON.parse(stored!.result!)).toEqual(first);
      expect(stored!.createdAt).toBe(first!.createdAt);
    });

    it('the same key for another input or another operation is IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
      const owner = getEnv().newOwner();
      await owner.withIdempotencyKey('k').expenses.create({ amount: '5.00' });
      await expectTrackerError(
        owner.withIdempotencyKey('k').expenses.create({ amount: '6.00' }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      await expectTrackerError(
        owner.withIdempotencyKey('k').expenses.createMany([{ amount: '5.00' }]),
        'IDEMPOTENCY_KEY_REUSED',
      );
      await expectTrackerError(
        owner.withIdempotencyKey('k').categories.create({ name: 'Food' }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect((await owner.expenses.list()).items.map((e) => e.amount)).toEqual(['5.00']);
      expect(await owner.categories.list()).toEqual([]);
      expect((await owner.changes()).lastSeq).toBe(1);
    });

    it('with a fingerprint of the host’s, the fingerprint decides, not the arguments', async () => {
      const owner = getEnv().newOwner();
      const created = await owner
        .withIdempotencyKey('req-1', { fingerprint: 'POST /expenses #1' })
        .expenses.create({ amount: '5.00', date: '2026-03-01' });
      // The same request whose arguments came out differently (derived from state that moved on) is a replay…
      expect(
        await owner
          .withIdempotencyKey('req-1', { fingerprint: 'POST /expenses #1' })
          .expenses.create({ amount: '5.00', date: '2026-03-02' }),
      ).toEqual(created);
      // …and another request with the same arguments is not.
      await expectTrackerError(
        owner
          .withIdempotencyKey('req-1', { fingerprint: 'POST /expenses #2' })
          .expenses.create({ amount: '5.00', date: '2026-03-01' }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect((await owner.expenses.list()).items).toHaveLength(1);
    });

    it('a write that fails records nothing: the key is free for a retry with fixed input', async () => {
      const owner = getEnv().newOwner();
      // Refused inside the transaction, after the key was looked up: the key's record rolls back with it.
      await expectTrackerError(
        owner.withIdempotencyKey('k').expenses.create({ amount: '5.00', categoryId: 'cat_missing' }),
        'VALIDATION_FAILED',
        ['categoryId'],
      );
      await expectTrackerError(owner.withIdempotencyKey('k').expenses.create({ amount: 'five' }), 'VALIDATION_FAILED', [
        'amount',
      ]);
      expect(await getEnv().store.idempotency.find(owner.ownerId, 'k')).toBeNull();
      const fixed = await owner.withIdempotencyKey('k').expenses.create({ amount: '5.00' });
      expect((await owner.expenses.list()).items.map((e) => e.id)).toEqual([fixed.id]);
    });

    it('attempts under one key sent at once write once, and every one returns that write’s result', async () => {
      const owner = getEnv().newOwner();
      let replays = 0;
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          owner
            .withIdempotencyKey('burst', { onReplay: () => (replays += 1) })
            .expenses.create({ amount: '3.20', description: 'Coffee' }),
        ),
      );
      expect(new Set(attempts.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(replays).toBe(5);
      expect((await owner.expenses.list()).items).toHaveLength(1);
      expect((await owner.changes()).lastSeq).toBe(1);
    });

    it('a key is replayed for 24 hours from its write, then forgotten: the next write under it runs', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-03-01T10:00:00.000Z');
      const first = await owner.withIdempotencyKey('daily').expenses.create({ amount: '9.99' });
      env.clock.set('2026-03-02T09:59:59.999Z');
      expect(await owner.withIdempotencyKey('daily').expenses.create({ amount: '9.99' })).toEqual(first);
      env.clock.set('2026-03-02T10:00:00.000Z');
      const second = await owner.withIdempotencyKey('daily').expenses.create({ amount: '9.99' });
      expect(second.id).not.toBe(first.id);
      expect((await owner.expenses.list()).items).toHaveLength(2);
      expect((await env.store.idempotency.find(owner.ownerId, 'daily'))?.createdAt).toBe('2026-03-02T10:00:00.000Z');
    });

    it('keys are per owner: the same key of two owners names two writes', async () => {
      const env = getEnv();
      const alice = env.newOwner();
      const bob = env.newOwner();
      const hers = await alice.withIdempotencyKey('shared').expenses.create({ amount: '1.00' });
      const his = await bob.withIdempotencyKey('shared').expenses.create({ amount: '1.00' });
      expect(his.id).not.toBe(hers.id);
      expect((await bob.expenses.list()).items.map((e) => e.id)).toEqual([his.id]);
    });

    it('every write of the owner handle records its result, and its retry returns the same without writing', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-03-10T12:00:00Z');
      let n = 0;
      /** Runs `call` under a new key, then again under the same key: the retry must be a replay. */
      const twice = async <T>(call: (keyed: typeof owner) => Promise<T>): Promise<T> => {
        const key = `op-${(n += 1)}`;
        const first = await call(owner.withIdempotencyKey(key));
        const seq = (await owner.changes()).lastSeq;
        let replayed = false;
        expect(await call(owner.withIdempotencyKey(key, { onReplay: () => (replayed = true) }))).toEqual(first);
        expect(replayed).toBe(true);
        expect((await owner.changes()).lastSeq).toBe(seq);
        return first;
      };
      expect(await twice((o) => o.settings.update({ currency: 'EUR' }))).toMatchObject({ currency: 'EUR' });
      const food = await twice((o) => o.categories.create({ name: 'Food' }));
      await twice((o) => o.categories.update(food.id, { color: '#22AA55' }));
      const misc = await twice((o) => o.categories.replace(food.id, { name: 'Misc' }));
      expect(misc.name).toBe('Misc');
      const [a, b] = await twice((o) =>
        o.expenses.createMany([{ amount: '1.00' }, { amount: '2.00', categoryId: food.id }]),
      );
      await twice((o) => o.expenses.update(a!.id, { notes: 'noted' }));
      await twice((o) => o.expenses.replace(a!.id, { amount: '1.50' }));
      expect(await twice((o) => o.expenses.delete(b!.id))).toBeUndefined();
      const overall = await twice((o) => o.budgets.setOverall({ name: 'Month', amount: '10.00' }));
      expect(overall.created).toBe(true);
      await twice((o) => o.budgets.update(overall.budget.id, { amount: '12.00' }));
      await twice((o) => o.budgets.replace(overall.budget.id, { name: 'Month', amount: '11.00' }));
      const rule = await twice((o) => o.alerts.create({ budgetId: overall.budget.id, thresholdPercent: 50 }));
      await twice((o) => o.alerts.update(rule.id, { active: false }));
      await twice((o) => o.alerts.delete(rule.id));
      await owner.expenses.create({ amount: '9.00', currency: 'EUR' }); // crosses 80 %: a notification
      const [notification] = await owner.notifications.list();
      expect((await twice((o) => o.notifications.markRead(notification!.id))).readAt).not.toBeNull();
      await twice((o) => o.budgets.delete(overall.budget.id));
      await twice((o) => o.categories.delete(food.id, { uncategorize: true }));
      expect(await twice((o) => o.rebuildTotals())).toBeGreaterThan(0);
    });

    it('a keyed handle stands for one write: a second write through it is refused; reads through it are plain reads', async () => {
      const owner = getEnv().newOwner();
      const keyed = owner.withIdempotencyKey('one');
      const lunch = await keyed.expenses.create({ amount: '8.00' });
      expect(await keyed.expenses.get(lunch.id)).toEqual(lunch);
      await expectTrackerError(keyed.expenses.create({ amount: '9.00' }), 'IDEMPOTENCY_KEY_REUSED');
      await expectTrackerError(keyed.expenses.create({ amount: '8.00' }), 'IDEMPOTENCY_KEY_REUSED');
      expect((await owner.expenses.list()).items).toHaveLength(1);
    });

    it('an empty key, or one longer than 255 characters, is VALIDATION_FAILED', () => {
      const owner = getEnv().newOwner();
      for (const key of ['', 'k'.repeat(256)]) {
        let thrown: unknown;
        try {
          owner.withIdempotencyKey(key);
        } catch (error) {
          thrown = error;
        }
        expect(isTrackerError(thrown, 'VALIDATION_FAILED')).toBe(true);
      }
      expect(owner.withIdempotencyKey('k'.repeat(255)).ownerId).toBe(owner.ownerId);
    });
  });
}
