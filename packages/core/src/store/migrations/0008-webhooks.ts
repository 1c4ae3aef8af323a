import type { Kysely, Migration } from 'kysely';

/**
 * Webhooks (SPEC §7.5): endpoints with their sealed secrets and feed cursor, and one message
 * per (endpoint, event). The unique key on `(owner_id, endpoint_id, seq)` is what makes the
 * fan-out exactly-once; the `(state, next_attempt_at)` index is what every dispatcher's claim
 * reads. Every key leads with the owner, as core's other tables' do (see 0005).
 */
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_webhook_endpoint')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'text')
      .addColumn('cursor_seq', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_webhook_endpoint_pk', ['owner_id', 'id'])
      .execute();

    await db.schema
      .createTable('et_webhook_message')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('claimed_until', 'text')
      .addColumn('claim_token', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_webhook_message_pk', ['owner_id', 'id'])
      .addUniqueConstraint('et_webhook_message_endpoint_seq_key', ['owner_id', 'endpoint_id', 'seq'])
      .addForeignKeyConstraint(
        'et_webhook_message_endpoint_fk',
        ['owner_id', 'endpoint_id'],
        'et_webhook_endpoint',
        ['owner_id', 'id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('et_webhook_message_due_idx')
      .on('et_webhook_message')
      .columns(['state', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('et_webhook_message_endpoint_idx')
      .on('et_webhook_message')
      .columns(['owner_id', 'endpoint_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('et_webhook_message').ifExists().execute();
    await db.schema.dropTable('et_webhook_endpoint').ifExists().execute();
  },
};
