import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { messageText } from './support/ws-text.js';

/**
 * Two real server processes (`src/main.ts`, as deployed) on one PostgreSQL database: a
 * socket on instance B gets, in order, what writes sent to instance A caused.
 */

interface Message {
  type: string;
  seq: number;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let db: TestDatabase;
let admin: pg.Client;
const instances: ServerProcess[] = [];

/** Starts `main.ts` from source on a free port over the test database; resolves once it listens. */
async function startInstance(): Promise<ServerProcess> {
  const instance = await startServerProcess(db.url);
  instances.push(instance);
  return instance;
}

/** The backend pids of the LISTEN connections on the test database. */
async function listenPids(): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and application_name = 'et-listen' order by backend_start`,
  );
  return rows.map((r) => r.pid);
}

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'));
  admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => undefined);
  await admin.connect();
}, 60_000);

afterAll(async () => {
  for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGTERM');
  await Promise.all(instances.map((i) => i.exited));
  await admin?.end();
  await db?.drop();
}, 60_000);

describe('several server instances on one PostgreSQL', () => {
  it('delivers to a socket on instance B, in order, what writes sent to instance A caused, also after B lost its LISTEN connection', async () => {
    const a = await startInstance();
    const [listenA] = await waitFor('A to LISTEN', listenPids, (pids) => pids.length === 1);
    const b = await startInstance();
    const listenB = (await waitFor('B to LISTEN', listenPids, (pids) => pids.length === 2)).find(
      (pid) => pid !== listenA,
    )!;

    // The account, its budget (alerts at 80 % and 100 %), all through A.
    const credentials = { username: 'multi', password: 'correct horse battery staple' };
    const registered = await a.request('POST', '/auth/register', { body: credentials });
    expect(registered.status).toBe(201);
    const login = await a.request('POST', '/auth/login', { body: credentials });
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    expect((await a.request('POST', '/budgets', { body: { name: 'Monthly', amount: '100' }, token })).status).toBe(201);

    // A socket on B: replays the budget from the feed, then is live.
    const messages: Message[] = [];
    const socket = new WebSocket(
      `${b.url.replace('http', 'ws')}/ws/notifications/${registered.body.id}?token=${token}&after=0`,
    );
    socket.on('message', (data) => messages.push(JSON.parse(messageText(data)) as Message));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await waitFor(
      'the replayed budget.created',
      () => messages.map((m) => m.type),
      (types) => types.includes('budget.created'),
    );

    // Written through A, live on B: only LISTEN/NOTIFY can bring it there.
    expect(
      (await a.request('POST', '/expenses', { body: { amount: '85', description: 'Groceries' }, token })).status,
    ).toBe(201);
    await waitFor(
      'expense.created and alert.triggered on B',
      () => messages.length,
      (n) => n >= 3,
      5000,
    );
    expect(messages.map((m) => m.type)).toEqual(['budget.created', 'expense.created', 'alert.triggered']);
    expect(messages[2]!.data).toMatchObject({ budget: { name: 'Monthly' }, notification: { thresholdPercent: 80 } });

    // B's LISTEN connection is killed; writes go on through A meanwhile.
    const { rows } = await admin.query<{ killed: boolean }>('select pg_terminate_backend($1) as killed', [listenB]);
    expect(rows[0]!.killed).toBe(true);
    // One after the other, so the order of the events is known: 90 (no new alert), then 110 (100 %).
    // (Sent at once, either could commit first and the 100 % alert would follow whichever is second.)
    const writes = [];
    for (const body of [
      { amount: '5', description: 'Coffee' },
      { amount: '20', description: 'Dinner' },
    ]) {
      writes.push(await a.request('POST', '/expenses', { body, token }));
    }
    expect(writes.map((w) => w.status)).toEqual([201, 201]);
    // B reconnects, LISTENs again, and catches up from the change feed.
    await waitFor('B to LISTEN again', listenPids, (pids) => pids.length === 2 && !pids.includes(listenB));
    await waitFor(
      'the writes made while B was cut off',
      () => messages.length,
      (n) => n >= 6,
      10_000,
    );

    // And live after the reconnection too.
    expect((await a.request('POST', '/expenses', { body: { amount: '1', description: 'Gum' }, token })).status).toBe(
      201,
    );
    await waitFor(
      'the write after the reconnection',
      () => messages.length,
      (n) => n >= 7,
      5000,
    );
    await new Promise((r) => setTimeout(r, 300)); // anything duplicated would be here by now

    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(messages.map((m) => m.type)).toEqual([
      'budget.created',
      'expense.created',
      'alert.triggered',
      'expense.created',
      'expense.created',
      'alert.triggered',
      'expense.created',
    ]);
    expect(messages[5]!.data).toMatchObject({ notification: { thresholdPercent: 100 } });
    // Nothing the socket missed: every event of the user is there (seqs without gaps, as the feed has them).
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));

    // B logged the lost connection as a background database error.
    expect(b.output()).toMatch(/background error/);
    socket.terminate();
    for (const instance of [a, b]) instance.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  }, 90_000);
});
