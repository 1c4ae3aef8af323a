import { expect } from 'vitest';
import { isTrackerError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { RuleRecord } from '../../rules/repository.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { expenseRecord } from './records.js';

const AT = '2026-03-01T09:30:00.000Z';
const LATER = '2026-03-02T09:30:00.000Z';

/** An auto-categorisation rule record of `ownerId`, unless overridden. */
function categoryRuleRecord(ownerId: string, extra: Partial<RuleRecord> = {}): RuleRecord {
  return {
    id: newId('rul'),
    ownerId,
    position: 0,
    enabled: true,
    match: 'all',
    conditions: [{ field: 'merchant', op: 'contains', value: 'cafe' }],
    actions: [{ type: 'setCategory', categoryId: 'cat_coffee' }],
    stop: false,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** `rules`: auto-categorisation rules and their runs. */
export const categoryRuleChecks: ContractGroup = {
  name: 'rules',
  checks: [
    check(
      'insert, findById, update and delete round-trip every field; list is by position then id; absent is null/false',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const rule = categoryRuleRecord(ownerId, {
          position: 5,
          enabled: false,
          match: 'any',
          conditions: [
            { field: 'amount', op: 'between', value: ['1.00', '20.00'], currency: 'EUR' },
            { field: 'description', op: 'matches', value: '^uber\\s+trip' },
          ],
          actions: [
            { type: 'addTags', tags: ['travel'] },
            { type: 'setNotes', notes: 'by rule' },
          ],
          stop: true,
        });
        const first = categoryRuleRecord(ownerId, { position: 1 });
        await store.rules.insert(rule);
        await store.rules.insert(first);
        expect(await store.rules.findById(ownerId, rule.id)).toEqual(rule);
        expect(await store.rules.findById(ownerId, 'rul_missing')).toBeNull();
        expect((await store.rules.list(ownerId)).map((r) => r.id)).toEqual([first.id, rule.id]);
        const changed = { ...rule, position: 0, enabled: true, updatedAt: LATER };
        expect(await store.rules.update(changed)).toBe(true);
        expect(await store.rules.findById(ownerId, rule.id)).toEqual(changed);
        expect(await store.rules.update({ ...changed, id: 'rul_missing' })).toBe(false);
        expect(await store.rules.update({ ...changed, ownerId: uniqueOwnerId() })).toBe(false);
        expect(await store.rules.delete(ownerId, rule.id)).toBe(true);
        expect(await store.rules.delete(ownerId, rule.id)).toBe(false);
        expect(await store.rules.list(ownerId)).toEqual([first]);
        const clash = await store.rules.insert(first).then(
          () => null,
          (error: unknown) => error,
        );
        expect(isTrackerError(clash, 'CONFLICT')).toBe(true);
      },
    ),

    check(
      'insertRun keeps a run and every change whole; markReverted answers true once, then false',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const before = expenseRecord(ownerId, { merchant: 'Café', tags: ['a'] });
        const changes = Array.from({ length: 150 }, (_, i) => {
          const from = { ...before, id: `exp_${String(i).padStart(3, '0')}` };
          return {
            runId: 'run_1',
            expenseId: from.id,
            before: from,
            after: { ...from, categoryId: 'cat_coffee', tags: ['a', 'b'], updatedAt: LATER },
          };
        });
        const run = {
          id: 'run_1',
          ownerId,
          ruleId: 'rul_1',
          from: '2026-01-01',
          to: null,
          startedAt: LATER,
          revertedAt: null,
        };
        await store.transaction((tx) => tx.rules.insertRun(run, changes));
        expect(await store.rules.findRun(ownerId, 'run_1')).toEqual(run);
        expect(await store.rules.findRun(uniqueOwnerId(), 'run_1')).toBeNull();
        expect(await store.rules.listRunChanges(ownerId, 'run_1')).toEqual(changes);
        expect(await store.rules.listRunChanges(uniqueOwnerId(), 'run_1')).toEqual([]);
        expect(await store.rules.markReverted(ownerId, 'run_1', '2026-03-03T00:00:00.000Z')).toBe(true);
        expect(await store.rules.markReverted(ownerId, 'run_1', '2026-03-04T00:00:00.000Z')).toBe(false);
        expect(await store.rules.markReverted(ownerId, 'run_missing', LATER)).toBe(false);
        expect((await store.rules.findRun(ownerId, 'run_1'))?.revertedAt).toBe('2026-03-03T00:00:00.000Z');
      },
    ),

    check(
      'listRuns is newest first by id, of one rule or all, before an id, at most limit, each with its expense ids',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const expense = expenseRecord(ownerId);
        const runOf = (id: string, ruleId: string, expenseIds: string[]) => ({
          run: { id, ownerId, ruleId, from: null, to: '2026-02-28', startedAt: AT, revertedAt: null },
          changes: expenseIds.map((expenseId) => ({
            runId: id,
            expenseId,
            before: { ...expense, id: expenseId },
            after: { ...expense, id: expenseId, categoryId: 'cat_food' },
          })),
        });
        const made = [
          runOf('run_01A', 'rul_a', ['exp_2', 'exp_1']),
          runOf('run_01B', 'rul_b', []),
          runOf('run_01C', 'rul_a', ['exp_3']),
        ];
        for (const { run, changes } of made) await store.transaction((tx) => tx.rules.insertRun(run, changes));
        await store.transaction((tx) => tx.rules.insertRun(runOf('run_01D', 'rul_a', ['exp_9']).run, []));
        const other = runOf('run_01E', 'rul_a', ['exp_1']);
        await store.transaction((tx) => tx.rules.insertRun({ ...other.run, ownerId: uniqueOwnerId() }, other.changes));
        const listed = (query: { ruleId?: string; before?: string; limit: number }) =>
          store.rules.listRuns(ownerId, query).then((rows) => rows.map((r) => [r.run.id, r.expenseIds]));
        expect(await listed({ limit: 10 })).toEqual([
          ['run_01D', []],
          ['run_01C', ['exp_3']],
          ['run_01B', []],
          ['run_01A', ['exp_1', 'exp_2']],
        ]);
        expect((await store.rules.listRuns(ownerId, { limit: 1 }))[0]?.run).toEqual({ ...made[0]!.run, id: 'run_01D' });
        expect(await listed({ ruleId: 'rul_a', before: 'run_01D', limit: 10 })).toEqual([
          ['run_01C', ['exp_3']],
          ['run_01A', ['exp_1', 'exp_2']],
        ]);
        expect(await listed({ before: 'run_01C', limit: 1 })).toEqual([['run_01B', []]]);
        expect(await store.rules.listRuns(uniqueOwnerId(), { limit: 10 })).toEqual([]);
      },
    ),
  ],
};
