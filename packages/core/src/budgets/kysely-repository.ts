import type { Kysely, Selectable } from 'kysely';
import type { PeriodDefinition } from './periods.js';
import type { AlertRuleTable, BudgetTable, Database } from '../store/database.js';
import { toInt } from '../store/sql-values.js';
import type { AlertRuleRecord, AlertRuleRepository, BudgetRecord, BudgetRepository } from '../store/store.js';

function budgetFromRow(row: Selectable<BudgetTable>): BudgetRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    amountMinor: toInt(row.amount_minor),
    currency: row.currency,
    categoryIds: JSON.parse(row.category_ids) as string[],
    period: JSON.parse(row.period) as PeriodDefinition,
    rollover: row.rollover as BudgetRecord['rollover'],
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function budgetToRow(record: BudgetRecord) {
  return {
    id: record.id,
    owner_id: record.ownerId,
    name: record.name,
    amount_minor: record.amountMinor,
    currency: record.currency,
    category_ids: JSON.stringify(record.categoryIds),
    period: JSON.stringify(record.period),
    rollover: record.rollover,
    starts_on: record.startsOn,
    ends_on: record.endsOn,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function ruleFromRow(row: Selectable<AlertRuleTable>): AlertRuleRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    budgetId: row.budget_id,
    thresholdPercent: toInt(row.threshold_percent),
    kind: row.kind as AlertRuleRecord['kind'],
    active: toInt(row.active) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function ruleToRow(record: AlertRuleRecord) {
  return {
    id: record.id,
    owner_id: record.ownerId,
    budget_id: record.budgetId,
    threshold_percent: record.thresholdPercent,
    kind: record.kind,
    active: record.active ? 1 : 0,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** Budgets over Kysely. */
export function createBudgetRepository(db: Kysely<Database>): BudgetRepository {
  return {
    async insert(record) {
      await db.insertInto('et_budget').values(budgetToRow(record)).execute();
    },
    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_budget')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? budgetFromRow(row) : null;
    },
    async list(ownerId) {
      const rows = await db
        .selectFrom('et_budget')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(budgetFromRow);
    },
    async update(record) {
      const { id: _id, owner_id: _owner, created_at: _created, ...fields } = budgetToRow(record);
      const result = await db
        .updateTable('et_budget')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(ownerId, id) {
      await db.deleteFrom('et_alert_rule').where('owner_id', '=', ownerId).where('budget_id', '=', id).execute();
      const result = await db
        .deleteFrom('et_budget')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

/** Alert rules over Kysely. */
export function createAlertRuleRepository(db: Kysely<Database>): AlertRuleRepository {
  return {
    async insert(records) {
      if (records.length > 0) await db.insertInto('et_alert_rule').values(records.map(ruleToRow)).execute();
    },
    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_alert_rule')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? ruleFromRow(row) : null;
    },
    async list(ownerId, budgetIds) {
      if (budgetIds?.length === 0) return [];
      let query = db.selectFrom('et_alert_rule').selectAll().where('owner_id', '=', ownerId);
      if (budgetIds !== undefined) query = query.where('budget_id', 'in', budgetIds);
      return (await query.orderBy('created_at').orderBy('id').execute()).map(ruleFromRow);
    },
    async update(record) {
      const { id: _id, owner_id: _owner, budget_id: _budget, created_at: _created, ...fields } = ruleToRow(record);
      const result = await db
        .updateTable('et_alert_rule')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(ownerId, id) {
      const result = await db
        .deleteFrom('et_alert_rule')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
