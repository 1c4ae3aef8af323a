// Categories and budgets, managed by hand: list, add, rename or edit in place (Escape cancels),
// delete after a confirmation. Checked with the API's own zod schemas from @expense-tracker/core;
// the server's problem+json is shown next to the field it names.
import { budgetInputSchema, budgetPatchSchema, categoryInputSchema, categoryPatchSchema } from '@expense-tracker/core';
import type { CategoryRef } from './expenses.js';
import {
  button,
  clearIssues,
  field,
  keepFocus,
  onEscape,
  showApiError,
  showIssues,
  valueOf,
  type Field,
  type PageDeps,
} from './form-kit.js';

interface Budget {
  id: string;
  name: string;
  amount: string;
  currency: string;
  categoryIds: string[];
  period: { unit: string; every: number; anchor: string } | { start: string; end: string };
}

/** The section's controls, driven by money-in.ts. */
export interface ManageSection {
  load(): Promise<void>;
  /** A `category.*` event arrived: read the categories again. */
  categoriesChanged(): void;
  /** A `budget.*` event arrived: read the budgets again. */
  budgetsChanged(): void;
  clear(): void;
}

const UNITS: [string, string][] = [
  ['month', 'month'],
  ['week', 'week'],
  ['day', 'day'],
  ['year', 'year'],
];

const periodText = (period: Budget['period']): string =>
  'unit' in period
    ? `every ${period.every === 1 ? '' : `${period.every} `}${period.unit}${period.every === 1 ? '' : 's'}`
    : `${period.start} to ${period.end}`;

const byName = (fields: readonly Field[], name: string): Field => fields.find((f) => f.name === name)!;

/** A form of `fields` with a submit button, an error line, and Escape/Cancel when `cancel` is given. */
function formOf(
  text: PageDeps['text'],
  label: string,
  fields: readonly Field[],
  submit: HTMLButtonElement,
  cancel?: () => void,
): { form: HTMLFormElement; error: HTMLElement } {
  const form = document.createElement('form');
  form.className = 'inline-form edit-form';
  form.noValidate = true;
  form.setAttribute('aria-label', label);
  const error = text('p', '', 'form-error');
  error.setAttribute('role', 'alert');
  form.append(...fields.map((f) => f.wrapper), submit);
  if (cancel) {
    const cancelButton = button('Cancel', `Cancel: ${label}`);
    cancelButton.addEventListener('click', cancel);
    form.append(cancelButton);
    onEscape(form, cancel);
  }
  form.append(error);
  return { form, error };
}

/** What the sections tell money-in.ts: every category list read, and each category change made here. */
export interface ManageHooks {
  onCategories(list: readonly CategoryRef[]): void;
  onCategoryWrite(): void;
}

/** Wires the categories and budgets sections. */
export function createManageSection({ api, el, text }: PageDeps, hooks: ManageHooks): ManageSection {
  let categories: CategoryRef[] = [];
  let budgets: Budget[] = [];
  /** The row edited in place, kept across a live reload. */
  let editing: { key: string; node: HTMLElement } | null = null;
  let pendingCategories: ReturnType<typeof setTimeout> | undefined;
  let pendingBudgets: ReturnType<typeof setTimeout> | undefined;

  const categoryList = el('category-manage-list');
  const budgetList = el('budget-manage-list');
  const report = (target: HTMLElement) => (error: unknown) => {
    if (error instanceof Error && error.message !== 'unauthorized') target.textContent = error.message;
  };
  const categoryError = el('category-list-error');
  const budgetError = el('budget-list-error');

  const focusIn = (key: string, fallback: HTMLElement): void => {
    (document.getElementById(`${key}-edit`) ?? fallback).focus();
  };

  // ---- Categories.

  const newCategory = field('category-new-name', 'name', 'Category name', '', { maxlength: '100' });
  const categoryForm = el<HTMLFormElement>('category-form');
  const categoryFormError = el('category-form-error');
  el('category-fields').replaceChildren(newCategory.wrapper);

  categoryForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const checked = categoryInputSchema.safeParse({ name: newCategory.control.value });
    if (!checked.success) {
      showIssues([newCategory], categoryFormError, checked.error.issues);
      return;
    }
    clearIssues([newCategory], categoryFormError);
    void api<CategoryRef>('/categories', { method: 'POST', body: JSON.stringify(checked.data) })
      .then(async () => {
        hooks.onCategoryWrite();
        newCategory.control.value = '';
        newCategory.control.focus();
        await loadCategories();
      })
      .catch((error: unknown) => showApiError([newCategory], categoryFormError, error));
  });

  function categoryRow(category: CategoryRef): HTMLElement {
    const key = `category-${category.id}`;
    if (editing?.key === key) return editing.node;
    const item = document.createElement('li');
    item.dataset.key = key;
    const rename = button('Rename', `Rename category ${category.name}`);
    rename.id = `${key}-edit`;
    rename.addEventListener('click', () => startRename(category));
    const remove = button('Delete', `Delete category ${category.name}`);
    remove.id = `${key}-delete`;
    remove.addEventListener('click', () => void deleteCategory(category));
    item.append(text('span', category.name, 'category-name'), rename, remove);
    return item;
  }

  function renderCategories(): void {
    if (editing?.key.startsWith('category-') && !categories.some((c) => `category-${c.id}` === editing?.key))
      editing = null;
    keepFocus(() => {
      if (categories.length === 0) categoryList.replaceChildren(text('li', 'No categories yet.', 'empty'));
      else categoryList.replaceChildren(...categories.map(categoryRow));
    });
  }

  function stopEdit(key: string, fallback: HTMLElement, rerender: () => void): void {
    editing = null;
    rerender();
    focusIn(key, fallback);
  }

  function startRename(category: CategoryRef): void {
    const key = `category-${category.id}`;
    const name = field(`category-rename-${category.id}`, 'name', `New name for ${category.name}`, category.name, {
      maxlength: '100',
    });
    const cancel = () => stopEdit(key, newCategory.control, renderCategories);
    const { form, error } = formOf(
      text,
      `Rename category ${category.name}`,
      [name],
      button('Save', `Save category ${category.name}`, 'submit'),
      cancel,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const checked = categoryPatchSchema.safeParse({ name: name.control.value });
      if (!checked.success) {
        showIssues([name], error, checked.error.issues);
        return;
      }
      void api<CategoryRef>(`/categories/${encodeURIComponent(category.id)}`, {
        method: 'PATCH',
        body: JSON.stringify(checked.data),
      })
        .then(async (saved) => {
          hooks.onCategoryWrite();
          categories = categories.map((c) => (c.id === saved.id ? saved : c));
          cancel();
          await loadCategories();
        })
        .catch((failure: unknown) => showApiError([name], error, failure));
    });
    const node = document.createElement('li');
    node.dataset.key = key;
    node.append(form);
    editing = { key, node };
    renderCategories();
    name.control.focus();
  }

  async function deleteCategory(category: CategoryRef): Promise<void> {
    if (!confirm(`Delete the category "${category.name}"? Its expenses stay, uncategorized.`)) return;
    try {
      await api<undefined>(`/categories/${encodeURIComponent(category.id)}?uncategorize=true`, { method: 'DELETE' });
      hooks.onCategoryWrite();
      categories = categories.filter((c) => c.id !== category.id);
      renderCategories();
      newCategory.control.focus();
      await loadCategories();
    } catch (error) {
      report(categoryError)(error);
    }
  }

  async function loadCategories(): Promise<void> {
    categories = (await api<CategoryRef[]>('/categories')).map(({ id, name }) => ({ id, name }));
    categoryError.textContent = '';
    renderCategories();
    refreshBudgetCategorySelect();
    renderBudgets();
    hooks.onCategories(categories);
  }

  // ---- Budgets.

  const categoryChoices = (): [string, string][] => [
    ['', 'All spending'],
    ...categories.map((c): [string, string] => [c.id, c.name]),
  ];
  const budgetFields = [
    field('budget-new-name', 'name', 'Budget name', '', { maxlength: '100' }),
    field('budget-new-amount', 'amount', 'Limit', '', { inputmode: 'decimal', autocomplete: 'off', maxlength: '40' }),
    field('budget-new-currency', 'currency', 'Currency', '', { autocomplete: 'off', maxlength: '3', size: '4' }),
    field('budget-new-period', 'period', 'Per', 'month', {}, UNITS),
    field('budget-new-category', 'categoryIds', 'Covers', '', {}, categoryChoices()),
  ];
  const budgetForm = el<HTMLFormElement>('budget-form');
  const budgetFormError = el('budget-form-error');
  el('budget-fields').replaceChildren(...budgetFields.map((f) => f.wrapper));

  function refreshBudgetCategorySelect(): void {
    const select = byName(budgetFields, 'categoryIds').control;
    const chosen = select.value;
    select.replaceChildren(
      ...categoryChoices().map(([value, label]) => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent = label;
        return option;
      }),
    );
    select.value = categories.some((c) => c.id === chosen) ? chosen : '';
  }

  budgetForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const category = valueOf(byName(budgetFields, 'categoryIds'));
    const body = {
      name: byName(budgetFields, 'name').control.value,
      amount: valueOf(byName(budgetFields, 'amount')),
      currency: valueOf(byName(budgetFields, 'currency')),
      period: { unit: byName(budgetFields, 'period').control.value },
      ...(category ? { categoryIds: [category] } : {}),
    };
    const checked = budgetInputSchema.safeParse(body);
    if (!checked.success) {
      showIssues(budgetFields, budgetFormError, checked.error.issues);
      return;
    }
    clearIssues(budgetFields, budgetFormError);
    void api<Budget>('/budgets', { method: 'POST', body: JSON.stringify(checked.data) })
      .then(async () => {
        byName(budgetFields, 'name').control.value = '';
        byName(budgetFields, 'amount').control.value = '';
        byName(budgetFields, 'name').control.focus();
        await loadBudgets();
      })
      .catch((error: unknown) => showApiError(budgetFields, budgetFormError, error));
  });

  function budgetRow(budget: Budget): HTMLElement {
    const key = `budget-${budget.id}`;
    if (editing?.key === key) return editing.node;
    const item = document.createElement('li');
    item.dataset.key = key;
    const covers =
      budget.categoryIds.length === 0
        ? 'all spending'
        : budget.categoryIds.map((id) => categories.find((c) => c.id === id)?.name ?? 'a deleted category').join(', ');
    const edit = button('Edit', `Edit budget ${budget.name}`);
    edit.id = `${key}-edit`;
    edit.addEventListener('click', () => startBudgetEdit(budget));
    const remove = button('Delete', `Delete budget ${budget.name}`);
    remove.id = `${key}-delete`;
    remove.addEventListener('click', () => void deleteBudget(budget));
    item.append(
      text('span', budget.name, 'budget-name'),
      text('span', `${budget.amount} ${budget.currency}`, 'num budget-amount'),
      text('span', `${periodText(budget.period)}, ${covers}`, 'budget-period'),
      edit,
      remove,
    );
    return item;
  }

  function renderBudgets(): void {
    if (editing?.key.startsWith('budget-') && !budgets.some((b) => `budget-${b.id}` === editing?.key)) editing = null;
    keepFocus(() => {
      if (budgets.length === 0) budgetList.replaceChildren(text('li', 'No budgets yet.', 'empty'));
      else budgetList.replaceChildren(...budgets.map(budgetRow));
    });
  }

  function startBudgetEdit(budget: Budget): void {
    const key = `budget-${budget.id}`;
    const prefix = `budget-edit-${budget.id}`;
    const fields = [
      field(`${prefix}-name`, 'name', 'Budget name', budget.name, { maxlength: '100' }),
      field(`${prefix}-amount`, 'amount', `Limit (${budget.currency})`, budget.amount, {
        inputmode: 'decimal',
        autocomplete: 'off',
        maxlength: '40',
      }),
      // A one-off period (start to end) is not edited here: the API's PATCH can change it.
      ...('unit' in budget.period ? [field(`${prefix}-period`, 'period', 'Per', budget.period.unit, {}, UNITS)] : []),
    ];
    const cancel = () => stopEdit(key, byName(budgetFields, 'name').control, renderBudgets);
    const { form, error } = formOf(
      text,
      `Edit budget ${budget.name}`,
      fields,
      button('Save', `Save budget ${budget.name}`, 'submit'),
      cancel,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const period = fields.find((f) => f.name === 'period');
      const body = {
        name: byName(fields, 'name').control.value,
        amount: valueOf(byName(fields, 'amount')),
        ...(period && 'unit' in budget.period
          ? { period: { unit: period.control.value, every: budget.period.every, anchor: budget.period.anchor } }
          : {}),
      };
      const checked = budgetPatchSchema.safeParse(body);
      if (!checked.success) {
        showIssues(fields, error, checked.error.issues);
        return;
      }
      void api<Budget>(`/budgets/${encodeURIComponent(budget.id)}`, {
        method: 'PATCH',
        body: JSON.stringify(checked.data),
      })
        .then(async (saved) => {
          budgets = budgets.map((b) => (b.id === saved.id ? saved : b));
          cancel();
          await loadBudgets();
        })
        .catch((failure: unknown) => showApiError(fields, error, failure));
    });
    const node = document.createElement('li');
    node.dataset.key = key;
    node.append(form);
    editing = { key, node };
    renderBudgets();
    fields[1]!.control.focus();
  }

  async function deleteBudget(budget: Budget): Promise<void> {
    if (!confirm(`Delete the budget "${budget.name}" and its alert rules? Expenses stay.`)) return;
    try {
      await api<undefined>(`/budgets/${encodeURIComponent(budget.id)}`, { method: 'DELETE' });
      budgets = budgets.filter((b) => b.id !== budget.id);
      renderBudgets();
      byName(budgetFields, 'name').control.focus();
      await loadBudgets();
    } catch (error) {
      report(budgetError)(error);
    }
  }

  async function loadBudgets(): Promise<void> {
    budgets = await api<Budget[]>('/budgets');
    budgetError.textContent = '';
    renderBudgets();
  }

  return {
    async load() {
      await loadCategories();
      await loadBudgets();
    },
    categoriesChanged() {
      clearTimeout(pendingCategories);
      pendingCategories = setTimeout(() => void loadCategories().catch(report(categoryError)), 100);
    },
    budgetsChanged() {
      clearTimeout(pendingBudgets);
      pendingBudgets = setTimeout(() => void loadBudgets().catch(report(budgetError)), 100);
    },
    clear() {
      clearTimeout(pendingCategories);
      clearTimeout(pendingBudgets);
      categories = [];
      budgets = [];
      editing = null;
      categoryList.replaceChildren();
      budgetList.replaceChildren();
      for (const f of [newCategory, ...budgetFields]) f.control.value = f.name === 'period' ? 'month' : '';
      clearIssues([newCategory], categoryFormError);
      clearIssues(budgetFields, budgetFormError);
      categoryError.textContent = '';
      budgetError.textContent = '';
      refreshBudgetCategorySelect();
    },
  };
}
