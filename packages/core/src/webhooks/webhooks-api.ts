import type { ServiceContext } from '../write-context.js';
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listEndpoints,
  retryMessage,
  rotateSecret,
  updateEndpoint,
} from './endpoint-service.js';
import { listMessages, replayMessages, testEndpoint, type WebhookTestResult } from './message-service.js';
import { presentEndpoint } from './webhook-records.js';
import type {
  CreatedWebhookEndpoint,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookMessage,
  WebhookMessageQuery,
  WebhookReplay,
  WebhookRotate,
} from './webhook-schemas.js';

/**
 * An owner's webhook endpoints and their messages (SPEC §7.5). Reached as `owner.webhooks`.
 * Deliveries are made by a {@link WebhookDispatcher} (or `tracker.runDue`), not here.
 *
 * @example
 * ```ts
 * import type { WebhooksApi } from '@expense-tracker/core';
 *
 * async function deadLetters(webhooks: WebhooksApi): Promise<number> {
 *   let count = 0;
 *   for (const endpoint of await webhooks.list()) count += (await webhooks.messages(endpoint.id, { state: 'dead' })).length;
 *   return count;
 * }
 * await deadLetters(owner.webhooks);
 * ```
 */
export interface WebhooksApi {
  /**
   * Creates an endpoint that receives the owner's events committed from now on. The answer
   * carries its `whsec_` signing secret, shown this once (it is stored encrypted).
   *
   * @example
   * ```ts
   * const { id, secret } = await owner.webhooks.create({ url: 'https://hooks.example.com/x', eventTypes: ['expense.created'] });
   * ```
   * @throws `VALIDATION_FAILED` for a bad URL or event type, an IP address the policy refuses,
   *   or a tracker opened without `webhooks.encryptionKeys`
   */
  create(input: WebhookEndpointInput): Promise<CreatedWebhookEndpoint>;
  /**
   * The owner's endpoints, oldest first.
   *
   * @example
   * ```ts
   * const endpoints = await owner.webhooks.list();
   * ```
   */
  list(): Promise<WebhookEndpoint[]>;
  /**
   * One endpoint.
   *
   * @example
   * ```ts
   * const endpoint = await owner.webhooks.get('whk_01J…');
   * ```
   * @throws `NOT_FOUND`
   */
  get(id: string): Promise<WebhookEndpoint>;
  /**
   * Changes an endpoint. `enabled: true` on one a 410 disabled resumes its deliveries where they stopped.
   *
   * @example
   * ```ts
   * await owner.webhooks.update('whk_01J…', { enabled: true });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint>;
  /**
   * Deletes an endpoint and its messages.
   *
   * @example
   * ```ts
   * await owner.webhooks.delete('whk_01J…');
   * ```
   * @throws `NOT_FOUND`
   */
  delete(id: string): Promise<void>;
  /**
   * Sends a signed `webhook.test` message now (not queued, not retried) and says how it went.
   *
   * @example
   * ```ts
   * const { delivered, status, error } = await owner.webhooks.test('whk_01J…');
   * ```
   * @throws `NOT_FOUND`
   */
  test(id: string): Promise<WebhookTestResult>;
  /**
   * The endpoint's messages, newest first, of one `state` if given.
   *
   * @example
   * ```ts
   * const dead = await owner.webhooks.messages('whk_01J…', { state: 'dead' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  messages(id: string, query?: WebhookMessageQuery): Promise<WebhookMessage[]>;
  /**
   * Tries a dead message again: pending, with a fresh retry schedule and the same `webhook-id`.
   *
   * @example
   * ```ts
   * await owner.webhooks.retry('whk_01J…', 'msg_01J…');
   * ```
   * @throws `NOT_FOUND`; `CONFLICT` when the message is not dead
   */
  retry(id: string, messageId: string): Promise<WebhookMessage>;
  /**
   * Delivers the events of a seq range again (at most 10,000 seqs per call).
   *
   * @example
   * ```ts
   * const { queued } = await owner.webhooks.replay('whk_01J…', { fromSeq: 120, toSeq: 180 });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  replay(id: string, range: WebhookReplay): Promise<{ queued: number }>;
  /**
   * A new signing secret, shown once; the old one keeps signing beside it for the grace period.
   *
   * @example
   * ```ts
   * const { secret, previousSecretExpiresAt } = await owner.webhooks.rotateSecret('whk_01J…', { graceSeconds: 3600 });
   * ```
   * @throws `NOT_FOUND`
   */
  rotateSecret(
    id: string,
    options?: WebhookRotate,
  ): Promise<{ secret: string; previousSecretExpiresAt: string | null }>;
}

/** `owner.webhooks` over the services; `w` gives a write's context (it carries an idempotency key when one is set). */
export function createWebhooksApi(
  ctx: ServiceContext,
  ownerId: string,
  w: (operation: string, ...args: unknown[]) => ServiceContext,
): WebhooksApi {
  return {
    create: (input) => createEndpoint(w('webhooks.create', input), ownerId, input),
    list: () => listEndpoints(ctx, ownerId),
    get: async (id) => presentEndpoint(await findEndpoint(ctx, ownerId, id)),
    update: (id, patch) => updateEndpoint(w('webhooks.update', id, patch), ownerId, id, patch),
    delete: (id) => deleteEndpoint(w('webhooks.delete', id), ownerId, id),
    test: (id) => testEndpoint(ctx, ownerId, id),
    messages: (id, query) => listMessages(ctx, ownerId, id, query),
    retry: (id, messageId) => retryMessage(w('webhooks.retry', id, messageId), ownerId, id, messageId),
    replay: (id, range) => replayMessages(w('webhooks.replay', id, range), ownerId, id, range),
    rotateSecret: (id, options) => rotateSecret(w('webhooks.rotateSecret', id, options), ownerId, id, options),
  };
}
