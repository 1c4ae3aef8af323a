import { sql, type Kysely, type Migration } from 'kysely';

/** Owners, categories, expenses with their tags, and the event outbox. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('et_owner')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
      .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD'))
      .addColumn('week_starts_on', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('et_category')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('color', 'text')
      .addColumn('icon', 'text')
      .addColumn('parent_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('et_category_owner_id_id_key', ['owner_id', 'id'])
      .addUniqueConstraint('et_category_owner_name_key', ['owner_id', 'name_key'])
      // The owner is part of the key, so a category can only hang under one of its own owner.
      .addForeignKeyConstraint('et_category_parent_fk', ['owner_id', 'parent_id'], 'et_category', ['owner_id', 'id'])
      .execute();
    await db.schema
      .createIndex('et_category_parent_idx')
      .on('et_category')
      .columns(['owner_id', 'parent_id'])
      .execute();

    await db.schema
      .createTable('et_expense')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor > 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('description', 'text')
      .addColumn('merchant', 'text')
      .addColumn('notes', 'text')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // An expense can only use a category of its own owner, enforced by the database too.
      .addForeignKeyConstraint('et_expense_category_fk', ['owner_id', 'category_id'], 'et_category', ['owner_id', 'id'])
      .execute();
    await db.schema
      .createIndex('et_expense_owner_date_idx')
      .on('et_expense')
      .columns(['owner_id', 'date', 'id'])
      .execute();
    await db.schema
      .createIndex('et_expense_owner_amount_idx')
      .on('et_expense')
      .columns(['owner_id', 'amount_minor', 'id'])
      .execute();
    await db.schema
      .createIndex('et_expense_owner_category_idx')
      .on('et_expense')
      .columns(['owner_id', 'category_id', 'date'])
      .execute();

    await db.schema
      .createTable('et_expense_tag')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('expense_id', 'text', (c) => c.notNull().references('et_expense.id').onDelete('cascade'))
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_expense_tag_pk', ['expense_id', 'tag'])
      .execute();
    await db.schema
      .createIndex('et_expense_tag_owner_tag_idx')
      .on('et_expense_tag')
      .columns(['owner_id', 'tag'])
      .execute();

    await db.schema
      .createTable('et_event')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('et_event_pk', ['owner_id', 'seq'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['et_event', 'et_expense_tag', 'et_expense', 'et_category', 'et_owner']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
