import { TrackerError } from '../errors.js';
import { newId } from '../ids.js';
import { toExpense } from '../presenters.js';
import type { ExpenseRecord } from '../store/store.js';
import { applySpending } from '../expenses/spending.js';
import { assertOpen, write, type ServiceContext, type WriteScope } from '../write-context.js';
import type { RuleCause } from '../rules/on-write.js';
import { settleBillWithExpense } from '../schedules/bill-for-line.js';
import { reopenBillsOf } from '../schedules/occurrence-actions.js';
import { ruleImportedExpense } from './import-rules.js';
import { toImport } from './presenters.js';
import type { ImportProgress } from './preview.js';
import type { ImportRecord, ImportRowRecord } from './repository.js';
import type { Import } from './schema.js';

/**
 * Rows applied per transaction by commit. Each chunk commits with its rows marked applied,
 * so a commit cut short (a crash, a lost connection) resumes where it stopped.
 */
export const COMMIT_CHUNK_SIZE = 500;

/**
 * Options of `owner.imports.commit()`.
 *
 * @example
 * ```ts
 * import type { ImportCommitOptions } from '@expense-tracker/core';
 *
 * const options: ImportCommitOptions = { onProgress: (p) => console.log(`${p.rows}/${p.total}`) };
 * ```
 */
export interface ImportCommitOptions {
  /** Told after each chunk. */
  onProgress?: (progress: ImportProgress) => void;
  /** Rows per transaction. @default 500 */
  chunkSize?: number;
}

async function loadImport(ctx: ServiceContext, scope: WriteScope | null, ownerId: string, id: string) {
  const found = await (scope?.tx ?? ctx.store).imports.findById(ownerId, id);
  if (!found) throw new TrackerError('NOT_FOUND', `Import ${JSON.stringify(id)} was not found`, { details: { id } });
  return found;
}

function conflict(message: string, details: Record<string, unknown> = {}): TrackerError {
  return new TrackerError('CONFLICT', message, { details });
}

/** The expense a `create` row becomes: a credit (only credits are `inflow_ignored`) is a refund. */
function importedExpense(imp: ImportRecord, row: ImportRowRecord, at: string): ExpenseRecord {
  return {
    id: newId('exp'),
    ownerId: imp.ownerId,
    amountMinor: row.amountMinor ?? 0,
    kind: row.state === 'inflow_ignored' ? 'refund' : 'expense',
    currency: row.currency ?? '',
    date: row.date ?? '',
    categoryId: null,
    description: row.description,
    merchant: row.merchant,
    tags: [],
    notes: null,
    createdAt: at,
    updatedAt: at,
    sourceKind: 'import',
    sourceId: imp.id,
    sourceRow: row.n,
    categorySource: null,
    ruleId: null,
    externalId: row.externalId,
    sourceAccount: imp.sourceKey,
    fingerprint: row.fingerprint,
  };
}

/**
 * Applies the next chunk of pending rows in one transaction; returns how many it took. The
 * bank-line identity is checked again here, under the owner's lock: a line another import
 * stored since the preview becomes a `duplicate` and is skipped (and the store's unique keys
 * refuse it should anything slip by).
 */
async function commitChunk(scope: WriteScope, imp: ImportRecord, size: number): Promise<number> {
  const { tx, at, record } = scope;
  const rows = await tx.imports.listRows(imp.ownerId, imp.id, { pending: true, limit: size });
  const creates = rows.filter((r) => r.decision === 'create');
  const stored = await tx.expenses.findByIdentity(imp.ownerId, imp.sourceKey, {
    externalIds: creates.flatMap((r) => (r.externalId === null ? [] : [r.externalId])),
    fingerprints: creates.flatMap((r) => (r.fingerprint === null ? [] : [r.fingerprint])),
  });
  const taken = new Set(stored.flatMap((e) => [e.externalId, e.fingerprint]).filter((k) => k !== null));
  const created: ExpenseRecord[] = [];
  const causes: RuleCause[] = [];
  const billed: [ImportRowRecord, ExpenseRecord][] = [];
  for (const row of rows) {
    if (row.decision === 'create') {
      if (
        (row.externalId !== null && taken.has(row.externalId)) ||
        (row.fingerprint !== null && taken.has(row.fingerprint))
      ) {
        Object.assign(row, { state: 'duplicate', decision: 'skip' });
      } else {
        const { draft: expense, cause } = await ruleImportedExpense(
          scope,
          importedExpense(imp, row, at),
          row.originalText,
        );
        created.push(expense);
        causes.push(cause);
        Object.assign(row, { expenseId: expense.id, appliedAt: at });
        if (row.bill !== null) billed.push([row, expense]);
      }
    } else if (await linkRow(scope, imp, row)) {
      row.appliedAt = at;
    } else {
      row.decision = 'skip';
    }
  }
  await tx.expenses.insert(created);
  for (const [i, expense] of created.entries()) {
    record({ type: 'expense.created', data: { expense: toExpense(expense), ...causes[i] } });
  }
  // After the expenses, so the feed tells of the expense before the bill it settles. A bill
  // settled since the preview (or a schedule changed) leaves the expense an ordinary one, and
  // the row says so: its `bill` is cleared.
  for (const [row, expense] of billed) {
    if (!(await settleBillWithExpense(scope, row.bill!, expense))) row.bill = null;
  }
  for (const row of rows) await tx.imports.updateRow(row);
  await applySpending(
    scope,
    imp.ownerId,
    created.map((e) => [null, e] as const),
    [],
  );
  return rows.length;
}

/**
 * Links a row to its expense: the bank line's external id and fingerprint go onto it, so
 * the next import of the line finds it stored. `false` when the expense is gone or has been
 * linked or imported meanwhile (the row is then skipped: nothing is merged by guesswork).
 */
async function linkRow(scope: WriteScope, imp: ImportRecord, row: ImportRowRecord): Promise<boolean> {
  if (row.linkExpenseId === null) return false;
  const target = await scope.tx.expenses.findById(imp.ownerId, row.linkExpenseId);
  if (!target || target.sourceKind === 'import' || target.externalId !== null || target.fingerprint !== null) {
    return false;
  }
  const next = {
    ...target,
    externalId: row.externalId,
    sourceAccount: imp.sourceKey,
    fingerprint: row.fingerprint,
    updatedAt: scope.at,
  };
  await scope.tx.expenses.update(next);
  scope.record({ type: 'expense.updated', data: { expense: toExpense(next), previous: toExpense(target) } });
  return true;
}

/** Moves an import to another state with its event, in the scope's transaction. */
async function settle(
  scope: WriteScope,
  imp: ImportRecord,
  change: Partial<ImportRecord>,
  type?: 'import.committed' | 'import.reverted',
): Promise<Import> {
  const next: ImportRecord = { ...imp, ...change, updatedAt: scope.at };
  await scope.tx.imports.update(next);
  const result = toImport(next, await scope.tx.imports.countRows(imp.ownerId, imp.id));
  if (type) scope.record({ type, data: { import: result } });
  return result;
}

/**
 * `owner.imports.commit()`: applies every row's decision in chunks; idempotent (a committed
 * import is returned as it is) and resumable (a `committing` import goes on from the first
 * row not yet applied, so nothing is created twice).
 */
export async function commitImport(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  options: ImportCommitOptions = {},
): Promise<Import> {
  assertOpen(ctx);
  const size = Math.max(1, Math.min(options.chunkSize ?? COMMIT_CHUNK_SIZE, 5000));
  const start = await write(ctx, ownerId, async (scope) => {
    const imp = await loadImport(ctx, scope, ownerId, id);
    if (imp.state === 'committed') return { imp, done: await settle(scope, imp, {}) };
    if (imp.state !== 'previewed' && imp.state !== 'committing') {
      throw conflict(`Import ${id} is ${imp.state}: only a previewed import can be committed`, { state: imp.state });
    }
    const committing: ImportRecord = { ...imp, state: 'committing', updatedAt: scope.at };
    await scope.tx.imports.update(committing);
    return { imp: committing, done: null };
  });
  if (start.done) return start.done;
  const total = (await ctx.store.imports.countRows(ownerId, id))
    .filter((c) => c.decision === 'create' || c.decision === 'link')
    .reduce((n, c) => n + c.count, 0);
  let rows = 0;
  for (;;) {
    const taken = await write(ctx, ownerId, (scope) => commitChunk(scope, start.imp, size));
    rows += taken;
    if (taken > 0) options.onProgress?.({ importId: id, phase: 'commit', rows, total });
    if (taken < size) break;
  }
  return write(ctx, ownerId, async (scope) => {
    const imp = await loadImport(ctx, scope, ownerId, id);
    if (imp.state === 'committed') return settle(scope, imp, {});
    return settle(scope, imp, { state: 'committed', committedAt: scope.at }, 'import.committed');
  });
}

/**
 * Options of `owner.imports.revert()`.
 *
 * @example
 * ```ts
 * import type { ImportRevertOptions } from '@expense-tracker/core';
 *
 * const options: ImportRevertOptions = { force: true }; // even expenses edited since go
 * ```
 */
export interface ImportRevertOptions {
  /** Revert even if expenses the import created or linked were edited since. @default false */
  force?: boolean;
}

/** Rows read per page while reverting, all in the one transaction. */
const REVERT_PAGE = 1000;

/**
 * `owner.imports.revert()`: deletes exactly the expenses the import created and unlinks the
 * ones it linked, in one transaction. Refused with `CONFLICT` (issue `edited_since`, the
 * expenses' ids in `details.expenseIds`) when any of them changed after the import, unless
 * `force`. An expense the owner deleted meanwhile is left gone.
 */
export async function revertImport(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  options: ImportRevertOptions = {},
): Promise<Import> {
  assertOpen(ctx);
  return write(ctx, ownerId, async (scope) => {
    const { tx } = scope;
    const imp = await loadImport(ctx, scope, ownerId, id);
    if (imp.state === 'reverted') return settle(scope, imp, {});
    if (imp.state !== 'committed' && imp.state !== 'committing') {
      throw conflict(`Import ${id} is ${imp.state}: only a committed import can be reverted`, { state: imp.state });
    }
    const deletes: ExpenseRecord[] = [];
    const unlinks: [ExpenseRecord, ExpenseRecord][] = [];
    const edited: string[] = [];
    for (let after = 0; ;) {
      const rows = await tx.imports.listRows(ownerId, id, { applied: true, afterN: after, limit: REVERT_PAGE });
      for (const row of rows) {
        const expenseId = row.decision === 'link' ? row.linkExpenseId : row.expenseId;
        const current = expenseId === null ? null : await tx.expenses.findById(ownerId, expenseId);
        // Gone (the owner deleted it), or no longer this line's: nothing of the import's to undo.
        if (current?.fingerprint !== row.fingerprint || current === null) continue;
        if (current.updatedAt !== row.appliedAt) edited.push(current.id);
        if (row.decision === 'link') {
          unlinks.push([current, { ...current, externalId: null, sourceAccount: null, fingerprint: null }]);
        } else deletes.push(current);
      }
      if (rows.length < REVERT_PAGE) break;
      after = rows[rows.length - 1]!.n;
    }
    if (edited.length > 0 && !options.force) {
      throw new TrackerError(
        'CONFLICT',
        `${edited.length} expenses of import ${id} were edited since it was committed: revert with force to remove them anyway`,
        {
          issues: [{ path: ['force'], code: 'edited_since', message: 'Expenses were edited since the import' }],
          details: { expenseIds: edited },
        },
      );
    }
    for (const expense of deletes) {
      await tx.expenses.delete(ownerId, expense.id);
      scope.record({ type: 'expense.deleted', data: { expense: toExpense(expense) } });
    }
    // A bill an imported line settled is open again: the payment the import brought is gone.
    await reopenBillsOf(
      scope,
      ownerId,
      deletes.map((e) => e.id),
    );
    for (const [before, after] of unlinks) {
      const next = { ...after, updatedAt: scope.at };
      await tx.expenses.update(next);
      scope.record({ type: 'expense.updated', data: { expense: toExpense(next), previous: toExpense(before) } });
    }
    await applySpending(
      scope,
      ownerId,
      deletes.map((e) => [e, null] as const),
      [],
    );
    return settle(scope, imp, { state: 'reverted', revertedAt: scope.at }, 'import.reverted');
  });
}
