import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../store/database.js';
import { chunk, toInt, pageLimit } from '../store/sql-values.js';
import type { Dialect } from '../store/store.js';
import type {
  WebhookEndpointRecord,
  WebhookMessageRecord,
  WebhookMessageState,
  WebhookRepository,
} from './webhook-repository.js';
import type { WebhookEndpointTable, WebhookMessageTable } from './webhook-tables.js';

function endpointFromRow(row: Selectable<WebhookEndpointTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason as WebhookEndpointRecord['disabledReason'],
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    cursorSeq: toInt(row.cursor_seq),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function messageFromRow(row: Selectable<WebhookMessageTable>): WebhookMessageRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    endpointId: row.endpoint_id,
    seq: toInt(row.seq),
    eventType: row.event_type,
    body: row.body,
    state: row.state as WebhookMessageState,
    attempts: toInt(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    claimedUntil: row.claimed_until,
    claimToken: row.claim_token,
    lastStatus: row.last_status === null ? null : toInt(row.last_status),
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns an endpoint update replaces: everything but its identity, owner, cursor and creation. */
function mutableColumns(record: WebhookEndpointRecord) {
  return {
    url: record.url,
    description: record.description,
    event_types: JSON.stringify(record.eventTypes),
    enabled: record.enabled ? 1 : 0,
    disabled_reason: record.disabledReason,
    secret: record.secret,
    previous_secret: record.previousSecret,
    previous_secret_expires_at: record.previousSecretExpiresAt,
    updated_at: record.updatedAt,
  };
}

/** A message that may be claimed at `now`: pending and due, or delivering with its lease run out. */
function isDue(table: 'm' | 'et_webhook_message', now: string) {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  return sql<boolean>`((${column('state')} = 'pending' and ${column('next_attempt_at')} <= ${now})
    or (${column('state')} = 'delivering' and ${column('claimed_until')} <= ${now}))`;
}

/**
 * Webhook endpoints and messages over Kysely. The claim differs by dialect: PostgreSQL
 * selects due rows `FOR UPDATE SKIP LOCKED`, so instances claim disjoint batches without
 * waiting on each other; SQLite's write transaction (`BEGIN IMMEDIATE`) already admits one
 * writer at a time, so the select-then-update inside it is atomic.
 */
export function createWebhookRepository(db: Kysely<Database>, dialect: Dialect): WebhookRepository {
  const postgres = dialect === 'postgres';
  return {
    async insertEndpoint(record) {
      await db
        .insertInto('et_webhook_endpoint')
        .values({
          id: record.id,
          owner_id: record.ownerId,
          cursor_seq: record.cursorSeq,
          created_at: record.createdAt,
          ...mutableColumns(record),
        })
        .execute();
    },
    async findEndpoint(ownerId, id) {
      const row = await db
        .selectFrom('et_webhook_endpoint')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? endpointFromRow(row) : null;
    },
    async listEndpoints(ownerId) {
      const rows = await db
        .selectFrom('et_webhook_endpoint')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('id')
        .execute();
      return rows.map(endpointFromRow);
    },
    async updateEndpoint(record) {
      const result = await db
        .updateTable('et_webhook_endpoint')
        .set(mutableColumns(record))
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteEndpoint(ownerId, id) {
      // Explicitly, not by the foreign key's cascade: SQLite enforces foreign keys only when asked to.
      await db.deleteFrom('et_webhook_message').where('owner_id', '=', ownerId).where('endpoint_id', '=', id).execute();
      const result = await db
        .deleteFrom('et_webhook_endpoint')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async endpointsBehind(limit) {
      const rows = await db
        .selectFrom('et_webhook_endpoint as e')
        .innerJoin('et_owner as o', 'o.id', 'e.owner_id')
        .selectAll('e')
        .where('e.enabled', '=', 1)
        .whereRef('e.cursor_seq', '<', 'o.last_seq')
        .orderBy('e.id')
        .limit(pageLimit(limit))
        .execute();
      return rows.map(endpointFromRow);
    },
    async lockCursor(ownerId, id) {
      let query = db
        .selectFrom('et_webhook_endpoint')
        .select('cursor_seq')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('enabled', '=', 1);
      if (postgres) query = query.forUpdate().skipLocked();
      const row = await query.executeTakeFirst();
      return row ? toInt(row.cursor_seq) : null;
    },
    async insertMessages(records) {
      let inserted = 0;
      for (const part of chunk(records, 200)) {
        const rows = await db
          .insertInto('et_webhook_message')
          .values(
            part.map((r) => ({
              id: r.id,
              owner_id: r.ownerId,
              endpoint_id: r.endpointId,
              seq: r.seq,
              event_type: r.eventType,
              body: r.body,
              state: r.state,
              attempts: r.attempts,
              next_attempt_at: r.nextAttemptAt,
              created_at: r.createdAt,
              updated_at: r.updatedAt,
            })),
          )
          .onConflict((oc) => oc.columns(['owner_id', 'endpoint_id', 'seq']).doNothing())
          .returning('id')
          .execute();
        inserted += rows.length;
      }
      return inserted;
    },
    async advanceCursor(ownerId, id, seq, at) {
      await db
        .updateTable('et_webhook_endpoint')
        .set({ cursor_seq: seq, updated_at: at })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('cursor_seq', '<', seq)
        .execute();
    },
    async claimDue(now, leaseUntil, limit, token) {
      let due = db
        .selectFrom('et_webhook_message as m')
        .innerJoin('et_webhook_endpoint as e', (join) =>
          join.onRef('e.owner_id', '=', 'm.owner_id').onRef('e.id', '=', 'm.endpoint_id'),
        )
        .select(['m.owner_id', 'm.id'])
        .where('e.enabled', '=', 1)
        .where(isDue('m', now))
        .orderBy('m.next_attempt_at')
        .orderBy('m.id')
        .limit(pageLimit(limit));
      if (postgres) due = due.forUpdate('m').skipLocked();
      const dueRows = await due.execute();
      if (dueRows.length === 0) return [];
      const owners = [...new Set(dueRows.map((row) => row.owner_id))];
      const ids = dueRows.map((row) => row.id);
      const rows = await db
        .updateTable('et_webhook_message')
        .set({
          state: 'delivering',
          claim_token: token,
          claimed_until: leaseUntil,
          attempts: sql<number>`attempts + 1`,
          updated_at: now,
        })
        // Both lists: the primary key is (owner_id, id). The rows are locked (or SQLite's one writer holds the file).
        .where('owner_id', 'in', owners)
        .where('id', 'in', ids)
        // Still due: what decides if a claim ever reads rows another claim took meanwhile.
        .where(isDue('et_webhook_message', now))
        .returningAll()
        .execute();
      return rows.map(messageFromRow).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.seq - b.seq);
    },
    async finish(ownerId, id, token, result) {
      const row = await db
        .updateTable('et_webhook_message')
        .set({
          state: result.state,
          next_attempt_at: result.nextAttemptAt,
          claim_token: null,
          claimed_until: null,
          last_status: result.lastStatus,
          last_error: result.lastError,
          last_attempt_at: result.at,
          delivered_at: result.state === 'delivered' ? result.at : null,
          updated_at: result.at,
        })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('state', '=', 'delivering')
        .where('claim_token', '=', token)
        .returningAll()
        .executeTakeFirst();
      return row ? messageFromRow(row) : null;
    },
    async findMessage(ownerId, endpointId, id) {
      const row = await db
        .selectFrom('et_webhook_message')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? messageFromRow(row) : null;
    },
    async listMessages(ownerId, endpointId, query) {
      let q = db
        .selectFrom('et_webhook_message')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('endpoint_id', '=', endpointId);
      if (query.state !== undefined) q = q.where('state', '=', query.state);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      return (await q.orderBy('id', 'desc').limit(pageLimit(query.limit)).execute()).map(messageFromRow);
    },
    async requeue(ownerId, endpointId, fromSeq, toSeq, at) {
      const result = await db
        .updateTable('et_webhook_message')
        .set({ state: 'pending', attempts: 0, next_attempt_at: at, delivered_at: null, updated_at: at })
        .where('owner_id', '=', ownerId)
        .where('endpoint_id', '=', endpointId)
        .where('seq', '>=', fromSeq)
        .where('seq', '<=', toSeq)
        .where('state', 'in', ['dead', 'delivered'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
