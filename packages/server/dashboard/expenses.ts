// The "Expenses" section: recent expenses paged by the API's cursor, a form to add an expense or
// a refund, edit in place (Escape cancels), delete after a confirmation. Input is checked with
// the very zod schemas the API uses (imported from @expense-tracker/core); what only the server
// can judge (an amount with more decimals than its currency has) comes back as problem+json and
// is shown next to its field. Amounts stay text end to end: the API parses them exactly.
import { expenseInputSchema, expensePatchSchema } from '@expense-tracker/core';
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

interface Expense {
  id: string;
  amount: string;
  kind: 'expense' | 'refund';
  currency: string;
  date: string;
  categoryId: string | null;
  description: string | null;
  merchant: string | null;
}

/** A category as the sections show it. */
export interface CategoryRef {
  id: string;
  name: string;
}

/** The section's controls, driven by money-in.ts. */
export interface ExpensesSection {
  load(): Promise<void>;
  /** An `expense.*` event arrived: the list is read again (debounced). */
  changed(): void;
  setCategories(list: readonly CategoryRef[]): void;
  setCurrency(currency: string): void;
  clear(): void;
}

const PAGE = 20;
/** The API's largest page: a live reload reads back as many rows as are shown, up to this. */
const MAX_PAGE = 200;

interface Values {
  kind: string;
  amount: string;
  currency: string;
  date: string;
  categoryId: string;
  description: string;
}

const nameOf = (e: Expense): string => e.description ?? e.merchant ?? 'no description';

/** Wires the Expenses section of the page. */
export function createExpensesSection({ api, el, text }: PageDeps): ExpensesSection {
  let categories: readonly CategoryRef[] = [];
  let currency = '';
  let items: Expense[] = [];
  let nextCursor: string | null = null;
  let editing: { id: string; node: HTMLElement; fields: Field[] } | null = null;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const list = el('expense-list');
  const more = el<HTMLButtonElement>('expense-more');
  const listError = el('expense-list-error');
  const addForm = el<HTMLFormElement>('expense-form');
  const addFieldsBox = el('expense-fields');
  const addError = el('expense-form-error');
  const status = el('expense-status');

  const categoryOptions = (): [string, string][] => [
    ['', 'Uncategorized'],
    ...categories.map((c): [string, string] => [c.id, c.name]),
  ];

  function expenseFields(prefix: string, v: Values): Field[] {
    return [
      field(`${prefix}-kind`, 'kind', 'Kind', v.kind, {}, [
        ['expense', 'Expense'],
        ['refund', 'Refund (money back)'],
      ]),
      field(`${prefix}-amount`, 'amount', 'Amount', v.amount, {
        inputmode: 'decimal',
        autocomplete: 'off',
        maxlength: '40',
        placeholder: '12.50',
      }),
      field(`${prefix}-currency`, 'currency', 'Currency', v.currency, {
        autocomplete: 'off',
        maxlength: '3',
        size: '4',
        placeholder: currency,
      }),
      field(`${prefix}-date`, 'date', 'Date', v.date, { type: 'date' }),
      field(`${prefix}-category`, 'categoryId', 'Category', v.categoryId, {}, categoryOptions()),
      field(`${prefix}-description`, 'description', 'Description', v.description, { maxlength: '500' }),
    ];
  }

  const byName = (fields: readonly Field[], name: string): Field => fields.find((f) => f.name === name)!;

  // ---- The add form: built here (its category list comes from the API), submitted by Enter.

  let addFields = expenseFields('expense-add', {
    kind: 'expense',
    amount: '',
    currency: '',
    date: '',
    categoryId: '',
    description: '',
  });
  addFieldsBox.replaceChildren(...addFields.map((f) => f.wrapper));

  /** Rebuilds the category choices of a form's select, keeping what was chosen when it still exists. */
  function refreshCategorySelect(fields: readonly Field[]): void {
    const select = byName(fields, 'categoryId').control;
    const chosen = select.value;
    const fresh = field(select.id, 'categoryId', 'Category', '', {}, categoryOptions()).control;
    select.replaceChildren(...Array.from(fresh.childNodes));
    select.value = categories.some((c) => c.id === chosen) ? chosen : '';
  }

  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      kind: valueOf(byName(addFields, 'kind')),
      amount: valueOf(byName(addFields, 'amount')),
      currency: valueOf(byName(addFields, 'currency')),
      date: valueOf(byName(addFields, 'date')),
      categoryId: valueOf(byName(addFields, 'categoryId')),
      description: valueOf(byName(addFields, 'description')),
    };
    const checked = expenseInputSchema.safeParse(body);
    if (!checked.success) {
      showIssues(addFields, addError, checked.error.issues);
      return;
    }
    clearIssues(addFields, addError);
    status.textContent = '';
    void api<Expense>('/expenses', { method: 'POST', body: JSON.stringify(checked.data) })
      .then(async (created) => {
        // Ready for the next one: kind, currency, date and category stay, amount and text go.
        byName(addFields, 'amount').control.value = '';
        byName(addFields, 'description').control.value = '';
        status.textContent = `Added ${created.kind === 'refund' ? 'refund' : 'expense'} of ${created.amount} ${created.currency}.`;
        byName(addFields, 'amount').control.focus();
        await reload();
      })
      .catch((error: unknown) => showApiError(addFields, addError, error));
  });

  // ---- The list.

  function rowOf(expense: Expense): HTMLLIElement {
    const item = document.createElement('li');
    item.dataset.expenseId = expense.id;
    item.className = expense.kind === 'refund' ? 'expense refund' : 'expense';
    const name = nameOf(expense);
    const date = text('time', expense.date, 'expense-date');
    date.setAttribute('datetime', expense.date);
    const category = expense.categoryId
      ? (categories.find((c) => c.id === expense.categoryId)?.name ?? 'Uncategorized')
      : 'Uncategorized';
    const sign = expense.kind === 'refund' ? '−' : '';
    const edit = button('Edit', `Edit expense ${name}`);
    edit.id = `expense-${expense.id}-edit`;
    edit.addEventListener('click', () => startEdit(expense));
    const remove = button('Delete', `Delete expense ${name}`);
    remove.id = `expense-${expense.id}-delete`;
    remove.addEventListener('click', () => void confirmDelete(expense));
    item.append(
      date,
      text('span', name, 'expense-name'),
      text('span', category, 'expense-category'),
      ...(expense.kind === 'refund' ? [text('span', 'refund', 'badge')] : []),
      text('span', `${sign}${expense.amount} ${expense.currency}`, 'num expense-amount'),
      edit,
      remove,
    );
    return item;
  }

  function render(): void {
    if (editing && !items.some((e) => e.id === editing?.id)) editing = null; // deleted elsewhere
    keepFocus(() => {
      if (items.length === 0) list.replaceChildren(text('li', 'No expenses yet.', 'empty'));
      else list.replaceChildren(...items.map((e) => (editing?.id === e.id ? editing.node : rowOf(e))));
    });
    more.hidden = nextCursor === null;
    list.dataset.loaded = String(Number(list.dataset.loaded ?? '0') + 1);
  }

  function focusRow(id: string | undefined): void {
    const target = id === undefined ? null : document.getElementById(`expense-${id}-edit`);
    (target ?? byName(addFields, 'amount').control).focus();
  }

  async function reload(): Promise<void> {
    const limit = Math.min(Math.max(items.length, PAGE), MAX_PAGE);
    const page = await api<{ items: Expense[]; nextCursor: string | null }>(`/expenses?limit=${limit}`);
    items = page.items;
    nextCursor = page.nextCursor;
    listError.textContent = '';
    render();
  }

  const reportList = (error: unknown): void => {
    if (error instanceof Error && error.message !== 'unauthorized') listError.textContent = error.message;
  };

  more.addEventListener('click', () => {
    if (nextCursor === null) return;
    void api<{ items: Expense[]; nextCursor: string | null }>(
      `/expenses?limit=${PAGE}&cursor=${encodeURIComponent(nextCursor)}`,
    )
      .then((page) => {
        const seen = new Set(items.map((e) => e.id));
        items = [...items, ...page.items.filter((e) => !seen.has(e.id))];
        nextCursor = page.nextCursor;
        render();
      })
      .catch(reportList);
  });

  // ---- Edit in place: the row becomes a form; Enter saves, Escape or Cancel goes back.

  function stopEdit(id: string): void {
    editing = null;
    render();
    focusRow(id);
  }

  function startEdit(expense: Expense): void {
    if (editing) stopEdit(editing.id);
    const name = nameOf(expense);
    const form = document.createElement('form');
    form.className = 'inline-form edit-form';
    form.noValidate = true;
    form.setAttribute('aria-label', `Edit expense ${name}`);
    const fields = expenseFields(`expense-edit-${expense.id}`, {
      kind: expense.kind,
      amount: expense.amount,
      currency: expense.currency,
      date: expense.date,
      categoryId: expense.categoryId ?? '',
      description: expense.description ?? '',
    });
    const formError = text('p', '', 'form-error');
    formError.setAttribute('role', 'alert');
    const cancel = button('Cancel', `Cancel editing ${name}`);
    cancel.addEventListener('click', () => stopEdit(expense.id));
    form.append(...fields.map((f) => f.wrapper), button('Save', `Save expense ${name}`, 'submit'), cancel, formError);
    onEscape(form, () => stopEdit(expense.id));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = {
        kind: valueOf(byName(fields, 'kind')),
        amount: valueOf(byName(fields, 'amount')),
        currency: valueOf(byName(fields, 'currency')),
        date: valueOf(byName(fields, 'date')),
        // An emptied category or description is cleared, not left as it was.
        categoryId: valueOf(byName(fields, 'categoryId')) ?? null,
        description: valueOf(byName(fields, 'description')) ?? null,
      };
      const checked = expensePatchSchema.safeParse(body);
      if (!checked.success) {
        showIssues(fields, formError, checked.error.issues);
        return;
      }
      clearIssues(fields, formError);
      void api<Expense>(`/expenses/${encodeURIComponent(expense.id)}`, {
        method: 'PATCH',
        body: JSON.stringify(checked.data),
      })
        .then(async (saved) => {
          items = items.map((e) => (e.id === saved.id ? saved : e));
          stopEdit(saved.id);
          await reload();
        })
        .catch((error: unknown) => showApiError(fields, formError, error));
    });
    const node = document.createElement('li');
    node.dataset.expenseId = expense.id;
    node.className = 'expense editing';
    node.append(form);
    editing = { id: expense.id, node, fields };
    render();
    const amount = byName(fields, 'amount').control;
    amount.focus();
    if (amount instanceof HTMLInputElement) amount.select();
  }

  // ---- Delete, after a confirmation; focus goes to the next row (or the add form).

  async function confirmDelete(expense: Expense): Promise<void> {
    const name = nameOf(expense);
    if (!confirm(`Delete the expense "${name}" of ${expense.amount} ${expense.currency} on ${expense.date}?`)) return;
    const index = items.findIndex((e) => e.id === expense.id);
    try {
      await api<undefined>(`/expenses/${encodeURIComponent(expense.id)}`, { method: 'DELETE' });
    } catch (error) {
      reportList(error);
      return;
    }
    items = items.filter((e) => e.id !== expense.id);
    render();
    focusRow(items[Math.min(index, items.length - 1)]?.id);
    await reload().catch(reportList);
  }

  return {
    load: () => reload(),
    changed() {
      clearTimeout(pending);
      pending = setTimeout(() => void reload().catch(reportList), 100);
    },
    setCategories(list_) {
      categories = list_;
      refreshCategorySelect(addFields);
      if (editing) refreshCategorySelect(editing.fields);
      render();
    },
    setCurrency(code) {
      currency = code;
      byName(addFields, 'currency').control.setAttribute('placeholder', code);
    },
    clear() {
      clearTimeout(pending);
      items = [];
      nextCursor = null;
      editing = null;
      categories = [];
      addFields = expenseFields('expense-add', {
        kind: 'expense',
        amount: '',
        currency: '',
        date: '',
        categoryId: '',
        description: '',
      });
      addFieldsBox.replaceChildren(...addFields.map((f) => f.wrapper));
      addError.textContent = '';
      status.textContent = '';
      listError.textContent = '';
      list.replaceChildren();
      more.hidden = true;
    },
  };
}
