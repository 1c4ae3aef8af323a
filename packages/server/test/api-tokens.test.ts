import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hostDatabase } from '@expense-tracker/core/kysely';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../../core/test/setup/pg-database.js';
import { SERVER_TABLES, type ServerDatabase } from '../src/auth/server-tables.js';
import { API_TOKEN_PATTERN } from '../src/integrations/api-token.js';
import { ApiTokenService } from '../src/integrations/api-tokens.js';
import { manualClock } from './support/clock.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

/**
 * API tokens with scopes (SPEC §7.4), black-box over HTTP and the WebSocket on both engines:
 * what a token may do is what its scopes say, revocation holds at once on every instance, and
 * the secret is shown once and stored nowhere.
 */

const DAY = 24 * 60 * 60 * 1000;

type User = Awaited<ReturnType<TestServer['user']>>;

/** Creates a token through the API with a session's access token; returns the 201's body. */
async function createToken(api: TestServer, user: User, body: Record<string, unknown>) {
  const created = await api.request('POST', '/auth/tokens', { token: user.token, body: { name: 'Script', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; token: string; prefix: string; scopes: string[]; expiresAt: string };
}

/** The token with one character of its random part changed: the checksum no longer matches. */
function altered(token: string): string {
  const i = 10;
  return `${token.slice(0, i)}${token[i] === 'a' ? 'b' : 'a'}${token.slice(i + 1)}`;
}

/** Opens a socket and resolves once it is closed, with its close code and reason, or open and its first message. */
function socketOutcome(url: string): Promise<{ code: number; reason: string; messages: string[] }> {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(messageText(data)));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), messages }));
  });
}

describe.each(DIALECTS)('API tokens on %s', (dialect) => {
  let api: TestServer;
  let user: User;
  const clock = manualClock('2026-11-15T12:00:00.000Z');

  beforeAll(async () => {
    api = await startServer(dialect, { clock, websocket: { pingIntervalMs: 50 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const freshUser = async () => {
    clock.set('2026-11-15T12:00:00.000Z');
    user = await api.user();
    return user;
  };

  it('a read-only token reads, and is refused writes with a 403 that names the missing scope', async () => {
    await freshUser();
    const { token, scopes } = await createToken(api, user, { preset: 'read-only', expiresInDays: 30 });
    expect(token).toMatch(API_TOKEN_PATTERN);
    expect(scopes).toContain('expenses:read');
    expect(scopes).not.toContain('expenses:write');

    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    expect((await api.request('GET', '/budgets', { token })).status).toBe(200);

    const write = await api.request('POST', '/expenses', { token, body: { amount: '12.50' } });
    const problem = expectProblem(write, 403, 'MISSING_SCOPE');
    expect(problem.scope).toBe('expenses:write');
    expect(problem.detail).toContain('expenses:write');
    expect(write.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="expenses:write"');
    // Checked before the record is looked up: a 403, not a 404 that would say whether it exists.
    expect(
      expectProblem(await api.request('DELETE', '/categories/cat_nope', { token }), 403, 'MISSING_SCOPE').scope,
    ).toBe('categories:write');
    // Nothing was written.
    expect((await api.request('GET', '/expenses', { token: user.token })).body.items).toEqual([]);
  });

  it('an ingest token writes expenses but reads no budgets; a scope list grants exactly what it names', async () => {
    await freshUser();
    const ingest = await createToken(api, user, { preset: 'ingest', expiresInDays: 7 });
    expect((await api.request('POST', '/expenses', { token: ingest.token, body: { amount: '3.20' } })).status).toBe(
      201,
    );
    expect(
      expectProblem(await api.request('GET', '/budgets', { token: ingest.token }), 403, 'MISSING_SCOPE').scope,
    ).toBe('budgets:read');
    // The change feed names who wrote: the token for its write, the account for the session's.
    expect((await api.request('POST', '/expenses', { token: user.token, body: { amount: '1.00' } })).status).toBe(201);
    const feed = await api.request('GET', '/changes', { token: user.token });
    expect(feed.status).toBe(200);
    const actors = (feed.body.events as { type: string; actor: unknown }[]).map((e) => [e.type, e.actor]);
    expect(actors).toEqual([
      ['expense.created', { kind: 'token', id: ingest.id }],
      ['expense.created', { kind: 'account', id: user.id }],
    ]);

    const narrow = await createToken(api, user, { scopes: ['budgets:*'], expiresInDays: 7 });
    expect(narrow.scopes).toEqual(['budgets:read', 'budgets:write']);
    expect((await api.request('GET', '/budgets', { token: narrow.token })).status).toBe(200);
    expect(
      expectProblem(await api.request('GET', '/expenses', { token: narrow.token }), 403, 'MISSING_SCOPE').scope,
    ).toBe('expenses:read');
  });

  it('a token cannot mint, list or revoke tokens, change the password or log out, even with the full preset', async () => {
    await freshUser();
    const { id, token } = await createToken(api, user, { preset: 'full', expiresInDays: 30 });
    const refused = [
      await api.request('POST', '/auth/tokens', { token, body: { name: 'child', preset: 'full', expiresInDays: 366 } }),
      await api.request('GET', '/auth/tokens', { token }),
      await api.request('DELETE', `/auth/tokens/${id}`, { token }),
      await api.request('PATCH', '/auth/me', {
        token,
        body: { currentPassword: user.password, password: 'a brand new password' },
      }),
      await api.request('GET', '/auth/me', { token }),
      await api.request('POST', '/auth/logout', { token }),
    ];
    for (const answer of refused) expect(expectProblem(answer, 403, 'MISSING_SCOPE').scope).toBe('account:manage');
    // Still one token, still working, and the password unchanged.
    expect((await api.request('GET', '/auth/tokens', { token: user.token })).body).toHaveLength(1);
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    const login = await api.request('POST', '/auth/login', {
      body: { username: user.username, password: user.password },
    });
    expect(login.status).toBe(200);
  });

  it('shows the secret once: lists carry only its prefix, and the table keeps only its SHA-256', async () => {
    await freshUser();
    const created = await createToken(api, user, { name: 'Bank sync', preset: 'ingest', expiresInDays: 90 });
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const list = await api.request('GET', '/auth/tokens', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    expect(list.body).toEqual([
      {
        id: created.id,
        name: 'Bank sync',
        prefix: created.prefix,
        scopes: ['expenses:read', 'expenses:write', 'categories:read', 'imports:read', 'imports:write'],
        createdAt: '2026-11-15T12:00:00.000Z',
        expiresAt: new Date(Date.parse('2026-11-15T12:00:00.000Z') + 90 * DAY).toISOString(),
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.token.slice(12));

    const rows = await hostDatabase(api.tracker, SERVER_TABLES)
      .selectFrom('srv_api_token')
      .selectAll()
      .where('account_id', '=', user.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(12));
  });

  it('refuses unknown, altered and revoked tokens with 401, and another owner’s token id with 404', async () => {
    const other = await freshUser();
    const othersToken = await createToken(api, other, { preset: 'full', expiresInDays: 30 });
    await freshUser();
    const { id, token } = await createToken(api, user, { preset: 'read-only', expiresInDays: 30 });
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);

    const unknown = 'etk_' + '0'.repeat(32);
    for (const bad of [altered(token), `${unknown}zzzzzz`, token.slice(0, -1)]) {
      const answer = expectProblem(await api.request('GET', '/expenses', { token: bad }), 401, 'UNAUTHORIZED');
      expect(answer.detail).toMatch(/API token/);
    }
    expectProblem(
      await api.request('DELETE', `/auth/tokens/${othersToken.id}`, { token: user.token }),
      404,
      'NOT_FOUND',
    );
    expect((await api.request('GET', '/expenses', { token: othersToken.token })).status).toBe(200);

    expect((await api.request('DELETE', `/auth/tokens/${id}`, { token: user.token })).status).toBe(204);
    expectProblem(await api.request('GET', '/expenses', { token }), 401, 'UNAUTHORIZED');
    expectProblem(await api.request('DELETE', `/auth/tokens/${id}`, { token: user.token }), 404, 'NOT_FOUND');
    expect((await api.request('GET', '/auth/tokens', { token: user.token })).body).toEqual([]);
  });

  it('honours the expiry by the injected clock, and records lastUsedAt at most once a minute', async () => {
    await freshUser();
    const { id, token, expiresAt } = await createToken(api, user, { scopes: ['expenses:read'], expiresInDays: 2 });
    expect(expiresAt).toBe('2026-11-17T12:00:00.000Z');
    const lastUsed = async () =>
      (
        await hostDatabase(api.tracker, SERVER_TABLES)
          .selectFrom('srv_api_token')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at;

    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    expect(await lastUsed()).toBe('2026-11-15T12:00:00.000Z');
    clock.advance(30_000);
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    expect(await lastUsed()).toBe('2026-11-15T12:00:00.000Z');
    clock.advance(31_000);
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    expect(await lastUsed()).toBe('2026-11-15T12:01:01.000Z');

    clock.set('2026-11-17T11:59:59.999Z');
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    clock.set('2026-11-17T12:00:00.000Z');
    expectProblem(await api.request('GET', '/expenses', { token }), 401, 'UNAUTHORIZED');
  });

  it('requires an expiry of at most 366 days, in the future, and scopes or a preset', async () => {
    await freshUser();
    const create = (body: Record<string, unknown>) =>
      api.request('POST', '/auth/tokens', { token: user.token, body: { name: 'x', ...body } });
    expectProblem(await create({ preset: 'full' }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ preset: 'full', expiresInDays: 367 }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ preset: 'full', expiresAt: '2026-11-15T11:00:00Z' }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ preset: 'full', expiresAt: '2027-11-17T12:00:00Z' }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ expiresInDays: 1 }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ scopes: [], expiresInDays: 1 }), 422, 'VALIDATION_FAILED');
    expectProblem(await create({ scopes: ['account:manage'], expiresInDays: 1 }), 422, 'VALIDATION_FAILED');
    expect((await create({ preset: 'full', expiresAt: '2027-11-16T12:00:00Z' })).status).toBe(201); // 366 days
    expect((await create({ preset: 'full', expiresInDays: 366 })).status).toBe(201);
  });

  it('introspects the presented token: an API token’s name, scopes and expiry, or a session', async () => {
    await freshUser();
    const { id, token } = await createToken(api, user, { name: 'CI', scopes: ['changes:read'], expiresInDays: 10 });
    expect((await api.request('GET', '/auth/token', { token })).body).toEqual({
      kind: 'api-token',
      accountId: user.id,
      id,
      name: 'CI',
      scopes: ['changes:read'],
      expiresAt: '2026-11-25T12:00:00.000Z',
    });
    const session = await api.request('GET', '/auth/token', { token: user.token });
    expect(session.body).toMatchObject({
      kind: 'session',
      accountId: user.id,
      scopes: expect.arrayContaining(['account:manage']),
    });
    expectProblem(await api.request('GET', '/auth/token'), 401, 'UNAUTHORIZED');
  });

  it('is accepted on the WebSocket with changes:read, refused without it, and a revoked one is closed', async () => {
    await freshUser();
    const reader = await createToken(api, user, { preset: 'read-only', expiresInDays: 30 });
    const ingest = await createToken(api, user, { preset: 'ingest', expiresInDays: 30 });
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '4.00', description: 'Coffee' } });

    const refused = await socketOutcome(`${api.wsUrl}/ws/notifications?token=${ingest.token}`);
    expect(refused).toMatchObject({ code: 1008, reason: 'The API token lacks the scope changes:read', messages: [] });
    expect((await socketOutcome(`${api.wsUrl}/ws/notifications?token=${altered(reader.token)}`)).code).toBe(1008);

    // Replays the feed to the read-only token, then is closed within a ping once the token is revoked.
    const socket = new WebSocket(`${api.wsUrl}/ws/notifications/${user.id}?after=0`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    const messages: { type: string }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(messageText(data)) as { type: string }));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await expect.poll(() => messages.map((m) => m.type)).toContain('expense.created');
    expect((await api.request('DELETE', `/auth/tokens/${reader.id}`, { token: user.token })).status).toBe(204);
    expect(await closed).toBe(1008);
  });
});

describe.each(DIALECTS)('API token revocation on two instances over one %s database', (dialect) => {
  let database: string;
  let drop: () => Promise<void>;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    if (dialect === 'postgres') {
      const pg = await createTestDatabase(inject('pgUrl'));
      database = pg.url;
      drop = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'et-api-tokens-'));
      database = join(dir, 'shared.db');
      drop = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await drop?.();
  });

  it('a token revoked through instance A is refused at once by A and by B, which had just accepted it', async () => {
    const a = await startServer(dialect, { database });
    const b = await startServer(dialect, { database });
    servers.push(a, b);
    const user = await a.user();
    const { id, token } = await createToken(a, user, { preset: 'read-only', expiresInDays: 30 });
    for (let i = 0; i < 3; i += 1) {
      expect((await a.request('GET', '/expenses', { token })).status).toBe(200);
      expect((await b.request('GET', '/expenses', { token })).status).toBe(200);
    }
    expectProblem(await a.request('GET', '/expenses', { token: altered(token) }), 401, 'UNAUTHORIZED');
    expectProblem(await b.request('GET', '/expenses', { token: altered(token) }), 401, 'UNAUTHORIZED');

    expect((await a.request('DELETE', `/auth/tokens/${id}`, { token: user.token })).status).toBe(204);
    expectProblem(await b.request('GET', '/expenses', { token }), 401, 'UNAUTHORIZED');
    expectProblem(await a.request('GET', '/expenses', { token }), 401, 'UNAUTHORIZED');
  });
});

describe('ApiTokenService.authenticate', () => {
  it('refuses a token with a wrong checksum without reading the database', async () => {
    const sqlite = new Database(':memory:');
    const db = new Kysely<ServerDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    await SERVER_TABLES.migrate(db);
    const at = '2026-11-15T12:00:00.000Z';
    await db
      .insertInto('srv_account')
      .values({
        id: 'acc_1',
        username: 'a',
        username_key: 'a',
        username_skeleton: 'a',
        email: null,
        password_hash: 'x',
        created_at: at,
        updated_at: at,
      })
      .execute();
    const tokens = new ApiTokenService({ db, clock: manualClock() });
    const { token } = await tokens.create('acc_1', { name: 'x', preset: 'full', expiresInDays: 1 });
    expect(await tokens.authenticate(token)).toMatchObject({ kind: 'api-token', accountId: 'acc_1' });
    sqlite.close(); // any read from here on throws
    await expect(tokens.authenticate(token)).rejects.toThrow();
    expect(await tokens.authenticate(altered(token))).toBeNull();
    expect(await tokens.authenticate('etk_short')).toBeNull();
  });
});
