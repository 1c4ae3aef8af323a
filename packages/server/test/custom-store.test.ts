import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tracker } from '@expense-tracker/core';
import { openKyselyStore } from '@expense-tracker/core/kysely';
import type { Store } from '@expense-tracker/core/store';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, migrateServer } from '../src/app.js';
import type { ServerDatabase } from '../src/auth/server-tables.js';

/**
 * A host whose tracker runs on a store of its own has no connections the server could share
 * (`hostDatabase()` refuses such a tracker): the server keeps its `srv_` tables in the Kysely
 * database the host gives it as `db`, and says so when it is not given one.
 */
describe('the server over a tracker on a store of the host’s own', () => {
  let tracker: Tracker;
  let db: Kysely<ServerDatabase>;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const bundled = await openKyselyStore({ database: ':memory:' });
    // A store of the host's own: the bundled store's repositories behind an object of its own.
    const own: Store = {
      ...bundled,
      transaction: (fn) => bundled.transaction(fn),
      migrate: () => bundled.migrate(),
      ping: () => bundled.ping(),
      close: () => bundled.close(),
    };
    tracker = await Tracker.open({ store: own });
    await tracker.migrate();
    db = new Kysely<ServerDatabase>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await migrateServer({ tracker, db });
    server = createApp({
      tracker,
      db,
      jwtSecret: 'test-secret-that-is-at-least-32-characters-long',
      scryptLogN: 12,
    }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await tracker?.close();
    await db?.destroy();
  });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('keeps its accounts and sessions in the `db` it is given, and serves the API and readiness over the custom store', async () => {
    const credentials = { username: 'carol', password: 'correct horse battery staple' };
    const registered = (await (await post('/auth/register', credentials)).json()) as { id: string };
    const login = await post('/auth/login', credentials);
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    expect((await post('/expenses', { amount: '7.25', description: 'Tea' }, token)).status).toBe(201);

    expect(await db.selectFrom('srv_account').select(['id', 'username']).execute()).toEqual([
      { id: registered.id, username: 'carol' },
    ]);
    expect(await db.selectFrom('srv_session').select('account_id').execute()).toEqual([{ account_id: registered.id }]);
    expect((await tracker.forOwner(registered.id).expenses.list()).items.map((e) => e.amount)).toEqual(['7.25']);
    const ready = await fetch(`${url}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok' },
    });
  });

  it('without `db`, createApp and migrateServer refuse, saying that it is needed', async () => {
    expect(() => createApp({ tracker, jwtSecret: 'test-secret-that-is-at-least-32-characters-long' })).toThrow(
      /The server needs `db` for its own tables/,
    );
    await expect(migrateServer({ tracker })).rejects.toThrow(/The server needs `db` for its own tables/);
  });
});
