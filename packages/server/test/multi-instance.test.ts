import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';

/**
 * Two real server processes (`src/main.ts`, as deployed) on one PostgreSQL database: a
 * socket on instance B gets, in order, what writes sent to instance A caused.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const JWT_SECRET = 'multi-instance-test-secret-at-least-32-characters';

interface Instance {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

interface Message {
  type: string;
  seq: number;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let db: TestDatabase;
let admin: pg.Client;
const dirs: string[] = [];
const instances: Instance[] = [];

/** Starts `main.ts` from source on a free port over the test database; resolves once it listens. */
async function startInstance(name: string): Promise<Instance> {
  const cwd = mkdtempSync(join(tmpdir(), `et-${name}-`));
  dirs.push(cwd);
  const child = spawn(process.execPath, ['--conditions=source', '--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'packages/server/src/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', DATABASE_URL: db.url, JWT_SECRET, LOG_LEVEL: 'info', SCRYPT_LOG_N: '12' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const instance: Instance = { url: '', child, exited, output: () => out };
  instances.push(instance);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listening = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; url?: string })
      .find((l) => l.msg === 'listening');
    if (listening) return Object.assign(instance, { url: listening.url! });
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`instance ${name} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function request(instance: Instance, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The backend pids of the LISTEN connections on the test database. */
async function listenPids(): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and application_name = 'et-listen' order by backend_start`,
  );
  return rows.map((r) => r.pid);
}

async function waitFor<T>(what: string, get: () => T | Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('several server instances on one PostgreSQL', () => {
  it('delivers to a socket on instance B, in order, what writes sent to instance A caused, also after B lost its LISTEN connection', async () => {
    const a = await startInstance('a');
    const [listenA] = await waitFor('A to LISTEN', listenPids, (pids) => pids.length === 1);
    const b = await startInstance('b');
    const listenB = (await waitFor('B to LISTEN', listenPids, (pids) => pids.length === 2)).find((pid) => pid !== listenA)!;

    // The account, its budget (alerts at 80 % and 100 %), all through A.
    const credentials = { username: 'multi', password: 'correct horse battery staple' };
    const registered = await request(a, 'POST', '/auth/register', credentials);
    expect(registered.status).toBe(201);
    const login = await request(a, 'POST', '/auth/login', credentials);
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    expect((await request(a, 'POST', '/budgets', { name: 'Monthly', amount: '100' }, token)).status).toBe(201);

    // A socket on B: replays the budget from the feed, then is live.
    const messages: Message[] = [];
    const socket = new WebSocket(`${b.url.replace('http', 'ws')}/ws/notifications/${registered.body.id}?token=${token}&after=0`);
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await waitFor('the replayed budget.created', () => messages.map((m) => m.type), (types) => types.includes('budget.created'));

    // Written through A, live on B: only LISTEN/NOTIFY can bring it there.
    expect((await request(a, 'POST', '/expenses', { amount: '85', description: 'Groceries' }, token)).status).toBe(201);
    await waitFor('expense.created and alert.triggered on B', () => messages.length, (n) => n >= 3, 5000);
    expect(messages.map((m) => m.type)).toEqual(['budget.created', 'expense.created', 'alert.triggered']);
    expect(messages[2]!.data).toMatchObject({ budget: { name: 'Monthly' }, notification: { thresholdPercent: 80 } });

    // B's LISTEN connection is killed; writes go on through A meanwhile.
    const { rows } = await admin.query<{ killed: boolean }>('select pg_terminate_backend($1) as killed', [listenB]);
    expect(rows[0]!.killed).toBe(true);
    const writes = await Promise.all([
      request(a, 'POST', '/expenses', { amount: '5', description: 'Coffee' }, token),
      request(a, 'POST', '/expenses', { amount: '20', description: 'Dinner' }, token),
    ]);
    expect(writes.map((w) => w.status)).toEqual([201, 201]);
    // B reconnects, LISTENs again, and catches up from the change feed.
    await waitFor('B to LISTEN again', listenPids, (pids) => pids.length === 2 && !pids.includes(listenB));
    await waitFor('the writes made while B was cut off', () => messages.length, (n) => n >= 6, 10_000);

    // And live after the reconnection too.
    expect((await request(a, 'POST', '/expenses', { amount: '1', description: 'Gum' }, token)).status).toBe(201);
    await waitFor('the write after the reconnection', () => messages.length, (n) => n >= 7, 5000);
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
