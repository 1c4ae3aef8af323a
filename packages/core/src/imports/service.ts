import { z } from 'zod';
import { notFound, TrackerError, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { readOwner } from '../owners/config.js';
import { getSettings } from '../owners/settings.js';
import {
  positiveAmountMinorSchema,
  positiveDecimalAmountSchema,
  currencySchema,
  localDateSchema,
} from '../common-schemas.js';
import { positiveAmount } from '../expenses/amounts.js';
import { assertOpen, parseInput, write, type ServiceContext } from '../write-context.js';
import type { BankRow, ParsedBankRow } from './bank-row.js';
import { invalidRow } from './bank-row.js';
import { commitImport, type ImportCommitOptions } from './commit.js';
import { csvProfileSchema } from './csv-profile.js';
import { finishPreview, stageImport } from './preview.js';
import type { ImportRules } from './import-rules.js';
import { toImport, toImportRow } from './presenters.js';
import {
  importDecisionSchema,
  importListQuerySchema,
  importRowsQuerySchema,
  sourceKeySchema,
  type Import,
  type ImportDecisionInput,
  type ImportProfile,
  type ImportRow,
  type ImportRowPage,
  type ImportRowsQuery,
} from './schema.js';
import type { ImportProfileRecord } from './repository.js';

async function findImport(ctx: ServiceContext, ownerId: string, id: string) {
  const found = await ctx.store.imports.findById(ownerId, id);
  if (!found) throw notFound('Import', id);
  return found;
}

/** `owner.imports.get()`: an import with its counts. */
export async function getImport(ctx: ServiceContext, ownerId: string, id: string): Promise<Import> {
  assertOpen(ctx);
  const found = await findImport(ctx, ownerId, id);
  return toImport(found, await ctx.store.imports.countRows(ownerId, id));
}

/** `owner.imports.list()`: the owner's imports, newest first. */
export async function listImports(
  ctx: ServiceContext,
  ownerId: string,
  query: { limit?: number; before?: string } = {},
): Promise<Import[]> {
  const q = parseInput(importListQuerySchema, query);
  assertOpen(ctx);
  const records = await ctx.store.imports.list(ownerId, q);
  return Promise.all(records.map(async (r) => toImport(r, await ctx.store.imports.countRows(ownerId, r.id))));
}

/** The owner's rules and categories as a read sees them, for the rows' `rules` field. */
async function readImportRules(ctx: ServiceContext, ownerId: string): Promise<ImportRules> {
  const view = await readOwner(ctx, ownerId);
  return {
    evaluator: view.categoryRules.evaluator(),
    categoryIds: new Set(view.categories.map((category) => category.id)),
  };
}

/** `owner.imports.rows()`: a page of an import's rows, in file order, each with what the rules would give it. */
export async function listImportRows(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  query: ImportRowsQuery = {},
): Promise<ImportRowPage> {
  const q = parseInput(importRowsQuerySchema, query);
  assertOpen(ctx);
  await findImport(ctx, ownerId, id);
  const rows = await ctx.store.imports.listRows(ownerId, id, {
    state: q.state,
    afterN: q.cursor === undefined ? undefined : Number(q.cursor),
    limit: q.limit + 1,
  });
  const rules = await readImportRules(ctx, ownerId);
  const items = rows.slice(0, q.limit).map((row) => toImportRow(row, rules));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? String(last.n) : null };
}

function refuse(message: string, code: string): TrackerError {
  return validationError([{ path: ['decision'], code, message }]);
}

/**
 * `owner.imports.decide()`: changes what commit will do with one row of a previewed import.
 * `link` takes `expenseId`, or the row's only candidate; the expense must be the owner's,
 * not imported and not linked to another bank line.
 */
export async function decideImportRow(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  n: number,
  input: ImportDecisionInput,
): Promise<ImportRow> {
  const data = parseInput(importDecisionSchema, input);
  const decided = await write(ctx, ownerId, async ({ tx }) => {
    const imp = await tx.imports.findById(ownerId, id);
    if (!imp) throw notFound('Import', id);
    if (imp.state !== 'previewed') {
      throw new TrackerError('CONFLICT', `Import ${id} is ${imp.state}: decisions can change only before commit`);
    }
    const row = await tx.imports.findRow(ownerId, id, n);
    if (!row) throw notFound('Import row', String(n));
    if (row.state === 'invalid') throw refuse(`Row ${n} is invalid: there is nothing to decide`, 'not_decidable');
    // A credit is kept only as a refund the person asks for (see `inflowState()`): `create`
    // stores it with `kind: 'refund'`, `skip` (or no decision) leaves it out; it never links.
    if (row.state === 'inflow_ignored' && data.decision === 'link') {
      throw refuse(`Row ${n} is money in: create it as a refund or skip it`, 'credit_not_linkable');
    }
    if (data.decision === 'create' && row.state === 'duplicate') {
      throw refuse(`Row ${n} is stored already: it can be skipped only`, 'already_stored');
    }
    let linkExpenseId: string | null = null;
    if (data.decision === 'link') {
      linkExpenseId = data.expenseId ?? (row.candidateIds.length === 1 ? row.candidateIds[0]! : null);
      if (linkExpenseId === null) throw refuse('Say which expense to link: expenseId', 'expense_required');
      const target = await tx.expenses.findById(ownerId, linkExpenseId);
      if (!target) throw notFound('Expense', linkExpenseId);
      if (target.sourceKind === 'import' || target.externalId !== null || target.fingerprint !== null) {
        throw refuse(`Expense ${linkExpenseId} is imported or linked to a bank line already`, 'already_linked');
      }
    }
    const next = { ...row, decision: data.decision, linkExpenseId };
    await tx.imports.updateRow(next);
    return next;
  });
  return toImportRow(decided, await readImportRules(ctx, ownerId));
}

/**
 * A row of `owner.expenses.import()`: a bank line as an aggregator (Plaid, GoCardless, …)
 * delivers it. `direction: 'credit'` is money in, reported as `inflow_ignored`.
 *
 * @example
 * ```ts
 * import { aggregatorRowSchema } from '@expense-tracker/core';
 *
 * aggregatorRowSchema.parse({ date: '2026-11-03', amountMinor: 399, currency: 'EUR', externalId: 'txn_81' });
 * aggregatorRowSchema.safeParse({ date: '03/11/2026', amount: '3.99' }).success; // false: dates are YYYY-MM-DD
 * ```
 */
export const aggregatorRowSchema = z
  .strictObject({
    date: localDateSchema,
    amountMinor: positiveAmountMinorSchema.optional(),
    amount: positiveDecimalAmountSchema.optional(),
    currency: currencySchema.optional(),
    description: z.string().max(2000).optional(),
    merchant: z.string().max(2000).optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    direction: z.enum(['debit', 'credit']).optional(),
  })
  .meta({ id: 'AggregatorRow' });

/**
 * A row of `owner.expenses.import()`; see {@link aggregatorRowSchema}.
 *
 * @example
 * ```ts
 * import type { AggregatorRow } from '@expense-tracker/core';
 *
 * const row: AggregatorRow = { date: '2026-11-03', amount: '3.99', description: 'CAFE NORD', externalId: 'txn_81' };
 * await owner.expenses.import([row], { sourceKey: 'plaid:acc_42' });
 * ```
 */
export type AggregatorRow = z.input<typeof aggregatorRowSchema>;

const aggregatorRowsSchema = z.array(z.unknown()).min(1).max(50_000);

/** Reads aggregator rows as the bank-file parsers would: a bad row is `invalid`, never a failure of the whole call. */
function* aggregatorRows(rows: readonly unknown[], currency: string): Generator<ParsedBankRow> {
  for (const [index, input] of rows.entries()) {
    const line = index + 1;
    const parsed = aggregatorRowSchema.safeParse(input);
    const text = JSON.stringify(input) ?? '';
    if (!parsed.success) {
      yield invalidRow(line, 'malformed_record', parsed.error.issues[0]?.message ?? 'Not a row', text);
      continue;
    }
    const row = parsed.data;
    const rowCurrency = row.currency ?? currency;
    let amountMinor: number;
    try {
      amountMinor = positiveAmount(row, rowCurrency, [index], 'An amount');
    } catch (error) {
      yield invalidRow(line, 'invalid_amount', error instanceof Error ? error.message : 'Bad amount', text);
      continue;
    }
    const bank: BankRow = {
      kind: 'row',
      line,
      date: row.date,
      amountMinor: BigInt(amountMinor),
      direction: row.direction ?? 'debit',
      currency: rowCurrency,
      description: (row.description ?? '').replace(/\s+/g, ' ').trim(),
      merchant: row.merchant ?? null,
      originalText: text,
      externalId: row.externalId ?? null,
      status: 'booked',
      account: null,
    };
    yield bank;
  }
}

/**
 * `owner.expenses.import()`: aggregator rows straight to commit, with the same duplicate
 * detection as a bank file (rows whose decision would wait for a person, a possible
 * duplicate of several expenses, are skipped; the import shows them).
 */
export async function importExpenseRows(
  ctx: ServiceContext,
  ownerId: string,
  rows: readonly AggregatorRow[],
  options: { sourceKey: string } & ImportCommitOptions,
): Promise<Import> {
  const sourceKey = parseInput(sourceKeySchema, options.sourceKey, ['sourceKey']);
  parseInput(aggregatorRowsSchema, rows, ['rows']);
  assertOpen(ctx);
  const { currency } = await getSettings(ctx, ownerId);
  const staged = await stageImport(
    ctx,
    ownerId,
    { sourceKey, fileName: null, format: () => 'rows' },
    aggregatorRows(rows, currency),
    options.onProgress,
  );
  await finishPreview(ctx, ownerId, staged);
  return commitImport(ctx, ownerId, staged.id, options);
}

/**
 * Input of `owner.imports.profiles.create()` and `update()`: a name and a CSV mapping.
 *
 * @example
 * ```ts
 * import { importProfileInputSchema } from '@expense-tracker/core';
 *
 * const mapping = { date: { column: 'Date' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'EUR' } };
 * importProfileInputSchema.parse({ name: 'My bank', profile: mapping }).profile.delimiter; // ',' (the default)
 * ```
 */
export const importProfileInputSchema = z
  .strictObject({ name: z.string().trim().min(1).max(100), profile: csvProfileSchema })
  .meta({ id: 'ImportProfileInput' });

/**
 * Input of `owner.imports.profiles.create()` and `update()`: a name and a CSV mapping (see
 * `csvProfileSchema`).
 *
 * @example
 * ```ts
 * import type { ImportProfileInput } from '@expense-tracker/core';
 *
 * const input: ImportProfileInput = {
 *   name: 'US checking',
 *   profile: { date: { column: 'Posted', format: 'MDY' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'USD' } },
 * };
 * await owner.imports.profiles.create(input);
 * ```
 */
export type ImportProfileInput = z.input<typeof importProfileInputSchema>;

function toProfile(record: ImportProfileRecord): ImportProfile {
  return {
    id: record.id,
    name: record.name,
    profile: record.profile as Record<string, unknown>,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The mapping as given, checked: stored as given so later defaults apply when it is used. */
function readProfileInput(input: ImportProfileInput) {
  const data = parseInput(importProfileInputSchema, input);
  return { name: data.name, profile: input.profile };
}

/** Import profiles: saved CSV mappings of the owner. */
export const profileService = {
  async create(ctx: ServiceContext, ownerId: string, input: ImportProfileInput): Promise<ImportProfile> {
    const { name, profile } = readProfileInput(input);
    return write(ctx, ownerId, async ({ tx, at }) => {
      const record = { id: newId('ipr'), ownerId, name, profile, createdAt: at, updatedAt: at };
      await tx.imports.insertProfile(record);
      return toProfile(record);
    });
  },
  async get(ctx: ServiceContext, ownerId: string, id: string): Promise<ImportProfile> {
    assertOpen(ctx);
    const found = await ctx.store.imports.findProfile(ownerId, id);
    if (!found) throw notFound('Import profile', id);
    return toProfile(found);
  },
  async list(ctx: ServiceContext, ownerId: string): Promise<ImportProfile[]> {
    assertOpen(ctx);
    return (await ctx.store.imports.listProfiles(ownerId)).map(toProfile);
  },
  async update(ctx: ServiceContext, ownerId: string, id: string, input: ImportProfileInput): Promise<ImportProfile> {
    const { name, profile } = readProfileInput(input);
    return write(ctx, ownerId, async ({ tx, at }) => {
      const found = await tx.imports.findProfile(ownerId, id);
      if (!found) throw notFound('Import profile', id);
      const next = { ...found, name, profile, updatedAt: at };
      await tx.imports.updateProfile(next);
      return toProfile(next);
    });
  },
  async delete(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
    await write(ctx, ownerId, async ({ tx }) => {
      if (!(await tx.imports.deleteProfile(ownerId, id))) throw notFound('Import profile', id);
    });
  },
};
