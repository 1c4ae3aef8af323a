import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

describe.each(DIALECTS)('auth over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('register → 201 with the account, login → an OAuth2 token pair, /auth/me → the account', async () => {
    const registered = await api.request('POST', '/auth/register', {
      body: { username: 'Alice', password: 'correct horse battery', timezone: 'Europe/Berlin', currency: 'EUR' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      username: 'Alice',
      email: null,
      settings: { timezone: 'Europe/Berlin', currency: 'EUR', weekStartsOn: 1 },
    });
    expect(registered.body.id).toMatch(/^acc_/);
    expect(registered.body).not.toHaveProperty('password_hash');
    const login = await api.request('POST', '/auth/login', {
      body: { username: 'alice', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^rt_/),
    });
    expect(login.headers.get('cache-control')).toBe('no-store');
    const me = await api.request('GET', '/auth/me', { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(registered.body.id);
  });

  it('login takes the form-encoded OAuth2 password grant too', async () => {
    const { username, password } = await api.user();
    const form = new URLSearchParams({ grant_type: 'password', username, password }).toString();
    const login = await api.request('POST', '/auth/login', {
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('bearer');
  });

  it('a taken username (in any case) is a 409; a short password a 422 naming the field', async () => {
    const { username } = await api.user();
    const again = await api.request('POST', '/auth/register', {
      body: { username: username.toUpperCase(), password: 'another password' },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const short = await api.request('POST', '/auth/register', { body: { username: 'shorty', password: 'x' } });
    expect(short.status).toBe(422);
    expect(short.body.issues.map((i: { path: string[] }) => i.path)).toContainEqual(['password']);
  });

  it('an unknown user and a wrong password get the same 401 answer', async () => {
    const { username } = await api.user();
    const wrong = await api.request('POST', '/auth/login', { body: { username, password: 'not the password' } });
    const unknown = await api.request('POST', '/auth/login', {
      body: { username: 'nobody-here', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('refresh rotates the pair; reusing a rotated refresh token revokes the whole session', async () => {
    const u = await api.user();
    const first = await api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(u.refresh);
    // GET with the refresh token as bearer works too, as the seed lists it.
    const second = await api.request('GET', '/auth/refresh', { token: first.body.refresh_token });
    expect(second.status).toBe(200);
    expect((await api.request('GET', '/auth/me', { token: second.body.access_token })).status).toBe(200);
    // The first refresh token again: reuse → 401, and the session (all its tokens) is revoked.
    const reuse = await api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } });
    expect(reuse.status).toBe(401);
    expect((await api.request('GET', '/auth/me', { token: second.body.access_token })).status).toBe(401);
    expect(
      (await api.request('POST', '/auth/refresh', { body: { refresh_token: second.body.refresh_token } })).status,
    ).toBe(401);
  });

  it('logout revokes the session at once: its access token gets 401', async () => {
    const u = await api.user();
    expect((await api.request('GET', '/expenses', { token: u.token })).status).toBe(200);
    expect((await api.request('POST', '/auth/logout', { token: u.token })).status).toBe(204);
    const after = await api.request('GET', '/expenses', { token: u.token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHORIZED');
  });

  it('routes other than auth, health and docs need a token', async () => {
    for (const path of ['/expenses', '/categories', '/auth/me']) {
      const response = await api.request('GET', path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await api.request('GET', '/expenses', { token: 'not-a-jwt' })).status).toBe(401);
  });

  it('PATCH /auth/me changes settings, and a password change needs the current one', async () => {
    const u = await api.user();
    const patched = await api.request('PATCH', '/auth/me', {
      token: u.token,
      body: { currency: 'JPY', timezone: 'Asia/Tokyo' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toMatchObject({ currency: 'JPY', timezone: 'Asia/Tokyo' });
    const noCurrent = await api.request('PATCH', '/auth/me', {
      token: u.token,
      body: { password: 'a brand new password' },
    });
    expect(noCurrent.status).toBe(422);
    const changed = await api.request('PATCH', '/auth/me', {
      token: u.token,
      body: { password: 'a brand new password', currentPassword: u.password },
    });
    expect(changed.status).toBe(200);
    expect(
      (await api.request('POST', '/auth/login', { body: { username: u.username, password: 'a brand new password' } }))
        .status,
    ).toBe(200);
  });

  it('failed logins are throttled with 429 and Retry-After', async () => {
    const { username } = await api.user();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await api.request('POST', '/auth/login', { body: { username, password: `wrong ${i}` } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const limited = await api.request('POST', '/auth/login', { body: { username, password: 'wrong again' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.code).toBe('RATE_LIMITED');
  });

  it('malformed JSON is a 400 problem, an unknown route a 404 problem, and nothing leaks a stack trace', async () => {
    const u = await api.user();
    const bad = await api.request('POST', '/expenses', {
      token: u.token,
      body: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.js|node_modules/);
    const missing = await api.request('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
  });
});
