import type { ServiceContext } from '../write-context.js';
import { createDispatchDue, type DispatchDue, type DispatchReport } from './dispatch.js';
import type { WebhookDispatcherOptions } from './webhook-dispatcher.js';

/**
 * The pass function over a tracker's services, with the options' defaults filled in. Its
 * writes (a dead message, a disabled endpoint) are the system's, not the owner's: their events
 * carry `actor: { kind: 'system' }`.
 */
export function dispatchDueOf(ctx: ServiceContext, options: Omit<WebhookDispatcherOptions, 'tracker'>): DispatchDue {
  return createDispatchDue(
    { ...ctx, actor: { kind: 'system' } },
    {
      deliverer: options.deliverer ?? ctx.webhooks.deliverer(),
      clock: options.clock ?? ctx.clock,
      random: options.random ?? Math.random,
      batchSize: options.batchSize ?? 100,
      concurrency: options.concurrency ?? 16,
      leaseMs: options.leaseMs ?? ctx.webhooks.leaseMs,
      maxRounds: 1_000,
    },
  );
}

const defaultPasses = new WeakMap<ServiceContext, DispatchDue>();

/**
 * The tracker's due webhook work at `now`, with its own deliverer and defaults: what
 * `tracker.runDue({ now })` calls (SPEC §7.0). Safe on several instances at once.
 */
export function runDueWebhooks(ctx: ServiceContext, now: Date): Promise<DispatchReport> {
  let pass = defaultPasses.get(ctx);
  if (!pass) {
    pass = dispatchDueOf(ctx, {});
    defaultPasses.set(ctx, pass);
  }
  return pass({ now });
}
