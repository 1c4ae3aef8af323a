import type { Kysely, Migration } from 'kysely';

/**
 * The import pipeline's tables (SPEC §7.1): `et_import` (one per uploaded file or
 * `expenses.import()` call), `et_import_row` (its rows, with state, decision and outcome;
 * commit marks a row applied in the same transaction as the expense it creates, which is
 * what makes a commit resumable) and `et_import_profile` (saved CSV mappings). Every key
 * leads with the owner.
 */
export const imports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_import')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('committed_at', 'text')
      .addColumn('reverted_at', 'text')
      .addPrimaryKeyConstraint('et_import_pk', ['owner_id', 'id'])
      .execute();

    await db.schema
      .createTable('et_import_row')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('import_id', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason_code', 'text')
      .addColumn('reason', 'text')
      .addColumn('date', 'text')
      .addColumn('amount_minor', 'bigint')
      .addColumn('currency', 'text')
      .addColumn('description', 'text')
      .addColumn('merchant', 'text')
      .addColumn('original_text', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('fingerprint', 'text')
      .addColumn('occurrence', 'integer')
      .addColumn('candidate_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('decision', 'text')
      .addColumn('link_expense_id', 'text')
      .addColumn('expense_id', 'text')
      .addColumn('applied_at', 'text')
      .addPrimaryKeyConstraint('et_import_row_pk', ['owner_id', 'import_id', 'n'])
      .addForeignKeyConstraint(
        'et_import_row_import_fk',
        ['owner_id', 'import_id'],
        'et_import',
        ['owner_id', 'id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('et_import_row_state_idx')
      .on('et_import_row')
      .columns(['owner_id', 'import_id', 'state', 'n'])
      .execute();

    await db.schema
      .createTable('et_import_profile')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_import_profile_pk', ['owner_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['et_import_row', 'et_import', 'et_import_profile']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
