import { alertRuleChecks, budgetChecks } from './budgets.js';
import { categoryChecks } from './categories.js';
import type { ContractGroup } from './contract-check.js';
import { eventChecks } from './events.js';
import { expenseChecks } from './expenses.js';
import { idempotencyChecks } from './idempotency.js';
import { identityChecks } from './identity.js';
import { importChecks } from './imports.js';
import { isolationChecks } from './isolation.js';
import { notificationChecks } from './notifications.js';
import { ownerChecks } from './owners.js';
import { categoryRuleChecks } from './rules.js';
import { scheduleChecks } from './schedules.js';
import { storeChecks } from './store-level.js';
import { totalsChecks } from './totals.js';

/**
 * The contract layer of the conformance suite: every method of the Store interface called
 * directly, each MUST under the condition it guards against (concurrent transactions for
 * `insertOnce`, `owners.lock` and `events.append`; another owner's ids for every method).
 */
export const contractGroups: readonly ContractGroup[] = [
  storeChecks,
  ownerChecks,
  categoryChecks,
  expenseChecks,
  eventChecks,
  totalsChecks,
  budgetChecks,
  alertRuleChecks,
  notificationChecks,
  idempotencyChecks,
  identityChecks,
  importChecks,
  categoryRuleChecks,
  scheduleChecks,
  isolationChecks,
];
