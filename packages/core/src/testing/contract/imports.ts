import { expect } from 'vitest';
import type { ImportRecord, ImportRowRecord } from '../../imports/repository.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { AT, newId } from './records.js';

function importRecord(ownerId: string, extra: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: newId('imp'),
    ownerId,
    sourceKey: 'checking',
    format: 'csv',
    fileName: 'march.csv',
    state: 'previewed',
    rowCount: 2,
    createdAt: AT,
    updatedAt: AT,
    committedAt: null,
    revertedAt: null,
    ...extra,
  };
}

function rowRecord(imp: ImportRecord, n: number, extra: Partial<ImportRowRecord> = {}): ImportRowRecord {
  return {
    ownerId: imp.ownerId,
    importId: imp.id,
    n,
    line: n + 1,
    state: 'new',
    reasonCode: null,
    reason: null,
    date: '2026-03-01',
    amountMinor: 9_007_199_254_740_991,
    currency: 'USD',
    description: 'Café',
    merchant: null,
    originalText: 'raw é 💶',
    externalId: `FIT-${n}`,
    fingerprint: `f:${n}`,
    occurrence: 1,
    candidateIds: [],
    decision: 'create',
    linkExpenseId: null,
    expenseId: null,
    appliedAt: null,
    bill: null,
    ...extra,
  };
}

/** `imports`: imports, their rows and CSV profiles. */
export const importChecks: ContractGroup = {
  name: 'imports',
  checks: [
    check('insert, findById, update and list round-trip an import, scoped to the owner', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const first = importRecord(ownerId);
      const second = importRecord(ownerId, { fileName: null });
      await store.imports.insert(first);
      await store.imports.insert(second);
      expect(await store.imports.findById(ownerId, first.id)).toEqual(first);
      expect(await store.imports.findById(uniqueOwnerId(), first.id)).toBeNull();
      const done = { ...first, state: 'committed' as const, committedAt: AT, updatedAt: AT };
      expect(await store.imports.update(done)).toBe(true);
      expect(await store.imports.update({ ...done, ownerId: uniqueOwnerId() })).toBe(false);
      expect((await store.imports.list(ownerId, { limit: 10 })).map((i) => i.id)).toEqual([second.id, first.id]);
      expect((await store.imports.list(ownerId, { limit: 10, before: second.id })).map((i) => i.state)).toEqual([
        'committed',
      ]);
    }),

    check('rows round-trip every field, list by state and page, and count by state and outcome', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const imp = importRecord(ownerId);
      await store.imports.insert(imp);
      const rows = [
        rowRecord(imp, 1, {
          bill: { scheduleId: 'sch_rent', name: 'Rent ✓', nominal: '2026-02-28', due: '2026-03-02' },
        }),
        rowRecord(imp, 2, { state: 'possible_duplicate', candidateIds: ['exp_a', 'exp_b'], decision: 'skip' }),
        rowRecord(imp, 3, { state: 'invalid', reasonCode: 'invalid_date', reason: 'bad', decision: null, date: null }),
      ];
      await store.imports.insertRows(rows);
      expect(await store.imports.findRow(ownerId, imp.id, 2)).toEqual(rows[1]);
      expect(await store.imports.findRow(uniqueOwnerId(), imp.id, 2)).toBeNull();
      expect((await store.imports.listRows(ownerId, imp.id, { limit: 10 })).map((r) => r.n)).toEqual([1, 2, 3]);
      expect((await store.imports.listRows(ownerId, imp.id, { limit: 1, afterN: 1 })).map((r) => r.n)).toEqual([2]);
      expect((await store.imports.listRows(ownerId, imp.id, { limit: 10, state: 'invalid' })).map((r) => r.n)).toEqual([
        3,
      ]);
      expect((await store.imports.listRows(ownerId, imp.id, { limit: 10, pending: true })).map((r) => r.n)).toEqual([
        1,
      ]);
      const applied = { ...rows[0]!, expenseId: 'exp_c', appliedAt: AT };
      expect(await store.imports.updateRow(applied)).toBe(true);
      expect(await store.imports.updateRow({ ...applied, n: 99 })).toBe(false);
      expect(await store.imports.listRows(ownerId, imp.id, { limit: 10, pending: true })).toEqual([]);
      expect(await store.imports.listRows(ownerId, imp.id, { limit: 10, applied: true })).toEqual([applied]);
      const counts = await store.imports.countRows(ownerId, imp.id);
      expect(counts.sort((a, b) => a.state.localeCompare(b.state))).toEqual([
        { state: 'invalid', decision: null, applied: false, count: 1 },
        { state: 'new', decision: 'create', applied: true, count: 1 },
        { state: 'possible_duplicate', decision: 'skip', applied: false, count: 1 },
      ]);
      expect(await store.imports.delete(uniqueOwnerId(), imp.id)).toBe(false);
      expect(await store.imports.delete(ownerId, imp.id)).toBe(true);
      expect(await store.imports.findById(ownerId, imp.id)).toBeNull();
      expect(await store.imports.listRows(ownerId, imp.id, { limit: 10 })).toEqual([]);
    }),

    check('profiles: insert, find, list by name, update and delete, scoped to the owner', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const profile = { columns: { date: 'Date', amount: 'Amount' }, delimiter: ';' };
      const bank = { id: newId('ipr'), ownerId, name: 'Bank', profile, createdAt: AT, updatedAt: AT };
      const card = { ...bank, id: newId('ipr'), name: 'Card' };
      await store.imports.insertProfile(card);
      await store.imports.insertProfile(bank);
      expect(await store.imports.findProfile(ownerId, bank.id)).toEqual(bank);
      expect(await store.imports.findProfile(uniqueOwnerId(), bank.id)).toBeNull();
      expect((await store.imports.listProfiles(ownerId)).map((p) => p.name)).toEqual(['Bank', 'Card']);
      expect(await store.imports.updateProfile({ ...bank, name: 'Bank 2', profile: { delimiter: ',' } })).toBe(true);
      expect((await store.imports.findProfile(ownerId, bank.id))?.profile).toEqual({ delimiter: ',' });
      expect(await store.imports.updateProfile({ ...bank, ownerId: uniqueOwnerId() })).toBe(false);
      expect(await store.imports.deleteProfile(uniqueOwnerId(), bank.id)).toBe(false);
      expect(await store.imports.deleteProfile(ownerId, bank.id)).toBe(true);
      expect(await store.imports.findProfile(ownerId, bank.id)).toBeNull();
    }),
  ],
};
