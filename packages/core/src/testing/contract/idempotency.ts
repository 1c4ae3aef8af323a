import { expect } from 'vitest';
import type { IdempotencyRecord } from '../../idempotency/repository.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { holdTransaction, settle } from './held-transaction.js';

let counter = 0;

/** A record of `ownerId` (a new owner unless given) under a fresh key. */
function record(ownerId = uniqueOwnerId(), extra: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  counter += 1;
  return {
    ownerId,
    key: `key-${counter}`,
    fingerprint: `POST /expenses ${counter}`,
    result: JSON.stringify({ n: counter }),
    createdAt: '2026-03-01T10:00:00.000Z',
    ...extra,
  };
}

/** `idempotency`: the recorded result of a keyed write, one per (owner, key). */
export const idempotencyChecks: ContractGroup = {
  name: 'idempotency',
  checks: [
    check(
      'insert stores the record and find reads it back; find is null for another key or another owner',
      async ({ store }) => {
        const mine = record(undefined, { result: null });
        await store.transaction((tx) => tx.idempotency.insert(mine));
        expect(await store.idempotency.find(mine.ownerId, mine.key)).toEqual(mine);
        expect(await store.idempotency.find(mine.ownerId, 'key-missing')).toBeNull();
        expect(await store.idempotency.find(uniqueOwnerId(), mine.key)).toBeNull();
      },
    ),

    check(
      'insert of a second record for the same (owner, key) fails with CONFLICT and keeps the first; another owner may use the key',
      async ({ store }) => {
        const first = record();
        await store.transaction((tx) => tx.idempotency.insert(first));
        const again = { ...first, fingerprint: 'another write', result: '"again"' };
        await expect(store.transaction((tx) => tx.idempotency.insert(again))).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        expect(await store.idempotency.find(first.ownerId, first.key)).toEqual(first);
        const theirs = { ...first, ownerId: uniqueOwnerId() };
        await store.transaction((tx) => tx.idempotency.insert(theirs));
        expect(await store.idempotency.find(theirs.ownerId, theirs.key)).toEqual(theirs);
      },
    ),

    check(
      'insert from two concurrent transactions for one key: the second fails with CONFLICT once the first commits',
      async ({ store, peer }) => {
        const mine = record(undefined, { result: '"first writer"' });
        const theirs = { ...mine, result: '"second writer"' };
        const first = holdTransaction(store, (tx) => tx.idempotency.insert(mine));
        let second: Promise<void> | undefined;
        try {
          await first.reached;
          // The second writer inserts while the first has inserted but not committed: only a
          // unique key on (owner, key) can refuse it.
          second = peer.transaction((tx) => tx.idempotency.insert(theirs));
          await settle(second);
        } finally {
          first.end('commit');
        }
        await first.done;
        await expect(second).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(await store.idempotency.find(mine.ownerId, mine.key)).toEqual(mine);
      },
    ),

    check('insert after a concurrent first writer rolls back stores the second record', async ({ store, peer }) => {
      const undone = record(undefined, { result: '"rolled back"' });
      const kept = { ...undone, result: '"kept"' };
      const first = holdTransaction(store, (tx) => tx.idempotency.insert(undone));
      let second: Promise<void> | undefined;
      try {
        await first.reached;
        second = peer.transaction((tx) => tx.idempotency.insert(kept));
        await settle(second);
      } finally {
        first.end('rollback');
      }
      expect(await first.done).toBe('rolled back');
      await second;
      expect(await store.idempotency.find(kept.ownerId, kept.key)).toEqual(kept);
    }),

    check(
      'deleteBefore deletes the owner’s records created before the instant, answers how many, and leaves other owners’',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const old = record(ownerId, { createdAt: '2026-03-01T09:59:59.999Z' });
        const edge = record(ownerId, { createdAt: '2026-03-01T10:00:00.000Z' });
        const theirs = record(uniqueOwnerId(), { createdAt: '2026-02-01T00:00:00.000Z' });
        await store.transaction(async (tx) => {
          for (const r of [old, edge, theirs]) await tx.idempotency.insert(r);
        });
        expect(await store.idempotency.deleteBefore(ownerId, '2026-03-01T10:00:00.000Z')).toBe(1);
        expect(await store.idempotency.find(ownerId, old.key)).toBeNull();
        expect(await store.idempotency.find(ownerId, edge.key)).toEqual(edge);
        expect(await store.idempotency.find(theirs.ownerId, theirs.key)).toEqual(theirs);
        expect(await store.idempotency.deleteBefore(ownerId, '2026-03-01T10:00:00.000Z')).toBe(0);
      },
    ),
  ],
};
