import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { manualClock } from './support/clock.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

/** A message as the notification socket sends it. */
interface Message {
  type: string;
  seq: number;
  at: string;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const FORWARDED = new Set([
  'alert.triggered',
  'expense.created',
  'expense.updated',
  'expense.deleted',
  'budget.created',
  'budget.updated',
  'budget.deleted',
]);

/** A real `ws` client that records what it receives and how it was closed. */
class Client {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  pings = 0;
  #changed = () => {};

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(messageText(data)) as Message);
      this.#changed();
    });
    socket.on('ping', () => {
      this.pings += 1;
      this.#changed();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Resolves once `done()` holds, checking after every message or ping; rejects after `timeoutMs` or on close. */
  until(done: () => boolean, timeoutMs = 2000, what = 'a condition'): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const got = () =>
        `${this.messages.length} messages, last ${JSON.stringify(this.messages.slice(-5).map((m) => [m.seq, m.type]))}`;
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${got()}`)), timeoutMs);
      void this.closed.then(({ code }) => {
        clearTimeout(timer);
        if (!done()) reject(new Error(`closed with ${code} while waiting for ${what}; got ${got()}`));
      });
      const previous = this.#changed;
      this.#changed = () => {
        previous();
        if (done()) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }

  /** Resolves with the first message (from index `from`) that `match` accepts. */
  async message(match: (m: Message) => boolean, timeoutMs = 2000, from = 0): Promise<Message> {
    const find = () => this.messages.slice(from).find(match);
    await this.until(() => find() !== undefined, timeoutMs, 'a message');
    return find()!;
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Opens a socket (the server accepts every upgrade, then refuses by closing it). */
function connect(
  api: TestServer,
  path: string,
  options: { headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<Client> {
  const socket = new WebSocket(`${api.wsUrl}${path}`, { headers: options.headers, autoPong: options.autoPong ?? true });
  const client = new Client(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

/** The forwarded events of the owner's feed after `after`, as the socket must send them. */
async function expectedAfter(api: TestServer, ownerId: string, after: number): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const { events } = await api.tracker.forOwner(ownerId).changes({ after, limit: 200 });
    for (const e of events) if (FORWARDED.has(e.type)) out.push({ type: e.type, seq: e.seq, at: e.at, data: e.data });
    if (events.length < 200) return out;
    after = events[events.length - 1]!.seq;
  }
}

/**
 * Without `?after=`, a socket receives what is committed once the server has checked its
 * token, a moment after `open`: write probe expenses until every client has received one.
 */
async function untilLive(api: TestServer, ownerId: string, clients: Client[]): Promise<void> {
  for (let i = 0; i < 20 && !clients.every((c) => c.messages.length > 0); i++) {
    await api.tracker.forOwner(ownerId).expenses.create({ amount: '1', description: `probe ${i}` });
    await Promise.all(clients.map((c) => c.until(() => c.messages.length > 0, 200).catch(() => undefined)));
  }
  expect(clients.every((c) => c.messages.length > 0)).toBe(true);
}

const lastSeq = async (api: TestServer, ownerId: string) =>
  (await api.tracker.forOwner(ownerId).changes({ limit: 1 })).lastSeq;

describe.each(DIALECTS)('WebSocket notifications on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('sends alert.triggered within 1 s of the POST /expenses that crossed 80 %, and nothing to another user', async () => {
    const alice = await api.user();
    const bob = await api.user();
    await api.tracker.forOwner(alice.id).budgets.create({ name: 'B', amount: '100' });
    const a = await connect(
      api,
      `/ws/notifications/${alice.id}?token=${alice.token}&after=${await lastSeq(api, alice.id)}`,
    );
    const b = await connect(api, `/ws/notifications/${bob.id}?token=${bob.token}&after=0`);

    const started = performance.now();
    expect(
      (await api.request('POST', '/expenses', { token: alice.token, body: { amount: '85', description: 'Groceries' } }))
        .status,
    ).toBe(201);
    const alert = await a.message((m) => m.type === 'alert.triggered', 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(alert).toMatchObject({
      type: 'alert.triggered',
      seq: expect.any(Number),
      at: expect.any(String),
      data: { budget: { name: 'B' }, notification: { thresholdPercent: 80 } },
    });
    expect(Object.keys(alert).sort()).toEqual(['at', 'data', 'seq', 'type']);
    expect(a.messages.map((m) => m.type)).toEqual(['expense.created', 'alert.triggered']);

    // Bob's own event reaches him after Alice's were emitted: had any of hers leaked, it would be here first.
    await api.request('POST', '/expenses', { token: bob.token, body: { amount: '1', description: 'bob' } });
    await b.message((m) => m.type === 'expense.created');
    expect(b.messages.map((m) => [m.type, m.data.expense.description])).toEqual([['expense.created', 'bob']]);
    a.close();
    b.close();
  });

  it('both paths work, with ?token= or an Authorization header; without ?after= it starts from now', async () => {
    const u = await api.user();
    const owner = api.tracker.forOwner(u.id);
    await owner.expenses.create({ amount: '1', description: 'before' });
    const paths: { path: string; headers: Record<string, string> }[] = [
      { path: `/ws/notifications/${u.id}?token=${u.token}`, headers: {} },
      { path: '/ws/notifications', headers: { authorization: `Bearer ${u.token}` } },
      { path: `/ws/notifications/${u.id}`, headers: { authorization: `Bearer ${u.token}` } },
      { path: `/ws/notifications?token=${u.token}`, headers: {} },
    ];
    const clients = await Promise.all(paths.map(({ path, headers }) => connect(api, path, { headers })));
    await untilLive(api, u.id, clients);
    const final = await owner.expenses.create({ amount: '2', description: 'after' });
    for (const c of clients) {
      const m = await c.message((x) => x.data.expense?.id === final.id);
      expect(c.messages.every((x) => x.data.expense.description !== 'before')).toBe(true);
      const seqs = c.messages.map((x) => x.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(m.type).toBe('expense.created');
      c.close();
    }
  });

  it.each([
    ['no token', (_a: Ids, b: Ids) => ({ path: `/ws/notifications/${b.id}?after=0` })],
    ['a malformed token', (_a: Ids, b: Ids) => ({ path: `/ws/notifications/${b.id}?token=not-a-jwt&after=0` })],
    [
      'a bad bearer header',
      (_a: Ids, b: Ids) => ({ path: `/ws/notifications?after=0`, headers: { authorization: `Bearer ${b.token}x` } }),
    ],
    ["A's token on B's path", (a: Ids, b: Ids) => ({ path: `/ws/notifications/${b.id}?token=${a.token}&after=0` })],
    [
      "A's bearer header on B's path",
      (a: Ids, b: Ids) => ({
        path: `/ws/notifications/${b.id}?after=0`,
        headers: { authorization: `Bearer ${a.token}` },
      }),
    ],
    [
      'an after that is not a seq',
      (_a: Ids, b: Ids) => ({ path: `/ws/notifications/${b.id}?token=${b.token}&after=-1` }),
    ],
    ['an unknown path', (_a: Ids, b: Ids) => ({ path: `/ws/other?token=${b.token}&after=0` })],
    [
      'a path under another prefix',
      (_a: Ids, b: Ids) => ({ path: `/ws/notifications/${b.id}/more?token=${b.token}&after=0` }),
    ],
  ])('refuses %s: closed with 1008, no data', async (_name, make) => {
    const a = await api.user();
    const b = await api.user();
    await api.tracker.forOwner(b.id).expenses.create({ amount: '5', description: "B's secret" });
    const { path, headers } = make(a, b) as { path: string; headers?: Record<string, string> };
    const client = await connect(api, path, { headers });
    const { code, reason } = await client.closed;
    expect(code).toBe(1008);
    expect(reason).not.toBe('');
    expect(client.messages).toEqual([]);
  });

  it('refuses a token revoked by POST /auth/logout', async () => {
    const u = await api.user();
    await api.tracker.forOwner(u.id).expenses.create({ amount: '5' });
    expect((await api.request('POST', '/auth/logout', { token: u.token })).status).toBe(204);
    const client = await connect(api, `/ws/notifications/${u.id}?token=${u.token}&after=0`);
    expect(await client.closed).toEqual({ code: 1008, reason: 'The access token is invalid, expired or revoked' });
    expect(client.messages).toEqual([]);
  });

  it('?after= replays the missed events in seq order, then goes live with no gap and no duplicate', async () => {
    const u = await api.user();
    const owner = api.tracker.forOwner(u.id);
    // More than two feed pages, with events the socket does not forward (category.*) in between.
    await owner.expenses.createMany(Array.from({ length: 430 }, (_, i) => ({ amount: '1', description: `old ${i}` })));
    const food = await owner.categories.create({ name: 'Food' });
    const budget = await owner.budgets.create({ name: 'Monthly', amount: '1000' });
    await owner.expenses.create({ amount: '2', categoryId: food.id });

    const client = await connect(api, `/ws/notifications/${u.id}?token=${u.token}&after=3`);
    // Written while the replay runs: these must come once, after the replayed ones.
    for (let i = 0; i < 15; i++) {
      const e = await owner.expenses.create({ amount: '3', description: `live ${i}` });
      if (i % 5 === 0) await owner.categories.update(food.id, { name: `Food ${i}` });
      if (i === 7) await owner.expenses.update(e.id, { amount: '4' });
    }
    await owner.budgets.update(budget.id, { amount: '2000' });
    const expected = await expectedAfter(api, u.id, 3);
    await client.until(() => client.messages.length >= expected.length, 5000, `${expected.length} messages`);
    expect(client.messages.map((m) => m.seq)).toEqual(expected.map((m) => m.seq));
    expect(client.messages).toEqual(expected);
    expect(client.messages[0]!.seq).toBe(4);

    // And it stays live.
    const next = await owner.expenses.create({ amount: '9' });
    const m = await client.message((x) => x.data.expense?.id === next.id);
    expect(m.seq).toBe(expected[expected.length - 1]!.seq + 1);
    expect(client.messages).toHaveLength(expected.length + 1);
    client.close();
  });

  it('an ?after= beyond the end of the feed is taken as its end', async () => {
    const u = await api.user();
    const owner = api.tracker.forOwner(u.id);
    await owner.expenses.create({ amount: '1' });
    const client = await connect(api, `/ws/notifications?token=${u.token}&after=1000`);
    await untilLive(api, u.id, [client]);
    const first = client.messages[0]!.seq;
    const e = await owner.expenses.create({ amount: '2' });
    const m = await client.message((x) => x.data.expense?.id === e.id);
    // Not held back until seq 1001: the next seqs come as they are written.
    expect(m.seq).toBeLessThan(20);
    expect(client.messages.map((x) => x.seq)).toEqual(Array.from({ length: m.seq - first + 1 }, (_, i) => first + i));
    client.close();
  });
});

interface Ids {
  id: string;
  token: string;
}

describe.each(DIALECTS)('WebSocket notification lifetime on %s', (dialect) => {
  it('closes with 4001 "token expired" when the access token expires by the clock', async () => {
    // The clock is moved, not waited for: the next ping (every 40 ms) sees the token expired.
    const clock = manualClock();
    const api = await startServer(dialect, { clock, accessTokenTtl: 600, websocket: { pingIntervalMs: 40 } });
    try {
      const u = await api.user();
      const client = await connect(api, `/ws/notifications/${u.id}?token=${u.token}&after=0`);
      const e = await api.tracker.forOwner(u.id).expenses.create({ amount: '1' });
      await client.message((m) => m.data.expense?.id === e.id);
      clock.advance(599_000);
      const stillOpen = await api.tracker.forOwner(u.id).expenses.create({ amount: '2' });
      await client.message((m) => m.data.expense?.id === stillOpen.id); // a second before expiry: still served
      clock.advance(1_000);
      expect(await client.closed).toEqual({ code: 4001, reason: 'token expired' });
    } finally {
      await api.close();
    }
  });

  it('closes with 4001 by its expiry timer, armed for what the clock says is left, with no ping in between', async () => {
    // Connected 100 ms (by the clock) before expiry, with the default 30 s pings: only the
    // timer, armed for the 100 ms the clock leaves, can close it in time.
    const clock = manualClock();
    const api = await startServer(dialect, { clock, accessTokenTtl: 600 });
    try {
      const u = await api.user();
      clock.advance(599_900);
      const client = await connect(api, `/ws/notifications/${u.id}?token=${u.token}&after=0`);
      expect(await client.closed).toEqual({ code: 4001, reason: 'token expired' });
    } finally {
      await api.close();
    }
  });

  it('pings: a client that answers stays; one that does not pong is terminated', async () => {
    const api = await startServer(dialect, { websocket: { pingIntervalMs: 40 } });
    try {
      const u = await api.user();
      const healthy = await connect(api, `/ws/notifications?token=${u.token}&after=0`);
      const mute = await connect(api, `/ws/notifications?token=${u.token}&after=0`, { autoPong: false });
      const { code } = await mute.closed;
      expect(code).toBe(1006); // terminated: no closing handshake
      expect(mute.pings).toBeGreaterThanOrEqual(1);
      await healthy.until(() => healthy.pings >= 5, 2000, 'five pings');
      expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
      const e = await api.tracker.forOwner(u.id).expenses.create({ amount: '1' });
      await healthy.message((m) => m.data.expense?.id === e.id);
      healthy.close();
    } finally {
      await api.close();
    }
  });

  it('closes an open socket within one ping interval of POST /auth/logout', async () => {
    const api = await startServer(dialect, { websocket: { pingIntervalMs: 50 } });
    try {
      const u = await api.user();
      const client = await connect(api, `/ws/notifications?token=${u.token}`);
      await client.until(() => client.pings >= 1, 2000, 'a ping');
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect((await api.request('POST', '/auth/logout', { token: u.token })).status).toBe(204);
      expect(await client.closed).toEqual({ code: 1008, reason: 'session revoked' });
    } finally {
      await api.close();
    }
  });

  it('paces a replay larger than maxBufferedBytes to a client that reads; live events written meanwhile follow it once each', async () => {
    const api = await startServer(dialect, { websocket: { maxBufferedBytes: 16 * 1024 } });
    try {
      const u = await api.user();
      const owner = api.tracker.forOwner(u.id);
      const notes = 'n'.repeat(2000);
      // About 8 MB: more than the kernel's socket buffers take at once on this machine.
      for (let i = 0; i < 3; i++)
        await owner.expenses.createMany(Array.from({ length: 1000 }, () => ({ amount: '1', notes })));
      const client = await connect(api, `/ws/notifications?token=${u.token}&after=0`);
      // The replay has begun (and, paced, is far from done): these are held, then sent after it.
      await client.message(() => true);
      for (let i = 0; i < 10; i++) await owner.expenses.create({ amount: '2', description: `live ${i}` });
      await client.until(() => client.messages.length >= 3010, 20_000, '3010 messages');
      expect(client.messages.map((m) => m.seq)).toEqual(Array.from({ length: 3010 }, (_, i) => i + 1));
      expect(client.messages.slice(3000).map((m) => m.data.expense.description)).toEqual(
        Array.from({ length: 10 }, (_, i) => `live ${i}`),
      );
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      client.close();
    } finally {
      await api.close();
    }
  });

  it('drops a client that does not read once more than maxBufferedBytes wait to be sent', async () => {
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const api = await startServer(dialect, {
      websocket: { maxBufferedBytes: 64 * 1024 },
      logger: pino({ level: 'warn' }, sink),
    });
    try {
      const u = await api.user();
      const owner = api.tracker.forOwner(u.id);
      const slow = await connect(api, `/ws/notifications?token=${u.token}&after=0`);
      const first = await owner.expenses.create({ amount: '1' });
      await slow.message((m) => m.data.expense?.id === first.id);
      slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's queue grows
      const notes = 'n'.repeat(2000);
      let created = 1;
      // However large this machine's socket buffers are, some batch overflows them.
      for (let i = 0; i < 40 && !logs.some((l) => l.includes('too slow')); i++) {
        await owner.expenses.createMany(Array.from({ length: 1000 }, () => ({ amount: '1', notes })));
        created += 1000;
      }
      expect(logs.some((l) => l.includes('notification socket too slow: dropped'))).toBe(true);
      slow.socket.resume();
      expect((await slow.closed).code).toBe(1006);
      expect(slow.messages.length).toBeLessThan(created);
      // The server kept nothing for it: a new client of the same user is served normally.
      const again = await connect(api, `/ws/notifications?token=${u.token}&after=${await lastSeq(api, u.id)}`);
      const e = await owner.expenses.create({ amount: '2' });
      await again.message((m) => m.data.expense?.id === e.id);
      again.close();
    } finally {
      await api.close();
    }
  });
});
