import type { ColumnType } from 'kysely';
import type { Int8 } from '../store/database.js';

/**
 * `et_webhook_endpoint`: an owner's webhook receivers (SPEC §7.5). `cursor_seq` is the last
 * seq of the owner's change feed fanned out into messages for it: the durable consumer's
 * position, advanced in the same transaction as the messages it created.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const endpoints = await db.selectFrom('et_webhook_endpoint').select(['id', 'url', 'enabled', 'cursor_seq'])
 *   .where('owner_id', '=', owner.ownerId).execute();
 * ```
 */
export interface WebhookEndpointTable {
  id: string;
  owner_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types; empty for every type but `webhook.*` and `notice.posted`. */
  event_types: string;
  /** 1 or 0: SQLite has no boolean. */
  enabled: number;
  /** Why it is disabled: `'gone'` (the receiver answered 410) or `'manual'`; null when enabled. */
  disabled_reason: string | null;
  /** The signing secret, sealed with the operator's secret box (never plaintext). */
  secret: string;
  /** The secret before the last rotation, sealed, signed with until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /** The newest feed seq already fanned out into messages for this endpoint. */
  cursor_seq: Int8;
  created_at: string;
  updated_at: string;
}

/**
 * `et_webhook_message`: one row per (endpoint, event), unique on `(owner_id, endpoint_id, seq)`, so a
 * fan-out that runs twice (two instances, or a retry after a crash) never doubles a message.
 * `id` is the `webhook-id` every attempt sends. A claim sets `state` to `delivering`, a fresh
 * `claim_token` and a lease (`claimed_until`): one attempt at a time, and a claim abandoned
 * by a crashed process is taken again once its lease has passed.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const dead = await db.selectFrom('et_webhook_message').select(['id', 'seq', 'attempts', 'last_error'])
 *   .where('owner_id', '=', owner.ownerId).where('state', '=', 'dead').execute();
 * ```
 */
export interface WebhookMessageTable {
  id: string;
  owner_id: string;
  endpoint_id: string;
  seq: Int8;
  event_type: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  /** `pending`, `delivering`, `delivered` or `dead`. */
  state: string;
  attempts: ColumnType<number, number, number>;
  next_attempt_at: string;
  claimed_until: string | null;
  claim_token: string | null;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}
