import type { TrackerEvent } from '../events.js';
import { newId } from '../ids.js';
import type { WebhookEndpoint, WebhookMessage } from './webhook-schemas.js';
import type { WebhookEndpointRecord, WebhookMessageRecord } from './webhook-repository.js';
import type { SecretBox } from './secret-box.js';

/** An endpoint as the SDK returns it: never a secret. */
export function presentEndpoint(record: WebhookEndpointRecord): WebhookEndpoint {
  return {
    id: record.id,
    url: record.url,
    description: record.description,
    eventTypes: record.eventTypes as WebhookEndpoint['eventTypes'],
    enabled: record.enabled,
    disabledReason: record.disabledReason,
    previousSecretExpiresAt: record.previousSecretExpiresAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A message as the SDK returns it: its body stays in the database. */
export function presentMessage(record: WebhookMessageRecord): WebhookMessage {
  return {
    id: record.id,
    endpointId: record.endpointId,
    seq: record.seq,
    type: record.eventType,
    state: record.state,
    attempts: record.attempts,
    nextAttemptAt: record.state === 'pending' ? record.nextAttemptAt : null,
    lastStatus: record.lastStatus,
    lastError: record.lastError,
    lastAttemptAt: record.lastAttemptAt,
    deliveredAt: record.deliveredAt,
    createdAt: record.createdAt,
  };
}

/**
 * Whether an endpoint gets an event. An empty filter means every type but `webhook.*` and
 * `notice.posted`, whose events an endpoint gets only by naming them; and never one about
 * itself, or a dead message's notice would become a message that can die in turn.
 */
export function subscribes(endpoint: WebhookEndpointRecord, event: TrackerEvent): boolean {
  if (event.type === 'webhook.message.dead' || event.type === 'webhook.endpoint.disabled') {
    return endpoint.eventTypes.includes(event.type) && event.data.endpoint.id !== endpoint.id;
  }
  if (event.type === 'notice.posted') {
    const { data } = event.data.notification;
    return endpoint.eventTypes.includes(event.type) && data.endpointId !== endpoint.id;
  }
  return endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type);
}

/**
 * The body every attempt of an event's message sends, fixed at fan-out: the Standard Webhooks
 * shape `{ type, timestamp, seq, ownerId, data }`, with the feed's seq so a receiver can tell a gap.
 */
export function messageBody(event: TrackerEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.at,
    seq: event.seq,
    ownerId: event.ownerId,
    data: event.data,
  });
}

/** A new pending message of an event for an endpoint, due at `at`. */
export function newMessage(endpoint: WebhookEndpointRecord, event: TrackerEvent, at: string): WebhookMessageRecord {
  return {
    id: newId('msg'),
    ownerId: endpoint.ownerId,
    endpointId: endpoint.id,
    seq: event.seq,
    eventType: event.type,
    body: messageBody(event),
    state: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    claimedUntil: null,
    claimToken: null,
    lastStatus: null,
    lastError: null,
    lastAttemptAt: null,
    deliveredAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The secrets an attempt at `now` signs with, current first: the previous one too while its
 * grace period lasts, so a receiver that still has it verifies. A secret the box cannot open
 * (its key was removed) is an error naming why, never a silent unsigned send.
 */
export function activeSecrets(endpoint: WebhookEndpointRecord, box: SecretBox, now: Date): string[] {
  const sealed = [endpoint.secret];
  if (
    endpoint.previousSecret &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > now.toISOString()
  )
    sealed.push(endpoint.previousSecret);
  return sealed.map((envelope) => {
    const opened = box.open(envelope, endpoint.id);
    if (!opened.ok) throw new Error(`The endpoint's signing secret cannot be opened (${opened.problem})`);
    return opened.plaintext;
  });
}
