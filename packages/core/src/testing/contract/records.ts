import { randomBytes } from 'node:crypto';
import type {
  AlertRuleRecord,
  BudgetRecord,
  CategoryRecord,
  ExpenseRecord,
  BudgetNotificationRecord,
  NoticeRecord,
} from '../../store/store.js';

/** The instant every record of the contract checks is stamped with, unless a check says otherwise. */
export const AT = '2026-03-01T10:00:00.000Z';

// Ids sort in the order they were made (as the SDK's ULIDs do), and differ between runs that
// share a database.
const run = randomBytes(5).toString('hex');
let made = 0;

/** A new id of `kind`; later ids sort after earlier ones. */
export function newId(kind: string): string {
  made += 1;
  return `${kind}_${run}_${String(made).padStart(8, '0')}`;
}

/** A category record of `ownerId`. */
export function categoryRecord(ownerId: string, name: string, extra: Partial<CategoryRecord> = {}): CategoryRecord {
  return {
    id: newId('cat'),
    ownerId,
    name,
    color: null,
    icon: null,
    parentId: null,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** An expense record of `ownerId`: 1.00 USD on 2026-03-01, uncategorized, unless overridden. */
export function expenseRecord(ownerId: string, extra: Partial<ExpenseRecord> = {}): ExpenseRecord {
  return {
    id: newId('exp'),
    ownerId,
    amountMinor: 100,
    kind: 'expense',
    currency: 'USD',
    date: '2026-03-01',
    categoryId: null,
    description: null,
    merchant: null,
    tags: [],
    sourceKind: 'api',
    sourceId: null,
    sourceRow: null,
    categorySource: null,
    ruleId: null,
    externalId: null,
    sourceAccount: null,
    fingerprint: null,
    notes: null,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** A monthly budget record of `ownerId`: 400.00 USD over all spending, unless overridden. */
export function budgetRecord(ownerId: string, extra: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id: newId('bud'),
    ownerId,
    name: 'Groceries',
    amountMinor: 40_000,
    currency: 'USD',
    categoryIds: [],
    period: { unit: 'month', every: 1, anchor: '2026-01-01' },
    rollover: 'none',
    startsOn: '2026-01-01',
    endsOn: null,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** An active `spent` rule at 80 % on `budgetId`, unless overridden. */
export function ruleRecord(ownerId: string, budgetId: string, extra: Partial<AlertRuleRecord> = {}): AlertRuleRecord {
  return {
    id: newId('rule'),
    ownerId,
    budgetId,
    thresholdPercent: 80,
    kind: 'spent',
    active: true,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** An unread notification of `rule` for the March 2026 period, unless overridden. */
export function notificationRecord(
  rule: AlertRuleRecord,
  extra: Partial<BudgetNotificationRecord> = {},
): BudgetNotificationRecord {
  return {
    id: newId('ntf'),
    ownerId: rule.ownerId,
    budgetId: rule.budgetId,
    ruleId: rule.id,
    kind: rule.kind,
    periodStart: '2026-03-01',
    periodEnd: '2026-03-31',
    thresholdPercent: rule.thresholdPercent,
    currency: 'USD',
    spentMinor: 32_000,
    availableMinor: 40_000,
    projectedSpendMinor: 32_000,
    message: 'Groceries: 80 % of 400.00 spent',
    createdAt: AT,
    readAt: null,
    ...extra,
  };
}

/** An unread notice of `ownerId` about `subjectId` under `api-token.expiring`, unless overridden. */
export function noticeRecord(ownerId: string, subjectId: string, extra: Partial<NoticeRecord> = {}): NoticeRecord {
  return {
    id: newId('ntf'),
    ownerId,
    kind: 'notice',
    topic: 'api-token.expiring',
    subjectId,
    message: 'Your API token "CI" expires on 2026-03-08',
    data: { name: 'CI', expiresAt: '2026-03-08T00:00:00.000Z', days: 7, revoked: false, note: null },
    createdAt: AT,
    readAt: null,
    ...extra,
  };
}
