// Money in by hand (issue #13): the Expenses section and the categories and budgets sections,
// wired to the page with one call. Changes made in one tab reach the others through the
// notification socket, which the page hands to `changed`: `expense.*` and `budget.*` events.
//
// The socket does not forward `category.*` events (SPEC §4, docs/change-feed-and-websocket.md:
// it carries spending updates). So the categories are read again on every event it does carry,
// and a tab that changes a category tells the page's other tabs in this browser over a
// BroadcastChannel (same origin only; it carries no data, only "read the categories again").
import { createExpensesSection } from './expenses.js';
import type { PageDeps } from './form-kit.js';
import { createManageSection } from './manage.js';

/** The sections' controls: `load` after login, `changed` with each socket event type, `clear` on logout. */
export interface MoneyIn {
  load(): Promise<void>;
  changed(type: string): void;
  clear(): void;
}

const CHANNEL = 'expense-tracker:categories';

/** Wires the sections to the page (their elements are in index.html). */
export function createMoneyIn(deps: PageDeps): MoneyIn {
  const expenses = createExpensesSection(deps);
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  let signedIn = false;
  const manage = createManageSection(deps, {
    onCategories: (categories) => expenses.setCategories(categories),
    onCategoryWrite: () => channel?.postMessage('changed'),
  });
  channel?.addEventListener('message', () => {
    if (signedIn) manage.categoriesChanged();
  });
  return {
    async load() {
      signedIn = true;
      // The owner's currency is what a blank currency field means: shown as its placeholder.
      const me = deps.api<{ settings: { currency: string } }>('/auth/me').then(
        (account) => expenses.setCurrency(account.settings.currency),
        () => undefined, // a hint only
      );
      await Promise.all([manage.load(), expenses.load(), me]);
    },
    changed(type) {
      if (type.startsWith('expense.')) expenses.changed();
      if (type.startsWith('budget.')) manage.budgetsChanged();
      if (/^(expense|budget|category)\./.test(type)) manage.categoriesChanged();
    },
    clear() {
      signedIn = false;
      expenses.clear();
      manage.clear();
    },
  };
}
