import {
  isTrackerError,
  type OwnerHandle,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookEndpointSchema,
  webhookMessageQuerySchema,
  webhookMessageSchema,
  webhookReplaySchema,
  webhookRotateSchema,
} from '@expense-tracker/core';
import { z } from 'zod';
import { HttpError } from '../http/problem.js';
import { defineRoute, type Route } from '../http/route.js';
import { byId } from './descriptions.js';

/** `POST /webhooks`' answer: the endpoint with its signing secret, shown this once. */
const createdWebhookSchema = webhookEndpointSchema
  .extend({
    secret: z.string().meta({ description: 'The `whsec_` signing secret: shown this once, stored encrypted' }),
  })
  .meta({ id: 'CreatedWebhookEndpoint' });

const webhookTestResultSchema = z
  .object({
    delivered: z.boolean(),
    status: z.int().nullable().meta({ description: 'The receiver’s HTTP status; null when no answer came' }),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookTestResult' });

const rotatedSecretSchema = z
  .object({
    secret: z.string().meta({ description: 'The new `whsec_` secret: shown this once' }),
    previousSecretExpiresAt: z.string().nullable().meta({ description: 'Until when the old secret also signs' }),
  })
  .meta({ id: 'RotatedWebhookSecret' });

const replayResultSchema = z
  .object({
    queued: z.int().min(0),
    fromSeq: z.int().min(1).meta({ description: 'The first seq of the range replayed' }),
    toSeq: z.int().min(0).meta({ description: 'The last seq of the range replayed' }),
  })
  .meta({ id: 'WebhookReplayResult' });

const instant = z.iso.datetime({ offset: true, message: 'Give an ISO 8601 instant, e.g. 2026-11-25T10:00:00Z' });

/** A replay by commit time: the events committed in [`from`, `to`] (`to` defaulting to now). */
const replayTimeRangeSchema = z
  .strictObject({ from: instant, to: instant.optional() })
  .refine((range) => range.to === undefined || Date.parse(range.to) >= Date.parse(range.from), {
    message: 'to must not be before from',
    path: ['to'],
  })
  .meta({ id: 'WebhookReplayTimeRange' });

const replayBodySchema = z.union([webhookReplaySchema, replayTimeRangeSchema]);

/**
 * The seqs of the events committed in [`from`, `to`]. The feed's `at` grows with its `seq`
 * (an owner's writes are serialised), so each bound is a binary search over `seq`, a one-event
 * read of the feed per step: ~20 reads for a feed of a million events, never a scan.
 */
async function seqRangeOf(owner: OwnerHandle, from: string, to: string | undefined): Promise<[number, number]> {
  const { lastSeq } = await owner.changes({ after: 0, limit: 1 });
  const start = Date.parse(from);
  const end = to === undefined ? Infinity : Date.parse(to);
  /** The smallest `after` in [0, lastSeq] whose next event was committed at or past `reached`. */
  const firstAfter = async (reached: (at: number) => boolean): Promise<number> => {
    let [low, high] = [0, lastSeq];
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const [next] = (await owner.changes({ after: mid, limit: 1 })).events;
      if (!next || reached(Date.parse(next.at))) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  const fromSeq = (await firstAfter((at) => at >= start)) + 1;
  const toSeq = end === Infinity ? lastSeq : await firstAfter((at) => at > end);
  return [fromSeq, toSeq];
}

/** `POST /webhooks/{id}/replay`: a seq range as core takes it, or a time range turned into one. */
async function replay(owner: OwnerHandle, id: string, body: z.output<typeof replayBodySchema>) {
  if ('fromSeq' in body) {
    const { queued } = await owner.webhooks.replay(id, body);
    return { queued, fromSeq: body.fromSeq, toSeq: body.toSeq ?? (await owner.changes({ limit: 1 })).lastSeq };
  }
  await owner.webhooks.get(id); // a 404 before any search
  const [fromSeq, toSeq] = await seqRangeOf(owner, body.from, body.to);
  if (toSeq < fromSeq) return { queued: 0, fromSeq, toSeq };
  const { queued } = await owner.webhooks.replay(id, { fromSeq, toSeq });
  return { queued, fromSeq, toSeq };
}

/**
 * Core refuses to store a secret when the tracker has no encryption keys; on the server that
 * is the operator's configuration, not the caller's request, so it is a 503 that says what to
 * set rather than a 422 about a field the caller never sent.
 */
async function needingKeys<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTrackerError(error, 'VALIDATION_FAILED') && error.issues.some((i) => i.code === 'webhooks_not_configured')) {
      throw new HttpError(
        'SERVICE_UNAVAILABLE',
        'Webhooks are not configured on this server: its operator must set WEBHOOK_ENCRYPTION_KEYS (see docs/webhooks.md)',
      );
    }
    throw error;
  }
}

const NOT_CONFIGURED = 'A 503 `SERVICE_UNAVAILABLE` when the server was started without `WEBHOOK_ENCRYPTION_KEYS`.';

/**
 * `/webhooks` (SPEC §7.5): signed, durable deliveries of the owner's change feed. Every route
 * needs `webhooks:manage`. Deliveries are made by the server's due-work tick (`tracker.runDue`),
 * not by these routes.
 */
export const webhookRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    tag: 'Webhooks',
    summary: 'Create an endpoint: the answer shows its signing secret, this once',
    description: `The endpoint receives the events committed from now on (all types when \`eventTypes\` is empty), signed per Standard Webhooks. A URL whose host resolves to a loopback, private, link-local or metadata address is refused unless the operator allows private addresses. ${NOT_CONFIGURED}`,
    permission: 'webhooks:manage',
    body: webhookEndpointInputSchema,
    status: 201,
    response: createdWebhookSchema,
    handler: ({ owner, body }) => needingKeys(() => owner.webhooks.create(body)),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    tag: 'Webhooks',
    summary: 'List endpoints, oldest first (never their secrets)',
    permission: 'webhooks:manage',
    response: z.array(webhookEndpointSchema),
    handler: ({ owner }) => owner.webhooks.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/{id}',
    operationId: 'getWebhook',
    tag: 'Webhooks',
    summary: 'One endpoint',
    description: byId('endpoint'),
    permission: 'webhooks:manage',
    response: webhookEndpointSchema,
    handler: ({ owner, params }) => owner.webhooks.get(params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/webhooks/{id}',
    operationId: 'updateWebhook',
    tag: 'Webhooks',
    summary: 'Change an endpoint; `enabled: true` resumes one a 410 disabled',
    permission: 'webhooks:manage',
    body: webhookEndpointPatchSchema,
    response: webhookEndpointSchema,
    handler: ({ owner, params, body }) => owner.webhooks.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/webhooks/{id}',
    operationId: 'deleteWebhook',
    tag: 'Webhooks',
    summary: 'Delete an endpoint and its messages',
    permission: 'webhooks:manage',
    status: 204,
    handler: ({ owner, params }) => owner.webhooks.delete(params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/{id}/test',
    operationId: 'testWebhook',
    tag: 'Webhooks',
    summary: 'Send a signed `webhook.test` message now and say how the receiver answered',
    description: `Not queued and not retried; its \`seq\` is 0. ${NOT_CONFIGURED}`,
    permission: 'webhooks:manage',
    response: webhookTestResultSchema,
    handler: ({ owner, params }) => needingKeys(() => owner.webhooks.test(params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/{id}/messages',
    operationId: 'listWebhookMessages',
    tag: 'Webhooks',
    summary: 'The endpoint’s messages, newest first (`?state=`, `limit`, and `before` = the last id seen)',
    permission: 'webhooks:manage',
    query: webhookMessageQuerySchema,
    response: z.array(webhookMessageSchema),
    handler: ({ owner, params, query }) => owner.webhooks.messages(params.id, query),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/{id}/messages/{messageId}/retry',
    operationId: 'retryWebhookMessage',
    tag: 'Webhooks',
    summary: 'Try a dead message again, with the same `webhook-id` and a fresh retry schedule',
    description: 'A 409 `CONFLICT` when the message is not dead.',
    permission: 'webhooks:manage',
    response: webhookMessageSchema,
    errors: [409],
    handler: ({ owner, params }) => owner.webhooks.retry(params.id, params.messageId),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/{id}/replay',
    operationId: 'replayWebhook',
    tag: 'Webhooks',
    summary: 'Deliver a range of the change feed again, by seq or by commit time',
    description:
      'Either `{ fromSeq, toSeq? }` (`toSeq` defaults to the newest) or `{ from, to? }`, ISO 8601 instants (`to` defaults to now): the events committed in that range. Events the endpoint subscribes to are queued again with their original `webhook-id`; at most 10,000 seqs a call (a 422 beyond). The answer says which seqs the range covered.',
    permission: 'webhooks:manage',
    body: replayBodySchema,
    response: replayResultSchema,
    handler: ({ owner, params, parsed }) => replay(owner, params.id, parsed.body),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tag: 'Webhooks',
    summary: 'A new signing secret, shown once; the old one keeps signing beside it for `graceSeconds`',
    description: `\`graceSeconds\`: 0 to 604800 (7 days), default 86400. ${NOT_CONFIGURED}`,
    permission: 'webhooks:manage',
    body: webhookRotateSchema,
    response: rotatedSecretSchema,
    handler: ({ owner, params, body }) => needingKeys(() => owner.webhooks.rotateSecret(params.id, body)),
  }),
];
