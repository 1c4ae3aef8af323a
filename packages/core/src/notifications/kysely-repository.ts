import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationTable } from '../store/database.js';
import { toInt, pageLimit } from '../store/sql-values.js';
import type { NoticeRecord, NotificationRecord, NotificationRepository } from '../store/store.js';

function fromRow(row: Selectable<NotificationTable>): NotificationRecord {
  if (row.kind === 'notice') {
    return {
      id: row.id,
      ownerId: row.owner_id,
      kind: 'notice',
      topic: row.topic ?? '',
      subjectId: row.subject_id ?? '',
      message: row.message,
      data: noticeData(row.data),
      createdAt: row.created_at,
      readAt: row.read_at,
    };
  }
  return {
    id: row.id,
    ownerId: row.owner_id,
    budgetId: row.budget_id ?? '',
    ruleId: row.rule_id ?? '',
    kind: row.kind === 'forecast' ? 'forecast' : 'spent',
    periodStart: row.period_start ?? '',
    periodEnd: row.period_end ?? '',
    thresholdPercent: toInt(row.threshold_percent),
    currency: row.currency ?? '',
    spentMinor: toInt(row.spent_minor),
    availableMinor: toInt(row.available_minor),
    projectedSpendMinor: toInt(row.projected_spend_minor),
    message: row.message,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

/** A notice's stored details: core wrote them as a flat JSON object; anything else reads as none. */
function noticeData(text: string | null): NoticeRecord['data'] {
  const parsed: unknown = text === null ? null : JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const data: NoticeRecord['data'] = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      data[key] = value as NoticeRecord['data'][string];
  }
  return data;
}

/** Notifications over Kysely. */
export function createNotificationRepository(db: Kysely<Database>): NotificationRepository {
  return {
    async insertOnce(record) {
      const inserted = await db
        .insertInto('et_notification')
        .values({
          id: record.id,
          owner_id: record.ownerId,
          budget_id: record.budgetId,
          rule_id: record.ruleId,
          kind: record.kind,
          period_start: record.periodStart,
          period_end: record.periodEnd,
          threshold_percent: record.thresholdPercent,
          currency: record.currency,
          spent_minor: record.spentMinor,
          available_minor: record.availableMinor,
          projected_spend_minor: record.projectedSpendMinor,
          message: record.message,
          created_at: record.createdAt,
          read_at: record.readAt,
        })
        .onConflict((oc) => oc.columns(['owner_id', 'rule_id', 'period_start']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async insertNoticeOnce(record) {
      const inserted = await db
        .insertInto('et_notification')
        .values({
          id: record.id,
          owner_id: record.ownerId,
          kind: 'notice',
          topic: record.topic,
          subject_id: record.subjectId,
          data: JSON.stringify(record.data),
          message: record.message,
          created_at: record.createdAt,
          read_at: record.readAt,
        })
        .onConflict((oc) => oc.columns(['owner_id', 'topic', 'subject_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async firedRuleIds(ownerId, budgetId, periodStart) {
      const rows = await db
        .selectFrom('et_notification')
        .select('rule_id')
        .where('owner_id', '=', ownerId)
        .where('budget_id', '=', budgetId)
        .where('period_start', '=', periodStart)
        .execute();
      return rows.flatMap((row) => (row.rule_id === null ? [] : [row.rule_id]));
    },
    async list(ownerId, query) {
      let q = db.selectFrom('et_notification').selectAll().where('owner_id', '=', ownerId);
      if (query.unread === true) q = q.where('read_at', 'is', null);
      if (query.unread === false) q = q.where('read_at', 'is not', null);
      if (query.budgetId !== undefined) q = q.where('budget_id', '=', query.budgetId);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      return (await q.orderBy('id', 'desc').limit(pageLimit(query.limit)).execute()).map(fromRow);
    },
    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_notification')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    async markRead(ownerId, id, at) {
      const exists = await db
        .selectFrom('et_notification')
        .select('id')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!exists) return false;
      await db
        .updateTable('et_notification')
        .set({ read_at: at })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('read_at', 'is', null)
        .execute();
      return true;
    },
  };
}
