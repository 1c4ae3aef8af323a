import { sql, type Kysely } from 'kysely';
import type { OwnerSettings } from './schema.js';
import type { Database } from '../store/database.js';
import { preparedQuery } from '../store/prepared-query.js';
import { toInt } from '../store/sql-values.js';
import type { OwnerRepository } from '../store/store.js';

/** Read by every budget status, analytics and list read: compiled once. */
const ownerState = preparedQuery((db: Kysely<Database>, ownerId: string) =>
  db
    .selectFrom('et_owner')
    .select(['timezone', 'currency', 'week_starts_on', 'config_version'])
    .where('id', '=', ownerId),
);

/** The first statement of every write: compiled once. */
const ownerLock = preparedQuery((db: Kysely<Database>, ownerId: string, at: string) =>
  db
    .insertInto('et_owner')
    .values({ id: ownerId, last_seq: 0, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_seq: sql<number>`et_owner.last_seq` }))
    .returning(['timezone', 'currency', 'week_starts_on', 'config_version']),
);

/** Owner settings over Kysely. */
export function createOwnerRepository(db: Kysely<Database>): OwnerRepository {
  const getState: OwnerRepository['getState'] = async (ownerId) => {
    const [row] = (await ownerState.execute(db, ownerId)).rows;
    if (!row) return null;
    return {
      settings: { timezone: row.timezone, currency: row.currency, weekStartsOn: row.week_starts_on === 0 ? 0 : 1 },
      configVersion: toInt(row.config_version),
    };
  };
  return {
    async lock(ownerId, at) {
      // An upsert that changes nothing still locks the row until commit on PostgreSQL; on
      // SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE).
      const row = (await ownerLock.execute(db, ownerId, at)).rows[0]!;
      return {
        settings: { timezone: row.timezone, currency: row.currency, weekStartsOn: row.week_starts_on === 0 ? 0 : 1 },
        configVersion: toInt(row.config_version),
      };
    },

    async bumpConfigVersion(ownerId) {
      await db
        .updateTable('et_owner')
        .set({ config_version: sql<number>`config_version + 1` })
        .where('id', '=', ownerId)
        .execute();
    },

    getState,

    async getSettings(ownerId) {
      return (await getState(ownerId))?.settings ?? null;
    },

    async saveSettings(ownerId, settings: OwnerSettings, at) {
      const values = {
        timezone: settings.timezone,
        currency: settings.currency,
        week_starts_on: settings.weekStartsOn,
      };
      await db
        .insertInto('et_owner')
        .values({ id: ownerId, ...values, last_seq: 0, created_at: at, updated_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: at }))
        .execute();
    },
  };
}
