import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Two real server processes (`src/main.ts`, configured from the environment as deployed) on
 * one PostgreSQL database, both running due work every 50 ms: each message reaches the
 * receiver once, retries included, whichever instance took the write.
 */

let db: TestDatabase;
let receiver: WebhookReceiver;
const instances: ServerProcess[] = [];
const ENV = {
  WEBHOOK_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  DUE_WORK_INTERVAL_MS: '50',
};

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'));
  // Each answer is held back 20 ms: a second deliverer racing for the same message would have time to.
  receiver = await startWebhookReceiver(20);
  instances.push(await startServerProcess(db.url, ENV));
  instances.push(await startServerProcess(db.url, ENV));
}, 60_000);

afterAll(async () => {
  for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGTERM');
  await Promise.all(instances.map((i) => i.exited));
  await receiver?.close();
  await db?.drop();
}, 60_000);

describe('webhooks on two server instances over one PostgreSQL', () => {
  it('delivers each message once, a retried one with its one webhook-id, whichever instance took the write', async () => {
    const [a, b] = instances as [ServerProcess, ServerProcess];
    const credentials = { username: `hooks${Date.now() % 100000}`, password: 'correct horse battery staple' };
    expect((await a.request('POST', '/auth/register', { body: credentials })).status).toBe(201);
    const token = (await b.request('POST', '/auth/login', { body: credentials })).body.access_token as string;
    const created = await a.request('POST', '/webhooks', { token, body: { url: receiver.url } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id: endpointId, secret } = created.body as { id: string; secret: string };

    receiver.script.push(500, 500); // the first two attempts fail and are retried (1–5 s later)
    const writes = Array.from({ length: 30 }, (_, i) =>
      (i % 2 === 0 ? a : b).request('POST', '/expenses', { token, body: { amount: `${i + 1}.00` } }),
    );
    expect((await Promise.all(writes)).map((r) => r.status)).toEqual(Array(30).fill(201));

    await receiver.waitFor(32, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // ten more ticks on each instance: nothing else arrives
    expect(receiver.received).toHaveLength(32);
    const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
    expect(new Set(ids).size).toBe(30);
    // The instances are other processes with clocks of their own: the signature is checked, not the time window.
    const seqs = receiver.received.map((r) => (verifyWebhookSignature(secret, r) as { seq: number }).seq);
    expect(new Set(seqs).size).toBe(30);

    const messages = await waitFor(
      'every message delivered',
      async () =>
        (await b.request('GET', `/webhooks/${endpointId}/messages?limit=100`, { token })).body as {
          state: string;
          attempts: number;
        }[],
      (list) => list.length === 30 && list.every((m) => m.state === 'delivered'),
    );
    expect(messages.map((m) => m.attempts).sort()).toEqual([...Array(28).fill(1), 2, 2]);
  }, 60_000);
});
