import type { z } from 'zod';
import { defaultAnchor, isRecurring, periodContaining, periodIndexOf, type PeriodDefinition } from './periods.js';
import { localDate, MIN_LOCAL_DATE } from '../dates.js';
import { notFound, validationError } from '../errors.js';
import { newId } from '../ids.js';
import {
  budgetHistoryQuerySchema,
  budgetInputSchema,
  budgetPatchSchema,
  budgetStatusQuerySchema,
  overallBudgetInputSchema,
  type Budget,
  type BudgetInput,
  type BudgetPatch,
  type BudgetStatus,
  type OverallBudgetInput,
} from './schema.js';
import type { OwnerSettings } from '../owners/schema.js';
import type { BudgetRecord } from '../store/store.js';
import { positiveAmount } from '../expenses/amounts.js';
import { DEFAULT_ALERT_RULES, evaluateBudgets, newRules } from '../alerts/service.js';
import { budgetFigures, coveredCategories, periodIndex } from './figures.js';
import { assertCategories } from '../categories/service.js';
import { assertOpen, parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { readOwner } from '../owners/config.js';
import { toBudget, toBudgetStatus } from '../presenters.js';

type PeriodInput = NonNullable<ReturnType<typeof budgetInputSchema.parse>['period']>;

/** Resolves a period input: a recurring period gets its default anchor from today. */
function resolvePeriod(input: PeriodInput | undefined, today: string, settings: OwnerSettings): PeriodDefinition {
  const period = input ?? { unit: 'month' as const, every: 1 };
  if (!('unit' in period)) return { start: period.start, end: period.end };
  return {
    unit: period.unit,
    every: period.every,
    anchor: period.anchor ?? defaultAnchor(period.unit, today, settings.weekStartsOn),
  };
}

/** The default `startsOn`: the start of the period containing today (a one-off's start). */
function defaultStart(period: PeriodDefinition, today: string): string {
  return isRecurring(period) ? periodContaining(period, today)!.start : period.start;
}

/** The issue paths of a budget's categories: `['categoryIds', index]`. */
const categoryRefs = (ids: readonly string[]) =>
  ids.map((categoryId, index) => ({ categoryId, path: ['categoryIds', index] }));

type ParsedBudgetInput = z.output<typeof budgetInputSchema>;
type ParsedBudgetPatch = z.output<typeof budgetPatchSchema>;

/** Creates a budget with its alert rules (default: `spent` at 80 % and 100 %). */
export async function createBudget(ctx: ServiceContext, ownerId: string, input: BudgetInput): Promise<Budget> {
  const data = parseInput(budgetInputSchema, input);
  return write(ctx, ownerId, (scope) => insertBudget(scope, ownerId, data));
}

/** Inserts a new budget and its rules, in the write's transaction. */
async function insertBudget(scope: WriteScope, ownerId: string, data: ParsedBudgetInput): Promise<Budget> {
  const { tx, at, settings } = scope;
  const today = scope.today;
  const currency = data.currency ?? settings.currency;
  const period = resolvePeriod(data.period, today, settings);
  const categoryIds = data.categoryIds ?? [];
  await assertCategories(scope, categoryRefs(categoryIds));
  const record: BudgetRecord = {
    id: newId('bud'),
    ownerId,
    name: data.name,
    amountMinor: positiveAmount(data, currency, [], 'A budget limit'),
    currency,
    categoryIds,
    period,
    rollover: data.rollover ?? 'none',
    startsOn: data.startsOn ?? defaultStart(period, today),
    endsOn: data.endsOn ?? null,
    createdAt: at,
    updatedAt: at,
  };
  await tx.budgets.insert(record);
  await tx.alertRules.insert(newRules(ownerId, record.id, at, data.alertRules ?? DEFAULT_ALERT_RULES));
  scope.configChanged();
  const budget = toBudget(record);
  scope.record({ type: 'budget.created', data: { budget } });
  await evaluateBudgets(scope, ownerId, [record]);
  return budget;
}

/**
 * What `owner.budgets.setOverall()` did: the overall budget as it now is, and whether the
 * call created it (`false`: it replaced the one the owner had).
 *
 * @example
 * ```ts
 * import type { OverallBudgetChange } from '@expense-tracker/core';
 *
 * const change: OverallBudgetChange = await owner.budgets.setOverall({ name: 'Month', amount: '2000' });
 * console.log(change.created ? 'created' : 'replaced', change.budget.id);
 * ```
 */
export interface OverallBudgetChange {
  budget: Budget;
  created: boolean;
}

/**
 * Sets the overall budget in one write: replaces it when the owner has one, creates it
 * otherwise. Deciding under the owner's lock means two concurrent calls cannot both create one.
 */
export async function setOverallBudget(
  ctx: ServiceContext,
  ownerId: string,
  input: OverallBudgetInput,
): Promise<OverallBudgetChange> {
  // `categoryIds` may come along (the same object as for create()) only when it is empty.
  const { categoryIds, ...fields } = typeof input === 'object' && input !== null ? input : ({} as OverallBudgetInput);
  if (categoryIds !== undefined && (!Array.isArray(categoryIds) || categoryIds.length > 0)) {
    throw validationError([
      {
        path: ['categoryIds'],
        code: 'too_big',
        message: 'The overall budget covers all spending: leave categoryIds empty',
      },
    ]);
  }
  const data = parseInput(overallBudgetInputSchema, typeof input === 'object' && input !== null ? fields : input);
  return write(ctx, ownerId, async (scope) => {
    const current = (await scope.config()).budgets.find((b) => b.categoryIds.length === 0);
    if (!current) return { budget: await insertBudget(scope, ownerId, data), created: true };
    assertNoAlertRules(data);
    return { budget: await changeBudget(scope, ownerId, current, data, true), created: false };
  });
}

/** The owner's budget, or `NOT_FOUND`. */
export async function getBudget(ctx: ServiceContext, ownerId: string, id: string): Promise<Budget> {
  assertOpen(ctx);
  const record = await ctx.store.budgets.findById(ownerId, id);
  if (!record) throw notFound('Budget', id);
  return toBudget(record);
}

/** The owner's budgets, oldest first. */
export async function listBudgets(ctx: ServiceContext, ownerId: string): Promise<Budget[]> {
  assertOpen(ctx);
  return (await readOwner(ctx, ownerId)).budgets.map(toBudget);
}

/** The overall budget: the oldest budget without a category filter, or `null`. */
export async function findOverallBudget(ctx: ServiceContext, ownerId: string): Promise<Budget | null> {
  assertOpen(ctx);
  const record = (await readOwner(ctx, ownerId)).budgets.find((b) => b.categoryIds.length === 0);
  return record ? toBudget(record) : null;
}

/** A budget input cannot change alert rules: they have their own API. */
function assertNoAlertRules(parsed: ParsedBudgetPatch | ParsedBudgetInput): void {
  if ('alertRules' in parsed && parsed.alertRules !== undefined) {
    throw validationError([
      { path: ['alertRules'], code: 'unrecognized_keys', message: 'Change alert rules through the alerts API' },
    ]);
  }
}

/**
 * Changes a budget. With `replace`, the input is a whole budget (optional fields left out go
 * back to their defaults; its alert rules are kept). Changing the currency needs the amount.
 */
export async function updateBudget(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  input: BudgetPatch | BudgetInput,
  replace: boolean,
): Promise<Budget> {
  const parsed = replace ? parseInput(budgetInputSchema, input) : parseInput(budgetPatchSchema, input);
  assertNoAlertRules(parsed);
  return write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.budgets.findById(ownerId, id);
    if (!current) throw notFound('Budget', id);
    return changeBudget(scope, ownerId, current, parsed, replace);
  });
}

/** Changes a stored budget, in the write's transaction. */
async function changeBudget(
  scope: WriteScope,
  ownerId: string,
  current: BudgetRecord,
  data: ParsedBudgetPatch,
  replace: boolean,
): Promise<Budget> {
  const { tx, at, settings } = scope;
  const today = scope.today;
  const currency = data.currency ?? (replace ? settings.currency : current.currency);
  const hasAmount = data.amount !== undefined || data.amountMinor !== undefined;
  if (currency !== current.currency && !hasAmount) {
    throw validationError([
      {
        path: ['amount'],
        code: 'amount_required',
        message: 'Changing the currency needs the amount in the new currency',
      },
    ]);
  }
  const period = data.period !== undefined || replace ? resolvePeriod(data.period, today, settings) : current.period;
  if (data.categoryIds !== undefined) await assertCategories(scope, categoryRefs(data.categoryIds));
  const next: BudgetRecord = {
    ...current,
    name: data.name ?? current.name,
    amountMinor: hasAmount ? positiveAmount(data, currency, [], 'A budget limit') : current.amountMinor,
    currency,
    categoryIds: data.categoryIds ?? (replace ? [] : current.categoryIds),
    period,
    rollover: data.rollover ?? (replace ? 'none' : current.rollover),
    startsOn: data.startsOn ?? (replace || data.period !== undefined ? defaultStart(period, today) : current.startsOn),
    endsOn: data.endsOn !== undefined ? data.endsOn : replace ? null : current.endsOn,
    updatedAt: at,
  };
  if (next.endsOn !== null && next.endsOn < next.startsOn) {
    throw validationError([{ path: ['endsOn'], code: 'invalid_range', message: 'endsOn must not be before startsOn' }]);
  }
  await tx.budgets.update(next);
  scope.configChanged();
  const budget = toBudget(next);
  scope.record({ type: 'budget.updated', data: { budget, previous: toBudget(current) } });
  await evaluateBudgets(scope, ownerId, [next]);
  return budget;
}

/** Deletes a budget and its rules; its notifications stay as history. */
export async function deleteBudget(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  assertOpen(ctx);
  await write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.budgets.findById(ownerId, id);
    if (!current || !(await scope.tx.budgets.delete(ownerId, id))) throw notFound('Budget', id);
    scope.configChanged();
    scope.record({ type: 'budget.deleted', data: { budget: toBudget(current) } });
  });
}

async function loadForRead(ctx: ServiceContext, ownerId: string, id: string) {
  assertOpen(ctx);
  const { settings, budgets, categories, hasSchedules } = await readOwner(ctx, ownerId);
  const budget = budgets.find((b) => b.id === id);
  if (!budget) throw notFound('Budget', id);
  const today = localDate(ctx.clock.now(), settings.timezone);
  return { budget, today, covered: coveredCategories(budget, categories), hasSchedules };
}

/** The budget's status for the period containing `date` (default: today in the owner's time zone). */
export async function budgetStatus(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  query: { date?: string } = {},
): Promise<BudgetStatus> {
  const q = parseInput(budgetStatusQuerySchema, query);
  const { budget, today, covered, hasSchedules } = await loadForRead(ctx, ownerId, id);
  return statusAt(ctx, budget, q.date ?? today, today, covered, hasSchedules);
}

/** The overall budget's status (as {@link budgetStatus}), or `null` when there is no overall budget. */
export async function overallBudgetStatus(
  ctx: ServiceContext,
  ownerId: string,
  query: { date?: string } = {},
): Promise<BudgetStatus | null> {
  const q = parseInput(budgetStatusQuerySchema, query);
  assertOpen(ctx);
  const { settings, budgets, hasSchedules } = await readOwner(ctx, ownerId);
  const budget = budgets.find((b) => b.categoryIds.length === 0);
  if (!budget) return null;
  const today = localDate(ctx.clock.now(), settings.timezone);
  return statusAt(ctx, budget, q.date ?? today, today, undefined, hasSchedules);
}

async function statusAt(
  ctx: ServiceContext,
  budget: BudgetRecord,
  date: string,
  today: string,
  covered: Set<string> | undefined,
  hasSchedules: boolean,
): Promise<BudgetStatus> {
  const index = periodIndex(budget, date);
  const [figures] = await budgetFigures(ctx.store, budget, { from: index, to: index }, today, covered, {
    scheduled: hasSchedules,
  });
  return toBudgetStatus(budget, figures!);
}

/**
 * The budget's figures for its last `periods` closed periods, oldest first, with rollover
 * applied period after period. A one-off budget has one period, listed once it has closed.
 */
export async function budgetHistory(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  query: { periods?: number } = {},
): Promise<BudgetStatus[]> {
  const q = parseInput(budgetHistoryQuerySchema, query);
  const { budget, today, covered } = await loadForRead(ctx, ownerId, id);
  if (!isRecurring(budget.period)) {
    if (budget.period.end >= today) return [];
    return (await budgetFigures(ctx.store, budget, { from: 0, to: 0 }, today, covered)).map((f) =>
      toBudgetStatus(budget, f),
    );
  }
  const current = periodIndex(budget, today);
  // Periods wholly before 1900-01-01 do not exist (a budget of 366-year periods has few).
  const from = Math.max(current - q.periods, periodIndexOf(budget.period, MIN_LOCAL_DATE));
  if (from > current - 1) return [];
  const figures = await budgetFigures(ctx.store, budget, { from, to: current - 1 }, today, covered);
  return figures.map((f) => toBudgetStatus(budget, f));
}
