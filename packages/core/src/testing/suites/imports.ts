import { describe, expect, it } from 'vitest';
import type { OwnerHandle } from '../../owner.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

const PROFILE = {
  date: { column: 'Date', format: 'YMD' as const },
  amount: { kind: 'signed' as const, column: 'Amount' },
  currency: { default: 'USD' },
  description: 'Text',
};

/** A CSV statement of `lines` (`date,amount,text`), as bytes. */
function statement(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(['Date,Amount,Text', ...lines].join('\n') + '\n');
}

const preview = (owner: OwnerHandle, file: Uint8Array, sourceKey = 'checking') =>
  owner.imports.preview(file, { sourceKey, profile: PROFILE, fileName: 'statement.csv' });

async function allRows(owner: OwnerHandle, id: string) {
  return (await owner.imports.rows(id, { limit: 200 })).items;
}

async function spent(owner: OwnerHandle): Promise<number> {
  const { items } = await owner.expenses.list({ limit: 200 });
  return items.reduce((sum, e) => sum + e.amountMinor, 0);
}

/** The import pipeline of SPEC §7.1 over the SDK. */
export function importTests(getEnv: () => ConformanceEnv): void {
  describe('imports', () => {
    it('preview classifies every row; commit creates the new ones as imported expenses with their events', async () => {
      const owner = getEnv().newOwner();
      const file = statement('2026-03-01,-4.50,Coffee', '2026-03-02,2500.00,Salary', '2026-03-03,oops,Broken');
      const imp = await preview(owner, file);
      expect(imp).toMatchObject({
        state: 'previewed',
        format: 'csv',
        fileName: 'statement.csv',
        sourceKey: 'checking',
      });
      expect(imp.counts).toMatchObject({ total: 3, new: 1, inflowIgnored: 1, invalid: 1, toCreate: 1, created: 0 });
      const rows = await allRows(owner, imp.id);
      expect(rows.map((r) => [r.n, r.state, r.decision])).toEqual([
        [1, 'new', 'create'],
        [2, 'inflow_ignored', null],
        [3, 'invalid', null],
      ]);
      expect(rows[2]?.reason?.code).toBe('invalid_amount');
      expect(await spent(owner)).toBe(0);
      const progress: number[] = [];
      const done = await owner.imports.commit(imp.id, { onProgress: (p) => progress.push(p.rows) });
      expect(done).toMatchObject({ state: 'committed', counts: { created: 1 } });
      expect(progress).toEqual([1]);
      const [coffee] = (await owner.expenses.list()).items;
      expect(coffee).toMatchObject({
        amountMinor: 450,
        date: '2026-03-01',
        description: 'Coffee',
        source: { kind: 'import', id: imp.id, row: 1 },
        sourceAccount: 'checking',
        categorySource: null,
      });
      expect(coffee?.fingerprint).toMatch(/:1$/);
      const types = (await owner.changes()).events.map((e) => e.type);
      expect(types).toEqual(['import.previewed', 'expense.created', 'import.committed']);
      expect(await owner.imports.commit(imp.id)).toMatchObject({ state: 'committed', counts: { created: 1 } });
      expect((await owner.changes()).events).toHaveLength(3);
    });

    it('two identical coffees on one day both import, and an overlapping statement adds only the new lines', async () => {
      const owner = getEnv().newOwner();
      const march = statement('2026-03-01,-3.00,Coffee', '2026-03-01,-3.00,Coffee', '2026-03-02,-9.99,Books');
      await owner.imports.commit((await preview(owner, march)).id);
      expect(await spent(owner)).toBe(1599);
      const overlap = statement(
        '2026-03-01,-3.00,COFFEE',
        '2026-03-01,-3.00,Coffee',
        '2026-03-02,-9.99,Books',
        '2026-03-01,-3.00,Coffee',
        '2026-03-05,-20.00,Train',
      );
      const again = await preview(owner, overlap);
      expect((await allRows(owner, again.id)).map((r) => r.state)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'new',
        'new',
      ]);
      await owner.imports.commit(again.id);
      expect(await spent(owner)).toBe(1599 + 300 + 2000);
      // The same file once more: all of it is stored already.
      const third = await preview(owner, overlap);
      expect(third.counts).toMatchObject({ total: 5, duplicate: 5, toCreate: 0 });
      // Another account's statement is another account's lines.
      expect((await preview(owner, march, 'savings')).counts.new).toBe(3);
    });

    it('a hand-typed expense is a possible duplicate that commit links, and the next import skips it', async () => {
      const owner = getEnv().newOwner();
      const typed = await owner.expenses.create({ amount: '12.00', date: '2026-03-04', source: { kind: 'manual' } });
      const file = statement('2026-03-02,-12.00,Bistro', '2026-03-02,-7.00,Kiosk');
      const imp = await preview(owner, file);
      const [bistro] = await allRows(owner, imp.id);
      expect(bistro).toMatchObject({ state: 'possible_duplicate', candidateIds: [typed.id], decision: 'link' });
      expect(bistro?.linkExpenseId).toBe(typed.id);
      const done = await owner.imports.commit(imp.id);
      expect(done.counts).toMatchObject({ created: 1, linked: 1 });
      const linked = await owner.expenses.get(typed.id);
      expect(linked).toMatchObject({ source: { kind: 'manual' }, sourceAccount: 'checking', amountMinor: 1200 });
      expect(linked.fingerprint).not.toBeNull();
      expect(await spent(owner)).toBe(1900);
      const next = await preview(owner, file);
      expect(next.counts).toMatchObject({ duplicate: 2, possibleDuplicate: 0, toCreate: 0, toLink: 0 });
    });

    it('with several candidates nothing is linked until the person decides', async () => {
      const owner = getEnv().newOwner();
      const a = await owner.expenses.create({ amount: '5.00', date: '2026-03-01' });
      const b = await owner.expenses.create({ amount: '5.00', date: '2026-03-03' });
      const imp = await preview(owner, statement('2026-03-02,-5.00,Lunch'));
      const [row] = await allRows(owner, imp.id);
      expect(row).toMatchObject({ state: 'possible_duplicate', decision: 'skip', linkExpenseId: null });
      expect(row?.candidateIds.sort()).toEqual([a.id, b.id].sort());
      await expectTrackerError(owner.imports.decide(imp.id, 1, { decision: 'link' }), 'VALIDATION_FAILED');
      expect(await owner.imports.decide(imp.id, 1, { decision: 'link', expenseId: b.id })).toMatchObject({
        decision: 'link',
        linkExpenseId: b.id,
      });
      await owner.imports.commit(imp.id);
      expect((await owner.expenses.get(b.id)).sourceAccount).toBe('checking');
      expect((await owner.expenses.get(a.id)).sourceAccount).toBeNull();
      await expectTrackerError(owner.imports.decide(imp.id, 1, { decision: 'skip' }), 'CONFLICT');
    });

    it('a commit cut short after a chunk resumes where it stopped and stores nothing twice', async () => {
      const owner = getEnv().newOwner();
      const lines = Array.from({ length: 7 }, (_, i) => `2026-03-0${(i % 3) + 1},-1.0${i},Line ${i}`);
      const imp = await preview(owner, statement(...lines));
      let chunks = 0;
      const crash = owner.imports.commit(imp.id, {
        chunkSize: 3,
        onProgress: () => {
          chunks += 1;
          throw new Error('the process died here');
        },
      });
      await expect(crash).rejects.toThrow('the process died here');
      expect(chunks).toBe(1);
      expect((await owner.imports.get(imp.id)).counts).toMatchObject({ created: 3 });
      expect((await owner.imports.get(imp.id)).state).toBe('committing');
      const done = await owner.imports.commit(imp.id, { chunkSize: 3 });
      expect(done).toMatchObject({ state: 'committed', counts: { created: 7 } });
      const { items } = await owner.expenses.list({ limit: 200 });
      expect(items).toHaveLength(7);
      expect(new Set(items.map((e) => e.source.row)).size).toBe(7);
      // A second preview of the file made before the first commit finished cannot store it twice either.
      const late = await preview(owner, statement(...lines));
      expect(late.counts.duplicate).toBe(7);
    });

    it('a preview made before another import stored the same lines skips them at commit', async () => {
      const owner = getEnv().newOwner();
      const file = statement('2026-03-01,-2.00,Bus', '2026-03-02,-3.00,Tram');
      const first = await preview(owner, file);
      const second = await preview(owner, file);
      await owner.imports.commit(first.id);
      const done = await owner.imports.commit(second.id);
      expect(done.counts).toMatchObject({ created: 0, duplicate: 2 });
      expect((await owner.expenses.list()).items).toHaveLength(2);
    });

    it('revert removes what the import created and unlinks what it linked, refusing edited expenses unless forced', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-03-10T10:00:00.000Z');
      const typed = await owner.expenses.create({ amount: '8.00', date: '2026-03-02' });
      const kept = await owner.expenses.create({ amount: '99.00', date: '2026-03-02' });
      env.clock.set('2026-03-10T11:00:00.000Z');
      const imp = await owner.imports.commit(
        (await preview(owner, statement('2026-03-02,-8.00,Bar', '2026-03-03,-4.00,Bakery', '2026-03-04,-6.00,Deli')))
          .id,
      );
      expect(imp.counts).toMatchObject({ created: 2, linked: 1 });
      env.clock.set('2026-03-10T12:00:00.000Z');
      const deli = (await owner.expenses.list({ q: 'Deli' })).items[0]!;
      await owner.expenses.update(deli.id, { notes: 'with Ana' });
      const refused = await expectTrackerError(owner.imports.revert(imp.id), 'CONFLICT');
      expect(refused.details.expenseIds).toEqual([deli.id]);
      expect((await owner.expenses.list()).items).toHaveLength(4);
      const reverted = await owner.imports.revert(imp.id, { force: true });
      expect(reverted.state).toBe('reverted');
      const left = (await owner.expenses.list()).items.map((e) => e.id).sort();
      expect(left).toEqual([typed.id, kept.id].sort());
      expect(await owner.expenses.get(typed.id)).toMatchObject({
        externalId: null,
        fingerprint: null,
        sourceAccount: null,
      });
      expect(await spent(owner)).toBe(10700);
      expect((await owner.imports.revert(imp.id)).state).toBe('reverted');
      await expectTrackerError(owner.imports.commit(imp.id), 'CONFLICT');
      // The lines can come in again after a revert.
      expect((await preview(owner, statement('2026-03-03,-4.00,Bakery'))).counts.new).toBe(1);
    });

    it('expenses.import takes aggregator rows straight to commit with the same duplicate detection', async () => {
      const owner = getEnv().newOwner();
      const rows = [
        { date: '2026-03-01', amount: '3.20', description: 'Cafe', externalId: 'txn_1' },
        { date: '2026-03-01', amountMinor: 1500, currency: 'EUR', merchant: 'Shop', externalId: 'txn_2' },
        { date: '2026-03-02', amount: '100', direction: 'credit' as const, externalId: 'txn_3' },
        { date: 'yesterday', amount: '1' },
      ];
      const first = await owner.expenses.import(rows, { sourceKey: 'plaid:acc_1' });
      expect(first).toMatchObject({ format: 'rows', state: 'committed' });
      expect(first.counts).toMatchObject({ created: 2, inflowIgnored: 1, invalid: 1 });
      const again = await owner.expenses.import([{ ...rows[0]!, description: 'CAFE (pending)' }], {
        sourceKey: 'plaid:acc_1',
      });
      expect(again.counts).toMatchObject({ created: 0, duplicate: 1 });
      expect((await owner.expenses.list()).items.map((e) => e.externalId).sort()).toEqual(['txn_1', 'txn_2']);
      expect((await owner.imports.list()).map((i) => i.id)).toEqual([again.id, first.id]);
    });

    it('import profiles are saved per owner and used by id', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const profile = await owner.imports.profiles.create({ name: 'Checking', profile: PROFILE });
      expect((await owner.imports.profiles.list()).map((p) => p.name)).toEqual(['Checking']);
      await expectTrackerError(env.newOwner().imports.profiles.get(profile.id), 'NOT_FOUND');
      const imp = await owner.imports.preview(statement('2026-03-01,-1.00,Gum'), {
        sourceKey: 'checking',
        profileId: profile.id,
      });
      expect(imp.counts.new).toBe(1);
      await owner.imports.profiles.update(profile.id, { name: 'Main', profile: PROFILE });
      expect((await owner.imports.profiles.get(profile.id)).name).toBe('Main');
      await owner.imports.profiles.delete(profile.id);
      await expectTrackerError(owner.imports.profiles.get(profile.id), 'NOT_FOUND');
      await expectTrackerError(
        owner.imports.profiles.create({ name: 'Bad', profile: { ...PROFILE, delimiter: 'x' as ',' } }),
        'VALIDATION_FAILED',
      );
    });

    it('an unreadable file leaves no import behind', async () => {
      const owner = getEnv().newOwner();
      await expectTrackerError(
        owner.imports.preview(new TextEncoder().encode('hello'), { sourceKey: 'checking' }),
        'VALIDATION_FAILED',
      );
      expect(await owner.imports.list()).toEqual([]);
    });
  });
}
