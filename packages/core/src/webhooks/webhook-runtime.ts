import { TrackerError } from '../errors.js';
import { createDeliverer, type Deliverer, type ResolveHost } from './deliver.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-schedule.js';
import { createSecretBox, type SecretBox, type SecretBoxKey } from './secret-box.js';

/**
 * Webhook settings of `Tracker.open({ webhooks })`.
 *
 * @example
 * ```ts
 * import { Tracker, type WebhookOptions } from '@expense-tracker/core';
 *
 * const webhooks: WebhookOptions = {
 *   // openssl rand -base64 32; put a new key first to rotate, keep the old ones after it
 *   encryptionKeys: [{ id: '2026-12', key: process.env.WEBHOOK_KEY ?? '' }],
 * };
 * const withHooks = await Tracker.open({ database: ':memory:', webhooks });
 * ```
 */
export interface WebhookOptions {
  /**
   * The operator's keys that seal endpoints' signing secrets at rest (AES-256-GCM), the
   * current one first. Without them, `owner.webhooks.create()` is refused.
   */
  encryptionKeys?: readonly SecretBoxKey[];
  /**
   * Let deliveries reach loopback, private and link-local addresses (never cloud metadata):
   * for receivers on a private network, and tests. @default false
   */
  allowPrivateAddresses?: boolean;
  /** How receivers' host names are resolved. @default dns.lookup */
  resolve?: ResolveHost;
  /** The longest one attempt may take, connect to last byte. @default 15000 */
  timeoutMs?: number;
  /**
   * How long an instance's claim on a message lasts, in milliseconds: when the instance dies
   * mid-attempt, another takes the message up once this has passed since the claim (with the
   * same `webhook-id`). Must exceed `timeoutMs`, or an attempt still running could be claimed
   * again and sent twice. @default 4 × timeoutMs
   */
  leaseMs?: number;
  /** When failed messages are tried again, and when they are given up. @default DEFAULT_RETRY_POLICY */
  retryPolicy?: RetryPolicy;
}

/** What core's webhook code reads of a tracker's webhook settings. */
export interface WebhookRuntime {
  readonly allowPrivateAddresses: boolean;
  readonly timeoutMs: number;
  /** How long a claim on a message lasts; more than `timeoutMs`. */
  readonly leaseMs: number;
  readonly retryPolicy: RetryPolicy;
  /** The secret box, or `VALIDATION_FAILED` when the tracker was opened without keys. */
  box(): SecretBox;
  /** The tracker's own deliverer, made on first use and closed with the tracker. */
  deliverer(): Deliverer;
  /** Something to call on close (the default dispatcher's timers). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** The runtime of `Tracker.open({ webhooks })`; the keys are checked now, so a bad key fails at open. */
export function createWebhookRuntime(options: WebhookOptions = {}): WebhookRuntime {
  const box = options.encryptionKeys?.length ? createSecretBox(options.encryptionKeys) : null;
  const allowPrivateAddresses = options.allowPrivateAddresses ?? false;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const leaseMs = options.leaseMs ?? timeoutMs * 4;
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= timeoutMs) {
    throw new TrackerError(
      'VALIDATION_FAILED',
      `webhooks.leaseMs (${leaseMs}) must be a whole number of milliseconds above webhooks.timeoutMs (${timeoutMs})`,
      {
        issues: [
          {
            path: ['webhooks', 'leaseMs'],
            code: 'lease_too_short',
            message: 'A claim must outlast an attempt, or a slow attempt could be claimed again and sent twice',
          },
        ],
      },
    );
  }
  let deliverer: Deliverer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  return {
    allowPrivateAddresses,
    timeoutMs,
    leaseMs,
    retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    box() {
      if (box) return box;
      throw new TrackerError(
        'VALIDATION_FAILED',
        'Webhooks need encryption keys: open the tracker with webhooks.encryptionKeys',
        {
          issues: [
            {
              path: ['webhooks', 'encryptionKeys'],
              code: 'webhooks_not_configured',
              message: 'The tracker was opened without webhooks.encryptionKeys, so no secret can be stored',
            },
          ],
        },
      );
    },
    deliverer() {
      deliverer ??= createDeliverer({ allowPrivate: allowPrivateAddresses, resolve: options.resolve });
      return deliverer;
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      for (const fn of closers.splice(0)) await fn();
      await deliverer?.close();
    },
  };
}
