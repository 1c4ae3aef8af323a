import type { Kysely, Migration } from 'kysely';

/**
 * `et_idempotency`: the recorded result of each write made under an idempotency key, one row
 * per (owner, key), inserted in the write's transaction. Replaces the server's
 * `srv_idempotency`, whose answer was stored after the commit (issue #11).
 */
export const idempotency: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_idempotency')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The key decides: a second record for one (owner, key) cannot be inserted.
      .addPrimaryKeyConstraint('et_idempotency_pk', ['owner_id', 'idempotency_key'])
      .execute();
    // A keyed write deletes its owner's records older than 24 hours.
    await db.schema
      .createIndex('et_idempotency_created_idx')
      .on('et_idempotency')
      .columns(['owner_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('et_idempotency').ifExists().execute();
  },
};
