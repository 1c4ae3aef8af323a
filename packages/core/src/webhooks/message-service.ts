import { notFound, validationError } from '../errors.js';
import type { TrackerEvent } from '../events.js';
import { newId } from '../ids.js';
import { parseInput, write, type ServiceContext } from '../write-context.js';
import type { DeliveryOutcome } from './deliver.js';
import { findEndpoint } from './endpoint-service.js';
import { signWebhook } from './signing.js';
import { activeSecrets, newMessage, presentMessage, subscribes } from './webhook-records.js';
import {
  webhookMessageQuerySchema,
  webhookReplaySchema,
  type WebhookMessage,
  type WebhookMessageQuery,
  type WebhookReplay,
} from './webhook-schemas.js';

/** The most feed events one replay may cover: larger ranges are replayed in parts. */
export const MAX_REPLAY_EVENTS = 10_000;

/**
 * What one attempt's outcome means: 2xx delivered, 410 gone (the endpoint is disabled), and
 * anything else a failure to retry, with the receiver's `Retry-After` if it sent one.
 */
export type AttemptVerdict =
  | { kind: 'delivered'; status: number }
  | { kind: 'gone'; status: number }
  | { kind: 'failed'; status: number | null; error: string; retryAfter: number | null };

/** Classifies a delivery outcome. */
export function judge(outcome: DeliveryOutcome): AttemptVerdict {
  if (outcome.kind === 'failure') {
    return {
      kind: 'failed',
      status: outcome.status ?? null,
      error: `${outcome.reason}: ${outcome.message}`,
      retryAfter: outcome.retryAfter ?? null,
    };
  }
  if (outcome.status >= 200 && outcome.status < 300) return { kind: 'delivered', status: outcome.status };
  if (outcome.status === 410) return { kind: 'gone', status: 410 };
  return {
    kind: 'failed',
    status: outcome.status,
    error: `The receiver answered ${outcome.status}`,
    retryAfter: outcome.retryAfter,
  };
}

/** The endpoint's messages, newest first. */
export async function listMessages(
  ctx: ServiceContext,
  ownerId: string,
  endpointId: string,
  query: WebhookMessageQuery = {},
): Promise<WebhookMessage[]> {
  const q = parseInput(webhookMessageQuerySchema, query);
  await findEndpoint(ctx, ownerId, endpointId);
  const records = await ctx.store.webhooks.listMessages(ownerId, endpointId, q);
  return records.map(presentMessage);
}

/**
 * Queues the endpoint's events of a seq range again: their messages (with their original
 * `webhook-id`) go back to pending with no attempts, and events of the range that have no
 * message for it (older than the endpoint, say) get one. Seqs the endpoint has not reached
 * yet are left to the normal fan-out.
 */
export async function replayMessages(
  ctx: ServiceContext,
  ownerId: string,
  endpointId: string,
  input: WebhookReplay,
): Promise<{ queued: number }> {
  const range = parseInput(webhookReplaySchema, input);
  return write(ctx, ownerId, async ({ tx, at }) => {
    const endpoint = await tx.webhooks.findEndpoint(ownerId, endpointId);
    if (!endpoint) throw notFound('Webhook endpoint', endpointId);
    const last = Math.min(range.toSeq ?? endpoint.cursorSeq, endpoint.cursorSeq);
    if (last - range.fromSeq + 1 > MAX_REPLAY_EVENTS) {
      throw validationError([
        { path: ['toSeq'], code: 'too_big', message: `Replay at most ${MAX_REPLAY_EVENTS} seqs at a time` },
      ]);
    }
    let created = 0;
    for (let after = range.fromSeq - 1; after < last;) {
      const events = (await tx.events.list(ownerId, after, Math.min(500, last - after))) as TrackerEvent[];
      if (events.length === 0) break;
      const wanted = events.filter((event) => event.seq <= last && subscribes(endpoint, event));
      created += await tx.webhooks.insertMessages(wanted.map((event) => newMessage(endpoint, event, at)));
      after = events[events.length - 1]!.seq;
    }
    const requeued =
      last >= range.fromSeq ? await tx.webhooks.requeue(ownerId, endpointId, range.fromSeq, last, at) : 0;
    return { queued: created + requeued };
  });
}

/**
 * What `owner.webhooks.test()` answers: whether the receiver took the test message (2xx),
 * its status, and why not.
 *
 * @example
 * ```ts
 * import type { WebhookTestResult } from '@expense-tracker/core';
 *
 * const result: WebhookTestResult = await owner.webhooks.test('whk_01J…');
 * if (!result.delivered) console.log(result.status, result.error);
 * ```
 */
export interface WebhookTestResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
}

/**
 * Sends one signed `webhook.test` message now, outside the queue (nothing is stored or
 * retried), and says how the receiver answered. Its `seq` is 0, which no event has.
 */
export async function testEndpoint(
  ctx: ServiceContext,
  ownerId: string,
  endpointId: string,
): Promise<WebhookTestResult> {
  const endpoint = await findEndpoint(ctx, ownerId, endpointId);
  const now = ctx.clock.now();
  const body = JSON.stringify({
    type: 'webhook.test',
    timestamp: now.toISOString(),
    seq: 0,
    ownerId,
    data: { endpointId },
  });
  const headers = signWebhook(
    { id: newId('msg'), timestamp: now, body },
    activeSecrets(endpoint, ctx.webhooks.box(), now),
  );
  const outcome = await ctx.webhooks.deliverer().deliver(endpoint.url, {
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    timeoutMs: ctx.webhooks.timeoutMs,
  });
  const verdict = judge(outcome);
  return verdict.kind === 'delivered'
    ? { delivered: true, status: verdict.status, error: null }
    : verdict.kind === 'gone'
      ? { delivered: false, status: 410, error: 'The receiver answered 410 Gone' }
      : { delivered: false, status: verdict.status, error: verdict.error };
}
