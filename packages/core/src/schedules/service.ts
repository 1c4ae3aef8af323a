import { evaluateForSchedule } from '../alerts/service.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import { assertCategories } from '../categories/service.js';
import { positiveAmount } from '../expenses/amounts.js';
import { assertOpen, parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { nextOccurrence } from './occurrences.js';
import { toSchedule } from './presenters.js';
import type { Recurrence } from './recurrence-schema.js';
import type { ScheduleRecord, ScheduleTemplateRecord } from './repository.js';
import {
  scheduleCreateSchema,
  schedulePatchSchema,
  type Schedule,
  type ScheduleCreate,
  type SchedulePatch,
} from './schema.js';

type ParsedTemplate = ReturnType<typeof scheduleCreateSchema.parse>['template'];

/** The template as stored: the amount in minor units of its currency (the owner's by default), the category checked. */
async function resolveTemplate(scope: WriteScope, template: ParsedTemplate): Promise<ScheduleTemplateRecord> {
  const currency = template.currency ?? scope.settings.currency;
  const categoryId = template.categoryId ?? null;
  await assertCategories(scope, [{ categoryId, path: ['template', 'categoryId'] }]);
  return {
    amountMinor: positiveAmount(template, currency, ['template'], 'A schedule amount'),
    kind: template.kind ?? 'expense',
    currency,
    categoryId,
    description: template.description ?? null,
    merchant: template.merchant ?? null,
    tags: template.tags ?? [],
    notes: template.notes ?? null,
  };
}

/**
 * Where a schedule starts (again): its first occurrence due today or later, in the owner's
 * time zone. Occurrences due before a schedule was created (or re-enabled, or given a new
 * recurrence) are not posted: an anchor in the past describes the series, it does not ask
 * for years of back-posting (`postNow` posts one of them on purpose).
 */
export function cursorFrom(rule: Recurrence, today: string): Pick<ScheduleRecord, 'nextNominal' | 'nextDue'> {
  const next = nextOccurrence(rule, today);
  return { nextNominal: next?.nominal ?? null, nextDue: next?.due ?? null };
}

/** The owner's schedule in this transaction, or `NOT_FOUND`. */
export async function loadSchedule(scope: WriteScope, ownerId: string, id: string): Promise<ScheduleRecord> {
  const found = await scope.tx.schedules.findById(ownerId, id);
  if (!found) throw notFound('Schedule', id);
  return found;
}

/** Creates a schedule; its first occurrence is the first due today or later. */
export async function createSchedule(ctx: ServiceContext, ownerId: string, input: ScheduleCreate): Promise<Schedule> {
  const data = parseInput(scheduleCreateSchema, input);
  return write(ctx, ownerId, async (scope) => {
    const record: ScheduleRecord = {
      id: newId('sch'),
      ownerId,
      name: data.name,
      recurrence: data.recurrence,
      template: await resolveTemplate(scope, data.template),
      mode: data.mode,
      windowDays: data.windowDays,
      toleranceBp: Math.round(data.tolerancePercent * 100),
      enabled: data.enabled,
      ...cursorFrom(data.recurrence, scope.today),
      createdAt: scope.at,
      updatedAt: scope.at,
    };
    await scope.tx.schedules.insert(record);
    scope.configChanged(); // the owner has a schedule now: budget figures read schedules
    await evaluateForSchedule(scope, ownerId, record.template.currency);
    const schedule = toSchedule(record);
    scope.record({ type: 'schedule.created', data: { schedule } });
    return schedule;
  });
}

/** The owner's schedule, or `NOT_FOUND`. */
export async function getSchedule(ctx: ServiceContext, ownerId: string, id: string): Promise<Schedule> {
  assertOpen(ctx);
  const record = await ctx.store.schedules.findById(ownerId, id);
  if (!record) throw notFound('Schedule', id);
  return toSchedule(record);
}

/** The owner's schedules, by name. */
export async function listSchedules(ctx: ServiceContext, ownerId: string): Promise<Schedule[]> {
  assertOpen(ctx);
  return (await ctx.store.schedules.list(ownerId)).map(toSchedule);
}

/**
 * Changes a schedule. A new recurrence, or enabling a disabled schedule, moves its cursor to
 * the first occurrence due today or later; occurrences already stored keep their state.
 */
export async function updateSchedule(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  patch: SchedulePatch,
): Promise<Schedule> {
  const data = parseInput(schedulePatchSchema, patch);
  return write(ctx, ownerId, async (scope) => {
    const current = await loadSchedule(scope, ownerId, id);
    const recurrence = data.recurrence ?? current.recurrence;
    const enabled = data.enabled ?? current.enabled;
    const restart = data.recurrence !== undefined || (enabled && !current.enabled);
    const next: ScheduleRecord = {
      ...current,
      name: data.name ?? current.name,
      recurrence,
      template: data.template ? await resolveTemplate(scope, data.template) : current.template,
      mode: data.mode ?? current.mode,
      windowDays: data.windowDays ?? current.windowDays,
      toleranceBp: data.tolerancePercent === undefined ? current.toleranceBp : Math.round(data.tolerancePercent * 100),
      enabled,
      ...(restart ? cursorFrom(recurrence, scope.today) : {}),
      updatedAt: scope.at,
    };
    // No configChanged(): the config knows only whether the owner has a schedule, which an update keeps.
    await scope.tx.schedules.update(next);
    await evaluateForSchedule(scope, ownerId, next.template.currency);
    const schedule = toSchedule(next);
    scope.record({ type: 'schedule.updated', data: { schedule, previous: toSchedule(current) } });
    return schedule;
  });
}

/** Deletes a schedule and its occurrence history; the expenses it posted stay. */
export async function deleteSchedule(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  assertOpen(ctx);
  await write(ctx, ownerId, async (scope) => {
    const current = await loadSchedule(scope, ownerId, id);
    await scope.tx.schedules.delete(ownerId, id);
    scope.configChanged();
    scope.record({ type: 'schedule.deleted', data: { schedule: toSchedule(current) } });
  });
}
