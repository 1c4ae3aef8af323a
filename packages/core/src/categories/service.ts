import { notFound, TrackerError, validationError, type ValidationIssue } from '../errors.js';
import { newId } from '../ids.js';
import {
  categoryDeleteOptionsSchema,
  categoryInputSchema,
  categoryPatchSchema,
  type Category,
  type CategoryDeleteOptions,
  type CategoryInput,
  type CategoryPatch,
} from './schema.js';
import type { CategoryRecord, StoreSession } from '../store/store.js';
import { assertOpen, parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { toBudget, toCategory } from '../presenters.js';

/** Checks that `parentId` may be the parent of category `selfId` (one level of nesting). */
async function assertParent(tx: StoreSession, ownerId: string, parentId: string, selfId: string | null): Promise<void> {
  const invalid = (message: string, code: string) => validationError([{ path: ['parentId'], code, message }]);
  if (parentId === selfId) throw invalid('A category cannot be its own parent', 'invalid_parent');
  const parent = await tx.categories.findById(ownerId, parentId);
  if (!parent) throw invalid(`No category ${JSON.stringify(parentId)} to nest under`, 'unknown_category');
  if (parent.parentId !== null) {
    throw invalid(`${parent.name} is itself a subcategory; categories nest one level deep`, 'nesting_too_deep');
  }
  if (selfId !== null && (await tx.categories.countChildren(ownerId, selfId)) > 0) {
    throw invalid('A category with subcategories cannot become a subcategory', 'nesting_too_deep');
  }
}

/**
 * Budgets that name a deleted category follow its expenses: to `target` when they are
 * reassigned, or they stop naming it. A budget that named only this category would silently
 * become an all-spending budget, so that is a `CONFLICT` instead.
 */
async function updateBudgetsForDeletedCategory(
  scope: WriteScope,
  ownerId: string,
  category: CategoryRecord,
  target: string | null,
) {
  const { tx, at } = scope;
  for (const budget of await tx.budgets.list(ownerId)) {
    if (!budget.categoryIds.includes(category.id)) continue;
    const categoryIds = [
      ...new Set(
        budget.categoryIds
          .map((cid) => (cid === category.id ? target : cid))
          .filter((cid): cid is string => cid !== null),
      ),
    ];
    if (categoryIds.length === 0) {
      throw new TrackerError(
        'CONFLICT',
        `Budget ${budget.name} covers only ${category.name}; change or delete the budget first, or pass reassignTo`,
        {
          details: { budgetId: budget.id },
        },
      );
    }
    const next = { ...budget, categoryIds, updatedAt: at };
    await tx.budgets.update(next);
    scope.record({ type: 'budget.updated', data: { budget: toBudget(next), previous: toBudget(budget) } });
  }
}

/** Creates a category. */
export async function createCategory(ctx: ServiceContext, ownerId: string, input: CategoryInput): Promise<Category> {
  const data = parseInput(categoryInputSchema, input);
  return write(ctx, ownerId, async ({ tx, at, record, configChanged }) => {
    const id = newId('cat');
    if (data.parentId) await assertParent(tx, ownerId, data.parentId, null);
    const row: CategoryRecord = {
      id,
      ownerId,
      name: data.name,
      color: data.color ?? null,
      icon: data.icon ?? null,
      parentId: data.parentId ?? null,
      createdAt: at,
      updatedAt: at,
    };
    await tx.categories.insert(row);
    configChanged();
    const category = toCategory(row);
    record({ type: 'category.created', data: { category } });
    return category;
  });
}

/** The owner's category, or `NOT_FOUND`. */
export async function getCategory(ctx: ServiceContext, ownerId: string, id: string): Promise<Category> {
  assertOpen(ctx);
  const row = await ctx.store.categories.findById(ownerId, id);
  if (!row) throw notFound('Category', id);
  return toCategory(row);
}

/** All the owner's categories, by name. */
export async function listCategories(ctx: ServiceContext, ownerId: string): Promise<Category[]> {
  assertOpen(ctx);
  return (await ctx.store.categories.list(ownerId)).map(toCategory);
}

/**
 * Changes a category. With `replace`, fields the input leaves out are cleared (a full
 * update); otherwise only the given fields change.
 */
export async function updateCategory(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  input: CategoryPatch | CategoryInput,
  replace: boolean,
): Promise<Category> {
  const data = replace ? parseInput(categoryInputSchema, input) : parseInput(categoryPatchSchema, input);
  return write(ctx, ownerId, async ({ tx, at, record, configChanged }) => {
    const current = await tx.categories.findById(ownerId, id);
    if (!current) throw notFound('Category', id);
    const pick = <K extends 'color' | 'icon' | 'parentId'>(key: K) =>
      data[key] !== undefined ? (data[key] ?? null) : replace ? null : current[key];
    const next: CategoryRecord = {
      ...current,
      name: data.name ?? current.name,
      color: pick('color'),
      icon: pick('icon'),
      parentId: pick('parentId'),
      updatedAt: at,
    };
    if (next.parentId !== null && next.parentId !== current.parentId)
      await assertParent(tx, ownerId, next.parentId, id);
    const unchanged =
      next.name === current.name &&
      next.color === current.color &&
      next.icon === current.icon &&
      next.parentId === current.parentId;
    if (unchanged) return toCategory(current);
    await tx.categories.update(next);
    configChanged();
    const category = toCategory(next);
    record({ type: 'category.updated', data: { category, previous: toCategory(current) } });
    return category;
  });
}

/**
 * Deletes a category. When expenses use it, the call must say where they go: `reassignTo`
 * another category, or `uncategorize: true`; otherwise it is a `CONFLICT` naming the count.
 * Expenses are never deleted. A category with subcategories is a `CONFLICT` too.
 */
export async function deleteCategory(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  options: CategoryDeleteOptions = {},
): Promise<void> {
  const opts = parseInput(categoryDeleteOptionsSchema, options);
  await write(ctx, ownerId, async (scope) => {
    const { tx, at, record } = scope;
    const current = await tx.categories.findById(ownerId, id);
    if (!current) throw notFound('Category', id);
    let target: string | null = null;
    if (opts.reassignTo !== undefined) {
      const invalid = (message: string) =>
        validationError([{ path: ['reassignTo'], code: 'unknown_category', message }]);
      if (opts.reassignTo === id) throw invalid('Cannot reassign expenses to the category being deleted');
      if (!(await tx.categories.findById(ownerId, opts.reassignTo))) {
        throw invalid(`No category ${JSON.stringify(opts.reassignTo)} to move the expenses to`);
      }
      target = opts.reassignTo;
    }
    const children = await tx.categories.countChildren(ownerId, id);
    if (children > 0) {
      throw new TrackerError('CONFLICT', `${current.name} has ${children} subcategories; move or delete them first`, {
        details: { childCount: children },
      });
    }
    const used = await tx.expenses.countByCategory(ownerId, id);
    if (used > 0 && target === null && opts.uncategorize !== true) {
      throw new TrackerError(
        'CONFLICT',
        `${current.name} is used by ${used} expense${used === 1 ? '' : 's'}; pass reassignTo or uncategorize: true`,
        { details: { expenseCount: used } },
      );
    }
    await updateBudgetsForDeletedCategory(scope, ownerId, current, target);
    const moved = used > 0 ? await tx.expenses.reassignCategory(ownerId, id, target, at) : 0;
    if (moved > 0) await tx.totals.moveCategory(ownerId, id, target);
    await tx.categories.delete(ownerId, id);
    scope.configChanged();
    record({
      type: 'category.deleted',
      data: { category: toCategory(current), reassignedTo: target, expenseCount: moved },
    });
  });
}

/**
 * Checks that every referenced category is the owner's, as the write's transaction sees
 * them; another owner's id is "unknown", never revealed. One `unknown_category` issue per
 * unknown id, at its `path`. `null` (uncategorized) is always fine.
 */
export async function assertCategories(
  scope: WriteScope,
  refs: readonly { categoryId: string | null; path: (string | number)[] }[],
): Promise<void> {
  const wanted = refs.filter((ref) => ref.categoryId !== null);
  if (wanted.length === 0) return;
  const known = new Set((await scope.config()).categories.map((c) => c.id));
  const issues: ValidationIssue[] = wanted
    .filter(({ categoryId }) => !known.has(categoryId!))
    .map(({ categoryId, path }) => ({
      path,
      code: 'unknown_category',
      message: `No category ${JSON.stringify(categoryId)}`,
    }));
  if (issues.length > 0) throw validationError(issues);
}
