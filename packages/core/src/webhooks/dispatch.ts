import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { recordNotice } from '../notifications/notices.js';
import { write, type ServiceContext } from '../write-context.js';
import type { Deliverer } from './deliver.js';
import { fanOut } from './fan-out.js';
import { judge, type AttemptVerdict } from './message-service.js';
import { nextRetry } from './retry-schedule.js';
import { signWebhook } from './signing.js';
import { activeSecrets, presentMessage } from './webhook-records.js';
import type { WebhookAttemptResult, WebhookMessageRecord, WebhookRepository } from './webhook-repository.js';

/**
 * What one `DispatchDue` pass did.
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
      const endpoints = endpointCache(ctx, now);
      const attempts: Attempt[] = [];
      await eachLimited(claimed, settings.concurrency, async (message) => {
        const made = await attempt(ctx, settings, endpoints, message);
        if (made) attempts.push(made);
      });
      for (const outcome of await record(ctx, settings, attempts, now)) {
        report.attempted++;
        report[outcome]++;
      }
    }
    return report;
  };
}

type AttemptOutcome = 'delivered' | 'retrying' | 'dead' | 'disabled';

/** One attempt made: the message as claimed, where it went, and what the answer means. */
interface Attempt {
  message: WebhookMessageRecord;
  url: string;
  verdict: AttemptVerdict;
}

/** A round's endpoints with their opened secrets, read once per endpoint rather than once per message. */
type EndpointCache = (message: WebhookMessageRecord) => Promise<{ url: string; secrets: string[] } | null>;

function endpointCache(ctx: ServiceContext, now: Date): EndpointCache {
  const cache = new Map<string, Promise<{ url: string; secrets: string[] } | null>>();
  return (message) => {
    let found = cache.get(message.endpointId);
    if (!found) {
      found = ctx.store.webhooks
        .findEndpoint(message.ownerId, message.endpointId)
        .then((endpoint) =>
          endpoint ? { url: endpoint.url, secrets: activeSecrets(endpoint, ctx.webhooks.box(), now) } : null,
        );
      cache.set(message.endpointId, found);
    }
    return found;
  };
}

/** One attempt of one claimed message; `null` when its endpoint was deleted meanwhile (its messages went with it). */
async function attempt(
  ctx: ServiceContext,
  settings: DispatchSettings,
  endpoints: EndpointCache,
  message: WebhookMessageRecord,
): Promise<Attempt | null> {
  let url = '';
  try {
    const endpoint = await endpoints(message);
    if (!endpoint) return null;
    url = endpoint.url;
    const headers = signWebhook(
      { id: message.id, timestamp: settings.clock.now(), body: message.body },
      endpoint.secrets,
    );
    const outcome = await settings.deliverer.deliver(url, {
      headers: { ...headers, 'content-type': 'application/json' },
      body: message.body,
      timeoutMs: ctx.webhooks.timeoutMs,
    });
    return { message, url, verdict: judge(outcome) };
  } catch (error) {
    // A secret that cannot be opened, a deliverer of the host's that threw: a failed attempt, retried like any.
    const text = error instanceof Error ? error.message : String(error);
    return { message, url, verdict: { kind: 'failed', status: null, error: text, retryAfter: null } };
  }
}

/**
 * Writes what a round's attempts came to, under their claims: deliveries and retries in one
 * transaction; each dead message and disabled endpoint in a write of its owner's, with the
 * event that tells the owner.
 */
async function record(
  ctx: ServiceContext,
  settings: DispatchSettings,
  attempts: readonly Attempt[],
  now: Date,
): Promise<AttemptOutcome[]> {
  const at = now.toISOString();
  const plain: { attempt: Attempt; result: WebhookAttemptResult; outcome: AttemptOutcome }[] = [];
  const notices: { attempt: Attempt; kind: 'dead' | 'gone'; result: WebhookAttemptResult }[] = [];
  for (const attempt of attempts) {
    const { verdict } = attempt;
    if (verdict.kind === 'delivered') {
      const result = {
        state: 'delivered',
        nextAttemptAt: at,
        lastStatus: verdict.status,
        lastError: null,
        at,
      } as const;
      plain.push({ attempt, result, outcome: 'delivered' });
    } else if (verdict.kind === 'gone') {
      // The message waits, pending, for the endpoint to be enabled again; the owner is told once.
      const result = {
        state: 'pending',
        nextAttemptAt: at,
        lastStatus: 410,
        lastError: 'The receiver answered 410 Gone',
        at,
      } as const;
      notices.push({ attempt, kind: 'gone', result });
    } else {
      const decision = nextRetry(ctx.webhooks.retryPolicy, {
        attempts: attempt.message.attempts,
        retryAfter: verdict.retryAfter,
        random: settings.random,
      });
      const failed = { lastStatus: verdict.status, lastError: verdict.error, at };
      if (decision.dead)
        notices.push({ attempt, kind: 'dead', result: { ...failed, state: 'dead', nextAttemptAt: at } });
      else {
        const nextAttemptAt = new Date(now.getTime() + decision.delaySeconds * 1000).toISOString();
        plain.push({ attempt, result: { ...failed, state: 'pending', nextAttemptAt }, outcome: 'retrying' });
      }
    }
  }
  if (plain.length > 0) {
    await ctx.store.transaction(async (tx) => {
      for (const { attempt, result } of plain) await finish(tx.webhooks, attempt.message, result);
    });
  }
  const outcomes = plain.map((entry) => entry.outcome);
  for (const notice of notices) outcomes.push(await notify(ctx, notice.attempt, notice.kind, notice.result));
  return outcomes;
}

function finish(webhooks: WebhookRepository, message: WebhookMessageRecord, result: WebhookAttemptResult) {
  return webhooks.finish(message.ownerId, message.id, message.claimToken ?? '', result);
}

/** A dead message or a 410, recorded in a write of the owner's with its event in the feed. */
async function notify(
  ctx: ServiceContext,
  { message, url }: Attempt,
  kind: 'dead' | 'gone',
  result: WebhookAttemptResult,
): Promise<AttemptOutcome> {
  const endpoint = { id: message.endpointId, url };
  await write(ctx, message.ownerId, async (scope) => {
    const { tx, at, record: emit } = scope;
    const finished = await finish(tx.webhooks, message, result);
    if (!finished) return; // the claim was lost (its lease ran out): the newer claim decides
    if (kind === 'dead') {
      const dead = presentMessage(finished);
      emit({ type: 'webhook.message.dead', data: { endpoint, message: dead } });
      // Stored where the owner reads alerts, once per message (a retried message that dies again is not told twice).
      await recordNotice(scope, message.ownerId, {
        topic: 'webhook.message.dead',
        subjectId: message.id,
        message: `A webhook message (${dead.type} #${dead.seq}) to ${url} was given up after ${dead.attempts} attempts; retry it from the endpoint’s messages`,
        data: {
          endpointId: endpoint.id,
          url,
          type: dead.type,
          seq: dead.seq,
          attempts: dead.attempts,
          lastStatus: dead.lastStatus,
          lastError: dead.lastError?.slice(0, 500) ?? null,
        },
      });
      return;
    }
    const current = await tx.webhooks.findEndpoint(message.ownerId, message.endpointId);
    if (!current?.enabled) return;
    await tx.webhooks.updateEndpoint({ ...current, enabled: false, disabledReason: 'gone', updatedAt: at });
    emit({ type: 'webhook.endpoint.disabled', data: { endpoint, reason: 'gone', status: 410 } });
  });
  return kind === 'dead' ? 'dead' : 'disabled';
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
