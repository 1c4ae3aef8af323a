import { createHmac, randomBytes } from 'node:crypto';
import { validationError } from '../errors.js';

/** The prefix Standard Webhooks gives a signing secret, so one is recognisable in a config or a leak. */
const SECRET_PREFIX = 'whsec_';
/** Bytes of a generated key: 256 bits, the HMAC-SHA256 block-size-friendly choice. */
const SECRET_BYTES = 32;
/** The spec's bounds on a key: below 24 bytes is too weak, above 64 adds nothing to HMAC-SHA256. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What a receiver needs to verify a delivery, per the Standard Webhooks spec: the message id
 * (the same on every retry, so a receiver can drop repeats), the send time in Unix seconds
 * (so it can refuse a replay), and one or more space-separated `v1,<base64>` signatures.
 */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** One message to sign: its id, the instant of this attempt, and the exact body bytes sent. */
export interface WebhookMessage {
  id: string;
  timestamp: Date;
  body: string;
}

/**
 * A new signing secret: `whsec_` and the base64 of 32 random bytes. The receiver is given
 * the whole string; the key is the bytes after the prefix.
 *
 * @example
 * ```ts
 * import { generateWebhookSecret } from './webhooks.js'; // internal to core for now
 *
 * generateWebhookSecret(); // 'whsec_…' (44 base64 characters after the prefix)
 * ```
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * The `webhook-signature` value for one message under one secret: `v1,` and the base64
 * HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the secret's bytes.
 *
 * @throws TrackerError `VALIDATION_FAILED` when the secret is not `whsec_` + base64 of 24 to 64 bytes.
 *
 * @example
 * ```ts
 * import { generateWebhookSecret, webhookSignature } from './webhooks.js'; // internal to core for now
 *
 * const secret = generateWebhookSecret();
 * webhookSignature(secret, { id: 'msg_1', timestamp: new Date('2026-12-01T10:00:00Z'), body: '{"type":"expense.created"}' });
 * // 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='-shaped
 * ```
 */
export function webhookSignature(secret: string, message: WebhookMessage): string {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`${message.id}.${unixSeconds(message.timestamp)}.${message.body}`, 'utf8');
  return `v1,${hmac.digest('base64')}`;
}

/**
 * The three Standard Webhooks headers of one attempt. With several secrets (the new one and,
 * during a rotation's grace period, the old one) every signature is sent, space-separated: a
 * receiver that knows either secret accepts the message, so it can switch whenever it likes.
 *
 * @throws TrackerError `VALIDATION_FAILED` when there is no secret or one is malformed.
 *
 * @example
 * ```ts
 * import { generateWebhookSecret, signWebhook } from './webhooks.js'; // internal to core for now
 *
 * const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
 * const body = JSON.stringify({ type: 'expense.created', seq: 42 });
 * const headers = signWebhook({ id: 'msg_01J…', timestamp: new Date(), body }, [current, previous]);
 * // { 'webhook-id': 'msg_01J…', 'webhook-timestamp': '1764583200', 'webhook-signature': 'v1,… v1,…' }
 * await fetch('https://example.com/hooks', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 * ```
 */
export function signWebhook(message: WebhookMessage, secrets: readonly string[]): WebhookHeaders {
  if (secrets.length === 0) {
    throw validationError([
      { path: ['secrets'], code: 'too_small', message: 'A webhook needs at least one signing secret' },
    ]);
  }
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(unixSeconds(message.timestamp)),
    'webhook-signature': secrets.map((secret) => webhookSignature(secret, message)).join(' '),
  };
}

/** The key bytes of a `whsec_` secret; the message names the rule, never the secret. */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw validationError([
      {
        path: ['secret'],
        code: 'invalid_webhook_secret',
        message: `A webhook secret is "${SECRET_PREFIX}" and the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`,
      },
    ]);
  }
  return key;
}

/** Whole Unix seconds, as the spec's timestamp is. */
function unixSeconds(instant: Date): number {
  return Math.floor(instant.getTime() / 1000);
}
