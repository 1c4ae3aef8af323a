import type { Kysely, Selectable } from 'kysely';
import type { Database, RuleTable } from '../store/database.js';
import { chunk, pageLimit, toInt } from '../store/sql-values.js';
import type { ExpenseRecord } from '../store/store.js';
import type { RuleRecord, RuleRepository, RuleRunRecord } from './repository.js';

function ruleFromRow(row: Selectable<RuleTable>): RuleRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    position: toInt(row.position),
    enabled: toInt(row.enabled) === 1,
    match: row.match as RuleRecord['match'],
    conditions: JSON.parse(row.conditions) as RuleRecord['conditions'],
    actions: JSON.parse(row.actions) as RuleRecord['actions'],
    stop: toInt(row.stop) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function ruleToRow(record: RuleRecord) {
  return {
    owner_id: record.ownerId,
    id: record.id,
    position: record.position,
    enabled: record.enabled ? 1 : 0,
    match: record.match,
    conditions: JSON.stringify(record.conditions),
    actions: JSON.stringify(record.actions),
    stop: record.stop ? 1 : 0,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function runFromRow(row: Selectable<Database['et_rule_run']>): RuleRunRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ruleId: row.rule_id,
    from: row.range_from,
    to: row.range_to,
    startedAt: row.started_at,
    revertedAt: row.reverted_at,
  };
}

/** Rules and rule runs over Kysely. */
export function createRuleRepository(db: Kysely<Database>): RuleRepository {
  return {
    async insert(record) {
      await db.insertInto('et_rule').values(ruleToRow(record)).execute();
    },
    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_rule')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? ruleFromRow(row) : null;
    },
    async list(ownerId) {
      const rows = await db
        .selectFrom('et_rule')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('position')
        .orderBy('id')
        .execute();
      return rows.map(ruleFromRow);
    },
    async update(record) {
      const { owner_id: _owner, id: _id, created_at: _created, ...fields } = ruleToRow(record);
      const result = await db
        .updateTable('et_rule')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(ownerId, id) {
      const result = await db
        .deleteFrom('et_rule')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async insertRun(run, changes) {
      await db
        .insertInto('et_rule_run')
        .values({
          owner_id: run.ownerId,
          id: run.id,
          rule_id: run.ruleId,
          range_from: run.from,
          range_to: run.to,
          started_at: run.startedAt,
          reverted_at: run.revertedAt,
        })
        .execute();
      // 8 columns a row: 100 rows stay far below SQLite's and PostgreSQL's parameter limits.
      for (const part of chunk(changes, 100)) {
        await db
          .insertInto('et_rule_run_change')
          .values(
            part.map((change) => ({
              owner_id: run.ownerId,
              run_id: run.id,
              expense_id: change.expenseId,
              category_before: change.before.categoryId,
              category_after: change.after.categoryId,
              before: JSON.stringify(change.before),
              after: JSON.stringify(change.after),
              expense_updated_at: change.after.updatedAt,
            })),
          )
          .execute();
      }
    },
    async findRun(ownerId, id) {
      const row = await db
        .selectFrom('et_rule_run')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? runFromRow(row) : null;
    },
    async listRunChanges(ownerId, runId) {
      const rows = await db
        .selectFrom('et_rule_run_change')
        .select(['run_id', 'expense_id', 'before', 'after'])
        .where('owner_id', '=', ownerId)
        .where('run_id', '=', runId)
        .orderBy('expense_id')
        .execute();
      return rows.map((row) => ({
        runId: row.run_id,
        expenseId: row.expense_id,
        before: JSON.parse(row.before) as ExpenseRecord,
        after: JSON.parse(row.after) as ExpenseRecord,
      }));
    },
    async listRuns(ownerId, query) {
      let q = db.selectFrom('et_rule_run').selectAll().where('owner_id', '=', ownerId);
      if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      const runs = (await q.orderBy('id', 'desc').limit(pageLimit(query.limit)).execute()).map(runFromRow);
      const expenseIds = new Map<string, string[]>(runs.map((run) => [run.id, []]));
      for (const part of chunk([...expenseIds.keys()], 500)) {
        const rows = await db
          .selectFrom('et_rule_run_change')
          .select(['run_id', 'expense_id'])
          .where('owner_id', '=', ownerId)
          .where('run_id', 'in', part)
          .orderBy('run_id')
          .orderBy('expense_id')
          .execute();
        for (const row of rows) expenseIds.get(row.run_id)?.push(row.expense_id);
      }
      return runs.map((run) => ({ run, expenseIds: expenseIds.get(run.id) ?? [] }));
    },
    async markReverted(ownerId, id, at) {
      const result = await db
        .updateTable('et_rule_run')
        .set({ reverted_at: at })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('reverted_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
