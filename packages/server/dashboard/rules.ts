// The rules section (SPEC §7.2): the owner's rules in evaluation order, a small form for the
// common rule ("description contains X → category Y"), move up/down, enable/disable, delete;
// "Test" shows what a rule would change on the last 90 days without writing, "Apply" makes it
// a recorded run, and "Revert run" puts that run's expenses back.
import { addDays, ownerToday, type Api } from './dates.js';
import { replaceRows } from './focus.js';
import { describeRule, type Rule } from './rule-text.js';

interface Category {
  id: string;
  name: string;
}
interface Expense {
  id: string;
  date: string;
  amount: string;
  currency: string;
  kind: 'expense' | 'refund';
  description: string | null;
  merchant: string | null;
  categoryId: string | null;
}
interface FieldChange {
  field: 'categoryId' | 'merchant' | 'notes' | 'tags';
  from: string | string[] | null;
  to: string | string[] | null;
}
interface TestResult {
  examined: number;
  matched: number;
  wouldChange: number;
  items: { expense: Expense; changes: FieldChange[] }[];
}
interface RuleRun {
  id: string;
  changed: number;
  expenseIds: string[];
}
interface RevertResult {
  restored: string[];
  skipped: { expenseId: string; reason: 'edited' | 'deleted' }[];
}

/** What the section needs of the page: its API call (401 handled) and two DOM helpers. */
export interface RulesPage {
  api: Api;
  el: <T extends HTMLElement = HTMLElement>(id: string) => T;
  text: (tag: string, content: string, className?: string) => HTMLElement;
}

/** The section's controls (none rejects: errors show in the section): `load` lists the rules, `changed` follows a live event, `clear` forgets all on logout. */
export interface RulesSection {
  load(): Promise<void>;
  changed(type: string): void;
  clear(): void;
}

/** How far back "Test" and "Apply" look, today included. */
const RANGE_DAYS = 90;
/** The most matches a test lists (all are counted) and run rows the page looks up. */
const LIST_LIMIT = 100;

/**
 * What the result panel shows: a dry run of a rule on a range, or a run of it (after Apply),
 * whose expenses are looked up again so that their categories now are shown.
 */
type Panel =
  | { mode: 'test'; rule: Rule; label: string; from: string; to: string; result: TestResult }
  | {
      mode: 'run';
      rule: Rule;
      label: string;
      run: RuleRun;
      before: Map<string, string | null>;
      reverted: RevertResult | null;
    };

/** A row of the result panel: the expense (null: deleted since) and the cells after its date, text and amount. */
interface ResultRow {
  expense: Expense | null;
  id: string;
  cells: HTMLElement[];
}

/** Wires the rules section of the page. */
export function createRulesSection({ api, el, text }: RulesPage): RulesSection {
  let rules: Rule[] = [];
  let categories = new Map<string, string>();
  let panel: Panel | null = null;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const showError = (error: unknown): void => {
    if (error instanceof Error && error.message !== 'unauthorized') el('rule-error').textContent = error.message;
  };
  const button = (label: string, name: string, onClick: () => Promise<void>): HTMLElement => {
    const node = text('button', label);
    node.setAttribute('type', 'button');
    node.setAttribute('aria-label', name);
    node.addEventListener('click', () => {
      el('rule-error').textContent = '';
      void onClick().catch(showError);
    });
    return node;
  };
  const categoryName = (id: string | null): string =>
    id === null ? 'Uncategorized' : (categories.get(id) ?? 'a deleted category');
  const expenseLabel = (expense: Expense): string =>
    expense.description ?? expense.merchant ?? (expense.kind === 'refund' ? 'Refund' : 'Expense');
  const amountOf = (expense: Expense): string =>
    `${expense.kind === 'refund' ? '−' : ''}${expense.amount} ${expense.currency}`;

  // ---- The list.

  async function loadCategories(): Promise<void> {
    const list = await api<Category[]>('/categories');
    categories = new Map(list.map((category) => [category.id, category.name]));
    const select = el<HTMLSelectElement>('rule-category');
    const chosen = select.value;
    select.replaceChildren(
      ...list.map((category) => {
        const option = document.createElement('option');
        option.value = category.id;
        option.textContent = category.name;
        return option;
      }),
    );
    if (categories.has(chosen)) select.value = chosen;
    el<HTMLButtonElement>('rule-submit').disabled = list.length === 0;
    el('rule-no-categories').hidden = list.length > 0;
  }

  async function reorder(from: number, to: number): Promise<void> {
    const ids = rules.map((rule) => rule.id);
    const [moved] = ids.splice(from, 1);
    ids.splice(to, 0, moved!);
    rules = await api<Rule[]>('/rules/reorder', { method: 'POST', body: JSON.stringify({ ruleIds: ids }) });
    render();
    // Keyboard users stay on the control they used, now on the rule's new row.
    const direction = to < from ? 'up' : 'down';
    const again = el('rule-rows').querySelector<HTMLElement>(`[aria-label="Move rule ${to + 1} ${direction}"]`);
    (again ?? el('rule-rows').querySelector<HTMLElement>(`[aria-label^="Test rule ${to + 1}"]`))?.focus();
  }

  function render(): void {
    const body = el('rule-rows');
    if (rules.length === 0) {
      const cell = text('td', 'No rules yet.', 'empty');
      cell.setAttribute('colspan', '5');
      const row = document.createElement('tr');
      row.append(cell);
      body.replaceChildren(row);
      return;
    }
    replaceRows(
      body,
      rules.map((rule, index) => {
        const n = index + 1;
        const { when, then } = describeRule(rule, categoryName);
        const row = document.createElement('tr');
        row.dataset.ruleId = rule.id;
        row.dataset.key = rule.id;
        const actions = document.createElement('td');
        actions.className = 'actions';
        if (index > 0) actions.append(button('↑', `Move rule ${n} up`, () => reorder(index, index - 1)));
        if (index < rules.length - 1)
          actions.append(button('↓', `Move rule ${n} down`, () => reorder(index, index + 1)));
        actions.append(
          button('Test', `Test rule ${n} on the last ${RANGE_DAYS} days`, () => testRule(rule, `Rule ${n}`)),
          button(rule.enabled ? 'Disable' : 'Enable', `${rule.enabled ? 'Disable' : 'Enable'} rule ${n}`, async () => {
            await api<Rule>(`/rules/${encodeURIComponent(rule.id)}`, {
              method: 'PATCH',
              body: JSON.stringify({ enabled: !rule.enabled }),
            });
            await loadRules();
          }),
          button('Delete', `Delete rule ${n}`, async () => {
            if (!confirm(`Delete rule ${n} (${when})? Expenses it filed keep their category.`)) return;
            await api<undefined>(`/rules/${encodeURIComponent(rule.id)}`, { method: 'DELETE' });
            await loadRules();
          }),
        );
        row.append(
          text('td', String(n), 'num'),
          text('td', when),
          text('td', then),
          text('td', rule.enabled ? 'enabled' : 'disabled'),
          actions,
        );
        return row;
      }),
    );
  }

  async function loadRules(): Promise<void> {
    rules = await api<Rule[]>('/rules');
    render();
    if (panel && !rules.some((rule) => rule.id === panel?.rule.id) && panel.mode === 'test') closePanel();
  }

  async function load(): Promise<void> {
    await loadCategories();
    await loadRules();
  }

  // ---- Test, apply, revert: the result panel.

  function closePanel(): void {
    panel = null;
    el('rule-result').hidden = true;
    el('rule-result-rows').replaceChildren();
  }

  async function testRule(rule: Rule, label: string): Promise<void> {
    await loadCategories();
    const to = await ownerToday(api);
    const from = addDays(to, -(RANGE_DAYS - 1));
    const result = await api<TestResult>('/rules/test', {
      method: 'POST',
      body: JSON.stringify({ ruleId: rule.id, from, to, limit: LIST_LIMIT }),
    });
    panel = { mode: 'test', rule, label, from, to, result };
    renderPanel();
    el('rule-apply').focus();
  }

  async function applyRule(): Promise<void> {
    if (panel?.mode !== 'test') return;
    const { rule, label, from, to, result } = panel;
    const run = await api<RuleRun>(`/rules/${encodeURIComponent(rule.id)}/apply`, {
      method: 'POST',
      body: JSON.stringify({ from, to }),
    });
    // The categories before, as the test saw them: the run's record of them is not served.
    const before = new Map(result.items.map(({ expense }) => [expense.id, expense.categoryId]));
    panel = { mode: 'run', rule, label, run, before, reverted: null };
    await renderRun();
    el('rule-revert').focus();
  }

  async function revertRun(): Promise<void> {
    if (panel?.mode !== 'run' || panel.reverted) return;
    const current = panel;
    const reverted = await api<RevertResult>(`/rule-runs/${encodeURIComponent(current.run.id)}/revert`, {
      method: 'POST',
    });
    if (panel === current) panel = { ...current, reverted };
    await renderRun();
  }

  function changeCells(expense: Expense, changes: FieldChange[]): HTMLElement[] {
    const category = changes.find((change) => change.field === 'categoryId');
    const others = changes
      .filter((change) => change.field !== 'categoryId')
      .map((change) => `${change.field}: ${show(change.from)} → ${show(change.to)}`);
    const after = category ? categoryName(category.to as string | null) : 'unchanged';
    return [
      text('td', categoryName(expense.categoryId)),
      text('td', changes.length === 0 ? 'no change (set by hand)' : [after, ...others].join('; '), 'after'),
    ];
  }

  function renderPanel(): void {
    if (panel?.mode !== 'test') return;
    const { label, from, to, result } = panel;
    el('rule-result').hidden = false;
    el('rule-result-title').textContent = `${label} on ${from} to ${to} (nothing written yet)`;
    el('rule-result-before').textContent = 'Category now';
    el('rule-result-after').textContent = 'Category after';
    const listed = result.items.length < result.matched ? ` (the first ${result.items.length} listed)` : '';
    el('rule-result-summary').textContent =
      `${result.examined} expenses examined: ${result.matched} match, ${result.wouldChange} would change${listed}.`;
    el('rule-apply').hidden = result.wouldChange === 0;
    el('rule-revert').hidden = true;
    rows(
      result.items.map(({ expense, changes }) => ({ expense, id: expense.id, cells: changeCells(expense, changes) })),
    );
  }

  async function renderRun(): Promise<void> {
    if (panel?.mode !== 'run') return;
    const current = panel;
    const { run, reverted, label, before } = current;
    const ids = run.expenseIds.slice(0, LIST_LIMIT);
    const expenses = await Promise.all(
      ids.map((id) => api<Expense>(`/expenses/${encodeURIComponent(id)}`).catch(() => null)),
    );
    if (panel !== current) return; // replaced meanwhile
    el('rule-result').hidden = false;
    el('rule-result-title').textContent = `${label}, applied to ${run.changed} expense${run.changed === 1 ? '' : 's'}`;
    el('rule-result-before').textContent = 'Category before';
    el('rule-result-after').textContent = 'Category now';
    el('rule-result-summary').textContent = reverted
      ? `Reverted: ${reverted.restored.length} restored, ${reverted.skipped.length} skipped (edited or deleted since).`
      : `Applied: ${run.changed} expense${run.changed === 1 ? '' : 's'} changed. Revert puts them back.`;
    el('rule-apply').hidden = true;
    el('rule-revert').hidden = reverted !== null;
    rows(
      expenses.map((expense, i): ResultRow => {
        const id = ids[i]!;
        if (expense === null) {
          const missing = text('td', 'An expense deleted since the run', 'empty');
          missing.setAttribute('colspan', '5');
          return { expense: null, id, cells: [missing] };
        }
        const was = before.has(id) ? categoryName(before.get(id) ?? null) : '—';
        return { expense, id, cells: [text('td', was), text('td', categoryName(expense.categoryId), 'after')] };
      }),
    );
  }

  function rows(list: ResultRow[]): void {
    const body = el('rule-result-rows');
    if (list.length === 0) {
      const cell = text('td', 'No expenses.', 'empty');
      cell.setAttribute('colspan', '5');
      const row = document.createElement('tr');
      row.append(cell);
      body.replaceChildren(row);
      return;
    }
    body.replaceChildren(
      ...list.map(({ expense, id, cells }) => {
        const row = document.createElement('tr');
        row.dataset.expenseId = id;
        if (expense)
          row.append(text('td', expense.date), text('th', expenseLabel(expense)), text('td', amountOf(expense), 'num'));
        row.append(...cells);
        row.querySelector('th')?.setAttribute('scope', 'row');
        return row;
      }),
    );
  }

  /** A test's expenses changed (an edit, this run, an import): look again, debounced. */
  function refreshPanel(): void {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const current = panel;
      if (current?.mode === 'test') {
        void api<TestResult>('/rules/test', {
          method: 'POST',
          body: JSON.stringify({ ruleId: current.rule.id, from: current.from, to: current.to, limit: LIST_LIMIT }),
        })
          .then((result) => {
            if (panel !== current) return;
            panel = { ...current, result };
            renderPanel();
          })
          .catch(showError);
      } else if (current?.mode === 'run') void renderRun().catch(showError);
    }, 150);
  }

  el<HTMLFormElement>('rule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    el('rule-error').textContent = '';
    const body = {
      conditions: [{ field: 'description', op: 'contains', value: el<HTMLInputElement>('rule-contains').value }],
      actions: [{ type: 'setCategory', categoryId: el<HTMLSelectElement>('rule-category').value }],
    };
    void api<Rule>('/rules', { method: 'POST', body: JSON.stringify(body) })
      .then(async () => {
        el<HTMLInputElement>('rule-contains').value = '';
        await loadRules();
      })
      .catch(showError);
  });
  el('rule-apply').addEventListener('click', () => {
    el('rule-error').textContent = '';
    void applyRule().catch(showError);
  });
  el('rule-revert').addEventListener('click', () => {
    el('rule-error').textContent = '';
    void revertRun().catch(showError);
  });

  return {
    load: () => load().catch(showError),
    changed(type) {
      // Categories are not on the socket: their names are read again with the rules.
      if (type.startsWith('rule.')) void load().catch(showError);
      else if (type.startsWith('expense.')) refreshPanel();
    },
    clear() {
      clearTimeout(pending);
      rules = [];
      closePanel();
      el('rule-rows').replaceChildren();
      el('rule-error').textContent = '';
    },
  };
}

/** A changed field's value as text. */
function show(value: string | string[] | null): string {
  if (value === null) return 'none';
  return Array.isArray(value) ? value.join(', ') || 'none' : value;
}
