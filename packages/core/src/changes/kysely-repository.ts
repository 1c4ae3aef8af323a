import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { fromActorColumns, ownerActor } from '../actor.js';
import { preparedQuery } from '../store/prepared-query.js';
import { chunk, toInt, pageLimit } from '../store/sql-values.js';
import type { EventRecord, EventRepository } from '../store/store.js';

/**
 * The PostgreSQL channel on which every committed append is announced.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { EVENTS_CHANNEL, type EventsNotification } from '@expense-tracker/core/kysely';
 *
 * // Another service (a worker, say) learns of every commit without polling.
 * const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
 * await client.connect();
 * client.on('notification', (message) => {
 *   if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
 *   const { ownerId, first, seq } = JSON.parse(message.payload) as EventsNotification;
 *   console.log(`${ownerId} committed events ${first} to ${seq}`);
 * });
 * await client.query(`LISTEN ${EVENTS_CHANNEL}`);
 * ```
 */
export const EVENTS_CHANNEL = 'et_events';

/**
 * What an append announces on {@link EVENTS_CHANNEL}: who wrote, whose events, which seqs.
 * Never the events' data (a NOTIFY payload must stay under 8000 bytes); listeners read the
 * events themselves from the change feed.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { EVENTS_CHANNEL, type EventsNotification } from '@expense-tracker/core/kysely';
 *
 * const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
 * await client.connect();
 * client.on('notification', async (message) => {
 *   const note = JSON.parse(message.payload ?? '{}') as EventsNotification;
 *   // The payload names the seqs; the events themselves come from the change feed.
 *   const { events } = await tracker.forOwner(note.ownerId).changes({ after: note.first - 1 });
 *   for (const event of events) console.log(event.seq, event.type);
 * });
 * await client.query(`LISTEN ${EVENTS_CHANNEL}`);
 * ```
 */
export interface EventsNotification {
  /** The id of the store (tracker) that wrote them, so it can ignore its own. */
  instance?: string;
  ownerId: string;
  /** The first seq appended. */
  first: number;
  /** The last seq appended (the owner's newest). */
  seq: number;
  /** The type of the last event appended. */
  type: string;
}

/** Options of {@link createEventRepository}. */
export interface EventRepositoryOptions {
  /**
   * On PostgreSQL, also `pg_notify` {@link EVENTS_CHANNEL} in the appending transaction
   * (PostgreSQL delivers it on commit only, in commit order), with this instance id.
   */
  notify?: { instanceId?: string };
}

/** Every write's seq bump (under the owner's lock): compiled once. */
const bumpSeq = preparedQuery((db: Kysely<Database>, ownerId: string, count: number, at: string) =>
  db
    .insertInto('et_owner')
    .values({ id: ownerId, last_seq: count, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_seq: sql<number>`et_owner.last_seq + ${count}` }))
    .returning('last_seq'),
);

/** The usual outbox append, one event: compiled once. */
const insertEvent = preparedQuery(
  (
    db: Kysely<Database>,
    ownerId: string,
    seq: number,
    type: string,
    data: string,
    at: string,
    actorKind: string,
    actorId: string | null,
  ) =>
    db
      .insertInto('et_event')
      .values({ owner_id: ownerId, seq, type, data, at, actor_kind: actorKind, actor_id: actorId }),
);

/**
 * PostgreSQL's usual append, one event with its notification, in one statement (one round
 * trip instead of three): the seq bump, the event insert and `pg_notify` as data-modifying
 * CTEs, which PostgreSQL runs as one statement under the same row lock. The notification's
 * JSON has the same keys as {@link EventsNotification}.
 */
const appendOneNotified = preparedQuery(
  (
    db: Kysely<Database>,
    ownerId: string,
    type: string,
    data: string,
    at: string,
    actorKind: string,
    actorId: string | null,
    channel: string,
    instance: string,
  ) => sql<{ seq: string | number }>`
    with bumped as (
      insert into et_owner (id, last_seq, created_at, updated_at) values (${ownerId}, 1, ${at}, ${at})
      on conflict (id) do update set last_seq = et_owner.last_seq + 1
      returning last_seq
    ), appended as (
      insert into et_event (owner_id, seq, type, data, at, actor_kind, actor_id)
      select ${ownerId}, last_seq, ${type}, ${data}, ${at}, ${actorKind}, ${actorId}::text from bumped
      returning seq
    )
    select seq, pg_notify(${channel}::text, json_build_object(
      'instance', ${instance}::text, 'ownerId', ${ownerId}::text, 'first', seq, 'seq', seq, 'type', ${type}::text
    )::text) as notified
    from appended`,
);

/**
 * The outbox over Kysely. `append` bumps the owner's `last_seq` with an upsert, which takes
 * (or, after `owners.lock`, already holds) the owner row's lock until commit: concurrent
 * writers of one owner queue there, so each gets the next seqs only after the previous one
 * committed. Seqs are therefore gapless (a rollback undoes the bump) and visible in seq order.
 * With `notify` (PostgreSQL only), each append also announces itself on {@link EVENTS_CHANNEL}
 * in the same transaction, so other processes learn of it after commit.
 */
export function createEventRepository(db: Kysely<Database>, options: EventRepositoryOptions = {}): EventRepository {
  const { notify } = options;
  return {
    async append(ownerId, events, at, actor = ownerActor(ownerId)) {
      if (events.length === 0) return [];
      const actorId = actor.kind === 'system' ? null : actor.id;
      if (notify && events.length === 1) {
        const [event] = events as [(typeof events)[number]];
        const { rows } = await appendOneNotified.execute(
          db,
          ownerId,
          event.type,
          JSON.stringify(event.data),
          at,
          actor.kind,
          actorId,
          EVENTS_CHANNEL,
          notify.instanceId ?? '',
        );
        return [{ seq: toInt(rows[0]!.seq), ownerId, type: event.type, data: event.data, at, actor }];
      }
      const [bumped] = (await bumpSeq.execute(db, ownerId, events.length, at)).rows;
      const first = toInt(bumped!.last_seq) - events.length + 1;
      const records: EventRecord[] = events.map((event, i) => ({
        seq: first + i,
        ownerId,
        type: event.type,
        data: event.data,
        at,
        actor,
      }));
      if (records.length === 1) {
        const [r] = records as [EventRecord];
        await insertEvent.execute(db, ownerId, r.seq, r.type, JSON.stringify(r.data), r.at, actor.kind, actorId);
      } else
        for (const part of chunk(records, 500)) {
          await db
            .insertInto('et_event')
            .values(
              part.map((r) => ({
                owner_id: ownerId,
                seq: r.seq,
                type: r.type,
                data: JSON.stringify(r.data),
                at: r.at,
                actor_kind: actor.kind,
                actor_id: actorId,
              })),
            )
            .execute();
        }
      if (notify) {
        const last = records[records.length - 1]!;
        const payload: EventsNotification = {
          instance: notify.instanceId,
          ownerId,
          first,
          seq: last.seq,
          type: last.type,
        };
        await sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(payload)})`.execute(db);
      }
      return records;
    },

    async list(ownerId, after, limit) {
      const rows = await db
        .selectFrom('et_event')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('seq', '>', after)
        .orderBy('seq', 'asc')
        .limit(pageLimit(limit))
        .execute();
      return rows.map((row) => ({
        seq: toInt(row.seq),
        ownerId: row.owner_id,
        type: row.type,
        data: JSON.parse(row.data) as unknown,
        at: row.at,
        actor: fromActorColumns(row.actor_kind, row.actor_id),
      }));
    },

    async lastSeq(ownerId) {
      const row = await db.selectFrom('et_owner').select('last_seq').where('id', '=', ownerId).executeTakeFirst();
      return toInt(row?.last_seq);
    },
  };
}
