import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { IdempotencyRepository } from './repository.js';

/** Idempotency records over Kysely. */
export function createIdempotencyRepository(db: Kysely<Database>): IdempotencyRepository {
  return {
    async find(ownerId, key) {
      const row = await db
        .selectFrom('et_idempotency')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row
        ? {
            ownerId: row.owner_id,
            key: row.idempotency_key,
            fingerprint: row.fingerprint,
            result: row.result,
            createdAt: row.created_at,
          }
        : null;
    },
    async insert(record) {
      // A plain insert: the primary key (owner, key) refuses a second record (CONFLICT).
      await db
        .insertInto('et_idempotency')
        .values({
          owner_id: record.ownerId,
          idempotency_key: record.key,
          fingerprint: record.fingerprint,
          result: record.result,
          created_at: record.createdAt,
        })
        .execute();
    },
    async deleteBefore(ownerId, before) {
      const result = await db
        .deleteFrom('et_idempotency')
        .where('owner_id', '=', ownerId)
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
