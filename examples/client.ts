// A client that logs in over HTTP and listens on the WebSocket. Run it with `npm run example:client`.
import type { AddressInfo } from 'node:net';
import { Tracker, type TrackerEventMap } from '@expense-tracker/core';
import { createApp, migrateServer } from '@expense-tracker/server';
import { WebSocket } from 'ws';

// The server, in process on a free port. A fixed clock makes "today" 21 November 2026 for the
// budget, so the output is always the same; scryptLogN 12 keeps password hashing fast (test
// strength only: the default, 17, is what a real server uses).
const tracker = await Tracker.open({ database: ':memory:', clock: { now: () => new Date('2026-11-21T12:00:00Z') } });
await tracker.migrate();
await migrateServer({ tracker });
const server = createApp({ tracker, jwtSecret: 'example-secret-of-at-least-32-characters', scryptLogN: 12 }).listen(
  0,
  '127.0.0.1',
);
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The client: plain fetch and ws, as any program (or, with `new WebSocket`, a browser) would.
async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(payload)}`);
  return payload as T;
}

const credentials = { username: 'dana', password: 'correct horse battery' };
await call('POST', '/auth/register', { ...credentials, currency: 'EUR' });
const { access_token: token } = await call<{ access_token: string }>('POST', '/auth/login', credentials);
console.log('logged in as dana');

// `?token=` because browsers cannot set headers on a WebSocket; a Node client may send `Authorization: Bearer`.
const socket = new WebSocket(`${base.replace('http', 'ws')}/ws/notifications?token=${encodeURIComponent(token)}`);
await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
const alert = new Promise<void>((resolve) => {
  socket.on('message', (raw) => {
    if (!Buffer.isBuffer(raw)) return; // ws hands a text message over as one Buffer (its default binaryType)
    // Each message is `{ type, seq, at, data }`: one committed event of this user.
    const message = JSON.parse(raw.toString()) as {
      type: keyof TrackerEventMap;
      seq: number;
      at: string;
      data: unknown;
    };
    console.log(`ws: #${message.seq} ${message.type}`);
    if (message.type === 'alert.triggered') {
      const { notification } = message.data as TrackerEventMap['alert.triggered'];
      console.log(`ws: ${notification.message}`);
      resolve();
    }
  });
});

const budget = await call<{ id: string }>('POST', '/budgets', { name: 'Fun', amount: '100' }, token);
await call('POST', '/expenses', { amount: '85.00', date: '2026-11-20', description: 'Concert' }, token); // 85 % of 100
await alert;
const status = await call<{ percentUsed: number; state: string }>(
  'GET',
  `/budgets/${budget.id}/status`,
  undefined,
  token,
);
console.log(`status: ${status.percentUsed} % used, ${status.state}`);

socket.close();
await new Promise((resolve) => socket.once('close', resolve));
server.closeAllConnections(); // fetch keeps idle connections open
await new Promise((resolve) => server.close(resolve));
await tracker.close();
