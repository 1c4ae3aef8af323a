import { formatAmount } from '../money.js';
import type { OccurrenceRecord, ScheduleRecord } from './repository.js';
import type { Schedule, ScheduleOccurrence } from './schema.js';

/** The public shape of a stored schedule: no `ownerId`, the tolerance in percent, the cursor as `nextOccurrence`. */
export function toSchedule(record: ScheduleRecord): Schedule {
  const { template } = record;
  return {
    id: record.id,
    name: record.name,
    recurrence: record.recurrence,
    template: { ...template, amount: formatAmount(template.amountMinor, template.currency), tags: [...template.tags] },
    mode: record.mode,
    windowDays: record.windowDays,
    tolerancePercent: record.toleranceBp / 100,
    enabled: record.enabled,
    nextOccurrence:
      record.nextNominal !== null && record.nextDue !== null
        ? { nominal: record.nextNominal, due: record.nextDue }
        : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The public shape of a stored occurrence. */
export function toOccurrence(record: OccurrenceRecord): ScheduleOccurrence {
  return {
    scheduleId: record.scheduleId,
    nominal: record.nominal,
    due: record.due,
    state: record.state,
    expenseId: record.expenseId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** What an occurrence event says of its schedule: enough to show it without a lookup. */
export function scheduleRef(record: ScheduleRecord): { id: string; name: string } {
  return { id: record.id, name: record.name };
}
