import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ImportRowTable, ImportTable } from '../store/database.js';
import { chunk, toInt, pageLimit } from '../store/sql-values.js';
import type {
  ImportDecision,
  ImportProfileRecord,
  ImportRecord,
  ImportRepository,
  ImportRowBill,
  ImportRowRecord,
  ImportRowState,
  ImportState,
} from './repository.js';

function fromImport(row: Selectable<ImportTable>): ImportRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    sourceKey: row.source_key,
    format: row.format,
    fileName: row.file_name,
    state: row.state as ImportState,
    rowCount: Number(row.row_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    committedAt: row.committed_at,
    revertedAt: row.reverted_at,
  };
}

function toImport(record: ImportRecord) {
  return {
    owner_id: record.ownerId,
    id: record.id,
    source_key: record.sourceKey,
    format: record.format,
    file_name: record.fileName,
    state: record.state,
    row_count: record.rowCount,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    committed_at: record.committedAt,
    reverted_at: record.revertedAt,
  };
}

function fromRow(row: Selectable<ImportRowTable>): ImportRowRecord {
  return {
    ownerId: row.owner_id,
    importId: row.import_id,
    n: Number(row.n),
    line: Number(row.line),
    state: row.state as ImportRowState,
    reasonCode: row.reason_code,
    reason: row.reason,
    date: row.date,
    amountMinor: row.amount_minor === null ? null : toInt(row.amount_minor),
    currency: row.currency,
    description: row.description,
    merchant: row.merchant,
    originalText: row.original_text,
    externalId: row.external_id,
    fingerprint: row.fingerprint,
    occurrence: row.occurrence === null ? null : Number(row.occurrence),
    candidateIds: JSON.parse(row.candidate_ids) as string[],
    decision: row.decision as ImportDecision | null,
    linkExpenseId: row.link_expense_id,
    expenseId: row.expense_id,
    appliedAt: row.applied_at,
    bill: row.bill === null ? null : (JSON.parse(row.bill) as ImportRowBill),
  };
}

function toRow(record: ImportRowRecord) {
  return {
    owner_id: record.ownerId,
    import_id: record.importId,
    n: record.n,
    line: record.line,
    state: record.state,
    reason_code: record.reasonCode,
    reason: record.reason,
    date: record.date,
    amount_minor: record.amountMinor,
    currency: record.currency,
    description: record.description,
    merchant: record.merchant,
    original_text: record.originalText,
    external_id: record.externalId,
    fingerprint: record.fingerprint,
    occurrence: record.occurrence,
    candidate_ids: JSON.stringify(record.candidateIds),
    decision: record.decision,
    link_expense_id: record.linkExpenseId,
    expense_id: record.expenseId,
    applied_at: record.appliedAt,
    bill: record.bill === null ? null : JSON.stringify(record.bill),
  };
}

/** Imports, their rows and the owner's CSV profiles over Kysely. */
export function createImportRepository(db: Kysely<Database>): ImportRepository {
  return {
    async insert(record) {
      await db.insertInto('et_import').values(toImport(record)).execute();
    },

    async update(record) {
      const { owner_id: _o, id: _i, created_at: _c, ...fields } = toImport(record);
      const result = await db
        .updateTable('et_import')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_import')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromImport(row) : null;
    },

    async delete(ownerId, id) {
      // Rows first and explicitly: a host's SQLite connection may have foreign keys off.
      await db.deleteFrom('et_import_row').where('owner_id', '=', ownerId).where('import_id', '=', id).execute();
      const result = await db
        .deleteFrom('et_import')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async list(ownerId, query) {
      let q = db.selectFrom('et_import').selectAll().where('owner_id', '=', ownerId);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      return (await q.orderBy('id', 'desc').limit(pageLimit(query.limit)).execute()).map(fromImport);
    },

    async insertRows(rows) {
      // 22 columns a row: 100 rows stay below SQLite's and PostgreSQL's bind-parameter limits.
      for (const part of chunk(rows, 100)) await db.insertInto('et_import_row').values(part.map(toRow)).execute();
    },

    async listRows(ownerId, importId, query) {
      let q = db
        .selectFrom('et_import_row')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('import_id', '=', importId);
      if (query.state !== undefined) q = q.where('state', '=', query.state);
      if (query.afterN !== undefined) q = q.where('n', '>', query.afterN);
      if (query.pending) q = q.where('decision', 'in', ['create', 'link']).where('applied_at', 'is', null);
      if (query.applied) q = q.where('applied_at', 'is not', null);
      return (await q.orderBy('n').limit(pageLimit(query.limit)).execute()).map(fromRow);
    },

    async findRow(ownerId, importId, n) {
      const row = await db
        .selectFrom('et_import_row')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('import_id', '=', importId)
        .where('n', '=', n)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async updateRow(record) {
      const { owner_id: _o, import_id: _i, n: _n, ...fields } = toRow(record);
      const result = await db
        .updateTable('et_import_row')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('import_id', '=', record.importId)
        .where('n', '=', record.n)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async countRows(ownerId, importId) {
      const rows = await db
        .selectFrom('et_import_row')
        .select([
          'state',
          'decision',
          sql<number>`case when applied_at is null then 0 else 1 end`.as('applied'),
          (eb) => eb.fn.countAll<number | string>().as('count'),
        ])
        .where('owner_id', '=', ownerId)
        .where('import_id', '=', importId)
        .groupBy(['state', 'decision', sql`case when applied_at is null then 0 else 1 end`])
        .execute();
      return rows.map((r) => ({
        state: r.state as ImportRowState,
        decision: r.decision as ImportDecision | null,
        applied: Number(r.applied) === 1,
        count: Number(r.count),
      }));
    },

    async insertProfile(record) {
      await db.insertInto('et_import_profile').values(toProfile(record)).execute();
    },

    async findProfile(ownerId, id) {
      const row = await db
        .selectFrom('et_import_profile')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromProfile(row) : null;
    },

    async listProfiles(ownerId) {
      const rows = await db
        .selectFrom('et_import_profile')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(fromProfile);
    },

    async updateProfile(record) {
      const result = await db
        .updateTable('et_import_profile')
        .set({ name: record.name, profile: JSON.stringify(record.profile), updated_at: record.updatedAt })
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async deleteProfile(ownerId, id) {
      const result = await db
        .deleteFrom('et_import_profile')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toProfile(record: ImportProfileRecord) {
  return {
    owner_id: record.ownerId,
    id: record.id,
    name: record.name,
    profile: JSON.stringify(record.profile),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function fromProfile(row: Selectable<Database['et_import_profile']>): ImportProfileRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    profile: JSON.parse(row.profile) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
