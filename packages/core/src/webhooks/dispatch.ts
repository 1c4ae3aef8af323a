import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { write, type ServiceContext } from '../services/context.js';
import type { Deliverer } from './deliver.js';
import { fanOut } from './fan-out.js';
import { judge, type AttemptVerdict } from './message-service.js';
import { nextRetry } from './retry-schedule.js';
import { signWebhook } from './signing.js';
import { activeSecrets, presentMessage } from './webhook-records.js';
import type { WebhookAttemptResult, WebhookMessageRecord } from './webhook-repository.js';

/**
 * What one {@link DispatchDue} pass did.
 *
 * @example
 * ```ts
 * import { createWebhookDispatcher, type DispatchReport } from '@expense-tracker/core';
 *
 * const report: DispatchReport = await createWebhookDispatcher({ tracker }).dispatchDue();
 * console.log(`${report.delivered} delivered, ${report.retrying} to retry, ${report.dead} dead`);
 * ```
 */
export interface DispatchReport {
  /** Messages created from the feeds. */
  fannedOut: number;
  /** Attempts made. */
  attempted: number;
  delivered: number;
  /** Failed attempts that will be tried again. */
  retrying: number;
  /** Messages given up after their last attempt. */
  dead: number;
  /** Endpoints disabled by a 410. */
  disabled: number;
}

/** Runs one pass of due webhook work at `now`. */
export type DispatchDue = (options?: { now?: Date }) => Promise<DispatchReport>;

/** Settings of the dispatch loop. */
export interface DispatchSettings {
  deliverer: Deliverer;
  /** Signs attempts (the `webhook-timestamp`), and is `now` when a pass is given none. */
  clock: Clock;
  random: () => number;
  batchSize: number;
  concurrency: number;
  leaseMs: number;
  /** The most claim rounds one pass makes, so a pass ends even under a steady stream. */
  maxRounds: number;
}

/**
 * One pass over due webhook work: fan the feeds out into messages, then claim due messages
 * in batches and attempt them, `concurrency` at a time, until nothing is due at `now`. Each
 * message is claimed with a lease longer than an attempt can take, so it is attempted by one
 * dispatcher at a time; a dispatcher that dies mid-attempt leaves a claim that another takes
 * once the lease has passed, and the message row stays the one row it was.
 */
export function createDispatchDue(ctx: ServiceContext, settings: DispatchSettings): DispatchDue {
  return async (options = {}) => {
    const now = options.now ?? settings.clock.now();
    const at = now.toISOString();
    const report: DispatchReport = { fannedOut: 0, attempted: 0, delivered: 0, retrying: 0, dead: 0, disabled: 0 };
    for (let round = 0; round < settings.maxRounds; round++) {
      report.fannedOut += await fanOut(ctx.store, at);
      const token = randomUUID();
      const leaseUntil = new Date(now.getTime() + settings.leaseMs).toISOString();
      const claimed = await ctx.store.transaction((tx) =>
        tx.webhooks.claimDue(at, leaseUntil, settings.batchSize, token),
      );
      if (claimed.length === 0) break;
      await eachLimited(claimed, settings.concurrency, async (message) => {
        const outcome = await attempt(ctx, settings, message, now);
        report.attempted++;
        report[outcome]++;
      });
    }
    return report;
  };
}

type AttemptOutcome = 'delivered' | 'retrying' | 'dead' | 'disabled';

/** One attempt of one claimed message, and its result recorded under the claim. */
async function attempt(
  ctx: ServiceContext,
  settings: DispatchSettings,
  message: WebhookMessageRecord,
  now: Date,
): Promise<AttemptOutcome> {
  const endpoint = await ctx.store.webhooks.findEndpoint(message.ownerId, message.endpointId);
  if (!endpoint) return 'retrying'; // deleted meanwhile: its messages went with it
  let verdict: AttemptVerdict;
  try {
    const sentAt = settings.clock.now();
    const headers = signWebhook(
      { id: message.id, timestamp: sentAt, body: message.body },
      activeSecrets(endpoint, ctx.webhooks.box(), now),
    );
    verdict = judge(
      await settings.deliverer.deliver(endpoint.url, {
        headers: { ...headers, 'content-type': 'application/json' },
        body: message.body,
        timeoutMs: ctx.webhooks.timeoutMs,
      }),
    );
  } catch (error) {
    verdict = {
      kind: 'failed',
      status: null,
      error: error instanceof Error ? error.message : String(error),
      retryAfter: null,
    };
  }
  return record(ctx, settings, message, endpoint.url, verdict, now);
}

/** Writes what an attempt came to; a dead message and a disabled endpoint also go to the owner's feed. */
async function record(
  ctx: ServiceContext,
  settings: DispatchSettings,
  message: WebhookMessageRecord,
  url: string,
  verdict: AttemptVerdict,
  now: Date,
): Promise<AttemptOutcome> {
  const at = now.toISOString();
  const token = message.claimToken ?? '';
  const endpoint = { id: message.endpointId, url };
  if (verdict.kind === 'delivered') {
    await ctx.store.transaction((tx) =>
      tx.webhooks.finish(message.ownerId, message.id, token, {
        state: 'delivered',
        nextAttemptAt: at,
        lastStatus: verdict.status,
        lastError: null,
        at,
      }),
    );
    return 'delivered';
  }
  if (verdict.kind === 'gone') {
    // The message waits, pending, for the endpoint to be enabled again; the owner is told once.
    await write(ctx, message.ownerId, async ({ tx, record: emit }) => {
      const result = {
        state: 'pending',
        nextAttemptAt: at,
        lastStatus: 410,
        lastError: 'The receiver answered 410 Gone',
        at,
      } as const;
      if (!(await tx.webhooks.finish(message.ownerId, message.id, token, result))) return;
      const current = await tx.webhooks.findEndpoint(message.ownerId, message.endpointId);
      if (!current?.enabled) return;
      await tx.webhooks.updateEndpoint({ ...current, enabled: false, disabledReason: 'gone', updatedAt: at });
      emit({ type: 'webhook.endpoint.disabled', data: { endpoint, reason: 'gone', status: 410 } });
    });
    return 'disabled';
  }
  const decision = nextRetry(ctx.webhooks.retryPolicy, {
    attempts: message.attempts,
    retryAfter: verdict.retryAfter,
    random: settings.random,
  });
  const failed: Omit<WebhookAttemptResult, 'state' | 'nextAttemptAt'> = {
    lastStatus: verdict.status,
    lastError: verdict.error,
    at,
  };
  if (!decision.dead) {
    const nextAttemptAt = new Date(now.getTime() + decision.delaySeconds * 1000).toISOString();
    await ctx.store.transaction((tx) =>
      tx.webhooks.finish(message.ownerId, message.id, token, { ...failed, state: 'pending', nextAttemptAt }),
    );
    return 'retrying';
  }
  await write(ctx, message.ownerId, async ({ tx, record: emit }) => {
    const dead = await tx.webhooks.finish(message.ownerId, message.id, token, {
      ...failed,
      state: 'dead',
      nextAttemptAt: at,
    });
    if (dead) emit({ type: 'webhook.message.dead', data: { endpoint, message: presentMessage(dead) } });
  });
  return 'dead';
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
