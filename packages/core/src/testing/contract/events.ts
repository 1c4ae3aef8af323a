import { expect } from 'vitest';
import type { EventRecord } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { holdTransaction, settle } from './held-transaction.js';
import { AT, expenseRecord } from './records.js';

const seqsOf = (records: readonly EventRecord[]) => records.map((r) => r.seq);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** `events`: the outbox and the change feed. */
export const eventChecks: ContractGroup = {
  name: 'events',
  checks: [
    check(
      'append gives consecutive seqs per owner inside a transaction, and list and lastSeq read them back',
      async ({ store }) => {
        const [one, two] = [uniqueOwnerId(), uniqueOwnerId()];
        expect(await store.events.lastSeq(one)).toBe(0);
        expect(await store.events.list(one, 0, 10)).toEqual([]);
        const first = await store.transaction((tx) =>
          tx.events.append(
            one,
            [
              { type: 't.a', data: { n: 1 } },
              { type: 't.b', data: { n: 2 } },
            ],
            AT,
          ),
        );
        const other = await store.transaction((tx) => tx.events.append(two, [{ type: 't.a', data: {} }], AT));
        const second = await store.transaction((tx) =>
          tx.events.append(one, [{ type: 't.c', data: { nested: [1, 'x'], text: 'é 💶' } }], AT),
        );
        expect(first).toEqual([
          { seq: 1, ownerId: one, type: 't.a', data: { n: 1 }, at: AT, actor: { kind: 'account', id: one } },
          { seq: 2, ownerId: one, type: 't.b', data: { n: 2 }, at: AT, actor: { kind: 'account', id: one } },
        ]);
        expect(seqsOf(other)).toEqual([1]);
        expect(seqsOf(second)).toEqual([3]);
        expect(await store.events.lastSeq(one)).toBe(3);
        expect(await store.events.list(one, 1, 10)).toEqual([first[1], second[0]]);
        expect(await store.events.list(one, 0, 1)).toEqual([first[0]]);
        expect(await store.events.list(one, 3, 10)).toEqual([]);
        expect(await store.transaction((tx) => tx.events.append(one, [], AT))).toEqual([]);
        expect(await store.events.lastSeq(one)).toBe(3);
      },
    ),

    check(
      'append stores the actor given (an account, a token, the system) and list reads it back',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const actors = [
          { kind: 'token', id: 'tok_1' },
          { kind: 'system' },
          { kind: 'account', id: 'someone' },
        ] as const;
        for (const actor of actors) {
          await store.transaction((tx) => tx.events.append(ownerId, [{ type: 't', data: {} }], AT, actor));
        }
        expect((await store.events.list(ownerId, 0, 10)).map((e) => e.actor)).toEqual(actors);
      },
    ),

    check('a transaction that rolls back gives back the seqs it took, with every other write', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const row = expenseRecord(ownerId);
      const failure = new Error('rolled back on purpose');
      await expect(
        store.transaction(async (tx) => {
          await tx.expenses.insert([row]);
          await tx.events.append(ownerId, [{ type: 't', data: {} }], AT);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.expenses.findById(ownerId, row.id)).toBeNull();
      expect(await store.events.lastSeq(ownerId)).toBe(0);
      const next = await store.transaction((tx) => tx.events.append(ownerId, [{ type: 't', data: {} }], AT));
      expect(seqsOf(next)).toEqual([1]);
    }),

    check(
      'append of a second transaction of the owner waits until the first commits, then takes the next seqs',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        const log: string[] = [];
        const first = holdTransaction(store, async (tx) => {
          const records = await tx.events.append(ownerId, [{ type: 'first', data: {} }], AT);
          log.push('first appended');
          return records;
        });
        let second: Promise<EventRecord[]> | undefined;
        try {
          await first.reached;
          second = peer.transaction(async (tx) => {
            const records = await tx.events.append(
              ownerId,
              [
                { type: 'second', data: {} },
                { type: 'second', data: {} },
              ],
              AT,
            );
            log.push('second appended');
            return records;
          });
          await settle(second);
          log.push('first commits');
        } finally {
          first.end('commit');
        }
        const [firstRecords, secondRecords] = await Promise.all([first.done, second]);
        expect(log).toEqual(['first appended', 'first commits', 'second appended']);
        expect(seqsOf(firstRecords as EventRecord[])).toEqual([1]);
        expect(seqsOf(secondRecords ?? [])).toEqual([2, 3]);
        expect((await store.events.list(ownerId, 0, 10)).map((e) => `${e.seq}:${e.type}`)).toEqual([
          '1:first',
          '2:second',
          '3:second',
        ]);
      },
    ),

    check(
      'append of a second transaction takes the seqs a first one gave back by rolling back',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        const first = holdTransaction(store, (tx) => tx.events.append(ownerId, [{ type: 'undone', data: {} }], AT));
        let second: Promise<EventRecord[]> | undefined;
        try {
          await first.reached;
          second = peer.transaction((tx) => tx.events.append(ownerId, [{ type: 'kept', data: {} }], AT));
          await settle(second);
        } finally {
          first.end('rollback');
        }
        expect(await first.done).toBe('rolled back');
        expect(seqsOf((await second) ?? [])).toEqual([1]);
        expect((await store.events.list(ownerId, 0, 10)).map((e) => `${e.seq}:${e.type}`)).toEqual(['1:kept']);
      },
    ),

    check(
      '30 concurrent transactions appending for one owner (some rolling back) leave gapless seqs, and a reader only ever sees a prefix',
      async ({ store, peer }) => {
        const ownerId = uniqueOwnerId();
        const snapshots: number[][] = [];
        let writing = true;
        const reader = (async () => {
          while (writing) {
            snapshots.push(seqsOf(await store.events.list(ownerId, 0, 1000)));
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
        const results = await Promise.allSettled(
          Array.from({ length: 30 }, (_, i) =>
            (i % 2 ? peer : store).transaction(async (tx) => {
              const records = await tx.events.append(
                ownerId,
                Array.from({ length: (i % 3) + 1 }, () => ({ type: `w${i}`, data: { i } })),
                AT,
              );
              // More work after the append keeps the transaction open while others queue.
              await tx.events.lastSeq(ownerId);
              if (i % 5 === 4) throw new Error('rolled back on purpose');
              return records;
            }),
          ),
        );
        writing = false;
        await reader;
        const committed = results.flatMap((r, i) => (i % 5 === 4 ? [] : [r]));
        for (const result of committed)
          expect(result.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled');
        const runs = committed.map((r) => (r as PromiseFulfilledResult<EventRecord[]>).value);
        const total = runs.reduce((n, run) => n + run.length, 0);
        const feed = await store.events.list(ownerId, 0, 1000);
        expect(seqsOf(feed)).toEqual(oneTo(total));
        expect(await store.events.lastSeq(ownerId)).toBe(total);
        // Each transaction's events are one run of consecutive seqs, stored as it was answered.
        for (const run of runs) {
          expect(seqsOf(run)).toEqual(Array.from({ length: run.length }, (_, k) => run[0]!.seq + k));
          expect(feed.slice(run[0]!.seq - 1, run[0]!.seq - 1 + run.length)).toEqual(run);
        }
        // Visible in seq order: no snapshot ever had a hole that a later commit filled.
        for (const seen of snapshots) expect(seen).toEqual(oneTo(seen.length));
        expect(snapshots.length).toBeGreaterThan(0);
      },
    ),
  ],
};
