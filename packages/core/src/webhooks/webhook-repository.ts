/**
 * A webhook endpoint as stored. Its secrets are sealed envelopes (see `createSecretBox`),
 * never plaintext; `eventTypes` empty means every type but `webhook.*` and `notice.posted`.
 *
 * @example
 * ```ts
 * import type { WebhookEndpointRecord } from '@expense-tracker/core/store';
 *
 * const record: WebhookEndpointRecord | null = await store.webhooks.findEndpoint(owner.ownerId, 'whk_01J…');
 * record?.cursorSeq; // the last feed seq fanned out into its messages
 * ```
 */
export interface WebhookEndpointRecord {
  id: string;
  ownerId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: 'gone' | 'manual' | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  cursorSeq: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Where a message is in its life.
 *
 * @example
 * ```ts
 * import type { WebhookMessageState } from '@expense-tracker/core/store';
 *
 * const settled = (state: WebhookMessageState) => state === 'delivered' || state === 'dead';
 * ```
 */
export type WebhookMessageState = 'pending' | 'delivering' | 'delivered' | 'dead';

/**
 * One message: an event of the owner's feed for one endpoint. `id` is the `webhook-id`.
 *
 * @example
 * ```ts
 * import type { WebhookMessageRecord } from '@expense-tracker/core/store';
 *
 * const [newest]: WebhookMessageRecord[] = await store.webhooks.listMessages(owner.ownerId, 'whk_01J…', { limit: 1 });
 * newest?.state; // 'delivered'
 * ```
 */
export interface WebhookMessageRecord {
  id: string;
  ownerId: string;
  endpointId: string;
  seq: number;
  eventType: string;
  body: string;
  state: WebhookMessageState;
  attempts: number;
  nextAttemptAt: string;
  claimedUntil: string | null;
  claimToken: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * How an attempt ended, written by {@link WebhookRepository.finish}.
 *
 * @example
 * ```ts
 * import type { WebhookAttemptResult } from '@expense-tracker/core/store';
 *
 * const at = new Date().toISOString();
 * const delivered: WebhookAttemptResult = { state: 'delivered', nextAttemptAt: at, lastStatus: 204, lastError: null, at };
 * ```
 */
export interface WebhookAttemptResult {
  state: 'pending' | 'delivered' | 'dead';
  /** When to try again (`pending`); ignored otherwise. */
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  at: string;
}

/**
 * Webhook endpoints and messages (SPEC §7.5). Owner-scoped methods MUST NOT read or change
 * another owner's rows; the dispatcher's methods (`endpointsBehind`, `claimDue`, `finish`)
 * work across owners, as a background worker does.
 *
 * @example
 * ```ts
 * import type { WebhookRepository } from '@expense-tracker/core/store';
 *
 * const webhooks: WebhookRepository = store.webhooks;
 * const endpoints = await webhooks.listEndpoints(owner.ownerId);
 * ```
 */
export interface WebhookRepository {
  /** Inserts an endpoint. */
  insertEndpoint(record: WebhookEndpointRecord): Promise<void>;
  /** The owner's endpoint, or `null`. */
  findEndpoint(ownerId: string, id: string): Promise<WebhookEndpointRecord | null>;
  /** The owner's endpoints, oldest first. */
  listEndpoints(ownerId: string): Promise<WebhookEndpointRecord[]>;
  /** Replaces the mutable fields of the owner's endpoint (not its cursor); `false` when there is none. */
  updateEndpoint(record: WebhookEndpointRecord): Promise<boolean>;
  /** Deletes the owner's endpoint and its messages; `false` when there is none. */
  deleteEndpoint(ownerId: string, id: string): Promise<boolean>;
  /** Enabled endpoints whose cursor is behind their owner's newest seq, at most `limit`. */
  endpointsBehind(limit: number): Promise<WebhookEndpointRecord[]>;
  /**
   * Locks the endpoint's cursor for the rest of the transaction and returns it, or `null` when
   * the endpoint is gone, disabled, or (PostgreSQL) another transaction holds the lock: the
   * caller skips it rather than wait, as the other is fanning it out already.
   */
  lockCursor(ownerId: string, id: string): Promise<number | null>;
  /**
   * Inserts messages; one whose (endpoint, seq) exists is skipped. MUST be decided by a unique
   * key on (endpoint, seq), so that two fan-outs of the same events never double a message.
   * Returns how many were inserted.
   */
  insertMessages(records: readonly WebhookMessageRecord[]): Promise<number>;
  /** Moves the endpoint's cursor forward to `seq` (never back). */
  advanceCursor(ownerId: string, id: string, seq: number, at: string): Promise<void>;
  /**
   * Claims up to `limit` messages of enabled endpoints that are due at `now` (pending with
   * `nextAttemptAt <= now`, or delivering with a lease that ran out), oldest due first: each
   * becomes `delivering` with `token`, a lease to `leaseUntil` and one more attempt. MUST give
   * a message to one claimer at a time (`FOR UPDATE SKIP LOCKED`, or one writer at a time on SQLite).
   */
  claimDue(now: string, leaseUntil: string, limit: number, token: string): Promise<WebhookMessageRecord[]>;
  /** Records an attempt's end on a message still claimed with `token`; `null` when the claim was lost. */
  finish(
    ownerId: string,
    id: string,
    token: string,
    result: WebhookAttemptResult,
  ): Promise<WebhookMessageRecord | null>;
  /** The owner's message of an endpoint, or `null`. */
  findMessage(ownerId: string, endpointId: string, id: string): Promise<WebhookMessageRecord | null>;
  /** The owner's messages of an endpoint, newest first, optionally of one state, before an id. */
  listMessages(
    ownerId: string,
    endpointId: string,
    query: { state?: WebhookMessageState; before?: string; limit: number },
  ): Promise<WebhookMessageRecord[]>;
  /**
   * Puts messages of the endpoint with `fromSeq <= seq <= toSeq` that are `dead` or
   * `delivered` back to `pending` with no attempts, due at `at`; returns how many.
   */
  requeue(ownerId: string, endpointId: string, fromSeq: number, toSeq: number, at: string): Promise<number>;
}
