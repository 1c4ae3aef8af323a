import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import { generateWebhookSecret, signWebhook, webhookSignature } from '../src/webhooks/webhooks.js';

/**
 * Standard Webhooks signing (SPEC §7.5), checked by the spec's own reference library,
 * `standardwebhooks`, as a receiver would. That library compares the timestamp with
 * `Date.now()` (5 minutes' tolerance), so these messages are signed at the real time.
 */

const body = JSON.stringify({
  type: 'expense.created',
  timestamp: '2026-12-01T10:00:00.000Z',
  seq: 42,
  ownerId: 'own_1',
  data: { amountMinor: '1250' },
});

describe('webhook signatures', () => {
  it('match the Standard Webhooks spec’s published example', () => {
    const signature = webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: new Date(1614265330 * 1000),
      body: '{"test": 2432232314}',
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verify with the standardwebhooks package, which returns the payload', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signWebhook({ id: 'msg_01JDELIVERY', timestamp: new Date(), body }, [secret]);
    expect(headers['webhook-id']).toBe('msg_01JDELIVERY');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fail verification when the body, the timestamp or the id was changed', () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = signWebhook({ id: 'msg_1', timestamp: now, body }, [secret]);
    const receiver = new Webhook(secret);
    expect(() => receiver.verify(body.replace('1250', '125000'), headers)).toThrow(WebhookVerificationError);
    expect(() => receiver.verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() =>
      receiver.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }),
    ).toThrow(/signature/i);
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(WebhookVerificationError);
    // And the untouched message still verifies: the failures above are the tampering's.
    expect(() => receiver.verify(body, headers)).not.toThrow();
  });

  it('fail verification when signed too long ago: a captured request cannot be replayed later', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_1', timestamp: new Date(Date.now() - 10 * 60_000), body }, [secret]);
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/i);
  });

  it('carry every secret’s signature during a rotation: a receiver with either one verifies', () => {
    const [next, previous, stranger] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const message = { id: 'msg_rotating', timestamp: new Date(), body };
    const headers = signWebhook(message, [next, previous]);
    expect(headers['webhook-signature'].split(' ')).toEqual([
      webhookSignature(next, message),
      webhookSignature(previous, message),
    ]);
    expect(new Webhook(next).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it('refuse a malformed secret or none, without repeating the secret in the error', () => {
    const message = { id: 'msg_1', timestamp: new Date('2026-12-01T10:00:00Z'), body };
    const short = `whsec_${Buffer.alloc(16, 7).toString('base64')}`;
    for (const bad of [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      short,
      'whsec_not base64 at all!!',
      'whsec_',
      `whsec_${Buffer.alloc(65).toString('base64')}`,
    ]) {
      let caught: unknown;
      try {
        webhookSignature(bad, message);
      } catch (error) {
        caught = error;
      }
      expect(isTrackerError(caught, 'VALIDATION_FAILED'), bad).toBe(true);
      const keyText = bad.startsWith('whsec_') ? bad.slice(6) : bad;
      if (keyText !== '') expect((caught as Error).message).not.toContain(keyText);
    }
    expect(() => signWebhook(message, [])).toThrow(/at least one signing secret/);
  });
});
