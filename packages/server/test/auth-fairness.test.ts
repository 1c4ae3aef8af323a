import { hostDatabase } from '@expense-tracker/core/kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_TABLES } from '../src/auth/server-tables.js';
import { PasswordHasher } from '../src/auth/passwords.js';
import { expectProblem } from './support/problems.js';
import { waitFor } from './support/process.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * Issue 11, item 2: password hashing as a bounded, fair resource. Before, every login,
 * unknown-user login and registration waited for one of two hashing slots in one unbounded FIFO:
 * 30 anonymous failing logins stretched a real user's login from 1.3 s to 37 s. Nothing here
 * reads a wall clock against a threshold: the measure is the order in which the hasher serves
 * (which request is answered while which others still wait), and which requests are refused.
 */

/** scrypt at 2^14 (a few tens of ms here): long enough that a queue really forms behind one slot. */
const QUEUE_FORMING = { logN: 14, r: 8, p: 1 };

describe.each(DIALECTS)('an anonymous flood does not starve a real login on %s', (dialect) => {
  let api: TestServer;
  let hasher: PasswordHasher;

  beforeAll(async () => {
    hasher = new PasswordHasher(QUEUE_FORMING, { concurrency: 1, maxWaiting: 64, maxPerClient: 8 });
    api = await startServer(dialect, { trustProxy: true, auth: { hasher } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('4 addresses × 9 failing logins at once: the 9th of each is refused at once (429), and a real user’s login is served ahead of the queued flood', async () => {
    const real = await api.user();
    const flood = Array.from({ length: 4 }, (_, a) =>
      Array.from({ length: 9 }, (_, i) => ({ address: `198.51.100.${a + 1}`, username: `ghost_${a}_${i}` })),
    ).flat();
    let pending = flood.length;
    const answers = flood.map((f) =>
      api
        .request('POST', '/auth/login', {
          body: { username: f.username, password: 'Winter2026!' },
          headers: { 'x-forwarded-for': f.address },
        })
        .finally(() => (pending -= 1)),
    );
    // The flood is queued: one hash runs, the others wait.
    await waitFor(
      'the flood to queue',
      () => hasher.stats.waiting,
      (n) => n >= 24,
    );

    const login = await api.request('POST', '/auth/login', {
      body: { username: real.username, password: real.password },
      headers: { 'x-forwarded-for': '192.0.2.50' },
    });
    expect(login.status).toBe(200);
    const stillWaiting = pending;
    const statuses = (await Promise.all(answers)).map((a) => a.status);

    // Each address had 8 hashes in flight; its 9th was refused without waiting.
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(statuses.filter((s) => s === 401)).toHaveLength(32);
    // In one FIFO the real login would have been answered after all 32 queued flood checks (0
    // left). Served by priority (its address had no failures, each flood address had up to 8 in
    // flight) it waited only for the running check and the flood's first check per address.
    expect(
      stillWaiting,
      'flood requests unanswered when the real login was answered (of 32 checked)',
    ).toBeGreaterThanOrEqual(12);
  });

  it('a flood from 30 fresh addresses, one failing login each: a user who has logged in from their address before is served ahead of all of them', async () => {
    const real = await api.user();
    const home = { 'x-forwarded-for': '192.0.2.70' };
    expect(
      (
        await api.request('POST', '/auth/login', {
          body: { username: real.username, password: real.password },
          headers: home,
        })
      ).status,
    ).toBe(200);
    let pending = 30;
    const answers = Array.from({ length: 30 }, (_, a) =>
      api
        .request('POST', '/auth/login', {
          body: { username: `fresh_${a}`, password: 'Winter2026!' },
          headers: { 'x-forwarded-for': `198.51.101.${a + 1}` },
        })
        .finally(() => (pending -= 1)),
    );
    await waitFor(
      'the flood to queue',
      () => hasher.stats.waiting,
      (n) => n >= 20,
    );
    // Every flood address is as new as the next: their checks tie on priority. The real user's address
    // has a successful login behind it, so its check goes first.
    expect(
      (
        await api.request('POST', '/auth/login', {
          body: { username: real.username, password: real.password },
          headers: home,
        })
      ).status,
    ).toBe(200);
    const stillWaiting = pending;
    expect((await Promise.all(answers)).every((a) => a.status === 401)).toBe(true);
    expect(stillWaiting, 'flood requests unanswered when the real login was answered (of 30)').toBeGreaterThanOrEqual(
      15,
    );
  });

  it('with the queue full of a flood’s failing checks, a fresh client is still served: the worst waiter is refused with 503 instead', async () => {
    // scrypt at 2^16 (~100 ms or more here): the queue stays full long enough to be seen full.
    const full = new PasswordHasher({ logN: 16, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 4, maxPerClient: 10 });
    const server = await startServer(dialect, { trustProxy: true, auth: { hasher: full } });
    try {
      const real = await server.user();
      const flood = Array.from({ length: 6 }, (_, i) =>
        server.request('POST', '/auth/login', {
          body: { username: `ghost_full_${i}`, password: 'Winter2026!' },
          headers: { 'x-forwarded-for': '198.51.100.200' },
        }),
      );
      await waitFor(
        'the queue to fill',
        () => full.stats.waiting,
        (n) => n === 4,
      );
      const login = await server.request('POST', '/auth/login', {
        body: { username: real.username, password: real.password },
        headers: { 'x-forwarded-for': '192.0.2.60' },
      });
      expect(login.status).toBe(200);
      const answers = await Promise.all(flood);
      const busy = answers.filter((a) => a.status === 503);
      // One flood check found the queue full (its priority no better than any waiter's), one was pushed out for the real login.
      expect(busy.length).toBeGreaterThanOrEqual(1);
      for (const a of busy) {
        expectProblem(a, 503, 'SERVER_BUSY');
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(answers.every((a) => a.status === 401 || a.status === 503)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('registrations wait in the same fair queue: a flood of them from one address holds at most its share, and the refused ones cost no registration', async () => {
    const shared = new PasswordHasher({ logN: 12, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 64, maxPerClient: 8 });
    const server = await startServer(dialect, { trustProxy: true, auth: { hasher: shared } });
    try {
      // Another client's check at scrypt 2^17 holds the only slot while the flood arrives, so every
      // registration of the flood finds the ones before it still waiting.
      const blocker = shared.verify(
        'a slow check',
        `scrypt$17$8$1$${'c2FsdHNhbHRzYWx0c2FsdA'}$${'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U'}`,
        { client: 'blocker' },
      );
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          server.request('POST', '/auth/register', {
            body: { username: `reg_flood_${i}`, password: 'correct horse battery staple' },
            headers: { 'x-forwarded-for': '198.51.100.77' },
          }),
        ),
      );
      await blocker;
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(8);
      for (const a of answers.filter((x) => x.status !== 201)) expectProblem(a, 429, 'RATE_LIMITED');
      expect(shared.stats.refused).toBe(4);
      // The address's registration counter holds the 8 made: the refused ones gave their points back.
      const db = hostDatabase(server.tracker, SERVER_TABLES);
      const row = await db
        .selectFrom('srv_throttle')
        .select('hits')
        .where('key', '=', 'register-address:198.51.100.77')
        .executeTakeFirstOrThrow();
      expect(row.hits).toBe(8);
    } finally {
      await server.close();
    }
  });
});
