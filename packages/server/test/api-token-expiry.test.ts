import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDatabase } from '@expense-tracker/core/kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../../core/test/setup/pg-database.js';
import { SERVER_TABLES } from '../src/auth/server-tables.js';
import { ApiTokenService, MAX_LIVE_API_TOKENS, TOKEN_EXPIRY_NOTICE_DAYS } from '../src/integrations/api-tokens.js';
import { manualClock } from './support/clock.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

/**
 * Expiry notices of API tokens (SPEC §7.0 due work, §7.4) and the cap on live tokens, on both
 * engines, with two server instances over one database sharing a clock the test moves: an
 * owner is told once per token, `TOKEN_EXPIRY_NOTICE_DAYS` days ahead, in `GET /notifications`
 * and on the WebSocket, however many instances tick at once.
 */

const DAY = 24 * 60 * 60 * 1000;
const START = '2026-11-15T12:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

type User = Awaited<ReturnType<TestServer['user']>>;

async function createToken(api: TestServer, user: User, body: Record<string, unknown>) {
  const created = await api.request('POST', '/auth/tokens', {
    token: user.token,
    body: { preset: 'read-only', ...body },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; token: string; prefix: string; expiresAt: string };
}

/** A fresh access token for `user` at the clock's time (the old one expired when the test moved time). */
async function login(api: TestServer, user: User): Promise<string> {
  const response = await api.request('POST', '/auth/login', {
    body: { username: user.username, password: user.password },
  });
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}

/** Polls `read` until `done` holds of its answer (the tickers run every 25 ms); time itself is never waited for. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
}

describe.each(DIALECTS)('API token expiry notices and the token cap on %s', (dialect) => {
  let database: string;
  let drop: () => Promise<void>;
  const servers: TestServer[] = [];
  const clock = manualClock(START);

  beforeAll(async () => {
    if (dialect === 'postgres') {
      const pg = await createTestDatabase(inject('pgUrl'));
      database = pg.url;
      drop = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'et-token-expiry-'));
      database = join(dir, 'shared.db');
      drop = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    clock.set(START);
  });
  afterAll(async () => {
    await drop?.();
  });

  const start = async (ticking: boolean) => {
    const server = await startServer(dialect, { database, clock, dueWork: ticking ? { intervalMs: 25 } : false });
    servers.push(server);
    return server;
  };

  it('noticeExpiring tells the owner once per token, from 7 days ahead, and not of short-lived or revoked tokens', async () => {
    const api = await start(false);
    const user = await api.user();
    const month = await createToken(api, user, { name: 'Monthly report', expiresInDays: 30 });
    await createToken(api, user, { name: 'One-off', expiresInDays: TOKEN_EXPIRY_NOTICE_DAYS });
    const revoked = await createToken(api, user, { name: 'Old', expiresInDays: 30 });
    expect((await api.request('DELETE', `/auth/tokens/${revoked.id}`, { token: user.token })).status).toBe(204);
    const service = new ApiTokenService({ db: hostDatabase(api.tracker, SERVER_TABLES), clock });
    const owner = api.tracker.forOwner(user.id);

    clock.set(at(30 * DAY - TOKEN_EXPIRY_NOTICE_DAYS * DAY - 1)); // a millisecond before the window
    expect(await service.noticeExpiring(api.tracker)).toBe(0);
    expect(await owner.notifications.list()).toEqual([]);

    clock.set(at(30 * DAY - TOKEN_EXPIRY_NOTICE_DAYS * DAY));
    expect(await service.noticeExpiring(api.tracker)).toBe(1);
    clock.set(at(29 * DAY));
    expect(await service.noticeExpiring(api.tracker)).toBe(0);
    const notices = await owner.notifications.list();
    expect(notices).toEqual([
      expect.objectContaining({
        kind: 'notice',
        topic: 'api-token.expiring',
        subjectId: month.id,
        data: { tokenId: month.id, name: 'Monthly report', prefix: month.prefix, expiresAt: month.expiresAt },
      }),
    ]);
    expect(notices[0]!.message).toContain('"Monthly report"');
    // Only the owner's own notice: another user has none.
    const other = await api.user();
    expect(await api.tracker.forOwner(other.id).notifications.list()).toEqual([]);
  });

  it('two instances ticking at once tell the owner once, in GET /notifications and on the WebSocket', async () => {
    const a = await start(true);
    const b = await start(true);
    const user = await a.user();
    const token = await createToken(a, user, { name: 'Bank sync', expiresInDays: 30 });
    // Two instances' passes racing over the same token, besides the tickers.
    const racers = [a, b].map((s) => new ApiTokenService({ db: hostDatabase(s.tracker, SERVER_TABLES), clock }));

    clock.set(at(24 * DAY));
    const told = await Promise.all(racers.map((service) => service.noticeExpiring(a.tracker)));
    expect(told[0]! + told[1]!).toBeLessThanOrEqual(1);
    const access = await login(b, user);
    const listed = await until(
      async () => (await b.request('GET', '/notifications', { token: access })).body as { subjectId?: string }[],
      (list) => list.length > 0,
    );
    expect(listed).toEqual([expect.objectContaining({ kind: 'notice', subjectId: token.id })]);

    const socket = new WebSocket(`${b.wsUrl}/ws/notifications?token=${encodeURIComponent(access)}&after=0`);
    const messages: { type: string; data: { notification: { subjectId: string } } }[] = [];
    socket.on('message', (raw) => messages.push(JSON.parse(messageText(raw)) as (typeof messages)[number]));
    await until(
      async () => messages,
      (m) => m.length > 0,
    );
    socket.terminate();
    expect(messages.map((m) => [m.type, m.data.notification.subjectId])).toEqual([['notice.posted', token.id]]);

    // Later ticks of both instances tell no more.
    clock.set(at(29 * DAY));
    for (const service of racers) expect(await service.noticeExpiring(a.tracker)).toBe(0);
    expect((await a.request('GET', '/notifications', { token: await login(a, user) })).body).toHaveLength(1);
    const { events } = await a.tracker.forOwner(user.id).changes();
    expect(events.filter((e) => e.type === 'notice.posted')).toHaveLength(1);
  });

  it(`refuses a live token past ${MAX_LIVE_API_TOKENS} with a 409 that says to revoke one; a revoked or expired one frees a place`, async () => {
    const api = await start(false);
    const user = await api.user();
    const made = [];
    for (let i = 0; i < MAX_LIVE_API_TOKENS - 1; i++)
      made.push(await createToken(api, user, { name: `t${i}`, expiresInDays: 30 }));
    const short = await createToken(api, user, { name: 'short', expiresInDays: 1 });
    const refused = expectProblem(
      await api.request('POST', '/auth/tokens', {
        token: user.token,
        body: { name: 'one more', preset: 'read-only', expiresInDays: 30 },
      }),
      409,
      'CONFLICT',
    );
    expect(refused.detail).toContain(`${MAX_LIVE_API_TOKENS} live API tokens`);
    expect(refused.detail).toContain('revoke');

    expect((await api.request('DELETE', `/auth/tokens/${made[0]!.id}`, { token: user.token })).status).toBe(204);
    await createToken(api, user, { name: 'in the freed place', expiresInDays: 30 });
    expectProblem(
      await api.request('POST', '/auth/tokens', {
        token: user.token,
        body: { name: 'again', preset: 'read-only', expiresInDays: 30 },
      }),
      409,
      'CONFLICT',
    );
    // Once the short one has expired, it no longer counts.
    clock.set(new Date(Date.parse(short.expiresAt) + 1).toISOString());
    const access = await login(api, user);
    expect(
      (
        await api.request('POST', '/auth/tokens', {
          token: access,
          body: { name: 'after expiry', preset: 'read-only', expiresInDays: 30 },
        })
      ).status,
    ).toBe(201);
    // The cap is the account's: another user still creates tokens.
    const other = await api.user();
    await createToken(api, other, { name: 'mine', expiresInDays: 30 });
  });

  it(`holds the cap of ${MAX_LIVE_API_TOKENS} against creations racing on two instances: exactly the free places are taken`, async () => {
    const [a, b] = [await start(false), await start(false)];
    const user = await a.user();
    for (let i = 0; i < MAX_LIVE_API_TOKENS - 2; i++) await createToken(a, user, { name: `t${i}`, expiresInDays: 30 });
    const racing = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? a : b).request('POST', '/auth/tokens', {
          token: user.token,
          body: { name: `racer ${i}`, preset: 'read-only', expiresInDays: 30 },
        }),
      ),
    );
    const statuses = racing.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(2).fill(201), ...Array<number>(10).fill(409)]);
    const live = await b.request('GET', '/auth/tokens', { token: user.token });
    expect(live.body).toHaveLength(MAX_LIVE_API_TOKENS);
  });
});
