import type { StatusFigures } from '../budgets/status.js';
import { notFound, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { formatAmount } from '../money.js';
import {
  alertRuleCreateSchema,
  alertRulePatchSchema,
  notificationListQuerySchema,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRulePatch,
  type Notification,
  type NotificationListQuery,
} from '../budgets/schema.js';
import type { AlertRuleRecord, BudgetNotificationRecord, BudgetRecord, ExpenseRecord } from '../store/store.js';
import { activePeriod, budgetFigures, coveredCategories } from '../budgets/figures.js';
import { assertOpen, parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { toAlertRule, toBudgetNotification, toNotification } from '../presenters.js';

function daysLeft(figures: StatusFigures): string {
  const left =
    figures.daysTotal -
    figures.daysElapsed +
    (figures.daysElapsed > 0 && figures.daysElapsed <= figures.daysTotal ? 1 : 0);
  return left === 1 ? '1 day left' : `${left} days left`;
}

/** The message a person reads: "Groceries: 80 % of 400.00 USD spent, 9 days left". */
export function alertMessage(budget: BudgetRecord, rule: AlertRuleRecord, figures: StatusFigures): string {
  const money = (minor: number) => `${formatAmount(minor, budget.currency)} ${budget.currency}`;
  const limit = money(figures.availableMinor);
  if (rule.kind === 'forecast') {
    const scheduled = figures.scheduledMinor !== 0 ? `, ${money(figures.scheduledMinor)} of it scheduled` : '';
    return `${budget.name}: on course to spend ${rule.thresholdPercent} % of ${limit} by ${figures.period.end} (forecast ${money(figures.projectedSpendMinor)}${scheduled}), ${daysLeft(figures)}`;
  }
  return `${budget.name}: ${rule.thresholdPercent} % of ${limit} spent (${money(figures.spentMinor)}), ${daysLeft(figures)}`;
}

/**
 * What a rule measures: spending, or the forecast (spent + scheduled + pace). The pace counts
 * only once enough of the period has passed (forecastMinDays); before that a forecast rule
 * measures the known part alone, spent + scheduled, which no early pace can exaggerate.
 */
function measureOf(rule: AlertRuleRecord, figures: StatusFigures): number {
  if (rule.kind === 'spent') return figures.spentMinor;
  return figures.forecastConfident ? figures.projectedSpendMinor : figures.spentMinor + figures.scheduledMinor;
}

/** Whether a rule's threshold is reached by the figures. */
function reached(rule: AlertRuleRecord, figures: StatusFigures): boolean {
  const measure = measureOf(rule, figures);
  if (figures.availableMinor <= 0) return measure > 0;
  return BigInt(measure) * 100n >= BigInt(figures.availableMinor) * BigInt(rule.thresholdPercent);
}

/**
 * Evaluates the active rules of the given budgets for their current periods, inside the
 * write's transaction: a rule whose threshold is reached and that has not fired in this
 * period stores a notification (once, by the database's unique key) and queues
 * `alert.triggered`.
 */
export async function evaluateBudgets(
  scope: WriteScope,
  ownerId: string,
  budgets: readonly BudgetRecord[],
): Promise<void> {
  if (budgets.length === 0) return;
  const { tx, at, today } = scope;
  const config = await scope.config();
  for (const budget of budgets) {
    const own = config.rules.filter((rule) => rule.budgetId === budget.id && rule.active);
    const current = own.length > 0 ? activePeriod(budget, today) : null;
    if (!current) continue;
    const firedKey = `${budget.id}|${current.period.start}`;
    let fired = config.fired.get(firedKey);
    if (!fired) {
      fired = new Set(await tx.notifications.firedRuleIds(ownerId, budget.id, current.period.start));
      config.fired.set(firedKey, fired);
    }
    const pending = own.filter((rule) => !fired.has(rule.id));
    if (pending.length === 0) continue;
    const [figures] = await budgetFigures(
      tx,
      budget,
      { from: current.index, to: current.index },
      today,
      coveredCategories(budget, config.categories),
      { perDay: false, scheduled: config.hasSchedules && pending.some((rule) => rule.kind === 'forecast') },
    );
    for (const rule of pending) {
      if (!reached(rule, figures!)) continue;
      const notification: BudgetNotificationRecord = {
        id: newId('ntf'),
        ownerId,
        budgetId: budget.id,
        ruleId: rule.id,
        kind: rule.kind,
        periodStart: current.period.start,
        periodEnd: current.period.end,
        thresholdPercent: rule.thresholdPercent,
        currency: budget.currency,
        spentMinor: figures!.spentMinor,
        availableMinor: figures!.availableMinor,
        projectedSpendMinor: figures!.projectedSpendMinor,
        message: alertMessage(budget, rule, figures!),
        createdAt: at,
        readAt: null,
      };
      if (await tx.notifications.insertOnce(notification)) {
        scope.configChanged();
        scope.record({
          type: 'alert.triggered',
          data: { notification: toBudgetNotification(notification), budget: { id: budget.id, name: budget.name } },
        });
      }
    }
  }
}

/**
 * After expenses changed (each as before/after, `null` for none), evaluates the budgets whose
 * current period one of the sides falls in: an update that moves an expense between
 * categories, dates or currencies counts for both sides.
 */
export async function evaluateForExpenses(
  scope: WriteScope,
  ownerId: string,
  changed: readonly (ExpenseRecord | null)[],
): Promise<void> {
  const records = changed.filter((r): r is ExpenseRecord => r !== null);
  const config = await scope.config();
  if (config.budgets.length === 0 || records.length === 0) return;
  const touched = config.budgets.filter((budget) => {
    const current = activePeriod(budget, scope.today);
    if (!current) return false;
    const covered = coveredCategories(budget, config.categories);
    return records.some(
      (r) =>
        r.currency === budget.currency &&
        r.date >= current.period.start &&
        r.date <= current.period.end &&
        (covered === undefined || (r.categoryId !== null && covered.has(r.categoryId))),
    );
  });
  await evaluateBudgets(scope, ownerId, touched);
}

/**
 * After a schedule was created or changed: its occurrences change what budgets in its
 * currency forecast, so their `forecast` rules are evaluated (each fires once per period, by
 * the notification's unique key, however often this runs).
 */
export async function evaluateForSchedule(scope: WriteScope, ownerId: string, currency: string): Promise<void> {
  const config = await scope.config();
  await evaluateBudgets(
    scope,
    ownerId,
    config.budgets.filter((budget) => budget.currency === currency),
  );
}

/** Creates an alert rule on a budget; it is evaluated at once. */
export async function createAlertRule(
  ctx: ServiceContext,
  ownerId: string,
  input: AlertRuleCreate,
): Promise<AlertRule> {
  const data = parseInput(alertRuleCreateSchema, input);
  return write(ctx, ownerId, async (scope) => {
    const budget = await scope.tx.budgets.findById(ownerId, data.budgetId);
    if (!budget)
      throw validationError([
        { path: ['budgetId'], code: 'unknown_budget', message: `No budget ${JSON.stringify(data.budgetId)}` },
      ]);
    const rule: AlertRuleRecord = {
      id: newId('rule'),
      ownerId,
      budgetId: budget.id,
      ...pickRule(data),
      createdAt: scope.at,
      updatedAt: scope.at,
    };
    await scope.tx.alertRules.insert([rule]);
    scope.configChanged();
    await evaluateBudgets(scope, ownerId, [budget]);
    return toAlertRule(rule);
  });
}

function pickRule(data: { thresholdPercent: number; kind: 'spent' | 'forecast'; active: boolean }) {
  return { thresholdPercent: data.thresholdPercent, kind: data.kind, active: data.active };
}

/** Default rules of a new budget: `spent` at 80 % and 100 %. */
export const DEFAULT_ALERT_RULES = [
  { thresholdPercent: 80, kind: 'spent', active: true },
  { thresholdPercent: 100, kind: 'spent', active: true },
] as const;

/** Builds rule records for a budget. */
export function newRules(
  ownerId: string,
  budgetId: string,
  at: string,
  inputs: readonly { thresholdPercent: number; kind: 'spent' | 'forecast'; active: boolean }[],
): AlertRuleRecord[] {
  return inputs.map((input) => ({
    id: newId('rule'),
    ownerId,
    budgetId,
    ...pickRule(input),
    createdAt: at,
    updatedAt: at,
  }));
}

/** The owner's rules, of one budget when `budgetId` is given. */
export async function listAlertRules(ctx: ServiceContext, ownerId: string, budgetId?: string): Promise<AlertRule[]> {
  assertOpen(ctx);
  return (await ctx.store.alertRules.list(ownerId, budgetId === undefined ? undefined : [budgetId])).map(toAlertRule);
}

/** One rule, or `NOT_FOUND`. */
export async function getAlertRule(ctx: ServiceContext, ownerId: string, id: string): Promise<AlertRule> {
  assertOpen(ctx);
  const rule = await ctx.store.alertRules.findById(ownerId, id);
  if (!rule) throw notFound('Alert rule', id);
  return toAlertRule(rule);
}

/** Changes a rule; it is evaluated at once. */
export async function updateAlertRule(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  patch: AlertRulePatch,
): Promise<AlertRule> {
  const data = parseInput(alertRulePatchSchema, patch);
  return write(ctx, ownerId, async (scope) => {
    const current = await scope.tx.alertRules.findById(ownerId, id);
    if (!current) throw notFound('Alert rule', id);
    const next: AlertRuleRecord = {
      ...current,
      thresholdPercent: data.thresholdPercent ?? current.thresholdPercent,
      kind: data.kind ?? current.kind,
      active: data.active ?? current.active,
      updatedAt: scope.at,
    };
    await scope.tx.alertRules.update(next);
    scope.configChanged();
    const budget = await scope.tx.budgets.findById(ownerId, next.budgetId);
    if (budget) await evaluateBudgets(scope, ownerId, [budget]);
    return toAlertRule(next);
  });
}

/** Deletes a rule (its notifications stay). */
export async function deleteAlertRule(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  assertOpen(ctx);
  await write(ctx, ownerId, async ({ tx, configChanged }) => {
    if (!(await tx.alertRules.delete(ownerId, id))) throw notFound('Alert rule', id);
    configChanged();
  });
}

/** The owner's notifications, newest first. Pass the last id as `before` for the next page. */
export async function listNotifications(
  ctx: ServiceContext,
  ownerId: string,
  query: NotificationListQuery = {},
): Promise<Notification[]> {
  const q = parseInput(notificationListQuerySchema, query);
  assertOpen(ctx);
  return (await ctx.store.notifications.list(ownerId, q)).map(toNotification);
}

/** Marks a notification read (once: a second call keeps the first `readAt`). */
export async function markNotificationRead(ctx: ServiceContext, ownerId: string, id: string): Promise<Notification> {
  return write(ctx, ownerId, async ({ tx, at }) => {
    if (!(await tx.notifications.markRead(ownerId, id, at))) throw notFound('Notification', id);
    const record = await tx.notifications.findById(ownerId, id);
    if (!record) throw notFound('Notification', id);
    return toNotification(record);
  });
}
