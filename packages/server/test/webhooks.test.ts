import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';
import { messageText } from './support/ws-text.js';

/**
 * Webhooks over the server (SPEC §7.5), black-box on both engines: a real listening server
 * whose due-work tick (`tracker.runDue`) delivers to a real receiver on 127.0.0.1 (allowed, as
 * an operator may allow private addresses), signatures checked with the `standardwebhooks`
 * package. The clock runs at real time (that package checks timestamps against `Date.now()`)
 * plus an offset a test moves to bring a retry due, so nothing sleeps for a retry.
 */

const keys = [{ id: 'test', key: randomBytes(32).toString('base64') }];
type User = Awaited<ReturnType<TestServer['user']>>;

/** Polls `read` until `done` holds of its value, every 20 ms for up to 10 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not done: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(DIALECTS)('webhooks on %s', (dialect) => {
  let api: TestServer;
  let receiver: WebhookReceiver;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    api = await startServer(dialect, {
      clock,
      dueWork: { intervalMs: 25 },
      websocket: { pingIntervalMs: 1000 },
      // Two attempts in all, so a test reaches a dead message in one retry.
      webhooks: {
        encryptionKeys: keys,
        allowPrivateAddresses: true,
        retryPolicy: {
          initialDelaySeconds: 5,
          maxDelaySeconds: 60,
          minDelaySeconds: 1,
          maxAttempts: 2,
          maxRetryAfterSeconds: 60,
        },
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.script.length = 0;
  });
  afterEach(() => {
    offsetMs = 0;
  });

  const createEndpoint = async (user: User, body: Record<string, unknown> = {}) => {
    const created = await api.request('POST', '/webhooks', { token: user.token, body: { url: receiver.url, ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; secret: string; enabled: boolean };
  };

  it('shows the secret once, then delivers an expense write signed as Standard Webhooks with its feed seq', async () => {
    const user = await api.user();
    const endpoint = await createEndpoint(user, { eventTypes: ['expense.created'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const read = await api.request('GET', `/webhooks/${endpoint.id}`, { token: user.token });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    const listed = await api.request('GET', '/webhooks', { token: user.token });
    expect(JSON.stringify(listed.body)).not.toContain(endpoint.secret);
    expect(listed.body).toEqual([expect.objectContaining({ id: endpoint.id, enabled: true })]);

    const expense = await api.request('POST', '/expenses', { token: user.token, body: { amount: '12.50' } });
    expect(expense.status).toBe(201);
    const [delivery] = await receiver.waitFor(1);

    const payload = verifyWebhook(endpoint.secret, delivery!) as { type: string; seq: number; data: unknown };
    const feed = await api.request('GET', '/changes?after=0', { token: user.token });
    const created = (feed.body.events as { seq: number; type: string }[]).find((e) => e.type === 'expense.created');
    expect(payload).toMatchObject({ type: 'expense.created', seq: created!.seq, ownerId: user.id });
    expect(payload.data).toMatchObject({ expense: { id: expense.body.id, amountMinor: 1250 } });
    const messages = await eventually(
      () => api.request('GET', `/webhooks/${endpoint.id}/messages?state=delivered`, { token: user.token }),
      (r) => r.body.length === 1,
    );
    expect(messages.body[0]).toMatchObject({ id: delivery!.headers['webhook-id'], state: 'delivered', attempts: 1 });
  });

  it('survives a 500 then a 200 with one webhook-id, and a 410 disables the endpoint', async () => {
    const user = await api.user();
    const endpoint = await createEndpoint(user);
    receiver.script.push(500);
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '3.00' } });
    await receiver.waitFor(1);
    offsetMs = 60_000; // the retry (at most 5 s after the failure) is due on the next tick
    const [first, second] = await receiver.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);

    receiver.script.push(410);
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '4.00' } });
    const disabled = await eventually(
      () => api.request('GET', `/webhooks/${endpoint.id}`, { token: user.token }),
      (r) => r.body.enabled === false,
    );
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'gone' });
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '5.00' } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // several ticks: nothing goes to a disabled endpoint
    expect(receiver.received).toHaveLength(3);
  });

  it('tells the owner on the WebSocket when a message goes dead, and a dead message can be retried', async () => {
    const user = await api.user();
    const endpoint = await createEndpoint(user);
    const socket = new WebSocket(`${api.wsUrl}/ws/notifications?token=${user.token}`);
    const notices: { type: string; data: { message: { id: string } } }[] = [];
    socket.on('message', (raw) => notices.push(JSON.parse(messageText(raw)) as (typeof notices)[number]));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    receiver.script.push(500, 500);
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '6.00' } });
    await receiver.waitFor(1);
    offsetMs = 60_000;
    await receiver.waitFor(2);
    const dead = await eventually(
      async () => notices.find((n) => n.type === 'webhook.message.dead'),
      (n) => n !== undefined,
    );
    socket.close();
    const messageId = dead!.data.message.id;
    expect(messageId).toBe(receiver.received[0]!.headers['webhook-id']);
    const listed = await api.request('GET', `/webhooks/${endpoint.id}/messages?state=dead`, { token: user.token });
    expect(listed.body).toEqual([expect.objectContaining({ id: messageId, state: 'dead', attempts: 2 })]);

    const retried = await api.request('POST', `/webhooks/${endpoint.id}/messages/${messageId}/retry`, {
      token: user.token,
    });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    const [, , third] = await receiver.waitFor(3);
    expect(third!.headers['webhook-id']).toBe(messageId);
    expect(verifyWebhook(endpoint.secret, third!)).toMatchObject({ type: 'expense.created' });
    const again = await api.request('POST', `/webhooks/${endpoint.id}/messages/${messageId}/retry`, {
      token: user.token,
    });
    expectProblem(again, 409, 'CONFLICT');
  });

  it('replays a seq range and a time range, and a rotated secret signs beside the old one during its grace period', async () => {
    const user = await api.user();
    const endpoint = await createEndpoint(user);
    const before = new Date(clock.now().getTime() - 1000).toISOString();
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '7.00' } });
    const [original] = await receiver.waitFor(1);
    const seq = original!.payload.seq;
    const delivered = () =>
      eventually(
        () => api.request('GET', `/webhooks/${endpoint.id}/messages?state=delivered`, { token: user.token }),
        (r) => r.body.length === 1,
      );
    await delivered();

    const rotated = await api.request('POST', `/webhooks/${endpoint.id}/rotate-secret`, {
      token: user.token,
      body: { graceSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);

    const replay = await api.request('POST', `/webhooks/${endpoint.id}/replay`, {
      token: user.token,
      body: { fromSeq: seq, toSeq: seq },
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.body).toEqual({ queued: 1, fromSeq: seq, toSeq: seq });
    const [, replayed] = await receiver.waitFor(2);
    expect(replayed!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
    expect(verifyWebhook(rotated.body.secret as string, replayed!)).toMatchObject({ seq });
    expect(verifyWebhook(endpoint.secret, replayed!)).toMatchObject({ seq });
    await delivered();

    // By commit time: the seqs are found in the feed, and the same message is queued again.
    const byTime = await api.request('POST', `/webhooks/${endpoint.id}/replay`, {
      token: user.token,
      body: { from: before, to: new Date(clock.now().getTime() + 1000).toISOString() },
    });
    expect(byTime.status, JSON.stringify(byTime.body)).toBe(200);
    expect(byTime.body).toMatchObject({ queued: 1 });
    expect(byTime.body.fromSeq).toBeLessThanOrEqual(seq);
    expect(byTime.body.toSeq).toBeGreaterThanOrEqual(seq);
    const [, , third] = await receiver.waitFor(3);
    expect(third!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
    const later = await api.request('POST', `/webhooks/${endpoint.id}/replay`, {
      token: user.token,
      body: { from: new Date(clock.now().getTime() + 60_000).toISOString() },
    });
    expect(later.body).toMatchObject({ queued: 0 });
    const backwards = await api.request('POST', `/webhooks/${endpoint.id}/replay`, {
      token: user.token,
      body: { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' },
    });
    expectProblem(backwards, 422, 'VALIDATION_FAILED');
  });

  it('needs webhooks:manage: a token without it gets a 403 naming it, one with it manages endpoints', async () => {
    const user = await api.user();
    const mint = async (body: Record<string, unknown>) =>
      (
        await api.request('POST', '/auth/tokens', {
          token: user.token,
          body: { name: 'Script', expiresInDays: 30, ...body },
        })
      ).body.token as string;
    const readOnly = await mint({ preset: 'read-only' });
    for (const [method, path] of [
      ['GET', '/webhooks'],
      ['POST', '/webhooks'],
    ] as const) {
      const refused = await api.request(method, path, {
        token: readOnly,
        body: method === 'POST' ? { url: receiver.url } : undefined,
      });
      const problem = expectProblem(refused, 403, 'MISSING_SCOPE');
      expect(problem.scope).toBe('webhooks:manage');
    }
    const manager = await mint({ scopes: ['webhooks:manage'] });
    const created = await api.request('POST', '/webhooks', { token: manager, body: { url: receiver.url } });
    expect(created.status).toBe(201);
    expect((await api.request('DELETE', `/webhooks/${created.body.id}`, { token: manager })).status).toBe(204);
    expectProblem(await api.request('GET', `/webhooks/${created.body.id}`, { token: manager }), 404, 'NOT_FOUND');
  });

  it('keeps endpoints to their owner, and refuses a private address the operator did not allow', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const endpoint = await createEndpoint(alice);
    expectProblem(await api.request('GET', `/webhooks/${endpoint.id}`, { token: bob.token }), 404, 'NOT_FOUND');
    expectProblem(
      await api.request('GET', `/webhooks/${endpoint.id}/messages`, { token: bob.token }),
      404,
      'NOT_FOUND',
    );
    const metadata = await api.request('POST', '/webhooks', {
      token: alice.token,
      body: { url: 'http://169.254.169.254/latest/meta-data' },
    });
    expectProblem(metadata, 422, 'VALIDATION_FAILED');
  });
});

describe('webhooks on a server started without WEBHOOK_ENCRYPTION_KEYS', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('sqlite');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers creating an endpoint with a 503 that says what the operator must set', async () => {
    const user = await api.user();
    const refused = await api.request('POST', '/webhooks', {
      token: user.token,
      body: { url: 'https://hooks.example.com/x' },
    });
    const problem = expectProblem(refused, 503, 'SERVICE_UNAVAILABLE');
    expect(problem.detail).toContain('WEBHOOK_ENCRYPTION_KEYS');
    expect((await api.request('GET', '/webhooks', { token: user.token })).body).toEqual([]);
  });
});
