import { expect } from 'vitest';
import { DEFAULT_OWNER_SETTINGS } from '../../owners/schema.js';
import type { ExpenseRecord } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { holdTransaction, settle } from './held-transaction.js';
import { AT, expenseRecord } from './records.js';

/** `owners`: settings, the owner's write lock, and the config version. */
export const ownerChecks: ContractGroup = {
  name: 'owners',
  checks: [
    check('getSettings is null for an unknown owner and returns what saveSettings stored', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      expect(await store.owners.getSettings(ownerId)).toBeNull();
      await store.owners.saveSettings(ownerId, { timezone: 'Asia/Tokyo', currency: 'JPY', weekStartsOn: 0 }, AT);
      expect(await store.owners.getSettings(ownerId)).toEqual({
        timezone: 'Asia/Tokyo',
        currency: 'JPY',
        weekStartsOn: 0,
      });
      await store.owners.saveSettings(ownerId, { timezone: 'UTC', currency: 'EUR', weekStartsOn: 1 }, AT);
      expect(await store.owners.getSettings(ownerId)).toEqual({ timezone: 'UTC', currency: 'EUR', weekStartsOn: 1 });
    }),

    check(
      'getState is null for an unknown owner, and gives a known one’s settings and config version',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        expect(await store.owners.getState(ownerId)).toBeNull();
        await store.owners.saveSettings(ownerId, { timezone: 'Europe/Paris', currency: 'EUR', weekStartsOn: 1 }, AT);
        const state = await store.owners.getState(ownerId);
        expect(state?.settings).toEqual({ timezone: 'Europe/Paris', currency: 'EUR', weekStartsOn: 1 });
        expect(Number.isInteger(state?.configVersion)).toBe(true);
      },
    ),

    check(
      'lock creates a new owner with the default settings, and answers the stored settings of a known one',
      async ({ store }) => {
        const fresh = uniqueOwnerId();
        const lock = await store.transaction((tx) => tx.owners.lock(fresh, AT));
        expect(lock.settings).toEqual(DEFAULT_OWNER_SETTINGS);
        // The owner now exists: a write makes it known, as getSettings documents.
        expect(await store.owners.getSettings(fresh)).toEqual(DEFAULT_OWNER_SETTINGS);
        expect(await store.owners.getState(fresh)).toEqual(lock);

        const known = uniqueOwnerId();
        await store.owners.saveSettings(known, { timezone: 'America/New_York', currency: 'CAD', weekStartsOn: 0 }, AT);
        const again = await store.transaction((tx) => tx.owners.lock(known, AT));
        expect(again.settings).toEqual({ timezone: 'America/New_York', currency: 'CAD', weekStartsOn: 0 });
      },
    ),

    check('lock in a transaction that rolls back leaves no owner behind', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const failure = new Error('rolled back on purpose');
      await expect(
        store.transaction(async (tx) => {
          await tx.owners.lock(ownerId, AT);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.owners.getState(ownerId)).toBeNull();
    }),

    check(
      'bumpConfigVersion gives a version not seen before, to lock and getState alike, and only for that owner',
      async ({ store }) => {
        const [ownerId, other] = [uniqueOwnerId(), uniqueOwnerId()];
        const seen = [(await store.transaction((tx) => tx.owners.lock(ownerId, AT))).configVersion];
        const otherBefore = (await store.transaction((tx) => tx.owners.lock(other, AT))).configVersion;
        for (let i = 0; i < 3; i += 1) {
          const locked = await store.transaction(async (tx) => {
            await tx.owners.lock(ownerId, AT);
            await tx.owners.bumpConfigVersion(ownerId);
            return tx.owners.getState(ownerId);
          });
          const version = locked!.configVersion;
          // Copies kept in memory are compared by version: a version that came back would pass a stale copy.
          expect(seen).not.toContain(version);
          seen.push(version);
          expect((await store.owners.getState(ownerId))?.configVersion).toBe(version);
          expect((await store.transaction((tx) => tx.owners.lock(ownerId, AT))).configVersion).toBe(version);
        }
        expect((await store.owners.getState(other))?.configVersion).toBe(otherBefore);
      },
    ),

    check('bumpConfigVersion in a transaction that rolls back leaves the version as it was', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const before = (await store.transaction((tx) => tx.owners.lock(ownerId, AT))).configVersion;
      await store
        .transaction(async (tx) => {
          await tx.owners.lock(ownerId, AT);
          await tx.owners.bumpConfigVersion(ownerId);
          throw new Error('rolled back on purpose');
        })
        .catch(() => undefined);
      expect((await store.owners.getState(ownerId))?.configVersion).toBe(before);
    }),

    check(
      'lock makes a second writer of the owner wait until the first commits, and then read what it wrote',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        await store.transaction((tx) => tx.owners.lock(ownerId, AT));
        const written = expenseRecord(ownerId);
        const log: string[] = [];
        // The first writer changes nothing but an expense under the lock: any other write to the
        // owner's row would make the second wait for that row instead, lock or no lock.
        const first = holdTransaction(store, async (tx) => {
          await tx.owners.lock(ownerId, AT);
          await tx.expenses.insert([written]);
          log.push('first holds the lock');
        });
        let second: Promise<ExpenseRecord | null> | undefined;
        try {
          await first.reached;
          second = peer.transaction(async (tx) => {
            await tx.owners.lock(ownerId, AT);
            log.push('second holds the lock');
            return tx.expenses.findById(ownerId, written.id);
          });
          await settle(second);
          log.push('first commits');
        } finally {
          first.end('commit');
        }
        const [, seen] = await Promise.all([first.done, second]);
        expect(log).toEqual(['first holds the lock', 'first commits', 'second holds the lock']);
        expect(seen).toEqual(written);
      },
    ),

    check(
      'lock is released when the holder rolls back, and the waiting writer goes on without its writes',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        await store.transaction((tx) => tx.owners.lock(ownerId, AT));
        const undone = expenseRecord(ownerId);
        const log: string[] = [];
        const first = holdTransaction(store, async (tx) => {
          await tx.owners.lock(ownerId, AT);
          await tx.expenses.insert([undone]);
          log.push('first holds the lock');
        });
        let second: Promise<ExpenseRecord | null> | undefined;
        try {
          await first.reached;
          second = peer.transaction(async (tx) => {
            await tx.owners.lock(ownerId, AT);
            log.push('second holds the lock');
            return tx.expenses.findById(ownerId, undone.id);
          });
          await settle(second);
          log.push('first rolls back');
        } finally {
          first.end('rollback');
        }
        const [outcome, seen] = await Promise.all([first.done, second]);
        expect(outcome).toBe('rolled back');
        expect(log).toEqual(['first holds the lock', 'first rolls back', 'second holds the lock']);
        expect(seen).toBeNull();
      },
    ),
  ],
};
