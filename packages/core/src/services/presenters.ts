import { formatAmount } from '../money.js';
import type { Category } from '../schemas/category.js';
import type { Expense } from '../schemas/expense.js';
import type { CategoryRecord, ExpenseRecord } from '../store/store.js';

/** The public shape of a stored expense: the exact decimal `amount` beside `amountMinor`. */
export function toExpense(record: ExpenseRecord): Expense {
  return {
    id: record.id,
    amountMinor: record.amountMinor,
    amount: formatAmount(record.amountMinor, record.currency),
    currency: record.currency,
    date: record.date,
    categoryId: record.categoryId,
    description: record.description,
    merchant: record.merchant,
    tags: record.tags,
    notes: record.notes,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
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
