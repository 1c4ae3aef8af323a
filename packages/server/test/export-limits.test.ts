import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_BATCH_SIZE, EXPORT_CHUNK_SIZE } from '@expense-tracker/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { ExportLimits } from '../src/routes/export-streams.js';
import { loadConfig } from '../src/config.js';
import { waitFor } from './support/process.js';
import { requestHead } from './support/raw-http.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';
/** Expenses of the exporting user: ~8 MB of CSV, far more than a Unix socket's buffers take. */
const ROWS = 5_000;
const NOTES = 1500;

/**
 * Exports to clients that stop reading (issue 11, finding 5): each paused export held
 * 10–24 MiB and 40 of them by one user took ~640 MiB. Now an export is pulled from core
 * only as the socket takes it, a user runs at most `maxPerUser` at once, and a client that
 * reads nothing for `idleTimeoutMs` is cut off.
 */
/** The app over the test server's tracker, listening on a Unix socket of its own. */
interface UnixApi {
  path: string;
  /** Sends a request over the socket; JSON answers are decoded. */
  request(
    method: string,
    url: string,
    token: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/**
 * Stalled clients are tested over a Unix socket, whose kernel buffers hold a fixed ~208 KiB
 * (`net.core.wmem_default`); over TCP the kernel takes megabytes more as it tunes its
 * buffers (here up to the whole 8 MB export), which would hide what the process holds and
 * let a "stalled" export finish. The app and its HTTP server are the real ones.
 */
async function unixApi(tracker: TestServer['tracker'], exports: ExportLimits): Promise<UnixApi> {
  const dir = mkdtempSync(join(tmpdir(), 'et-export-'));
  const path = join(dir, 'api.sock');
  const handle = createApp({ tracker, jwtSecret: JWT_SECRET, scryptLogN: 12, exports }).callback();
  const server: Server = createServer((req, res) => void handle(req, res)); // Koa answers its own errors
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    request: (method, url, token) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          { socketPath: path, method, path: url, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                headers: res.headers,
                body: (res.headers['content-type'] ?? '').includes('json') && text ? JSON.parse(text) : text,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw connection over which a CSV export was asked for and nothing is read (`resume()` it to read). */
interface PausedExport {
  socket: Socket;
  closed: Promise<void>;
}

async function pausedExport(path: string, token: string): Promise<PausedExport> {
  const socket = connect(path);
  socket.on('error', () => undefined); // the server may reset a connection it cuts off
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  socket.write(requestHead('GET', '/analytics/export?format=csv', { Authorization: `Bearer ${token}` }));
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

/**
 * Exports to clients that stop reading (issue 11, finding 5): each paused export held
 * 10–24 MiB and 40 of them by one user took ~640 MiB. Now an export is pulled from core
 * only as the socket takes it, a user runs at most `maxPerUser` at once, and a client that
 * reads nothing for `idleTimeoutMs` is cut off.
 */
describe.each(DIALECTS)('exports to stalled clients on %s', (dialect) => {
  let api: TestServer;
  let alice: Awaited<ReturnType<TestServer['user']>>;
  let fullSize = 0;
  /** Rows the store's expense listing (what the export reads with) returned, per owner. */
  const rowsRead = new Map<string, number>();
  /** First reads (no keyset cursor) per owner: one per export that got past its slot and auth. */
  const started = new Map<string, number>();

  beforeAll(async () => {
    api = await startServer(dialect);
    alice = await api.user();
    const owner = api.tracker.forOwner(alice.id);
    for (let start = 0; start < ROWS; start += 1000) {
      await owner.expenses.createMany(
        Array.from({ length: 1000 }, (_, i) => ({
          amountMinor: 1000 + i,
          date: '2026-03-01',
          description: `row ${start + i}`,
          notes: 'n'.repeat(NOTES),
        })),
      );
    }
    fullSize = (
      await (
        await fetch(`${api.url}/analytics/export?format=csv`, { headers: { authorization: `Bearer ${alice.token}` } })
      ).arrayBuffer()
    ).byteLength;
    // Counts what the store hands out: the real store, observed, not replaced.
    const expenses = api.store.expenses as { list: typeof api.store.expenses.list };
    const list = expenses.list;
    expenses.list = async (ownerId, query) => {
      if (query.after === undefined) started.set(ownerId, (started.get(ownerId) ?? 0) + 1);
      const rows = await list(ownerId, query);
      rowsRead.set(ownerId, (rowsRead.get(ownerId) ?? 0) + rows.length);
      return rows;
    };
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });

  /** Waits until the rows read for `id` stop growing (the export has stalled), and returns them. */
  async function stalled(id: string): Promise<number> {
    let last = -1;
    for (;;) {
      const rows = rowsRead.get(id) ?? 0;
      if (rows === last && rows > 0) return rows;
      last = rows;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  /** Waits until `count` more exports of `id` have made their first read, i.e. hold their slots. */
  async function exportsStarted(id: string, count: number, since: number): Promise<void> {
    await waitFor(
      `${count} exports to start`,
      () => (started.get(id) ?? 0) - since,
      (n) => n >= count,
      20_000,
    );
  }
  /** The status of a tiny export (nothing matches): 429 while the user's slots are taken. */
  const probe = async (unix: UnixApi, token: string) =>
    (await unix.request('GET', '/analytics/export?format=json&from=2030-01-01', token)).status;

  it(`a client that stops reading holds at most one batch (${EXPORT_BATCH_SIZE} rows) and two chunks (${EXPORT_CHUNK_SIZE} each) in the server`, async () => {
    const unix = await unixApi(api.tracker, { idleTimeoutMs: 60_000 });
    try {
      rowsRead.delete(alice.id);
      const paused = await pausedExport(unix.path, alice.token);
      const rows = await stalled(alice.id);
      // What the kernel can hold of rows of more than NOTES bytes, generously counted twice (sender and receiver).
      const wmem = Number(readFileSync('/proc/sys/net/core/wmem_default', 'utf8'));
      const inKernel = Math.ceil((2 * wmem) / NOTES);
      const inProcess = EXPORT_BATCH_SIZE + 2 * EXPORT_CHUNK_SIZE;
      // Before: 2,000 rows (two batches of 1,000, and the stream's read-ahead) of ~1.6 KB.
      expect(rows, `${rows} rows read while the client read nothing (kernel share ≤ ${inKernel})`).toBeLessThanOrEqual(
        inProcess + inKernel,
      );
      paused.socket.destroy();
    } finally {
      await unix.close();
    }
  });

  it('a client that reads nothing for the idle timeout is cut off and frees its slot; one that pauses for less gets every row', async () => {
    // One export per user here, so the slot is free exactly when the stalled export is gone.
    const unix = await unixApi(api.tracker, { idleTimeoutMs: 800, maxPerUser: 1 });
    try {
      const since = started.get(alice.id) ?? 0;
      const stalledClient = await pausedExport(unix.path, alice.token);
      await exportsStarted(alice.id, 1, since);
      // No clock to move: the server cuts it off after its configured 800 ms of silence (429 until then).
      await waitFor(
        'the server to cut it off and free its slot',
        () => probe(unix, alice.token),
        (status) => status === 200,
        10_000,
      );
      let cut = 0;
      stalledClient.socket.on('data', (chunk: Buffer) => (cut += chunk.length));
      stalledClient.socket.resume(); // what the kernel kept for it, then the end
      await stalledClient.closed;
      expect(cut).toBeLessThan(fullSize / 2);
      // The control: two pauses shorter than the timeout, reading in between: the whole export arrives.
      // The reader pauses itself in its data handler once it has read 1 MB more: pausing after a poll instead
      // let a fast machine take the whole export during the first read, leaving no second pause to test.
      const reader = await pausedExport(unix.path, alice.token);
      let received = 0;
      let pauseAt = Infinity;
      reader.socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= pauseAt) reader.socket.pause();
      });
      for (const ms of [400, 400]) {
        await new Promise((r) => setTimeout(r, ms));
        pauseAt = received + 1_000_000;
        reader.socket.resume();
        await waitFor(
          'more data',
          () => received,
          (n) => n >= pauseAt,
          10_000,
        );
      }
      expect(received, 'the export was still running at the second pause').toBeLessThan(fullSize);
      pauseAt = Infinity;
      reader.socket.resume();
      await waitFor(
        'the whole export',
        () => received,
        (n) => n >= fullSize,
      );
      reader.socket.destroy();
    } finally {
      await unix.close();
    }
  }, 30_000);

  it('a user runs at most 2 exports at once: the third is a 429 with Retry-After, others are not affected, and a slot frees when a client leaves', async () => {
    const unix = await unixApi(api.tracker, { idleTimeoutMs: 60_000 });
    try {
      const since = started.get(alice.id) ?? 0;
      const first = await pausedExport(unix.path, alice.token);
      const second = await pausedExport(unix.path, alice.token);
      // Both have their slots (they have read from the store) before the third asks.
      await exportsStarted(alice.id, 2, since);
      const third = await unix.request('GET', '/analytics/export?format=csv', alice.token);
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(third.body).toMatchObject({
        status: 429,
        code: 'TOO_MANY_EXPORTS',
        detail: 'At most 2 exports per user can run at once; wait for one to finish',
      });
      expect(third.headers['retry-after']).toBe('60');
      expect(third.headers['cache-control']).toBe('no-store');
      // Someone else exports as usual; so does the user once a client has left.
      const bob = await api.user();
      expect(await probe(unix, bob.token)).toBe(200);
      first.socket.destroy();
      await waitFor(
        'the slot to free',
        () => probe(unix, alice.token),
        (status) => status === 200,
      );
      second.socket.destroy();
    } finally {
      await unix.close();
    }
  });
});

describe('export limits are configuration', () => {
  it('defaults to 2 exports per user and a 30 s idle timeout; EXPORTS_PER_USER and EXPORT_IDLE_TIMEOUT change them', () => {
    const base = { JWT_SECRET: 'a-secret-that-is-at-least-32-characters-long' };
    expect(loadConfig(base)).toMatchObject({ exportsPerUser: 2, exportIdleTimeout: 30 });
    expect(loadConfig({ ...base, EXPORTS_PER_USER: '5', EXPORT_IDLE_TIMEOUT: '120' })).toMatchObject({
      exportsPerUser: 5,
      exportIdleTimeout: 120,
    });
    expect(() => loadConfig({ ...base, EXPORTS_PER_USER: '0' })).toThrow(/EXPORTS_PER_USER/);
    expect(() => loadConfig({ ...base, EXPORT_IDLE_TIMEOUT: 'soon' })).toThrow(/EXPORT_IDLE_TIMEOUT/);
  });
});
