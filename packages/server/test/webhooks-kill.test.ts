import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { processUser, startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { verifyWebhookSignature, type ReceivedWebhook } from './support/webhook-receiver.js';

/**
 * SPEC §7.5 / issue 16: "killing the server mid-retry neither loses nor doubles a message".
 * A real server process delivers to a real receiver; its first attempt is answered 500, and the
 * process is killed with SIGKILL while the retry is pending, or while the retry's request is in
 * flight (the receiver holds it unanswered). Another process started on the same database must
 * deliver the message exactly once more, with the same `webhook-id`, and nothing after the 2xx.
 * A short claim lease (`WEBHOOK_LEASE_MS`) lets the new process take over an in-flight claim
 * within seconds. Each process has a clock of its own (under CI's libfaketime each starts
 * anew), so the test compares no wall clocks across processes: it polls for what arrives.
 */

const ENV = {
  WEBHOOK_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  DUE_WORK_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_LEASE_MS: '2000',
};

/** What the receiver does with the next request: answer with a status, or hold it open until the sender dies. */
type Answer = number | 'hang';

/** A receiver on 127.0.0.1 that records each request (as soon as its body is in) and answers as scripted. */
async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const script: Answer[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const headers: IncomingHttpHeaders = request.headers;
      received.push({ headers, body, payload: JSON.parse(body) as ReceivedWebhook['payload'] });
      const answer = script.shift() ?? 204;
      if (answer === 'hang') held.push(response);
      else response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    script,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const processes: ServerProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await receiver?.close();
  for (const cleanup of cleanups) await cleanup();
}, 60_000);

async function start(databaseUrl: string): Promise<ServerProcess> {
  const server = await startServerProcess(databaseUrl, ENV);
  processes.push(server);
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  expect(await server.exited).toBeNull(); // killed by the signal, not exited
}

async function databaseFor(dialect: 'sqlite' | 'postgres'): Promise<string> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'et-hook-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, 'tracker.db')}`;
  }
  const db: TestDatabase = await createTestDatabase(inject('pgUrl'));
  cleanups.push(() => db.drop());
  return db.url;
}

interface MessageView {
  id: string;
  state: string;
  attempts: number;
}

describe.each(['sqlite', 'postgres'] as const)('SIGKILL mid-retry of a webhook on %s', (dialect) => {
  it.each(['pending', 'in flight'] as const)(
    'a retry %s when the process dies is delivered exactly once more by the next process, with the same webhook-id',
    async (when) => {
      const databaseUrl = await databaseFor(dialect);
      const first = await start(databaseUrl);
      const { token } = await processUser(first, `hookkill${dialect}${when === 'pending' ? 'p' : 'f'}`);
      const created = await first.request('POST', '/webhooks', {
        token,
        body: { url: receiver.url, eventTypes: ['expense.created'] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const { id: endpointId, secret } = created.body as { id: string; secret: string };
      const messagesOf = async (server: ServerProcess) =>
        (await server.request('GET', `/webhooks/${endpointId}/messages`, { token })).body as MessageView[];

      receiver.received.length = 0;
      receiver.script.splice(0, receiver.script.length, 500, ...(when === 'in flight' ? (['hang'] as const) : []));
      expect((await first.request('POST', '/expenses', { token, body: { amount: '12.50' } })).status).toBe(201);

      if (when === 'pending') {
        // The 500 is recorded: the message waits, pending, for its retry (1–5 s later) when the process dies.
        await waitFor(
          'the failed first attempt recorded',
          () => messagesOf(first),
          (list) => list.some((m) => m.state === 'pending' && m.attempts === 1),
        );
        expect(receiver.received).toHaveLength(1);
      } else {
        // The retry's request has reached the receiver, which holds it: the process dies with it in flight.
        await waitFor(
          'the retry in flight',
          () => receiver.received.length,
          (n) => n === 2,
          20_000,
        );
      }
      const beforeKill = receiver.received.length;
      await kill(first);

      const second = await start(databaseUrl);
      const login = await second.request('POST', '/auth/login', {
        body: {
          username: `hookkill${dialect}${when === 'pending' ? 'p' : 'f'}`,
          password: 'correct horse battery staple',
        },
      });
      const again = login.body.access_token as string;
      const delivered = await waitFor(
        'the message delivered by the next process',
        async () =>
          (await second.request('GET', `/webhooks/${endpointId}/messages`, { token: again })).body as MessageView[],
        (list) => list.length === 1 && list[0]!.state === 'delivered',
        40_000,
      );
      // Ten more ticks of the new process: nothing else arrives after the 2xx.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received).toHaveLength(beforeKill + 1);

      const ids = new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
      expect([...ids]).toEqual([delivered[0]!.id]);
      // The process that delivered it is not the one that signed the first attempts: each signature still verifies.
      const bodies = receiver.received.map((r) => verifyWebhookSignature(secret, r) as { type: string; seq: number });
      expect(bodies.map((b) => [b.type, b.seq])).toEqual(receiver.received.map(() => ['expense.created', 1]));
      await kill(second);
    },
    90_000,
  );
});
