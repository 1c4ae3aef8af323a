import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createWebhookDispatcher,
  isTrackerError,
  Tracker,
  type Clock,
  type TrackerEvent,
  type WebhookDispatcher,
  type WebhookOptions,
} from '../src/index.js';
import { openKyselyStore, type KyselyStore } from '../src/kysely/index.js';
import { kyselyRawQuery } from '../src/testing/index.js';
import { fanOut } from '../src/webhooks/fan-out.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/**
 * Durable, signed webhooks (SPEC §7.5), black-box on both engines: a real HTTP receiver on
 * 127.0.0.1 (the trackers allow private addresses, as the operator of a test may), signatures
 * checked by the `standardwebhooks` package, and time moved by passing `now` to
 * `dispatchDue` — nothing sleeps for a retry. Attempts are signed at the real time, which that
 * package checks against `Date.now()`.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  payload: { type: string; seq: number; ownerId: string; timestamp: string; data: unknown };
}

let server: Server;
let receiverUrl: string;
let received: Received[] = [];
/** Statuses (and headers) for the next requests, in order; 204 when empty. */
let script: { status: number; headers?: Record<string, string> }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body, payload: JSON.parse(body) as Received['payload'] });
      const next = script.shift() ?? { status: 204 };
      response.writeHead(next.status, next.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const keys = [{ id: 'test', key: randomBytes(32).toString('base64') }];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The standardwebhooks check of one received request, as a receiver with `secret` runs it. */
function verify(secret: string, request: Received): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

interface Engine {
  name: string;
  /** A fresh database; `openStore` opens a store on it (once per "process"). */
  setup(): Promise<{ openStore: () => Promise<KyselyStore>; cleanup: () => Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'sqlite',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
      return {
        openStore: () => openKyselyStore({ database: join(dir, 'test.db') }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const db: TestDatabase = await createTestDatabase(inject('pgUrl'));
      return { openStore: () => openKyselyStore({ database: db.url, poolSize: 5 }), cleanup: () => db.drop() };
    },
  },
];

describe('webhook settings', () => {
  it('refuse a claim lease an attempt could outlast: a slow attempt would be claimed again and sent twice', async () => {
    for (const webhooks of [{ timeoutMs: 1000, leaseMs: 1000 }, { leaseMs: 15_000 }]) {
      await expect(Tracker.open({ database: ':memory:', webhooks })).rejects.toSatisfy((e) =>
        isTrackerError(e, 'VALIDATION_FAILED'),
      );
    }
    const tracker = await Tracker.open({ database: ':memory:', webhooks: { timeoutMs: 1000, leaseMs: 1001 } });
    await tracker.close();
  });
});

describe.each(engines)('webhooks on $name', (engine) => {
  let env: Awaited<ReturnType<Engine['setup']>>;
  const open: { close(): Promise<void> }[] = [];
  let store: KyselyStore;
  let tracker: Tracker;
  let dispatcher: WebhookDispatcher;
  /** The trackers' clock: real time (which standardwebhooks checks); passes move time with `now`. */
  const clock: Clock = { now: () => new Date() };
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  async function openTracker(webhooks: WebhookOptions = {}): Promise<{ tracker: Tracker; store: KyselyStore }> {
    const opened = await env.openStore();
    const t = await Tracker.open({
      store: opened,
      clock,
      webhooks: { encryptionKeys: keys, allowPrivateAddresses: true, ...webhooks },
    });
    open.push(t);
    return { tracker: t, store: opened };
  }

  // A database of its own per test: a dispatcher serves every owner, so tests must not share one.
  beforeEach(async () => {
    env = await engine.setup();
    ({ tracker, store } = await openTracker());
    await tracker.migrate();
    dispatcher = createWebhookDispatcher({ tracker, random: () => 0.5 });
    open.push(dispatcher);
    received = [];
    script = [];
  });
  afterEach(async () => {
    for (const closable of open.splice(0).reverse()) await closable.close();
    await env.cleanup();
  });

  const ownerId = () => `owner-${randomBytes(4).toString('hex')}`;
  const messageRows = (endpointId: string) =>
    kyselyRawQuery(store)(
      'select id, seq, state, attempts from et_webhook_message where endpoint_id = ? order by seq',
      [endpointId],
    );

  it('delivers an event signed as Standard Webhooks, with the feed’s seq, to a receiver that verifies it', async () => {
    const owner = tracker.forOwner(ownerId());
    await owner.expenses.create({ amount: '1.00' }); // before the endpoint: not delivered
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const lunch = await owner.expenses.create({ amount: '12.50', description: 'Lunch' });

    const report = await dispatcher.dispatchDue();

    expect(report).toMatchObject({ fannedOut: 1, attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const payload = verify(endpoint.secret, received[0]!) as Received['payload'];
    expect(payload).toMatchObject({ type: 'expense.created', seq: 2, ownerId: owner.ownerId });
    expect(payload.data).toMatchObject({ expense: { id: lunch.id, amountMinor: 1250 } });
    const [message] = await owner.webhooks.messages(endpoint.id);
    expect(message).toMatchObject({ id: received[0]!.headers['webhook-id'], seq: 2, state: 'delivered', attempts: 1 });
  });

  it('stores the secret encrypted, and keeps endpoints to their owner', async () => {
    const alice = tracker.forOwner(ownerId());
    const endpoint = await alice.webhooks.create({ url: receiverUrl });
    const [row] = await kyselyRawQuery(store)('select secret from et_webhook_endpoint where id = ?', [endpoint.id]);
    expect(String(row?.secret)).toMatch(/^v1\.test\./);
    expect(String(row?.secret)).not.toContain(endpoint.secret.slice('whsec_'.length));
    expect(await alice.webhooks.get(endpoint.id)).not.toHaveProperty('secret');
    const bob = tracker.forOwner(ownerId());
    await expect(bob.webhooks.get(endpoint.id)).rejects.toSatisfy((error) => isTrackerError(error, 'NOT_FOUND'));
    await expect(bob.webhooks.delete(endpoint.id)).rejects.toSatisfy((error) => isTrackerError(error, 'NOT_FOUND'));
  });

  it('survives a 500 then a 200 with one message and one webhook-id', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '3.00' });
    script = [{ status: 500 }, { status: 200 }];

    expect(await dispatcher.dispatchDue()).toMatchObject({ attempted: 1, retrying: 1 });
    expect(await dispatcher.dispatchDue()).toMatchObject({ attempted: 0 }); // not due yet
    expect(await dispatcher.dispatchDue({ now: later(HOUR) })).toMatchObject({ attempted: 1, delivered: 1 });

    expect(received.map((r) => r.headers['webhook-id'])).toEqual([
      received[0]!.headers['webhook-id'],
      received[0]!.headers['webhook-id'],
    ]);
    expect(verify(endpoint.secret, received[1]!)).toMatchObject({ seq: 1 });
    expect(await messageRows(endpoint.id)).toEqual([expect.objectContaining({ state: 'delivered' })]);
    const [message] = await owner.webhooks.messages(endpoint.id);
    expect(message).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
  });

  it('waits as long as Retry-After asks', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '3.00' });
    script = [{ status: 503, headers: { 'retry-after': '7200' } }];

    await dispatcher.dispatchDue();
    const [waiting] = await owner.webhooks.messages(endpoint.id);
    expect(Date.parse(waiting!.nextAttemptAt!) - clock.now().getTime()).toBeGreaterThan(7_100_000);
    expect(await dispatcher.dispatchDue({ now: later(HOUR) })).toMatchObject({ attempted: 0 });
    expect(await dispatcher.dispatchDue({ now: later(2 * HOUR + 60_000) })).toMatchObject({ delivered: 1 });
  });

  it('disables an endpoint that answers 410, tells the owner, and resumes when enabled again', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '3.00' });
    script = [{ status: 410 }];

    expect(await dispatcher.dispatchDue()).toMatchObject({ disabled: 1 });
    expect(await owner.webhooks.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    await owner.expenses.create({ amount: '4.00' });
    expect(await dispatcher.dispatchDue({ now: later(DAY) })).toMatchObject({ attempted: 0 });
    const { events } = await owner.changes();
    expect(events.map((event) => event.type)).toContain('webhook.endpoint.disabled');

    await owner.webhooks.update(endpoint.id, { enabled: true });
    expect(await dispatcher.dispatchDue()).toMatchObject({ delivered: 2 });
    expect(received.slice(1).map((r) => r.payload.seq)).toEqual(expect.arrayContaining([1, 3]));
  });

  it('makes a message dead after the retry schedule, tells the owner, and retries it by hand', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '3.00' });
    const notices: TrackerEvent[] = [];
    tracker.on('webhook.message.dead', (event) => notices.push(event));
    script = Array.from({ length: 16 }, () => ({ status: 500 }));

    let dead = 0;
    for (let day = 0; day <= 16 && dead === 0; day++) {
      dead = (await dispatcher.dispatchDue({ now: later(day * DAY) })).dead;
    }
    expect(dead).toBe(1);
    expect(received).toHaveLength(16);
    const [message] = await owner.webhooks.messages(endpoint.id, { state: 'dead' });
    expect(message).toMatchObject({ state: 'dead', attempts: 16, lastStatus: 500 });
    expect(notices).toEqual([
      expect.objectContaining({ ownerId: owner.ownerId, data: expect.objectContaining({ message }) }),
    ]);
    // The owner is told where alerts are too: one stored notice, posted to the feed in the same write.
    const told = await owner.notifications.list({ unread: true });
    expect(told).toEqual([
      expect.objectContaining({
        kind: 'notice',
        topic: 'webhook.message.dead',
        subjectId: message!.id,
        data: expect.objectContaining({
          endpointId: endpoint.id,
          url: receiverUrl,
          seq: 1,
          attempts: 16,
          lastStatus: 500,
        }),
      }),
    ]);
    const { events } = await owner.changes();
    expect(events.filter((e) => e.type === 'notice.posted').map((e) => e.data)).toEqual([{ notification: told[0] }]);
    expect(events.find((e) => e.type === 'notice.posted')?.actor).toEqual({ kind: 'system' });

    await expect(owner.webhooks.retry(endpoint.id, 'msg_nope')).rejects.toSatisfy((e) =>
      isTrackerError(e, 'NOT_FOUND'),
    );
    expect(await owner.webhooks.retry(endpoint.id, message!.id)).toMatchObject({ state: 'pending', attempts: 0 });
    await expect(owner.webhooks.retry(endpoint.id, message!.id)).rejects.toSatisfy((e) =>
      isTrackerError(e, 'CONFLICT'),
    );
    expect(await dispatcher.dispatchDue({ now: later(17 * DAY) })).toMatchObject({ delivered: 1 });
    expect(received.at(-1)!.headers['webhook-id']).toBe(message!.id);
    expect(await owner.notifications.list()).toEqual(told);
  });

  it('replays a seq range with the messages’ own ids, and events from before the endpoint', async () => {
    const owner = tracker.forOwner(ownerId());
    await owner.expenses.create({ amount: '1.00' });
    const endpoint = await owner.webhooks.create({ url: receiverUrl, eventTypes: ['expense.created'] });
    await owner.categories.create({ name: 'Food' }); // not subscribed
    await owner.expenses.create({ amount: '2.00' });
    await dispatcher.dispatchDue();
    expect(received.map((r) => r.payload.seq)).toEqual([3]);

    expect(await owner.webhooks.replay(endpoint.id, { fromSeq: 1 })).toEqual({ queued: 2 });
    await dispatcher.dispatchDue();
    expect(
      received
        .slice(1)
        .map((r) => r.payload.seq)
        .sort(),
    ).toEqual([1, 3]);
    const again = received.find((r, i) => i > 0 && r.payload.seq === 3)!;
    expect(again.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    expect(await messageRows(endpoint.id)).toHaveLength(2);
  });

  it('signs with the old secret too during a rotation’s grace period, and only the new one after', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    const { secret } = await owner.webhooks.rotateSecret(endpoint.id, { graceSeconds: 3600 });
    await owner.expenses.create({ amount: '1.00' });
    await dispatcher.dispatchDue();
    expect(verify(secret, received[0]!)).toMatchObject({ seq: 1 });
    expect(verify(endpoint.secret, received[0]!)).toMatchObject({ seq: 1 });

    await owner.expenses.create({ amount: '2.00' });
    await dispatcher.dispatchDue({ now: later(2 * HOUR) });
    expect(verify(secret, received[1]!)).toMatchObject({ seq: 2 });
    expect(() => verify(endpoint.secret, received[1]!)).toThrow(/signature/i);
  });

  it('refuses private and metadata addresses by default, before anything is sent', async () => {
    const { tracker: strict } = await openTracker({
      allowPrivateAddresses: false,
      resolve: async (host) => [{ address: host === 'metadata.test' ? '169.254.169.254' : '10.0.0.5', family: 4 }],
    });
    const owner = strict.forOwner(ownerId());
    await expect(owner.webhooks.create({ url: receiverUrl })).rejects.toSatisfy(
      (error) => isTrackerError(error, 'VALIDATION_FAILED') && error.issues[0]?.code === 'blocked_address',
    );
    await expect(owner.webhooks.create({ url: 'http://[::ffff:169.254.169.254]/' })).rejects.toSatisfy((error) =>
      isTrackerError(error, 'VALIDATION_FAILED'),
    );
    const internal = await owner.webhooks.create({ url: 'http://hooks.internal.test/x' });
    const metadata = await owner.webhooks.create({ url: 'http://metadata.test/latest' });
    await owner.expenses.create({ amount: '1.00' });

    await createWebhookDispatcher({ tracker: strict }).dispatchDue();
    expect(received).toHaveLength(0);
    for (const endpoint of [internal, metadata]) {
      const [message] = await owner.webhooks.messages(endpoint.id);
      expect(message).toMatchObject({ state: 'pending', attempts: 1 });
      expect(message?.lastError).toMatch(/^blocked_address: /);
    }
    expect((await owner.webhooks.messages(metadata.id))[0]?.lastError).toMatch(/metadata/);
  });

  it('delivers each message once when two dispatchers race (on PostgreSQL, on two trackers)', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.createMany(Array.from({ length: 40 }, (_, i) => ({ amount: `${i + 1}.00` })));
    // SQLite is the single-process engine: two connections in one process would block each
    // other's event loop on the file lock, so its dispatchers share the tracker.
    const other = engine.name === 'postgres' ? (await openTracker()).tracker : tracker;
    const peer = createWebhookDispatcher({ tracker: other, batchSize: 7 });
    const mine = createWebhookDispatcher({ tracker, batchSize: 7 });

    await Promise.all([mine.dispatchDue(), peer.dispatchDue(), mine.dispatchDue(), peer.dispatchDue()]);

    const ids = received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(received.map((r) => r.payload.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await messageRows(endpoint.id)).toHaveLength(40);
  });

  // SQLite admits one writer at a time, so only PostgreSQL has two claims open at once to check:
  // the test exists on PostgreSQL only (rather than reported skipped on SQLite).
  if (engine.name === 'postgres')
    it('claims: a claim held open by one store leaves its messages out of another store’s, without waiting', async () => {
      const owner = tracker.forOwner(ownerId());
      await owner.webhooks.create({ url: receiverUrl });
      await owner.expenses.createMany(Array.from({ length: 10 }, () => ({ amount: '1.00' })));
      const now = clock.now().toISOString();
      expect(await fanOut(store, now)).toBe(10);
      const { store: peer } = await openTracker();
      const lease = later(60_000).toISOString();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let first: string[] = [];
      const firstClaim = store.transaction(async (tx) => {
        first = (await tx.webhooks.claimDue(now, lease, 4, 'first')).map((m) => m.id);
        await held; // the transaction stays open, its rows locked
      });
      await expect.poll(() => first.length).toBe(4);
      const second = (await peer.transaction((tx) => tx.webhooks.claimDue(now, lease, 10, 'second'))).map((m) => m.id);
      release();
      await firstClaim;
      expect(second).toHaveLength(6);
      expect(second.filter((id) => first.includes(id))).toEqual([]);
    });

  it('re-attempts a message whose dispatcher died mid-attempt once its lease passes, with no second row', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '1.00' });
    // A dispatcher fans out and claims, then its process dies before it records anything.
    const now = clock.now();
    expect(await fanOut(store, now.toISOString())).toBe(1);
    const [claimed] = await store.transaction((tx) =>
      tx.webhooks.claimDue(now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), 10, 'crashed'),
    );
    expect(claimed).toMatchObject({ state: 'delivering', attempts: 1 });

    expect(await dispatcher.dispatchDue({ now: later(30_000) })).toMatchObject({ attempted: 0 });
    // The fan-out running again from an old cursor inserts nothing twice.
    await kyselyRawQuery(store)('update et_webhook_endpoint set cursor_seq = 0 where id = ?', [endpoint.id]);
    expect(await dispatcher.dispatchDue({ now: later(61_000) })).toMatchObject({
      fannedOut: 0,
      attempted: 1,
      delivered: 1,
    });
    expect(await messageRows(endpoint.id)).toEqual([expect.objectContaining({ state: 'delivered' })]);
    expect(received).toHaveLength(1);
    // The dead dispatcher's late answer cannot overwrite the result.
    expect(
      await store.transaction((tx) =>
        tx.webhooks.finish(owner.ownerId, claimed!.id, 'crashed', {
          state: 'pending',
          nextAttemptAt: now.toISOString(),
          lastStatus: 500,
          lastError: 'late',
          at: now.toISOString(),
        }),
      ),
    ).toBeNull();
  });

  it('sends a test message on demand and delivers promptly after a commit once started', async () => {
    const owner = tracker.forOwner(ownerId());
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    expect(await owner.webhooks.test(endpoint.id)).toEqual({ delivered: true, status: 204, error: null });
    expect(verify(endpoint.secret, received[0]!)).toMatchObject({ type: 'webhook.test', seq: 0 });

    dispatcher.start({ intervalMs: 60_000 });
    await owner.expenses.create({ amount: '1.00' });
    await expect.poll(() => received.length, { timeout: 5_000, interval: 5 }).toBe(2);
    expect(received[1]!.payload.seq).toBe(1);
  });
});
