/**
 * Deliberately broken stores, for the test of the conformance suite: the bundled Kysely
 * store with one MUST of the Store interface undone, the way a plausible custom store
 * would get it wrong. Everything else is the real store's code on the same database.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { withStoreErrors } from '../../src/store/driver-errors.js';
import { createAlertRuleRepository, createBudgetRepository } from '../../src/budgets/kysely-repository.js';
import { createCategoryRepository } from '../../src/categories/kysely-repository.js';
import { createEventRepository } from '../../src/changes/kysely-repository.js';
import { createExpenseRepository } from '../../src/expenses/kysely-repository.js';
import { createIdempotencyRepository } from '../../src/idempotency/kysely-repository.js';
import { createNotificationRepository } from '../../src/notifications/kysely-repository.js';
import { createOwnerRepository } from '../../src/owners/kysely-repository.js';
import { createImportRepository } from '../../src/imports/kysely-repository.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { createTotalsRepository, SumsQueries } from '../../src/expenses/kysely-totals.js';
import { toInt } from '../../src/store/sql-values.js';
import { createRuleRepository } from '../../src/rules/kysely-repository.js';
import { createWebhookRepository } from '../../src/webhooks/kysely-webhooks.js';
import { createScheduleRepository } from '../../src/schedules/kysely-repository.js';
import type { Dialect, EventRecord, BudgetNotificationRecord, Store, StoreSession } from '../../src/store/store.js';

/** Replaces some repository methods of a session bound to `db` (the store's or a transaction's). */
type Breakage = (
  db: Kysely<Database>,
  real: StoreSession,
) => {
  [K in keyof StoreSession]?: Partial<StoreSession[K]>;
};

/** How a store can get its MUSTs wrong. */
export const BREAKAGES = {
  /** `insertOnce` as a plain insert that reports `true`: no unique key decides. */
  'insertOnce inserts and reports true': (db) => ({
    notifications: {
      async insertOnce(record) {
        await insertNotification(db, record);
        return true;
      },
    },
  }),

  /** `insertOnce` as read-then-insert: two writers can both read "not yet" before either commits. */
  'insertOnce checks, then inserts': (db, real) => ({
    notifications: {
      async insertOnce(record) {
        const fired = await real.notifications.firedRuleIds(record.ownerId, record.budgetId, record.periodStart);
        if (fired.includes(record.ruleId)) return false;
        await insertNotification(db, record);
        return true;
      },
    },
  }),

  /** `owners.lock` that creates the owner row but locks nothing. */
  'lock takes no lock': (db, real) => ({
    owners: {
      async lock(ownerId, at) {
        await db
          .insertInto('et_owner')
          .values({ id: ownerId, last_seq: 0, created_at: at, updated_at: at })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return (await real.owners.getState(ownerId))!;
      },
    },
  }),

  /** `idempotency.insert` that swallows a second record for a key instead of refusing it. */
  'idempotency insert ignores a taken key': (db) => ({
    idempotency: {
      async insert(record) {
        await db
          .insertInto('et_idempotency')
          .values({
            owner_id: record.ownerId,
            idempotency_key: record.key,
            fingerprint: record.fingerprint,
            result: record.result,
            created_at: record.createdAt,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
      },
    },
  }),

  /** `events.append` numbering from `max(seq) + 1`, read without any lock. */
  'append numbers from an unlocked max(seq) + 1': (db) => ({
    events: {
      async append(ownerId, events, at, actor = { kind: 'account', id: ownerId }) {
        if (events.length === 0) return [];
        const { last } = await db
          .selectFrom('et_event')
          .select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('last'))
          .where('owner_id', '=', ownerId)
          .executeTakeFirstOrThrow();
        const records: EventRecord[] = events.map((event, i) => ({
          seq: toInt(last) + i + 1,
          ownerId,
          type: event.type,
          data: event.data,
          at,
          actor,
        }));
        await db
          .insertInto('et_event')
          .values(
            records.map((r) => ({
              owner_id: ownerId,
              seq: r.seq,
              type: r.type,
              data: JSON.stringify(r.data),
              at,
              actor_kind: actor.kind,
              actor_id: actor.kind === 'system' ? null : actor.id,
            })),
          )
          .execute();
        return records;
      },
      async lastSeq(ownerId) {
        const { last } = await db
          .selectFrom('et_event')
          .select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('last'))
          .where('owner_id', '=', ownerId)
          .executeTakeFirstOrThrow();
        return toInt(last);
      },
    },
  }),

  /** `totals.applyDeltas` written before refunds: it adds the net amount and the expense count only. */
  'applyDeltas drops the refund figures': (_db, real) => ({
    totals: {
      applyDeltas(ownerId, deltas) {
        return real.totals.applyDeltas(
          ownerId,
          deltas.map(({ refundMinor: _minor, refundCount: _count, ...rest }) => rest),
        );
      },
    },
  }),

  /**
   * Bank-line identity without unique keys: an insert takes an external id or fingerprint
   * over from the expense that had it (last write wins), so the same line is stored twice.
   */
  'expense identity is not unique': (db, real) => ({
    expenses: {
      async insert(records) {
        for (const r of records) {
          if (r.sourceAccount === null) continue;
          const keys = [r.externalId, r.fingerprint].filter((k): k is string => k !== null);
          if (keys.length === 0) continue;
          await db
            .updateTable('et_expense')
            .set({ external_id: null, fingerprint: null })
            .where('owner_id', '=', r.ownerId)
            .where('source_account', '=', r.sourceAccount)
            .where((eb) => eb.or([eb('external_id', 'in', keys), eb('fingerprint', 'in', keys)]))
            .execute();
        }
        await real.expenses.insert(records);
      },
    },
  }),
} satisfies Record<string, Breakage>;

/** The name of one way to break a store. */
export type BreakageName = keyof typeof BREAKAGES;

async function insertNotification(db: Kysely<Database>, r: BudgetNotificationRecord): Promise<void> {
  await db
    .insertInto('et_notification')
    .values({
      id: r.id,
      owner_id: r.ownerId,
      budget_id: r.budgetId,
      rule_id: r.ruleId,
      kind: r.kind,
      period_start: r.periodStart,
      period_end: r.periodEnd,
      threshold_percent: r.thresholdPercent,
      currency: r.currency,
      spent_minor: r.spentMinor,
      available_minor: r.availableMinor,
      projected_spend_minor: r.projectedSpendMinor,
      message: r.message,
      created_at: r.createdAt,
      read_at: r.readAt,
    })
    .execute();
}

/** The real store's repositories over `db`, with the breakage's methods in place of theirs. */
function brokenSession(db: Kysely<Database>, dialect: Dialect, breakage: Breakage, sums: SumsQueries): StoreSession {
  const real: StoreSession = {
    owners: createOwnerRepository(db),
    categories: createCategoryRepository(db),
    expenses: createExpenseRepository(db, dialect, sums),
    events: createEventRepository(db),
    totals: createTotalsRepository(db, sums),
    budgets: createBudgetRepository(db),
    alertRules: createAlertRuleRepository(db),
    notifications: createNotificationRepository(db),
    idempotency: createIdempotencyRepository(db),
    imports: createImportRepository(db),
    rules: createRuleRepository(db),
    // Webhooks are not among the breakages; the SQLite form works on either engine.
    webhooks: createWebhookRepository(db, 'sqlite'),
    schedules: createScheduleRepository(db),
  };
  const patch = breakage(db, real);
  return {
    owners: withStoreErrors({ ...real.owners, ...patch.owners }),
    categories: withStoreErrors({ ...real.categories, ...patch.categories }),
    expenses: withStoreErrors({ ...real.expenses, ...patch.expenses }),
    events: withStoreErrors({ ...real.events, ...patch.events }),
    totals: withStoreErrors({ ...real.totals, ...patch.totals }),
    budgets: withStoreErrors({ ...real.budgets, ...patch.budgets }),
    alertRules: withStoreErrors({ ...real.alertRules, ...patch.alertRules }),
    notifications: withStoreErrors({ ...real.notifications, ...patch.notifications }),
    idempotency: withStoreErrors({ ...real.idempotency, ...patch.idempotency }),
    imports: withStoreErrors({ ...real.imports, ...patch.imports }),
    rules: withStoreErrors({ ...real.rules, ...patch.rules }),
    webhooks: withStoreErrors({ ...real.webhooks, ...patch.webhooks }),
    schedules: withStoreErrors({ ...real.schedules, ...patch.schedules }),
  };
}

/**
 * `store` (the bundled store, migrated) with one breakage. Transactions begin as the real
 * store's do (`BEGIN IMMEDIATE` on SQLite); migrate, ping and close are the real store's.
 */
export function breakStore(store: KyselyStore, name: BreakageName): Store {
  const breakage: Breakage = BREAKAGES[name];
  const { db, dialect } = store;
  const sums = new SumsQueries();
  return {
    dialect,
    ...brokenSession(db, dialect, breakage, sums),
    async transaction(fn) {
      if (dialect === 'postgres')
        return db.transaction().execute((trx) => fn(brokenSession(trx, dialect, breakage, sums)));
      return db.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        try {
          const result = await fn(brokenSession(connection, dialect, breakage, sums));
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          await sql`rollback`.execute(connection);
          throw error;
        }
      });
    },
    migrate: () => store.migrate(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
