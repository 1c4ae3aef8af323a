import type { StatusFigures } from './budgets/status.js';
import { formatAmount } from './money.js';
import type { AlertRule, Budget, BudgetNotification, BudgetStatus, Notice, Notification } from './budgets/schema.js';
import type { Category } from './categories/schema.js';
import type { Expense } from './expenses/schema.js';
import type {
  AlertRuleRecord,
  BudgetRecord,
  CategoryRecord,
  ExpenseRecord,
  BudgetNotificationRecord,
  NoticeRecord,
  NotificationRecord,
} from './store/store.js';

/*
 * Presenters: a stored record → the public object the SDK returns. All of them here, so the
 * rules they share (no `ownerId` in a public object, `amount` beside `amountMinor`, copies of
 * arrays) are read and changed in one place.
 */

/** The public shape of a stored expense: the exact decimal `amount` beside `amountMinor`. */
export function toExpense(record: ExpenseRecord): Expense {
  return {
    id: record.id,
    amountMinor: record.amountMinor,
    amount: formatAmount(record.amountMinor, record.currency),
    kind: record.kind,
    currency: record.currency,
    date: record.date,
    categoryId: record.categoryId,
    description: record.description,
    merchant: record.merchant,
    tags: record.tags,
    notes: record.notes,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    source: toSource(record),
    categorySource: record.categorySource,
    ruleId: record.ruleId,
    externalId: record.externalId,
    sourceAccount: record.sourceAccount,
    fingerprint: record.fingerprint,
  };
}

/** `source` as returned: `id` and `row` only when set. */
function toSource(record: ExpenseRecord): Expense['source'] {
  const source: Expense['source'] = { kind: record.sourceKind };
  if (record.sourceId !== null) source.id = record.sourceId;
  if (record.sourceRow !== null) source.row = record.sourceRow;
  return source;
}

/** The public shape of a stored category. */
export function toCategory(record: CategoryRecord): Category {
  return {
    id: record.id,
    name: record.name,
    color: record.color,
    icon: record.icon,
    parentId: record.parentId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The public shape of a stored budget. */
export function toBudget(record: BudgetRecord): Budget {
  const { ownerId: _owner, ...budget } = record;
  return { ...budget, amount: formatAmount(record.amountMinor, record.currency), categoryIds: [...record.categoryIds] };
}

/** A budget's computed figures for one period, with its id and currency. */
export function toBudgetStatus(budget: BudgetRecord, figures: StatusFigures): BudgetStatus {
  return { budgetId: budget.id, currency: budget.currency, ...figures };
}

/** The public shape of a stored rule. */
export function toAlertRule(record: AlertRuleRecord): AlertRule {
  const { ownerId: _owner, ...rule } = record;
  return rule;
}

/** The public shape of a stored budget alert. */
export function toBudgetNotification(record: BudgetNotificationRecord): BudgetNotification {
  const { ownerId: _owner, periodStart, periodEnd, ...rest } = record;
  return { ...rest, period: { start: periodStart, end: periodEnd } };
}

/** The public shape of a stored notice. */
export function toNotice(record: NoticeRecord): Notice {
  const { ownerId: _owner, ...rest } = record;
  return rest;
}

/** The public shape of a stored notification, alert or notice. */
export function toNotification(record: NotificationRecord): Notification {
  return record.kind === 'notice' ? toNotice(record) : toBudgetNotification(record);
}
