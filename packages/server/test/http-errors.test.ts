import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDashboardRouter } from '../src/routes/dashboard.js';
import { expectProblem } from './support/problems.js';
import { rawExchange, type RawAnswer } from './support/raw-http.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Error answers written before (or beside) the app: what Node's HTTP parser refuses
 * (`clientError`), the checks Node makes itself (Host, Expect), and refused WebSocket
 * handshakes. Each is a problem+json answer like every other error, sent over raw TCP to a
 * real listening server started the way the package starts one (`createApp(...).listen()`).
 * SQLite only: the database plays no part before a request reaches the app.
 */

/** The `type` URI of a problem code, as the app's own problems carry it. */
const typeOf = (code: string) => `https://expense-tracker.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;

/** Asserts a raw answer is this problem, sent as problem+json with nosniff; returns its body. */
function expectRawProblem(answer: RawAnswer | undefined, status: number, code: string): Record<string, unknown> {
  expect(answer, 'no answer at all').toBeDefined();
  expect(answer!.status, answer!.body).toBe(status);
  expect(answer!.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer!.headers['x-content-type-options']).toBe('nosniff');
  const body = JSON.parse(answer!.body) as Record<string, unknown>;
  expect(body).toMatchObject({
    type: typeOf(code),
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
  });
  return body;
}

describe('errors answered before the app runs are problems too', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('sqlite');
  });
  afterAll(async () => {
    await api.close();
  });

  /** Sends `head` (and `body`) on its own connection; expects exactly one answer, then the server closing. */
  async function refused(head: string, body = ''): Promise<RawAnswer> {
    const exchange = await rawExchange(api.url, head + body);
    expect(exchange.closedByServer, 'the server closed the connection').toBe(true);
    expect(exchange.answers, exchange.raw.slice(0, 300)).toHaveLength(1);
    expect(exchange.answers[0]!.headers.connection).toBe('close');
    return exchange.answers[0]!;
  }

  it('a malformed request line is a 400 MALFORMED_REQUEST problem, and the connection is closed', async () => {
    for (const line of [
      'G@T /health HTTP/1.1',
      'hello',
      'GET /a b HTTP/1.1',
      'GET /health HTTP/9.9',
      'GET /health HTTP/1.1 extra',
      '\u0000\u0001\u0002',
    ]) {
      const body = expectRawProblem(await refused(`${line}\r\nHost: test\r\n\r\n`), 400, 'MALFORMED_REQUEST');
      expect(body.detail, line).toMatch(/^The request is not valid HTTP\/1\.1/);
    }
  });

  it('malformed headers are 400 problems: a space in a name, a control character in a value, Content-Length beside Transfer-Encoding, a Content-Length that is not a number, bare LF line ends', async () => {
    for (const head of [
      'GET /health HTTP/1.1\r\nHost: test\r\nBad Name: x\r\n\r\n',
      'GET /health HTTP/1.1\r\nHost: test\r\nX-A: a\u0000b\r\n\r\n',
      'POST /expenses HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /expenses HTTP/1.1\r\nHost: test\r\nContent-Length: 12abc\r\n\r\n',
      'GET /health HTTP/1.1\nHost: test\n\n',
    ]) {
      expectRawProblem(await refused(head), 400, 'MALFORMED_REQUEST');
    }
  });

  it('a chunked body with a bad chunk size is a 400 problem, and chunk extensions over 16 KiB a 413 problem, though the app had the request', async () => {
    const head =
      'POST /expenses HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    expectRawProblem(await refused(head, 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'MALFORMED_REQUEST');
    const body = expectRawProblem(
      await refused(head, `2;${'e'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(body.detail).toMatch(/chunk extension/i);
  });

  it('a request line over 16 KiB is a 414 URI_TOO_LONG problem; headers over 16 KiB, one large or thousands of small, a 431 HEADERS_TOO_LARGE problem', async () => {
    const long = expectRawProblem(
      await refused(`GET /budgets/${'x'.repeat(12_000)}?q=${'a'.repeat(8_000)} HTTP/1.1\r\nHost: test\r\n\r\n`),
      414,
      'URI_TOO_LONG',
    );
    expect(long.detail).toMatch(/16 KiB/);
    expect(long.detail).not.toMatch(/xxxx|aaaa/); // nothing of the request is echoed
    expectRawProblem(
      await refused(`GET /health HTTP/1.1\r\nHost: test\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`),
      431,
      'HEADERS_TOO_LARGE',
    );
    const many = Array.from({ length: 3000 }, (_, i) => `X-Many-${i}: v\r\n`).join('');
    expectRawProblem(await refused(`GET /health HTTP/1.1\r\nHost: test\r\n${many}\r\n`), 431, 'HEADERS_TOO_LARGE');
    // Just under the limit is served as usual.
    const fits = await rawExchange(api.url, `GET /health?q=${'a'.repeat(15_000)} HTTP/1.1\r\nHost: test\r\n\r\n`);
    expect(fits.answers.map((a) => a.status)).toEqual([200]);
  });

  it('an HTTP/1.1 request without Host is a 400 problem (Node’s own check answered a bare 400); HTTP/1.0 needs none', async () => {
    const noHost = await rawExchange(api.url, 'GET /health HTTP/1.1\r\n\r\n');
    expect(noHost.answers).toHaveLength(1);
    expect(expectRawProblem(noHost.answers[0], 400, 'MALFORMED_REQUEST').detail).toMatch(/Host/);
    const old = await rawExchange(api.url, 'GET /health HTTP/1.0\r\n\r\n');
    expect(old.answers.map((a) => [a.status, a.body])).toEqual([[200, '{"status":"ok"}']]);
  });

  it('an Expect other than 100-continue is a 417 EXPECTATION_FAILED problem (Node answered a bare 417); 100-continue is served', async () => {
    const refusedAnswer = await rawExchange(
      api.url,
      'GET /health HTTP/1.1\r\nHost: test\r\nExpect: the-unexpected\r\n\r\n',
    );
    expectRawProblem(refusedAnswer.answers[0], 417, 'EXPECTATION_FAILED');
    const continued = await rawExchange(
      api.url,
      'POST /auth/login HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(continued.answers.map((a) => a.status)).toEqual([100, 422]);
  });

  it('a method the router does not know (TRACE) is a 501 NOT_IMPLEMENTED problem, not its text/plain; CONNECT one too (Node closed the connection without a word)', async () => {
    const trace = await rawExchange(api.url, 'TRACE /expenses HTTP/1.1\r\nHost: test\r\n\r\n');
    expect(trace.answers).toHaveLength(1);
    expectRawProblem(trace.answers[0], 501, 'NOT_IMPLEMENTED');
    const connectAnswer = await refused('CONNECT test:443 HTTP/1.1\r\nHost: test:443\r\n\r\n');
    expect(expectRawProblem(connectAnswer, 501, 'NOT_IMPLEMENTED').detail).toMatch(/not a proxy/);
  });

  it('a WebSocket handshake that cannot be one is a problem: 400 for another protocol, no key or a bad version, 405 for a method other than GET', async () => {
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const upgrade = (method: string, headers: string) =>
      `${method} /ws/notifications HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\n${headers}\r\n`;
    expectRawProblem(
      await refused(upgrade('GET', `Upgrade: h2c\r\n${key}Sec-WebSocket-Version: 13\r\n`)),
      400,
      'MALFORMED_REQUEST',
    );
    expectRawProblem(
      await refused(upgrade('GET', 'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n')),
      400,
      'MALFORMED_REQUEST',
    );
    const version = await refused(upgrade('GET', `Upgrade: websocket\r\n${key}Sec-WebSocket-Version: 99\r\n`));
    expectRawProblem(version, 400, 'MALFORMED_REQUEST');
    expect(version.headers['sec-websocket-version']).toBe('13, 8');
    const post = await refused(
      upgrade('POST', `Upgrade: websocket\r\n${key}Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n`),
    );
    expectRawProblem(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers.allow).toBe('GET');
  });

  it('any mangled request gets only well-formed answers: no server failure (5xx but 501 for a method it does not implement), every error a problem whose status is the answer’s', async () => {
    // Mostly well-formed parts, so that a mangled one is met among answers of the app too.
    const token = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
      fc.constantFrom('TRACE', 'CONNECT', 'PROPFIND', 'BREW', 'G@T', '', 'get', 'GET\u0000'),
    );
    const target = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('/health', '/expenses', '/budgets/x', '/nope', '/ws/notifications') },
      fc.constantFrom('*', 'http://test/health', '/%zz', '', '/a b', '/\u00e9'),
      fc.integer({ min: 15_000, max: 20_000 }).map((n) => `/health?q=${'a'.repeat(n)}`),
    );
    const version = fc.oneof(
      { weight: 4, arbitrary: fc.constant('HTTP/1.1') },
      fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 ', ''),
    );
    const name = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          'Host',
          'Content-Length',
          'Transfer-Encoding',
          'Expect',
          'Connection',
          'Upgrade',
          'Sec-WebSocket-Key',
          'Sec-WebSocket-Version',
          'Content-Type',
          'X-A',
        ),
      },
      fc.constantFrom('Bad Name', '', 'X-\u00e9'),
    );
    const value = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          '',
          'test',
          '0',
          '2',
          '5',
          '-1',
          '12abc',
          'chunked',
          'gzip, chunked',
          '100-continue',
          'nope',
          'close',
          'keep-alive',
          'Upgrade',
          'websocket',
          'h2c',
          'dGhlIHNhbXBsZSBub25jZQ==',
          '13',
          'application/json',
        ),
      },
      fc.constantFrom('a\u0000b', 'a\rb'),
      fc.integer({ min: 17_000, max: 20_000 }).map((n) => 'v'.repeat(n)),
    );
    const request = fc.record({
      line: fc.tuple(token, target, version).map((parts) => parts.join(' ')),
      host: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
      headers: fc.array(fc.tuple(name, value), { maxLength: 4 }),
      eol: fc.oneof({ weight: 6, arbitrary: fc.constant('\r\n') }, fc.constant('\n')),
      // Bytes past a request without a length are read as the next request.
      body: fc.oneof(
        { weight: 4, arbitrary: fc.constant('') },
        fc.constantFrom(
          '{}',
          '{"amount":"1"}',
          '0\r\n\r\n',
          'zz\r\n',
          'GET /health HTTP/1.1\r\nHost: test\r\n\r\n',
          '\u0000\u00ff',
        ),
      ),
    });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ line, host, headers, eol, body }) => {
        const text =
          line +
          eol +
          [...(host ? [['Host', 'test']] : []), ...headers].map(([n, v]) => `${n}: ${v}${eol}`).join('') +
          eol +
          body;
        const exchange = await rawExchange(api.url, text);
        const what = JSON.stringify(text.slice(0, 200));
        expect(exchange.closedByServer, `${what}: the connection was not closed`).toBe(true);
        for (const answer of exchange.answers) {
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          if (answer.status !== 501) expect(answer.status, `${what} → ${answer.status}`).toBeLessThan(500);
          if (answer.status < 400) continue;
          expect(answer.headers['content-type'], `${what} → ${answer.status}`).toMatch(/^application\/problem\+json/);
          expect(JSON.parse(answer.body), `${what} → ${answer.status}`).toMatchObject({
            type: expect.any(String),
            title: expect.any(String),
            status: answer.status,
            code: expect.any(String),
            detail: expect.any(String),
          });
        }
        // Whatever follows the last whole answer is WebSocket frames after a 101, or nothing.
        if (exchange.answers.at(-1)?.status !== 101)
          expect(exchange.rest, `${what}: bytes that are not an answer`).toBe('');
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 15) * 20 },
    );
    // The generator reaches both the parser's refusals and the app's own answers.
    const count = (statuses: number[]) => statuses.reduce((sum, status) => sum + (seen.get(status) ?? 0), 0);
    expect(count([400, 414, 431]), JSON.stringify([...seen])).toBeGreaterThan(0);
    expect(count([200, 401, 404, 405, 415, 422]), JSON.stringify([...seen])).toBeGreaterThan(0);
  });
});

describe('errors met outside the request handler are problems too', () => {
  /** A pino logger whose lines land in `lines`. */
  function capturingLogger(lines: string[]) {
    return pino(
      { level: 'warn' },
      new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }),
    );
  }

  it('a body JSON cannot serialise (a host’s own route) is a 500 INTERNAL problem with the usual headers, not Koa’s text/plain, and is logged', async () => {
    const lines: string[] = [];
    const api = await startServer('sqlite', {
      logger: capturingLogger(lines),
      extend: (app) => app.use((ctx) => void (ctx.path === '/host/total' && (ctx.body = { total: 10n }))),
    });
    try {
      const answer = await api.request('GET', '/host/total', { headers: { 'x-request-id': 'late-1' } });
      expectProblem(answer, 500, 'INTERNAL');
      expect(answer.headers.get('x-request-id')).toBe('late-1');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(JSON.stringify(answer.body)).not.toMatch(/BigInt|serialize/);
      expect(
        lines.filter((line) => line.includes('"requestId":"late-1"') && line.includes('"msg":"request failed"')),
      ).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it("a 5xx is emitted the Koa way, so a host’s app.on('error') sees it with its context; a 4xx is an answer and is not emitted", async () => {
    const lines: string[] = [];
    const seen: { message: string; path: string }[] = [];
    const api = await startServer('sqlite', {
      logger: capturingLogger(lines),
      extend: (app) => {
        app.on('error', (error: Error, ctx: { path: string }) => seen.push({ message: error.message, path: ctx.path }));
        app.use((ctx) => {
          if (ctx.path === '/host/broken') throw new Error('the host route broke');
        });
      },
    });
    try {
      expectProblem(
        await api.request('GET', '/host/broken', { headers: { 'x-request-id': 'emit-1' } }),
        500,
        'INTERNAL',
      );
      expectProblem(await api.request('GET', '/expenses'), 401, 'UNAUTHORIZED');
      expectProblem(await api.request('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
      expect(seen).toEqual([{ message: 'the host route broke', path: '/host/broken' }]);
      expect(
        lines.filter((line) => line.includes('"requestId":"emit-1"') && line.includes('"msg":"request failed"')),
      ).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('a streamed body that breaks after its headers were sent cannot become a problem: the answer ends short, and it is logged', async () => {
    const lines: string[] = [];
    const api = await startServer('sqlite', {
      logger: capturingLogger(lines),
      extend: (app) =>
        app.use((ctx) => {
          if (ctx.path !== '/host/stream') return;
          let reads = 0;
          ctx.type = 'text/csv';
          ctx.body = new Readable({
            read() {
              reads += 1;
              if (reads === 1) this.push('date,amount\n');
              else setImmediate(() => this.destroy(new Error('disk gone')));
            },
          });
        }),
    });
    try {
      const response = await fetch(`${api.url}/host/stream`, { headers: { 'x-request-id': 'late-2' } });
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
      await vi.waitFor(() =>
        expect(lines.some((line) => line.includes('"requestId":"late-2"') && line.includes('answer ended short'))).toBe(
          true,
        ),
      );
    } finally {
      await api.close();
    }
  });

  it('no problem is written into an answer already under way: a parser error on its connection closes the connection instead', async () => {
    const api = await startServer('sqlite', {
      extend: (app) =>
        app.use((ctx) => {
          if (ctx.path !== '/host/slow') return;
          const body = new PassThrough();
          body.write('first part\n'); // and nothing more until the connection goes
          ctx.type = 'text/plain';
          ctx.body = body;
        }),
    });
    try {
      const { port } = new URL(api.url);
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write('GET /host/slow HTTP/1.1\r\nHost: test\r\n\r\n');
      await vi.waitFor(() => expect(received).toContain('first part'));
      socket.write('G@RBAGE / HTTP/1.1\r\nHost: test\r\n\r\n'); // pipelined: the parser refuses it
      await closed;
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(received).not.toMatch(/HTTP\/1\.1 400|problem/);
    } finally {
      await api.close();
    }
  });

  it('the dashboard before its build is a 503 SERVICE_UNAVAILABLE problem, not text/plain, even mounted on a host’s own Koa app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-dashboard-'));
    const host = new Koa();
    const dashboard = createDashboardRouter(empty);
    host.use(dashboard.routes()).use(dashboard.allowedMethods());
    const server = host.listen(0, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => server.once('listening', resolve));
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/app`);
      expectProblem(
        { status: response.status, headers: response.headers, body: await response.json() },
        503,
        'SERVICE_UNAVAILABLE',
      );
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
