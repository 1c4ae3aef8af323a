import type { Kysely, Migration } from 'kysely';

/**
 * `et_owner.config_version`: bumped in the transaction of every change to an owner's
 * categories, budgets, rules or notifications. A write reads it under the owner's lock, so
 * a process can keep those in memory and know exactly when they are stale.
 */
export const ownerConfigVersion: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('et_owner')
      .addColumn('config_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('et_owner').dropColumn('config_version').execute();
  },
};
