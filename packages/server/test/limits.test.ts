import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

describe('limits and headers', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('sqlite', { corsOrigins: ['https://app.example.com'] });
  });
  afterAll(async () => {
    await api.close();
  });

  it('a JSON body over 1 MiB is a 413 problem and stores nothing; the batch route takes up to 5 MiB', async () => {
    const u = await api.user();
    const big = await api.request('POST', '/expenses', {
      token: u.token,
      body: { amount: '1', notes: 'x'.repeat(1_100_000) },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect((await api.request('GET', '/expenses', { token: u.token })).body.items).toEqual([]);
    // ~1.5 MiB of valid expenses is fine on /expenses/batch…
    const items = Array.from({ length: 1000 }, (_, i) => ({
      amount: '1.25',
      description: `item ${i}`,
      notes: 'n'.repeat(1500),
    }));
    const batch = await api.request('POST', '/expenses/batch', { token: u.token, body: items });
    expect(batch.status).toBe(201);
    expect(batch.body.items).toHaveLength(1000);
    // …and over 5 MiB is refused there too.
    const huge = await api.request('POST', '/expenses/batch', {
      token: u.token,
      body: [{ amount: '1', notes: 'x'.repeat(5_300_000) }],
    });
    expect(huge.status).toBe(413);
  });

  it('an unsupported content type is a 415 problem', async () => {
    const u = await api.user();
    const response = await api.request('POST', '/expenses', {
      token: u.token,
      body: '<expense/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it("every response has security headers, success or error; a page has all of helmet's", async () => {
    for (const path of ['/health', '/nope', '/expenses', '/app', '/docs']) {
      const response = await api.request('GET', path);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('x-request-id')).toMatch(/.+/);
      const page = (response.headers.get('content-type') ?? '').startsWith('text/html');
      expect(page, path).toBe(path === '/app' || path === '/docs');
      // A JSON answer opened as a page may load nothing and be framed by no one.
      expect(response.headers.get('content-security-policy')).toBe(
        page
          ? "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
          : "default-src 'none'; frame-ancestors 'none'",
      );
      // Helmet's headers for documents, on pages only.
      for (const name of [
        'origin-agent-cluster',
        'cross-origin-opener-policy',
        'x-dns-prefetch-control',
        'x-xss-protection',
      ])
        expect(response.headers.has(name), `${path} ${name}`).toBe(page);
    }
  });

  it('CORS answers only the configured origins', async () => {
    const allowed = await api.request('OPTIONS', '/expenses', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await api.request('GET', '/health', { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with trustProxy, failed logins are throttled per forwarded client address, not per proxy', async () => {
    const proxied = await startServer('sqlite', { trustProxy: true });
    try {
      const login = (address: string, i: number) =>
        proxied.request('POST', '/auth/login', {
          body: { username: `nobody${i}`, password: 'wrong password' },
          headers: { 'x-forwarded-for': address },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1) statuses.push((await login('203.0.113.7', i)).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
      // Another client behind the same proxy is not blocked.
      expect((await login('198.51.100.9', 99)).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
