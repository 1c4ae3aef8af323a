import { notFound, TrackerError } from '../errors.js';
import { newId } from '../ids.js';
import { applySpending, type ExpenseChange } from '../expenses/spending.js';
import { toExpense } from '../presenters.js';
import type { ExpenseRecord, StoreSession } from '../store/store.js';
import { assertOpen, write, type ServiceContext } from '../write-context.js';
import { applyChanges, categoryChosenByUser } from './apply-to-draft.js';
import { compileRules, type RuleEvaluator } from './compile-rules.js';
import type { RuleRunChangeRecord, RuleRunRecord } from './repository.js';
import { toRuleInput } from './rule-set.js';
import {
  ruleApplySchema,
  ruleRunListQuerySchema,
  ruleTestSchema,
  type RuleApplyInput,
  type RuleFieldChange,
  type RuleRevertResult,
  type RuleRun,
  type RuleRunListQuery,
  type RuleTestInput,
  type RuleTestResult,
} from './schema.js';
import { parseRuleInput } from './service.js';
import type { RuleSuggestion } from './suggest-rules.js';

const PAGE = 500;
/** How many of the owner's newest expenses suggestions learn from. */
const SUGGESTION_HISTORY = 2000;

/** The owner's expenses dated from `from` to `to` (open ends allowed), oldest first, read a page at a time. */
async function* expensesIn(session: StoreSession, ownerId: string, from?: string, to?: string) {
  let after: { key: string; id: string } | undefined;
  for (;;) {
    const page = await session.expenses.list(ownerId, { from, to, sort: 'date', order: 'asc', limit: PAGE, after });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    after = { key: last.date, id: last.id };
  }
}

/** What one rule does to a stored expense: the draft after it, or `null` when it does not match. */
function runOne(rule: RuleEvaluator, expense: ExpenseRecord, categoryIds: ReadonlySet<string>) {
  const userChoseCategory = categoryChosenByUser(expense, false);
  const evaluation = rule.evaluate(expense, { categoryLockedByUser: userChoseCategory });
  if (evaluation.matched.length === 0) return null;
  return applyChanges(expense, evaluation.changes, { userChoseCategory, categoryIds }).draft;
}

function fieldChanges(before: ExpenseRecord, after: ExpenseRecord): RuleFieldChange[] {
  const fields = ['categoryId', 'merchant', 'notes', 'tags'] as const;
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, from: before[field], to: after[field] }));
}

/**
 * Tries a draft or saved rule on the owner's expenses of a date range, alone (as if it were
 * the only rule), writing nothing: which expenses it matches and what it would change.
 */
export async function testRule(ctx: ServiceContext, ownerId: string, input: RuleTestInput): Promise<RuleTestResult> {
  const data = parseRuleInput(ruleTestSchema, input);
  assertOpen(ctx);
  let definition = data.rule ? { ...data.rule, id: 'draft', position: 0 } : undefined;
  if (data.ruleId !== undefined) {
    const saved = await ctx.store.rules.findById(ownerId, data.ruleId);
    if (!saved) throw notFound('Rule', data.ruleId);
    definition = toRuleInput(saved);
  }
  const rule = compileRules([{ ...definition!, enabled: true }]);
  const categoryIds = new Set((await ctx.store.categories.list(ownerId)).map((c) => c.id));
  const result: RuleTestResult = { examined: 0, matched: 0, wouldChange: 0, items: [] };
  for await (const expense of expensesIn(ctx.store, ownerId, data.from, data.to)) {
    result.examined++;
    const after = runOne(rule, expense, categoryIds);
    if (!after) continue;
    result.matched++;
    const changes = fieldChanges(expense, after);
    if (changes.length > 0) result.wouldChange++;
    if (result.items.length < data.limit) result.items.push({ expense: toExpense(expense), changes });
  }
  return result;
}

function toRuleRun(run: RuleRunRecord, expenseIds: string[]): RuleRun {
  const { ownerId: _owner, ...rest } = run;
  return { ...rest, changed: expenseIds.length, expenseIds };
}

/** `owner.rules.runs()`: the owner's runs, newest first, of one rule or all. */
export async function listRuleRuns(
  ctx: ServiceContext,
  ownerId: string,
  query: RuleRunListQuery = {},
): Promise<RuleRun[]> {
  const q = parseRuleInput(ruleRunListQuerySchema, query);
  assertOpen(ctx);
  const rows = await ctx.store.rules.listRuns(ownerId, q);
  return rows.map(({ run, expenseIds }) => toRuleRun(run, expenseIds));
}

/** `owner.rules.getRun()`: one of the owner's runs, or `NOT_FOUND`. */
export async function getRuleRun(ctx: ServiceContext, ownerId: string, runId: string): Promise<RuleRun> {
  assertOpen(ctx);
  const run = await ctx.store.rules.findRun(ownerId, runId);
  if (!run) throw notFound('Rule run', runId);
  const changes = await ctx.store.rules.listRunChanges(ownerId, runId);
  return toRuleRun(
    run,
    changes.map((c) => c.expenseId),
  );
}

/**
 * Applies a saved rule (enabled or not) to the owner's existing expenses of a date range, in
 * one transaction, as a recorded run that `revertRun` can undo. A category the user chose is
 * kept (see `categoryChosenByUser`). Each changed expense gets an `expense.updated` whose
 * `cause` names the rule and the run; the run itself is `rule.applied`.
 */
export async function applyRule(
  ctx: ServiceContext,
  ownerId: string,
  ruleId: string,
  input: RuleApplyInput = {},
): Promise<RuleRun> {
  const range = parseRuleInput(ruleApplySchema, input);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at } = scope;
    const saved = await tx.rules.findById(ownerId, ruleId);
    if (!saved) throw notFound('Rule', ruleId);
    const rule = compileRules([{ ...toRuleInput(saved), enabled: true }]);
    const categoryIds = new Set((await scope.config()).categories.map((c) => c.id));
    const run: RuleRunRecord = {
      id: newId('run'),
      ownerId,
      ruleId,
      from: range.from ?? null,
      to: range.to ?? null,
      startedAt: at,
      revertedAt: null,
    };
    const changes: RuleRunChangeRecord[] = [];
    for await (const expense of expensesIn(tx, ownerId, range.from, range.to)) {
      const after = runOne(rule, expense, categoryIds);
      if (after && fieldChanges(expense, after).length > 0) {
        changes.push({ runId: run.id, expenseId: expense.id, before: expense, after: { ...after, updatedAt: at } });
      }
    }
    const cause = { kind: 'rule' as const, ruleIds: [ruleId], runId: run.id };
    for (const { before, after } of changes) {
      await tx.expenses.update(after);
      scope.record({
        type: 'expense.updated',
        data: { expense: toExpense(after), previous: toExpense(before), cause },
      });
    }
    await tx.rules.insertRun(run, changes);
    await applySpending(
      scope,
      ownerId,
      changes.map((c): ExpenseChange => [c.before, c.after]),
      [],
    );
    const result = toRuleRun(
      run,
      changes.map((c) => c.expenseId),
    );
    scope.record({ type: 'rule.applied', data: { run: result } });
    return result;
  });
}

/** Whether two expense records hold the same values, whatever their keys' order. */
function sameRecord(a: ExpenseRecord, b: ExpenseRecord): boolean {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  return keys.every((key) => JSON.stringify(left[key]) === JSON.stringify(right[key]));
}

/**
 * Reverts a run: each expense it changed gets back the category, merchant, notes and tags
 * it had before, unless it was edited (or deleted) since, which is skipped and reported. A
 * run reverts once; a second revert is a `CONFLICT`.
 */
export async function revertRuleRun(ctx: ServiceContext, ownerId: string, runId: string): Promise<RuleRevertResult> {
  assertOpen(ctx);
  return write(ctx, ownerId, async (scope) => {
    const { tx, at } = scope;
    const run = await tx.rules.findRun(ownerId, runId);
    if (!run) throw notFound('Rule run', runId);
    if (!(await tx.rules.markReverted(ownerId, runId, at))) {
      throw new TrackerError('CONFLICT', `Rule run ${runId} was already reverted`);
    }
    const changes = await tx.rules.listRunChanges(ownerId, runId);
    const restored: string[] = [];
    const skipped: RuleRevertResult['skipped'] = [];
    const writes: ExpenseChange[] = [];
    const cause = { kind: 'rule-revert' as const, ruleIds: [run.ruleId], runId };
    for (const { expenseId, before, after } of changes) {
      const current = await tx.expenses.findById(ownerId, expenseId);
      if (!current) skipped.push({ expenseId, reason: 'deleted' });
      else if (!sameRecord(current, after)) skipped.push({ expenseId, reason: 'edited' });
      else {
        const { categoryId, categorySource, ruleId, merchant, notes, tags } = before;
        const next: ExpenseRecord = {
          ...current,
          categoryId,
          categorySource,
          ruleId,
          merchant,
          notes,
          tags,
          updatedAt: at,
        };
        await tx.expenses.update(next);
        scope.record({
          type: 'expense.updated',
          data: { expense: toExpense(next), previous: toExpense(current), cause },
        });
        writes.push([current, next]);
        restored.push(expenseId);
      }
    }
    await applySpending(scope, ownerId, writes, []);
    const result: RuleRevertResult = {
      run: toRuleRun(
        { ...run, revertedAt: at },
        changes.map((c) => c.expenseId),
      ),
      restored,
      skipped,
    };
    scope.record({ type: 'rule.reverted', data: result });
    return result;
  });
}

/**
 * Rules worth suggesting from the owner's recent categorisation (the newest 2,000 expenses):
 * a merchant given the same category at least 3 times that the current rules would not
 * categorise so. Never creates a rule. Only categories a person chose count
 * (`categorySource === 'user'`): a rule's own work does not suggest itself.
 */
export async function ruleSuggestions(ctx: ServiceContext, ownerId: string): Promise<RuleSuggestion[]> {
  assertOpen(ctx);
  const records = await ctx.store.rules.list(ownerId);
  const history = await ctx.store.expenses.list(ownerId, { sort: 'date', order: 'desc', limit: SUGGESTION_HISTORY });
  const evaluator = compileRules(records.map(toRuleInput));
  return evaluator.suggest(history);
}
