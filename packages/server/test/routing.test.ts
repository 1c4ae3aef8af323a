import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/routes/api-routes.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * A fixed path (no `{param}`) is found in a map instead of through `@koa/router`
 * (src/http/mount-routes.ts). It must answer exactly as the router did: case-insensitively,
 * with or without a trailing slash (the router answers that one), HEAD for GET, a 405 with
 * `Allow` for another method, and never in place of a parameter route the router would choose.
 */
describe('routing: fixed paths answer as the router does', () => {
  let api: TestServer;
  let token: string;
  beforeAll(async () => {
    api = await startServer('sqlite');
    token = (await api.user()).token;
    await api.request('POST', '/expenses', { token, body: { amount: '4.20', date: '2026-11-02' } });
  });
  afterAll(async () => {
    await api.close();
  });

  const fixedGets = API_ROUTES.filter((r) => r.method === 'get' && !r.path.includes('{') && !r.socket).map(
    (r) => r.path,
  );

  it('every fixed GET path answers the same in upper case and with a trailing slash', async () => {
    expect(fixedGets.length).toBeGreaterThan(10);
    for (const path of fixedGets) {
      const plain = await api.request('GET', path, { token });
      expect(plain.body?.code, path).not.toBe('ROUTE_NOT_FOUND'); // (GET /budget is a 404 NOT_FOUND without one)
      for (const variant of [path.toUpperCase(), `${path}/`]) {
        const other = await api.request('GET', variant, { token });
        expect(other.status, variant).toBe(plain.status);
        expect(other.body?.code, variant).toBe(plain.body?.code);
        expect(other.headers.get('content-type'), variant).toBe(plain.headers.get('content-type'));
      }
    }
  });

  it('answers the same body through the map and through the router', async () => {
    const mapped = await api.request('GET', '/expenses', { token });
    const routed = await api.request('GET', '/Expenses/', { token });
    expect(mapped.body.items).toHaveLength(1);
    expect(routed.body).toEqual(mapped.body);
    expect(mapped.headers.get('cache-control')).toBe('no-store');
    expect(routed.headers.get('cache-control')).toBe('no-store');
  });

  it('HEAD runs the GET route without a body; another method is a 405 with Allow', async () => {
    const head = await api.request('HEAD', '/health');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    const post = await api.request('POST', '/health', { body: {} });
    expect(post.status).toBe(405);
    expect(post.body.code).toBe('METHOD_NOT_ALLOWED');
    expect(post.headers.get('allow')).toMatch(/\bGET\b/);
  });

  it('a fixed path never takes a request its parameter sibling should answer', async () => {
    // POST /expenses/batch is fixed; GET /expenses/batch is GET /expenses/{id} with id "batch".
    const get = await api.request('GET', '/expenses/batch', { token });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('NOT_FOUND');
    const batch = await api.request('POST', '/expenses/batch', {
      token,
      body: [{ amount: '1.00', date: '2026-11-03' }],
    });
    expect(batch.status).toBe(201);
  });
});
