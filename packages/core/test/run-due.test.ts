import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { isTrackerError, Tracker } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/**
 * `tracker.runDue({ now })` (SPEC §7.0): the due work of a tracker on an injected clock, on
 * both engines, against a real receiver on 127.0.0.1. Time moves by passing `now` or by moving
 * the clock: nothing sleeps for a retry.
 */

let receiver: Server;
let receiverUrl: string;
let statuses: number[] = [];
let ids: string[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      ids.push(String(request.headers['webhook-id']));
      response.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const HOUR = 3_600_000;
const keys = [{ id: 'k1', key: randomBytes(32).toString('base64') }];

describe.each(['sqlite', 'postgres'] as const)('tracker.runDue on %s', (engine) => {
  let tracker: Tracker;
  let pg: TestDatabase | null = null;
  let nowMs = Date.parse('2026-11-15T12:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };

  beforeEach(async () => {
    nowMs = Date.parse('2026-11-15T12:00:00.000Z');
    pg = engine === 'postgres' ? await createTestDatabase(inject('pgUrl')) : null;
    tracker = await Tracker.open({
      database: pg ? pg.url : ':memory:',
      clock,
      webhooks: { encryptionKeys: keys, allowPrivateAddresses: true },
    });
    await tracker.migrate();
    statuses = [];
    ids = [];
  });
  afterEach(async () => {
    await tracker.close();
    await pg?.drop();
  });

  it('reports the instant it ran at and does nothing when nothing is due', async () => {
    const report = await tracker.runDue();
    expect(report).toEqual({
      at: '2026-11-15T12:00:00.000Z',
      schedules: { posted: 0, matched: 0, missed: 0 },
      webhooks: { fannedOut: 0, attempted: 0, delivered: 0, retrying: 0, dead: 0, disabled: 0 },
    });
  });

  it('posts what schedules have due since the last run, and the webhook pass of the same run delivers it', async () => {
    const owner = tracker.forOwner('alice');
    await owner.webhooks.create({ url: receiverUrl });
    await owner.schedules.create({
      name: 'Rent',
      recurrence: { unit: 'month', anchor: '2026-11-30' },
      template: { amount: '1200.00', merchant: 'Landlord' },
    });
    // Down from Nov 15 to Feb 2: Nov 30, Dec 30 (the anchor's day) and Jan 30 fell due meanwhile.
    nowMs = Date.parse('2027-02-02T12:00:00.000Z');
    const report = await tracker.runDue();
    expect(report.schedules).toEqual({ posted: 3, matched: 0, missed: 0 });
    // schedule.created, then per occurrence expense.created and schedule.occurrence.posted: 7 events, all delivered.
    expect(report.webhooks).toMatchObject({ fannedOut: 7, delivered: 7 });
    const { items } = await owner.expenses.list();
    expect(items.map((e) => [e.date, e.source.kind])).toEqual([
      ['2027-01-30', 'schedule'],
      ['2026-12-30', 'schedule'],
      ['2026-11-30', 'schedule'],
    ]);
    expect((await tracker.runDue()).schedules).toEqual({ posted: 0, matched: 0, missed: 0 });
  });

  it('delivers a new event, retries a failure once the clock reaches its retry, and reports each pass', async () => {
    const owner = tracker.forOwner('alice');
    await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '4.20' });
    statuses = [500];

    expect((await tracker.runDue()).webhooks).toMatchObject({ fannedOut: 1, attempted: 1, retrying: 1 });
    // The same instant again: the retry is not due yet, and the message is not fanned out twice.
    expect((await tracker.runDue()).webhooks).toMatchObject({ fannedOut: 0, attempted: 0 });

    nowMs += HOUR; // the injected clock moves; runDue() reads it
    const later = await tracker.runDue();
    expect(later.at).toBe('2026-11-15T13:00:00.000Z');
    expect(later.webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it('catches up after downtime: an explicit now does everything due before it', async () => {
    const owner = tracker.forOwner('bob');
    const endpoint = await owner.webhooks.create({ url: receiverUrl });
    await owner.expenses.create({ amount: '1.00' });
    await owner.expenses.create({ amount: '2.00' });
    statuses = [503, 503];
    expect((await tracker.runDue()).webhooks).toMatchObject({ attempted: 2, retrying: 2 });

    const report = await tracker.runDue({ now: new Date(nowMs + 6 * HOUR) });

    expect(report.webhooks).toMatchObject({ attempted: 2, delivered: 2 });
    const messages = await owner.webhooks.messages(endpoint.id);
    expect(messages.map((m) => m.state)).toEqual(['delivered', 'delivered']);
  });

  it('is refused once the tracker is closed', async () => {
    await tracker.close();
    await expect(tracker.runDue()).rejects.toSatisfy((error) => isTrackerError(error, 'TRACKER_CLOSED'));
  });
});
