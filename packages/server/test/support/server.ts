import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Tracker, type Clock, type WebhookOptions } from '@expense-tracker/core';
import { openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';
import { inject } from 'vitest';
import { createTestDatabase } from '../../../core/test/setup/pg-database.js';
import { createApp, dueWorkOf, migrateServer, type AppOptions, type ExpenseTrackerApp } from '../../src/app.js';

/** The databases every server test runs on. */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** A real server listening on a free port, over a fresh database. */
export interface TestServer {
  url: string;
  wsUrl: string;
  tracker: Tracker;
  /** The tracker's store (the bundled Kysely one), for tests that observe what it is asked. */
  store: KyselyStore;
  server: Server;
  /** Sends a request; JSON bodies are encoded, the answer's JSON decoded. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Registers and logs in a user; returns their tokens and account id. */
  user(name?: string): Promise<{ id: string; token: string; refresh: string; username: string; password: string }>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Starts the app on 127.0.0.1:0 over SQLite (in memory) or a new PostgreSQL database, or over
 * `database` when given (a URL or SQLite file the caller made and removes: several servers can
 * share it, as instances do), with `app.listen()` as the package documents it. `extend` adds a
 * host's own middleware after the app's (they run for requests none of its routes answered).
 */
export async function startServer(
  dialect: TestDialect,
  options: Partial<AppOptions> & {
    clock?: Clock;
    database?: string;
    extend?: (app: ExpenseTrackerApp) => void;
    /** The tracker's webhook settings (keys, private addresses for a loopback receiver). */
    webhooks?: WebhookOptions;
  } = {},
): Promise<TestServer> {
  const { extend, database, webhooks, ...appOptions } = options;
  const pg = dialect === 'postgres' && database === undefined ? await createTestDatabase(inject('pgUrl')) : null;
  // The store is opened here so that a test can observe it (the tracker keeps its own private).
  const store = await openKyselyStore({ database: database ?? (pg ? pg.url : ':memory:'), onError: () => undefined });
  const tracker = await Tracker.open({ store, clock: options.clock, onError: () => undefined, webhooks });
  await tracker.migrate();
  await migrateServer({ tracker });
  // scrypt at 2^12 keeps tests fast; production uses 2^17. Every test user registers from
  // 127.0.0.1: the registration limit per address (20 an hour) is raised unless a test sets it
  // (auth-throttle.test.ts tests it).
  const auth = {
    ...options.auth,
    limits: { registerPerAddress: { points: 1000, windowSeconds: 3600 }, ...options.auth?.limits },
  };
  const app = createApp({
    tracker,
    jwtSecret: 'test-secret-that-is-at-least-32-characters-long',
    scryptLogN: 12,
    ...appOptions,
    auth,
  });
  extend?.(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const request: TestServer['request'] = async (method, path, { token, body, headers = {} } = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const user: TestServer['user'] = async (name) => {
    counter += 1;
    const username = name ?? `user${counter}_${Date.now() % 100000}`;
    const password = 'correct horse battery staple';
    const registered = await request('POST', '/auth/register', { body: { username, password } });
    if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
    const login = await request('POST', '/auth/login', { body: { username, password } });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return {
      id: registered.body.id,
      token: login.body.access_token,
      refresh: login.body.refresh_token,
      username,
      password,
    };
  };

  return {
    url,
    wsUrl: url.replace('http', 'ws'),
    tracker,
    store,
    server,
    request,
    user,
    async close() {
      for (const client of app.ws.server?.clients ?? []) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dueWorkOf(app)?.close();
      await tracker.close();
      await pg?.drop();
    },
  };
}
