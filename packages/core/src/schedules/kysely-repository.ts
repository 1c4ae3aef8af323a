import type { Kysely, Selectable } from 'kysely';
import type { Database, ScheduleOccurrenceTable, ScheduleTable } from '../store/database.js';
import { chunk, toInt, pageLimit } from '../store/sql-values.js';
import type { OccurrenceRecord, ScheduleRecord, ScheduleRepository } from './repository.js';

function scheduleFromRow(row: Selectable<ScheduleTable>): ScheduleRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    recurrence: JSON.parse(row.recurrence) as ScheduleRecord['recurrence'],
    template: JSON.parse(row.template) as ScheduleRecord['template'],
    mode: row.mode as ScheduleRecord['mode'],
    windowDays: toInt(row.window_days),
    toleranceBp: toInt(row.tolerance_bp),
    enabled: toInt(row.enabled) === 1,
    nextNominal: row.next_nominal,
    nextDue: row.next_due,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function scheduleToRow(record: ScheduleRecord): ScheduleTable {
  return {
    owner_id: record.ownerId,
    id: record.id,
    name: record.name,
    recurrence: JSON.stringify(record.recurrence),
    template: JSON.stringify(record.template),
    mode: record.mode,
    window_days: record.windowDays,
    tolerance_bp: record.toleranceBp,
    enabled: record.enabled ? 1 : 0,
    next_nominal: record.nextNominal,
    next_due: record.nextDue,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function occurrenceFromRow(row: Selectable<ScheduleOccurrenceTable>): OccurrenceRecord {
  return {
    ownerId: row.owner_id,
    scheduleId: row.schedule_id,
    nominal: row.nominal_date,
    due: row.due_date,
    state: row.state as OccurrenceRecord['state'],
    expenseId: row.expense_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Schedules and their occurrences over Kysely. */
export function createScheduleRepository(db: Kysely<Database>): ScheduleRepository {
  return {
    async insert(record) {
      await db.insertInto('et_schedule').values(scheduleToRow(record)).execute();
    },
    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_schedule')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? scheduleFromRow(row) : null;
    },
    async list(ownerId) {
      const rows = await db
        .selectFrom('et_schedule')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(scheduleFromRow);
    },
    async update(record) {
      const { owner_id: _owner, id: _id, created_at: _created, ...fields } = scheduleToRow(record);
      const result = await db
        .updateTable('et_schedule')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(ownerId, id) {
      await db
        .deleteFrom('et_schedule_occurrence')
        .where('owner_id', '=', ownerId)
        .where('schedule_id', '=', id)
        .execute();
      const result = await db
        .deleteFrom('et_schedule')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listDue(date, after, limit) {
      let q = db
        .selectFrom('et_schedule')
        .select(['owner_id', 'id'])
        .where('enabled', '=', 1)
        .where('next_due', '<=', date);
      if (after) {
        q = q.where((eb) =>
          eb.or([
            eb('owner_id', '>', after.ownerId),
            eb.and([eb('owner_id', '=', after.ownerId), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('owner_id').orderBy('id').limit(pageLimit(limit)).execute();
      return rows.map((row) => ({ ownerId: row.owner_id, id: row.id }));
    },
    async insertOccurrence(record) {
      const result = await db
        .insertInto('et_schedule_occurrence')
        .values({
          owner_id: record.ownerId,
          schedule_id: record.scheduleId,
          nominal_date: record.nominal,
          due_date: record.due,
          state: record.state,
          expense_id: record.expenseId,
          created_at: record.createdAt,
          updated_at: record.updatedAt,
        })
        .onConflict((oc) => oc.columns(['owner_id', 'schedule_id', 'nominal_date']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async findOccurrence(ownerId, scheduleId, nominal) {
      const row = await db
        .selectFrom('et_schedule_occurrence')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('schedule_id', '=', scheduleId)
        .where('nominal_date', '=', nominal)
        .executeTakeFirst();
      return row ? occurrenceFromRow(row) : null;
    },
    async updateOccurrence(record, from) {
      const result = await db
        .updateTable('et_schedule_occurrence')
        .set({ state: record.state, expense_id: record.expenseId, updated_at: record.updatedAt })
        .where('owner_id', '=', record.ownerId)
        .where('schedule_id', '=', record.scheduleId)
        .where('nominal_date', '=', record.nominal)
        .where('state', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async listOccurrences(ownerId, query) {
      let q = db.selectFrom('et_schedule_occurrence').selectAll().where('owner_id', '=', ownerId);
      if (query.scheduleId !== undefined) q = q.where('schedule_id', '=', query.scheduleId);
      if (query.fromDue !== undefined) q = q.where('due_date', '>=', query.fromDue);
      if (query.toDue !== undefined) q = q.where('due_date', '<=', query.toDue);
      const rows = await q.orderBy('due_date').orderBy('schedule_id').limit(pageLimit(query.limit)).execute();
      return rows.map(occurrenceFromRow);
    },
    async occurrencesOfExpenses(ownerId, expenseIds) {
      const found: OccurrenceRecord[] = [];
      for (const part of chunk(expenseIds, 500)) {
        const rows = await db
          .selectFrom('et_schedule_occurrence')
          .selectAll()
          .where('owner_id', '=', ownerId)
          .where('expense_id', 'in', part)
          .execute();
        found.push(...rows.map(occurrenceFromRow));
      }
      return found;
    },
  };
}
