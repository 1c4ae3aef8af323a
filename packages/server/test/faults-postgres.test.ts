import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../core/test/setup/postgres-global-setup.js';
import { processUser, startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { messageText } from './support/ws-text.js';

/**
 * PostgreSQL stopped under a running server process, then started again (issue 7, part 5).
 * The database is a throwaway server of this file's own (never the shared `pgUrl` one).
 */

let postgres: ThrowawayPostgres;
let server: ServerProcess | undefined;

beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);

afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await postgres?.stop();
}, 60_000);

interface Message {
  type: string;
  seq: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route's JSON body
function expectUnavailable(answer: { status: number; headers: Headers; body: any }, what: string): void {
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect(answer.headers.get('retry-after'), what).toMatch(/^\d+$/);
  expect(answer.body, what).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', title: expect.any(String) });
  // No driver internals in the answer.
  expect(JSON.stringify(answer.body), what).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|57P01|terminating/);
}

describe('PostgreSQL stopped while the server runs', () => {
  it('answers 503 STORE_UNAVAILABLE with Retry-After, fails readiness but not liveness, keeps its sockets, and recovers by itself once PostgreSQL is back', async () => {
    server = await startServerProcess(postgres.url);
    const { id, token } = await processUser(server, 'outage');
    expect(
      (await server.request('POST', '/budget', { token, body: { name: 'Everything', amount: '100' } })).status,
    ).toBe(201);
    expect(
      (await server.request('POST', '/expenses', { token, body: { amount: '10', description: 'before' } })).status,
    ).toBe(201);
    expect((await server.request('GET', '/health/ready')).status).toBe(200);

    const messages: Message[] = [];
    const closes: number[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/notifications/${id}?token=${token}&after=0`);
    socket.on('message', (data) => messages.push(JSON.parse(messageText(data)) as Message));
    socket.on('close', (code) => closes.push(code));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await waitFor(
      'the replayed feed',
      () => messages.length,
      (n) => n >= 2,
    );

    // --- PostgreSQL goes away (fast shutdown: every connection of the pool and LISTEN is cut).
    await postgres.halt();
    const started = Date.now();
    const down = {
      list: await server.request('GET', '/expenses', { token }),
      create: await server.request('POST', '/expenses', { token, body: { amount: '5', description: 'during' } }),
      idempotent: await server.request('POST', '/expenses', {
        token,
        body: { amount: '5', description: 'during' },
        headers: { 'idempotency-key': 'outage-1' },
      }),
      status: await server.request('GET', '/budget/status', { token }),
      changes: await server.request('GET', '/changes?after=0', { token }),
      login: await server.request('POST', '/auth/login', {
        body: { username: 'outage', password: 'correct horse battery staple' },
      }),
      register: await server.request('POST', '/auth/register', {
        body: { username: 'newcomer', password: 'correct horse battery staple' },
      }),
      ready: await server.request('GET', '/health/ready'),
    };
    for (const [what, answer] of Object.entries(down)) expectUnavailable(answer, what);
    // Fast: a refused connection, not a hanging request.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The process itself is alive.
    const live = await server.request('GET', '/health');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });

    // The socket stays connected through the outage (its LISTEN connection is gone; the server retries).
    await new Promise((r) => setTimeout(r, 1500));
    expect(closes).toEqual([]);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(server.child.exitCode).toBeNull();

    // --- PostgreSQL is back: the same process recovers, no restart.
    await postgres.resume();
    await waitFor(
      'readiness',
      () => server!.request('GET', '/health/ready').then((r) => r.status),
      (s) => s === 200,
      20_000,
    );
    const after = await server.request('POST', '/expenses', { token, body: { amount: '85', description: 'after' } });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    const retried = await server.request('POST', '/expenses', {
      token,
      body: { amount: '5', description: 'during' },
      headers: { 'idempotency-key': 'outage-1' },
    });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull(); // the failed attempt was not stored as the key's answer
    const login = await server.request('POST', '/auth/login', {
      body: { username: 'outage', password: 'correct horse battery staple' },
    });
    expect(login.status).toBe(200);

    // Nothing refused during the outage was stored; what came after was.
    const list = await server.request('GET', '/expenses', { token });
    expect(list.body.items.map((e: { description: string }) => e.description).sort()).toEqual([
      'after',
      'before',
      'during',
    ]);

    // The socket that stayed open gets what was written after the restart (LISTEN re-established).
    await waitFor(
      'live events after the outage',
      () => messages.map((m) => m.type),
      (types) => types.filter((t) => t === 'expense.created').length >= 3 && types.includes('alert.triggered'),
      20_000,
    );
    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(closes).toEqual([]);

    expect(server.output()).toMatch(/background error/);
    socket.terminate();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);
});
