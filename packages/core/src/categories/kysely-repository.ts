import type { Kysely, Selectable } from 'kysely';
import { TrackerError } from '../errors.js';
import type { CategoryTable, Database } from '../store/database.js';
import { isUniqueViolation } from '../store/driver-errors.js';
import type { CategoryRecord, CategoryRepository } from '../store/store.js';

function fromRow(row: Selectable<CategoryTable>): CategoryRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    color: row.color,
    icon: row.icon,
    parentId: row.parent_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function nameTaken(name: string, cause: unknown): TrackerError {
  return new TrackerError('CONFLICT', `A category named ${JSON.stringify(name)} already exists`, {
    cause,
    details: { field: 'name' },
  });
}

/** Categories over Kysely. */
export function createCategoryRepository(db: Kysely<Database>): CategoryRepository {
  return {
    async insert(record) {
      try {
        await db
          .insertInto('et_category')
          .values({
            id: record.id,
            owner_id: record.ownerId,
            name: record.name,
            name_key: record.name.toLowerCase(),
            color: record.color,
            icon: record.icon,
            parent_id: record.parentId,
            created_at: record.createdAt,
            updated_at: record.updatedAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(record.name, error);
        throw error;
      }
    },

    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_category')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async list(ownerId) {
      const rows = await db
        .selectFrom('et_category')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('name_key')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async update(record) {
      try {
        const result = await db
          .updateTable('et_category')
          .set({
            name: record.name,
            name_key: record.name.toLowerCase(),
            color: record.color,
            icon: record.icon,
            parent_id: record.parentId,
            updated_at: record.updatedAt,
          })
          .where('owner_id', '=', record.ownerId)
          .where('id', '=', record.id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(record.name, error);
        throw error;
      }
    },

    async delete(ownerId, id) {
      const result = await db
        .deleteFrom('et_category')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async countChildren(ownerId, id) {
      const row = await db
        .selectFrom('et_category')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('owner_id', '=', ownerId)
        .where('parent_id', '=', id)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
