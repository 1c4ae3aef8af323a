import { expect } from 'vitest';
import { isTrackerError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { expenseRecord } from './records.js';

/** What an insert or update that should fail with `CONFLICT` answered. */
async function conflict(write: Promise<unknown>): Promise<boolean> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isTrackerError(error, 'CONFLICT');
}

const ids = async (store: Store, ownerId: string, account: string, externalIds: string[], fingerprints: string[]) =>
  (await store.expenses.findByIdentity(ownerId, account, { externalIds, fingerprints })).map((e) => e.id).sort();

/** `expenses`: bank-line identity (external id, fingerprint) unique per (owner, source account). */
export const identityChecks: ContractGroup = {
  name: 'expense identity',
  checks: [
    check(
      'insert of an external id the (owner, source account) already has is a CONFLICT and keeps the first',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const first = expenseRecord(ownerId, { sourceAccount: 'checking', externalId: 'FIT-1', fingerprint: 'f:1' });
        await store.expenses.insert([first]);
        const again = expenseRecord(ownerId, { sourceAccount: 'checking', externalId: 'FIT-1' });
        expect(await conflict(store.expenses.insert([again]))).toBe(true);
        expect(await ids(store, ownerId, 'checking', ['FIT-1'], [])).toEqual([first.id]);
        expect(await store.expenses.findById(ownerId, again.id)).toBeNull();
        // Another account, another owner, and no identity at all are all free.
        await store.expenses.insert([expenseRecord(ownerId, { sourceAccount: 'savings', externalId: 'FIT-1' })]);
        await store.expenses.insert([
          expenseRecord(uniqueOwnerId(), { sourceAccount: 'checking', externalId: 'FIT-1' }),
        ]);
        await store.expenses.insert([expenseRecord(ownerId), expenseRecord(ownerId)]);
      },
    ),

    check(
      'insert or update to a fingerprint the (owner, source account) already has is a CONFLICT and keeps the first',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const first = expenseRecord(ownerId, { sourceAccount: 'checking', fingerprint: 'abc:1' });
        await store.expenses.insert([first]);
        const again = expenseRecord(ownerId, { sourceAccount: 'checking', fingerprint: 'abc:1' });
        expect(await conflict(store.expenses.insert([again]))).toBe(true);
        const typed = expenseRecord(ownerId);
        await store.expenses.insert([typed]);
        expect(
          await conflict(store.expenses.update({ ...typed, sourceAccount: 'checking', fingerprint: 'abc:1' })),
        ).toBe(true);
        expect(await ids(store, ownerId, 'checking', [], ['abc:1'])).toEqual([first.id]);
        expect(await store.expenses.findById(ownerId, typed.id)).toEqual(typed);
        // The second occurrence of the same line is another key.
        await store.expenses.insert([expenseRecord(ownerId, { sourceAccount: 'checking', fingerprint: 'abc:2' })]);
      },
    ),

    check(
      'findLinkCandidates answers expenses of the amount, currency and dates that are neither imported nor linked',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const typed = expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-02', sourceKind: 'manual' });
        const scheduled = expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-04', sourceKind: 'schedule' });
        await store.expenses.insert([
          typed,
          scheduled,
          expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-03', sourceKind: 'import' }),
          expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-03', sourceAccount: 'a', externalId: 'x' }),
          expenseRecord(ownerId, { amountMinor: 451, date: '2026-03-03' }),
          expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-03', currency: 'EUR' }),
          expenseRecord(ownerId, { amountMinor: 450, date: '2026-03-09' }),
        ]);
        await store.expenses.insert([expenseRecord(uniqueOwnerId(), { amountMinor: 450, date: '2026-03-03' })]);
        const found = await store.expenses.findLinkCandidates(ownerId, {
          amountMinor: 450,
          currency: 'USD',
          from: '2026-03-01',
          to: '2026-03-05',
          limit: 10,
        });
        expect(found.map((e) => e.id)).toEqual([typed.id, scheduled.id]);
      },
    ),
  ],
};
