import type { Kysely, Migration } from 'kysely';

/**
 * The bill an import row would settle (SPEC §7.1 meets §7.3): `et_import_row.bill`, JSON
 * `{scheduleId, name, nominal, due}` or NULL. Preview finds it (an `expect` occurrence whose
 * amount and window the bank line fits), the row shows it, and commit settles that
 * occurrence with the expense it creates, so the due work posts nothing more for it.
 */
export const importRowBill: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('et_import_row').addColumn('bill', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('et_import_row').dropColumn('bill').execute();
  },
};
