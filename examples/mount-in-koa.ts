// Mount the server's API inside an existing Koa app whose own auth decides the owner.
// Run it with `npm run example:mount-in-koa`.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Tracker } from '@expense-tracker/core';
import { hostDatabase } from '@expense-tracker/core/kysely';
import {
  AccountService,
  createApp,
  migrateServer,
  PasswordHasher,
  SERVER_TABLES,
  TokenService,
} from '@expense-tracker/server';
import Koa from 'koa';

const tracker = await Tracker.open({ database: ':memory:' });
await tracker.migrate();
await migrateServer({ tracker });
const jwtSecret = 'example-secret-of-at-least-32-characters';
const api = createApp({ tracker, jwtSecret, scryptLogN: 12 }); // 12: fast, test strength; the default is 17

// The host's own auth: here API keys; in your app, your session cookie or SSO.
const hostUsers = new Map([
  ['key-alice', 'alice'],
  ['key-bob', 'bob'],
]);

// The API's owner is an account of the server (its id is the owner id in core). The host links each
// of its users to one, with a password only the host knows, and gets tokens for them. It uses the
// server's AccountService over the same database and secret, so the tokens are the API's own; its
// tables are the server's `srv_` ones, reached through core's handle for a host's own tables.
const accounts = new AccountService({
  db: hostDatabase(tracker, SERVER_TABLES),
  tracker,
  hasher: new PasswordHasher({ logN: 12, r: 8, p: 1 }),
  tokens: new TokenService(jwtSecret, 900, tracker.clock), // the tracker's clock, as createApp's tokens use
  refreshTtl: 30 * 24 * 60 * 60,
});
const links = new Map<
  string,
  { password: string; accountId?: string; token?: string; refresh?: string; expiresAt?: number }
>();

// (In a real app, make concurrent first requests of one user wait for one registration.)
async function tokenFor(user: string): Promise<string> {
  let link = links.get(user);
  if (!link) {
    link = { password: randomBytes(24).toString('base64url') }; // keep it in your user table
    links.set(user, link);
    link.accountId = (await accounts.register({ username: `host.${user}`, password: link.password })).id;
  }
  if (!link.token || link.expiresAt! - Date.now() < 60_000) {
    const pair = link.refresh
      ? await accounts.refresh(link.refresh)
      : await accounts.login(`host.${user}`, link.password, 'host');
    Object.assign(link, {
      token: pair.access_token,
      refresh: pair.refresh_token,
      expiresAt: Date.now() + pair.expires_in * 1000,
    });
  }
  return link.token!;
}

/** Serves `app` under `prefix` (what koa-mount does): strips the prefix and hands the raw request over. */
function mount(prefix: string, app: Koa): Koa.Middleware {
  const handle = app.callback();
  return async (ctx, next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    const user = hostUsers.get(ctx.get('x-api-key'));
    if (!user) {
      ctx.status = 401;
      ctx.body = { error: 'Unknown API key' };
      return;
    }
    // The host owns identity: clients never see /auth, and whatever token they send is replaced.
    if (ctx.path.startsWith(`${prefix}/auth/`)) {
      ctx.status = 404;
      return;
    }
    ctx.req.headers.authorization = `Bearer ${await tokenFor(user)}`;
    ctx.req.url = ctx.url.slice(prefix.length) || '/';
    ctx.respond = false; // the API writes the response itself
    await handle(ctx.req, ctx.res);
  };
}

const host = new Koa();
host.use(mount('/api', api));
host.use((ctx) => {
  ctx.body = { hello: 'the host app' };
});
const server = host.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const request = (method: string, path: string, key?: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const created = await request('POST', '/api/expenses', 'key-alice', {
  amount: '12.50',
  date: '2026-11-20',
  description: 'Team lunch',
});
const expense = (await created.json()) as { amount: string; currency: string; description: string };
console.log(
  `POST /api/expenses as alice: ${created.status} ${expense.amount} ${expense.currency} ${expense.description}`,
);

const asBob = await request('GET', '/api/expenses', 'key-bob');
console.log(
  `GET /api/expenses as bob: ${asBob.status}, ${((await asBob.json()) as { items: unknown[] }).items.length} expenses`,
);
const anonymous = await request('GET', '/api/expenses');
console.log(`GET /api/expenses without a key: ${anonymous.status}`);

// Server-side code of the host can use core directly: the owner id is the linked account's id.
const { items } = await tracker.forOwner(links.get('alice')!.accountId!).expenses.list();
console.log(`alice's ledger in core: ${items.map((e) => `${e.amount} ${e.description}`).join(', ')}`);

server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await tracker.close();
