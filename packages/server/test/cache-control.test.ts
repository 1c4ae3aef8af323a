import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/routes/api-routes.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * Personal data is never cached (issue 11, finding 8): every answer of a route that needs a
 * token, or of `/auth/*`, success or problem, is `Cache-Control: no-store`, so no shared
 * cache or browser history keeps a copy of someone's expenses, account or tokens.
 */
describe.each(DIALECTS)('Cache-Control on %s', (dialect) => {
  let api: TestServer;
  let user: Awaited<ReturnType<TestServer['user']>>;
  beforeAll(async () => {
    api = await startServer(dialect);
    user = await api.user();
    await api.request('POST', '/expenses', { token: user.token, body: { amount: '4.20', description: 'coffee' } });
    await api.request('POST', '/budget', { token: user.token, body: { amount: '100' } });
  });
  afterAll(async () => {
    await api.close();
  });

  // Every documented route that needs a token, in the OpenAPI route table; logout last (it ends the session).
  const routes = API_ROUTES.filter((r) => !r.hidden && !r.socket && r.permission !== 'public');
  const personal = [
    ...routes.filter((r) => r.path !== '/auth/logout'),
    ...routes.filter((r) => r.path === '/auth/logout'),
  ];

  it(`is no-store on all ${personal.length} routes that need a token: with the token (whatever the answer) and without it (401)`, async () => {
    const statuses = new Set<number>();
    for (const route of personal) {
      const path = route.path.replace(/\{id\}/g, 'id_that_does_not_exist');
      const method = route.method.toUpperCase();
      const body = (route.body ?? route.unchecked?.body) && method !== 'DELETE' ? {} : undefined;
      const anonymous = await api.request(method, path, { body });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(anonymous.headers.get('cache-control'), `${method} ${path} without a token`).toBe('no-store');
      const answer = await api.request(method, path, { token: user.token, body });
      statuses.add(answer.status);
      expect(answer.headers.get('cache-control'), `${method} ${path}: ${answer.status}`).toBe('no-store');
    }
    // Successes, refusals and missing records were all among them.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 204, 404, 422]));
  });

  it('is no-store on the public account routes too (tokens, registration, their problems), and not on public documents', async () => {
    const { username, password } = await api.user();
    const answers = [
      await api.request('POST', '/auth/login', { body: { username, password } }),
      await api.request('POST', '/auth/login', { body: { username, password: 'wrong password' } }),
      await api.request('POST', '/auth/register', { body: { username: `${username}x`, password } }),
      await api.request('POST', '/auth/register', { body: { username: 'x' } }),
      await api.request('POST', '/auth/refresh', { body: { refresh_token: 'nope' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 201, 422, 401]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await api.request('GET', '/openapi.json')).headers.get('cache-control')).not.toBe('no-store');
  });
});
