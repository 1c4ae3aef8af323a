import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { processUser, startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { parseAnswers } from './support/raw-http.js';

/**
 * Slow and idle clients (issue 7, part 5) against a real server process (`src/main.ts`),
 * with raw TCP sockets: a client that trickles its headers (slowloris) or its body, or that
 * connects and sends nothing, is cut off with a 408 once the configured timeout passes, and
 * hundreds of idle connections do not keep a normal client from being answered. The
 * timeouts are shortened through the environment (`HEADERS_TIMEOUT`, `REQUEST_TIMEOUT`,
 * `KEEP_ALIVE_TIMEOUT`, in seconds) so that the tests take seconds, not minutes.
 */

/** A raw TCP client that records what it receives and when the server closed it. */
interface RawClient {
  socket: Socket;
  openedAt: number;
  received(): string;
  /** Resolves with the time the connection closed, measured from `openedAt`. */
  closed: Promise<number>;
  /** Whether it is still open (the server has not closed it, and neither have we). */
  isOpen(): boolean;
}

async function rawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let data = '';
  let open = true;
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  // The server may reset a connection it cuts off while the client is still writing.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const openedAt = performance.now();
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      open = false;
      resolve(performance.now() - openedAt);
    }),
  );
  return { socket, openedAt, received: () => data, closed, isOpen: () => open };
}

/** Asserts a client was answered 408 with a problem body, like every other error (or, when `orNothing`, not at all). */
function expectTimeoutProblem(received: string, orNothing = false): void {
  if (orNothing && received === '') return;
  const { answers, rest } = parseAnswers(received);
  expect(
    answers.map((a) => a.status),
    received.slice(0, 300),
  ).toEqual([408]);
  expect(rest).toBe('');
  expect(answers[0]!.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(answers[0]!.body)).toMatchObject({
    status: 408,
    code: 'REQUEST_TIMEOUT',
    title: 'Request Timeout',
  });
}

/** Writes `text` one byte every `everyMs` until it is all sent or the connection is gone. */
function drip(client: RawClient, text: string, everyMs: number): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      if (!client.isOpen() || client.socket.destroyed || i >= text.length) {
        clearInterval(timer);
        resolve();
        return;
      }
      client.socket.write(text[i]!);
      i += 1;
    }, everyMs);
  });
}

/** Sends `GET /health` on an open connection and waits for the whole (small) answer. */
async function getHealthOn(client: RawClient): Promise<string> {
  const before = client.received().length;
  client.socket.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
  const answer = await waitFor(
    'the /health answer',
    () => client.received().slice(before),
    (text) => /\r\n\r\n[\s\S]*\}$/.test(text),
    5000,
  );
  return answer;
}

const processes: ServerProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
}, 30_000);

async function start(env: Record<string, string>): Promise<ServerProcess> {
  // A SQLite file in the process's own working directory, removed when it exits.
  const server = await startServerProcess('sqlite:./tracker.db', env);
  processes.push(server);
  return server;
}

describe('connection timeouts are configuration', () => {
  const base = { JWT_SECRET: 'a-secret-that-is-at-least-32-characters-long' };

  it('defaults to 10 s for headers, 30 s for the whole request and 5 s for idle keep-alive connections', () => {
    expect(loadConfig(base)).toMatchObject({ headersTimeout: 10, requestTimeout: 30, keepAliveTimeout: 5 });
    expect(loadConfig({ ...base, HEADERS_TIMEOUT: '1', REQUEST_TIMEOUT: '2', KEEP_ALIVE_TIMEOUT: '3' })).toMatchObject({
      headersTimeout: 1,
      requestTimeout: 2,
      keepAliveTimeout: 3,
    });
  });

  it('refuses values that cannot work, naming the variable', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ HEADERS_TIMEOUT: '0' }, /HEADERS_TIMEOUT: HEADERS_TIMEOUT must be at least 1 second/],
      [{ REQUEST_TIMEOUT: 'soon' }, /REQUEST_TIMEOUT: REQUEST_TIMEOUT must be a number of seconds/],
      [{ KEEP_ALIVE_TIMEOUT: '2.5' }, /KEEP_ALIVE_TIMEOUT: KEEP_ALIVE_TIMEOUT must be a whole number of seconds/],
      [{ HEADERS_TIMEOUT: '40' }, /HEADERS_TIMEOUT: HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT/],
      [
        { HEADERS_TIMEOUT: '5', REQUEST_TIMEOUT: '4' },
        /HEADERS_TIMEOUT: HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT/,
      ],
    ];
    for (const [env, message] of bad) {
      expect(() => loadConfig({ ...base, ...env }), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, ...env }), JSON.stringify(env)).toThrow(message);
    }
  });
});

describe('slow clients are cut off (HEADERS_TIMEOUT=1, REQUEST_TIMEOUT=2)', () => {
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    server = await start({ HEADERS_TIMEOUT: '1', REQUEST_TIMEOUT: '2', KEEP_ALIVE_TIMEOUT: '1' });
    ({ token } = await processUser(server, 'slow-client'));
  });

  it('a client that trickles its headers (slowloris) gets a 408 and is disconnected after the headers timeout', async () => {
    const client = await rawClient(server.url);
    client.socket.write('GET /health HTTP/1.1\r\nHost: test\r\n');
    // One more header byte every 100 ms, never the blank line that ends the headers: 60 s worth.
    const dripping = drip(client, `X-Slow: ${'a'.repeat(600)}`, 100);
    const closedAfter = await client.closed;
    await dripping;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expectTimeoutProblem(client.received());
    // 1 s, plus Node's sweep interval (250 ms here) and some scheduling noise; never 30 s.
    expect(closedAfter).toBeGreaterThanOrEqual(950);
    expect(closedAfter).toBeLessThan(3000);
  });

  it('a client that connects and sends nothing is disconnected after the headers timeout too', async () => {
    const client = await rawClient(server.url);
    const closedAfter = await client.closed;
    expectTimeoutProblem(client.received(), true);
    expect(closedAfter).toBeGreaterThanOrEqual(950);
    expect(closedAfter).toBeLessThan(3000);
  });

  /** A raw authenticated POST /expenses with a JSON body of this description. */
  const expenseRequest = (description: string) => {
    const body = JSON.stringify({ amount: '12.50', description });
    const head = `POST /expenses HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return { head, body };
  };

  it('a POST whose body arrives a byte at a time is answered 408 after the request timeout, and nothing is stored', async () => {
    const { head, body } = expenseRequest('trickled body');
    expect(body.length).toBeGreaterThan(40); // at 100 ms a byte: more than 4 s, twice the timeout
    const client = await rawClient(server.url);
    client.socket.write(head);
    const dripping = drip(client, body, 100);
    const closedAfter = await client.closed;
    await dripping;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expectTimeoutProblem(client.received());
    expect(closedAfter).toBeGreaterThanOrEqual(1950);
    expect(closedAfter).toBeLessThan(4000);
    // Nothing was stored: no expense, no event in the change feed.
    const listed = await server.request('GET', '/expenses', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.filter((e: { description: string }) => e.description === 'trickled body')).toEqual([]);
    const feed = await server.request('GET', '/changes?after=0', { token });
    expect(JSON.stringify(feed.body)).not.toContain('trickled body');
    // The server is unharmed, and it did not count the cut-off request as a server error.
    expect((await server.request('GET', '/health')).status).toBe(200);
    expect(server.output()).not.toMatch(/"msg":"request failed"/);
    // Its log line says what happened: 408, not a 400 for malformed JSON.
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes('"path":"/expenses"') && l.includes('"method":"POST"'));
    expect(line).toMatch(/"status":408/);
  });

  it('the control: the same body trickled within the request timeout is stored (so the 408 above was the timeout’s)', async () => {
    const { head, body } = expenseRequest('slow but in time');
    const client = await rawClient(server.url);
    client.socket.write(head);
    await drip(client, body, 1000 / body.length); // about 1 s for the whole body
    const answer = await waitFor(
      'the answer',
      () => client.received(),
      (text) => /\r\n\r\n[\s\S]*\}$/.test(text),
      5000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    client.socket.destroy();
    const listed = await server.request('GET', '/expenses', { token });
    expect(listed.body.items.map((e: { description: string }) => e.description)).toEqual(['slow but in time']);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout (1 s, plus the 1 s Node adds)', async () => {
    const client = await rawClient(server.url);
    const answer = await getHealthOn(client);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i);
    const answeredAt = performance.now() - client.openedAt;
    // A second request on the same connection still works while it is open.
    expect(await getHealthOn(client)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const idleFor = (await client.closed) - answeredAt;
    expect(idleFor).toBeGreaterThanOrEqual(950);
    expect(idleFor).toBeLessThan(3500);
  });
});

describe('many idle connections (HEADERS_TIMEOUT=3, REQUEST_TIMEOUT=3, KEEP_ALIVE_TIMEOUT=2)', () => {
  const SILENT = 300;
  const KEEP_ALIVE = 50;

  it(`${SILENT} silent sockets and ${KEEP_ALIVE} idle keep-alive ones do not slow /health, and the server closes them all by itself`, async () => {
    const server = await start({ HEADERS_TIMEOUT: '3', REQUEST_TIMEOUT: '3', KEEP_ALIVE_TIMEOUT: '2' });
    const health = async () => {
      const started = performance.now();
      const response = await fetch(`${server.url}/health`);
      await response.text();
      expect(response.status).toBe(200);
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i += 1) await health(); // warm up (the first request compiles routes)
    const idle: number[] = [];
    for (let i = 0; i < 20; i += 1) idle.push(await health());

    const silent = await Promise.all(Array.from({ length: SILENT }, () => rawClient(server.url)));
    const keepAlive = await Promise.all(Array.from({ length: KEEP_ALIVE }, () => rawClient(server.url)));
    await Promise.all(keepAlive.map((client) => getHealthOn(client)));
    const loaded: number[] = [];
    for (let i = 0; i < 20; i += 1) loaded.push(await health());
    // Every idle connection was still held open while those requests were answered.
    expect(silent.every((c) => c.isOpen()) && keepAlive.every((c) => c.isOpen())).toBe(true);

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = `idle median ${median(idle).toFixed(1)} ms, with ${SILENT + KEEP_ALIVE} idle connections median ${median(loaded).toFixed(1)} ms, max ${Math.max(...loaded).toFixed(1)} ms`;
    expect(median(loaded), summary).toBeLessThan(Math.max(50, 5 * median(idle)));
    expect(Math.max(...loaded), summary).toBeLessThan(1000);

    // The server closes every one of them itself: the silent ones after the headers timeout
    // (with a 408), the keep-alive ones after the keep-alive timeout.
    const silentClosed = await Promise.all(silent.map((c) => c.closed));
    const keepAliveClosed = await Promise.all(keepAlive.map((c) => c.closed));
    expect(Math.min(...silentClosed)).toBeGreaterThanOrEqual(2950);
    expect(Math.max(...silentClosed)).toBeLessThan(6000);
    for (const c of silent) expectTimeoutProblem(c.received(), true);
    expect(Math.min(...keepAliveClosed)).toBeGreaterThanOrEqual(1950);
    expect(Math.max(...keepAliveClosed)).toBeLessThan(6000);
    expect((await server.request('GET', '/health')).status).toBe(200);
  }, 60_000);
});
