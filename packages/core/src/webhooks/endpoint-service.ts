import { isIP } from 'node:net';
import { notFound, TrackerError, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { assertOpen, parseInput, write, type ServiceContext } from '../write-context.js';
import { checkAddress } from './address-policy.js';
import { generateWebhookSecret } from './signing.js';
import { presentEndpoint, presentMessage } from './webhook-records.js';
import type { WebhookEndpointRecord } from './webhook-repository.js';
import {
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookRotateSchema,
  type CreatedWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
  type WebhookRotate,
} from './webhook-schemas.js';

/**
 * Refuses a URL whose host is an IP literal the address policy would refuse at delivery: a
 * mistake better named now than found in a dead message. Host names are checked at delivery,
 * on what they resolve to then.
 */
function assertReachable(ctx: ServiceContext, url: string): void {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(host)) return;
  const verdict = checkAddress(host, { allowPrivate: ctx.webhooks.allowPrivateAddresses });
  if (verdict.allowed) return;
  throw validationError([
    {
      path: ['url'],
      code: 'blocked_address',
      message: `${verdict.address} (${verdict.range}) may not be reached by webhooks`,
    },
  ]);
}

/** The owner's endpoint, or `NOT_FOUND`. */
export async function findEndpoint(ctx: ServiceContext, ownerId: string, id: string): Promise<WebhookEndpointRecord> {
  assertOpen(ctx);
  const record = await ctx.store.webhooks.findEndpoint(ownerId, id);
  if (!record) throw notFound('Webhook endpoint', id);
  return record;
}

/**
 * Creates an endpoint that receives the owner's events from now on: its cursor starts at the
 * owner's newest seq, read under the owner's write lock so no event falls between.
 */
export async function createEndpoint(
  ctx: ServiceContext,
  ownerId: string,
  input: WebhookEndpointInput,
): Promise<CreatedWebhookEndpoint> {
  const parsed = parseInput(webhookEndpointInputSchema, input);
  assertReachable(ctx, parsed.url);
  const box = ctx.webhooks.box();
  const secret = generateWebhookSecret();
  const record = await write(ctx, ownerId, async ({ tx, at }) => {
    const id = newId('whk');
    const created: WebhookEndpointRecord = {
      id,
      ownerId,
      url: parsed.url,
      description: parsed.description ?? null,
      eventTypes: parsed.eventTypes,
      enabled: parsed.enabled,
      disabledReason: parsed.enabled ? null : 'manual',
      secret: box.seal(secret, id),
      previousSecret: null,
      previousSecretExpiresAt: null,
      cursorSeq: await tx.events.lastSeq(ownerId),
      createdAt: at,
      updatedAt: at,
    };
    await tx.webhooks.insertEndpoint(created);
    return created;
  });
  return { ...presentEndpoint(record), secret };
}

/** The owner's endpoints. */
export async function listEndpoints(ctx: ServiceContext, ownerId: string): Promise<WebhookEndpoint[]> {
  assertOpen(ctx);
  return (await ctx.store.webhooks.listEndpoints(ownerId)).map(presentEndpoint);
}

/** Changes an endpoint; enabling one clears why it was disabled, and its deliveries resume. */
export async function updateEndpoint(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  patch: WebhookEndpointPatch,
): Promise<WebhookEndpoint> {
  const parsed = parseInput(webhookEndpointPatchSchema, patch);
  if (parsed.url !== undefined) assertReachable(ctx, parsed.url);
  const record = await write(ctx, ownerId, async ({ tx, at }) => {
    const current = await tx.webhooks.findEndpoint(ownerId, id);
    if (!current) throw notFound('Webhook endpoint', id);
    const enabled = parsed.enabled ?? current.enabled;
    const updated: WebhookEndpointRecord = {
      ...current,
      url: parsed.url ?? current.url,
      description: parsed.description === undefined ? current.description : parsed.description,
      eventTypes: parsed.eventTypes ?? current.eventTypes,
      enabled,
      disabledReason: enabled ? null : parsed.enabled === false ? 'manual' : current.disabledReason,
      updatedAt: at,
    };
    await tx.webhooks.updateEndpoint(updated);
    return updated;
  });
  return presentEndpoint(record);
}

/** Deletes an endpoint and its messages. */
export async function deleteEndpoint(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  await write(ctx, ownerId, async ({ tx }) => {
    if (!(await tx.webhooks.deleteEndpoint(ownerId, id))) throw notFound('Webhook endpoint', id);
  });
}

/**
 * A new signing secret, shown once. The old one keeps signing beside it (both signatures in
 * `webhook-signature`) for `graceSeconds`, so the receiver can switch at its own pace.
 */
export async function rotateSecret(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  input: WebhookRotate = {},
): Promise<{ secret: string; previousSecretExpiresAt: string | null }> {
  const { graceSeconds } = parseInput(webhookRotateSchema, input);
  const box = ctx.webhooks.box();
  const secret = generateWebhookSecret();
  return write(ctx, ownerId, async ({ tx, at }) => {
    const current = await tx.webhooks.findEndpoint(ownerId, id);
    if (!current) throw notFound('Webhook endpoint', id);
    const expiresAt = graceSeconds > 0 ? new Date(Date.parse(at) + graceSeconds * 1000).toISOString() : null;
    await tx.webhooks.updateEndpoint({
      ...current,
      secret: box.seal(secret, id),
      previousSecret: expiresAt ? current.secret : null,
      previousSecretExpiresAt: expiresAt,
      updatedAt: at,
    });
    return { secret, previousSecretExpiresAt: expiresAt };
  });
}

/** A message of the endpoint that is dead, put back to pending with no attempts. */
export async function retryMessage(ctx: ServiceContext, ownerId: string, endpointId: string, messageId: string) {
  return write(ctx, ownerId, async ({ tx, at }) => {
    const message = await tx.webhooks.findMessage(ownerId, endpointId, messageId);
    if (!message) throw notFound('Webhook message', messageId);
    if (message.state !== 'dead') {
      throw new TrackerError('CONFLICT', `Only a dead message can be retried; this one is ${message.state}`, {
        details: { state: message.state },
      });
    }
    await tx.webhooks.requeue(ownerId, endpointId, message.seq, message.seq, at);
    const requeued = await tx.webhooks.findMessage(ownerId, endpointId, messageId);
    return presentMessage(requeued!);
  });
}
