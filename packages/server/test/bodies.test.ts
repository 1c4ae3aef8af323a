import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './support/problems.js';
import { rawHttpClient, requestHead } from './support/raw-http.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { waitFor } from './support/process.js';

/**
 * Request bodies are read only for requests that may have one (issue 11, findings 6 and 8):
 * a route that needs a token authenticates before it reads a byte of the body, so an
 * anonymous client cannot make the server parse megabytes of JSON for a 401; and forms are
 * taken only where OAuth2 clients send them (`/auth/login`, `/auth/refresh`).
 */
describe.each(DIALECTS)('request bodies on %s', (dialect) => {
  let api: TestServer;
  let token: string;
  beforeAll(async () => {
    api = await startServer(dialect);
    ({ token } = await api.user());
  });
  afterAll(async () => {
    await api.close();
  });

  /** Routes that need a token and take a body. */
  const routes: [method: string, path: string][] = [
    ['POST', '/expenses/batch'],
    ['POST', '/expenses'],
    ['PATCH', '/expenses/exp_anything'],
    ['POST', '/categories'],
    ['PUT', '/budget'],
    ['POST', '/alerts'],
    ['PATCH', '/auth/me'],
    ['POST', '/auth/logout'],
  ];

  it.each(routes)(
    'an anonymous %s %s whose 5 MiB body never finishes is answered 401 at once, without waiting for the body',
    async (method, path) => {
      for (const authorization of [null, 'Bearer not-a-token']) {
        const client = await rawHttpClient(api.url);
        try {
          const headers = {
            'Content-Type': 'application/json',
            'Content-Length': 5 * 1024 * 1024,
            ...(authorization ? { Authorization: authorization } : {}),
          };
          // The head and the first 64 KiB; the rest never comes. Before, the parser waited for it
          // (until Node's request timeout, 5 minutes by default): no answer at all.
          client.socket.write(requestHead(method, path, headers));
          client.socket.write(`[${'{"amount":"1.00"},'.repeat(3500)}`);
          const answer = await waitFor(
            `the answer to ${method} ${path}`,
            () => client.received(),
            (text) => /\r\n\r\n\{[\s\S]*\}$/.test(text),
            5000,
          );
          expect(answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
          expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json/i);
          expect(answer).toMatch(/"code":"UNAUTHORIZED"/);
        } finally {
          client.socket.destroy();
        }
      }
    },
  );

  it('an anonymous body that is not JSON, or not of a JSON type, is a 401 too (it is never looked at)', async () => {
    const malformed = await api.request('POST', '/expenses/batch', {
      body: `[${'{"amount":"1.00"},'.repeat(200_000)}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(malformed, 401, 'UNAUTHORIZED');
    const xml = await api.request('POST', '/expenses', {
      body: '<expense/>',
      headers: { 'content-type': 'application/xml' },
    });
    expectProblem(xml, 401, 'UNAUTHORIZED');
    // With a token the same bodies are refused for what they are.
    expectProblem(
      await api.request('POST', '/expenses', {
        token,
        body: '{"amount":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'MALFORMED_JSON',
    );
    expectProblem(
      await api.request('POST', '/expenses', {
        token,
        body: '<expense/>',
        headers: { 'content-type': 'application/xml' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('a form body is a 415 on every route but /auth/login and /auth/refresh, and stores nothing', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const refused: [string, string, string][] = [
      ['POST', '/expenses', 'amount=12.50&description=form'],
      ['POST', '/expenses/batch', 'amount=1'],
      ['POST', '/categories', 'name=Form'],
      ['POST', '/budgets', 'name=Form&amount=10'],
      ['PATCH', '/auth/me', 'timezone=Europe%2FBerlin'],
    ];
    for (const [method, path, body] of refused) {
      const answer = await api.request(method, path, { token, body, headers: form });
      expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(answer.body.detail).toBe('Send application/json');
    }
    expectProblem(
      await api.request('POST', '/auth/register', {
        body: 'username=formuser&password=correct+horse+battery',
        headers: form,
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await api.request('GET', '/expenses', { token })).body.items).toEqual([]);
    expect((await api.request('GET', '/categories', { token })).body).toEqual([]);
    expect((await api.request('GET', '/auth/me', { token })).body.settings.timezone).toBe('UTC');

    // The OAuth2 password grant and refresh, as the interactive docs' "Authorize" button sends them.
    const { username, password } = await api.user();
    const login = await api.request('POST', '/auth/login', {
      body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
      headers: form,
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const refresh = await api.request('POST', '/auth/refresh', {
      body: new URLSearchParams({ refresh_token: login.body.refresh_token }).toString(),
      headers: form,
    });
    expect(refresh.status, JSON.stringify(refresh.body)).toBe(200);
    expect(refresh.body.access_token).toEqual(expect.any(String));
  });
});
