import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAddress,
  createDeliverer,
  type Deliverer,
  type DelivererOptions,
  type ResolveHost,
} from '../src/webhooks/webhooks.js';

/**
 * SSRF-safe outbound delivery (SPEC §7.5) against a real HTTP server on 127.0.0.1, which the
 * policy refuses unless `allowPrivate` says otherwise. Host names resolve through an injected
 * resolver, never the real DNS. Timeouts are short and real: nothing here sleeps on purpose.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
let received: Received[] = [];
/** What the receiver does with the next requests; each test sets it. */
let respond: (request: IncomingMessage, response: ServerResponse) => void;
const deliverers: Deliverer[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      respond(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(async () => {
  received = [];
  await Promise.all(deliverers.splice(0).map((deliverer) => deliverer.close()));
  server.closeAllConnections();
});

function deliverer(options: DelivererOptions = {}): Deliverer {
  const created = createDeliverer(options);
  deliverers.push(created);
  return created;
}
const request = {
  headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
  body: '{"type":"expense.created","seq":7}',
  timeoutMs: 2_000,
};
/** A resolver that answers every name with `addresses` and counts its calls. */
function resolverOf(...addresses: string[]): ResolveHost & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(
    async (hostname: string) => {
      calls.push(hostname);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    { calls },
  );
}

describe('webhook delivery', () => {
  it('POSTs the body and headers and reports the status, when private addresses are allowed', async () => {
    respond = (_, response) => response.writeHead(204).end();
    const outcome = await deliverer({ allowPrivate: true }).deliver(`http://127.0.0.1:${port}/hooks?x=1`, request);
    expect(outcome).toEqual({ kind: 'response', status: 204, retryAfter: null, body: '' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hooks?x=1', body: request.body });
    expect(received[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'user-agent': 'expense-tracker-webhooks',
    });
  });

  it('refuses loopback by default, before anything is sent', async () => {
    respond = (_, response) => response.writeHead(200).end();
    const outcome = await deliverer().deliver(`http://127.0.0.1:${port}/hooks`, request);
    expect(outcome).toMatchObject({ kind: 'failure', reason: 'blocked_address' });
    expect(await deliverer().deliver(`http://[::1]:${port}/`, request)).toMatchObject({
      kind: 'failure',
      reason: 'blocked_address',
    });
    expect(await deliverer().deliver(`http://[::ffff:127.0.0.1]:${port}/`, request)).toMatchObject({
      kind: 'failure',
      reason: 'blocked_address',
    });
    expect(received).toEqual([]);
  });

  it('refuses localhost through the default resolver (the system’s, which reads /etc/hosts for it)', async () => {
    respond = (_, response) => response.writeHead(200).end();
    expect(await deliverer().deliver(`http://localhost:${port}/`, request)).toMatchObject({
      kind: 'failure',
      reason: 'blocked_address',
    });
    expect(received).toEqual([]);
  });

  it('refuses a host name that resolves to a private or metadata address, without connecting', async () => {
    respond = (_, response) => response.writeHead(200).end();
    for (const [addresses, range] of [
      [['127.0.0.1'], 'loopback'],
      [['10.0.0.7'], 'private'],
      [['192.168.1.20'], 'private'],
      [['100.64.3.4'], 'carrierGradeNat'],
      [['169.254.169.254'], 'metadata'],
      [['::ffff:169.254.169.254'], 'metadata'],
      [['fd00:ec2::254'], 'metadata'],
      [['93.184.215.14', '10.0.0.1'], 'private'], // one bad address is enough
    ] as const) {
      const resolve = resolverOf(...addresses);
      const outcome = await deliverer({ resolve }).deliver(`http://hooks.example.test:${port}/`, request);
      expect(outcome, addresses.join()).toMatchObject({ kind: 'failure', reason: 'blocked_address' });
      expect(outcome.kind === 'failure' && outcome.message, addresses.join()).toContain(`(${range})`);
      expect(resolve.calls).toEqual(['hooks.example.test']);
    }
    // The metadata service stays out of reach even where private networks are allowed.
    const outcome = await deliverer({ allowPrivate: true, resolve: resolverOf('169.254.169.254') }).deliver(
      `http://metadata.test:${port}/`,
      request,
    );
    expect(outcome).toMatchObject({ kind: 'failure', reason: 'blocked_address' });
    expect(received).toEqual([]);
  });

  it('connects to the address it checked: a resolver that would answer differently next time is asked once', async () => {
    respond = (_, response) => response.writeHead(200).end('ok');
    // First answer: the listening receiver. Any later answer: an address where nothing listens,
    // so a second resolution between check and connect (DNS rebinding) would fail the request.
    const calls: string[] = [];
    const resolve: ResolveHost = async (hostname) => {
      calls.push(hostname);
      return [{ address: calls.length === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    };
    const outcome = await deliverer({ allowPrivate: true, resolve }).deliver(
      `http://receiver.test:${port}/in`,
      request,
    );
    expect(outcome).toEqual({ kind: 'response', status: 200, retryAfter: null, body: 'ok' });
    expect(calls).toEqual(['receiver.test']);
    expect(received[0]!.headers.host).toBe(`receiver.test:${port}`);
  });

  it('names a host that does not resolve', async () => {
    const failing: ResolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    expect(await deliverer({ resolve: failing }).deliver('https://nowhere.test/', request)).toMatchObject({
      kind: 'failure',
      reason: 'unresolvable',
    });
    expect(await deliverer({ resolve: resolverOf() }).deliver('https://empty.test/', request)).toMatchObject({
      kind: 'failure',
      reason: 'unresolvable',
    });
  });

  it('follows no redirect: a 3xx is a failed attempt, and the target is never asked', async () => {
    respond = (request, response) => {
      if (request.url === '/hooks') response.writeHead(307, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
      else response.writeHead(200).end();
    };
    const outcome = await deliverer({ allowPrivate: true }).deliver(`http://127.0.0.1:${port}/hooks`, request);
    expect(outcome).toMatchObject({ kind: 'failure', reason: 'redirect', status: 307 });
    expect(received.map((r) => r.url)).toEqual(['/hooks']);
  });

  it('times out on a receiver that never answers', async () => {
    respond = () => {}; // reads the request, never responds
    const started = performance.now();
    const outcome = await deliverer({ allowPrivate: true }).deliver(`http://127.0.0.1:${port}/`, {
      ...request,
      timeoutMs: 150,
    });
    expect(outcome).toMatchObject({ kind: 'failure', reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(received).toHaveLength(1);
  });

  it('times out on a response whose body never ends: the deadline covers the whole response', async () => {
    respond = (_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('still going…');
    };
    const outcome = await deliverer({ allowPrivate: true }).deliver(`http://127.0.0.1:${port}/`, {
      ...request,
      timeoutMs: 150,
    });
    expect(outcome).toMatchObject({ kind: 'failure', reason: 'timeout' });
  });

  it('reads at most maxResponseBytes of a large body and reports the status', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    respond = (_, response) => {
      response.writeHead(500);
      const write = (left: number): void => {
        if (left === 0) return void response.end();
        if (response.write(chunk)) write(left - 1);
        else response.once('drain', () => write(left - 1));
      };
      write(160); // 10 MiB
      response.on('error', () => {});
    };
    const outcome = await deliverer({ allowPrivate: true, maxResponseBytes: 1_000 }).deliver(
      `http://127.0.0.1:${port}/`,
      request,
    );
    expect(outcome).toEqual({ kind: 'response', status: 500, retryAfter: null, body: 'x'.repeat(1_000) });
  });

  it('reports Retry-After in seconds, from delta-seconds or an HTTP date on the injected clock', async () => {
    const clock = { now: () => new Date('2026-12-01T10:00:00Z') };
    let retryAfter = '120';
    respond = (_, response) => response.writeHead(503, { 'retry-after': retryAfter }).end('busy');
    const send = () => deliverer({ allowPrivate: true, clock }).deliver(`http://127.0.0.1:${port}/`, request);
    expect(await send()).toEqual({ kind: 'response', status: 503, retryAfter: 120, body: 'busy' });
    retryAfter = 'Tue, 01 Dec 2026 10:30:00 GMT';
    expect(await send()).toMatchObject({ status: 503, retryAfter: 1_800 });
    retryAfter = 'in a while';
    expect(await send()).toMatchObject({ status: 503, retryAfter: null });
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await deliverer({ allowPrivate: true }).deliver(`http://127.0.0.1:${closedPort}/`, request)).toMatchObject({
      kind: 'failure',
      reason: 'network',
    });
  });

  it('refuses URLs that are not http(s), not absolute, or carry credentials', async () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      '/relative',
      'not a url',
      'https://user:pass@example.com/',
    ]) {
      expect(await deliverer().deliver(url, request), url).toMatchObject({ kind: 'failure', reason: 'invalid_url' });
    }
  });
});

describe('the address policy', () => {
  it('lets public unicast through and refuses every special-purpose range by default', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(checkAddress(address).allowed, address).toBe(true);
    }
    const refused: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.5.4', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.1', 'private'],
      ['fc00::1', 'uniqueLocal'],
      ['fd12:3456::1', 'uniqueLocal'],
      ['169.254.1.1', 'linkLocal'],
      ['fe80::1', 'linkLocal'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['100.127.255.254', 'carrierGradeNat'],
      ['224.0.0.251', 'multicast'],
      ['ff02::1', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['255.255.255.255', 'broadcast'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:7f00:1', 'loopback'],
      ['169.254.169.254', 'metadata'],
      ['fd00:ec2::254', 'metadata'],
      ['64:ff9b::a9fe:a9fe', 'rfc6052'],
      ['not-an-ip', 'invalid'],
    ];
    for (const [address, range] of refused)
      expect(checkAddress(address), address).toMatchObject({ allowed: false, range });
    // Neighbours just outside the private ranges are public.
    for (const address of ['172.32.0.1', '100.128.0.1', '11.0.0.1', '192.169.0.1'])
      expect(checkAddress(address).allowed, address).toBe(true);
  });

  it('allowPrivate lets every range through except the metadata addresses', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', 'fd12::1', '169.254.1.1', '100.64.0.1']) {
      expect(checkAddress(address, { allowPrivate: true }).allowed, address).toBe(true);
    }
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254']) {
      expect(checkAddress(address, { allowPrivate: true }), address).toMatchObject({
        allowed: false,
        range: 'metadata',
      });
    }
  });
});
