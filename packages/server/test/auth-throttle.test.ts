import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDatabase } from '@expense-tracker/core/kysely';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { PasswordHasher } from '../src/auth/passwords.js';
import { addressKey, Throttle } from '../src/auth/throttle.js';
import { SERVER_TABLES, type ServerDatabase } from '../src/auth/server-tables.js';
import { manualClock } from './support/clock.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestDialect, type TestServer } from './support/server.js';

/**
 * Issue 11, items 1 and 4 and the registration part of 8: throttles that hold under concurrency,
 * across instances and restarts. Each test replays an attack that worked before the counters
 * moved into the database and were reserved before the password check: the limit was read
 * before the scrypt work and charged after it, so every request of a burst passed the check,
 * and the counters lived in each process's memory.
 */

/** A hasher at the tests' cheap cost whose counters the test reads; roomy unless told otherwise. */
function testHasher(
  limits: ConstructorParameters<typeof PasswordHasher>[1] = { concurrency: 2, maxWaiting: 1000, maxPerClient: 1000 },
): PasswordHasher {
  return new PasswordHasher({ logN: 12, r: 8, p: 1 }, limits);
}

const from = (address: string) => ({ 'x-forwarded-for': address });

function db(api: TestServer): Kysely<ServerDatabase> {
  return hostDatabase(api.tracker, SERVER_TABLES);
}

/** How many answers had each status. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

describe.each(DIALECTS)('login throttling under concurrency on %s', (dialect) => {
  let api: TestServer;
  let hasher: PasswordHasher;

  beforeAll(async () => {
    hasher = testHasher();
    api = await startServer(dialect, { trustProxy: true, auth: { hasher } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('30 wrong guesses and the right password at once, from 31 addresses: 5 are checked, the rest get 429 without a hash, and the account stays locked', async () => {
    // Before: all 31 passed the check (none had been charged yet), all 31 were evaluated and the right one logged in.
    const victim = await api.user();
    const before = hasher.stats.evaluations;
    const guesses = [...Array.from({ length: 30 }, (_, i) => `wrong guess ${i}`), victim.password];
    const answers = await Promise.all(
      guesses.map((password, i) =>
        api.request('POST', '/auth/login', {
          body: { username: victim.username, password },
          headers: from(`198.51.100.${i + 1}`),
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 401 || s === 200).length;
    expect(checked, JSON.stringify(tally(statuses))).toBe(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(26);
    expect(hasher.stats.evaluations - before).toBe(5);
    for (const limited of answers.filter((a) => a.status === 429)) {
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Unless the right password happened to be among the 5 checked, the account is locked for everyone now.
    if (statuses.at(-1) !== 200) {
      expectProblem(
        await api.request('POST', '/auth/login', {
          body: { username: victim.username, password: victim.password },
          headers: from('192.0.2.1'),
        }),
        429,
        'RATE_LIMITED',
      );
    }
  });

  it('a burst of 300 guesses at one username from 300 addresses is 5 evaluations, not 300', async () => {
    const victim = await api.user();
    const before = hasher.stats.evaluations;
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        api.request('POST', '/auth/login', {
          body: { username: victim.username, password: `guess ${i}` },
          headers: from(`10.${Math.floor(i / 250)}.${i % 250}.9`),
        }),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: 5, 429: 295 });
    expect(hasher.stats.evaluations - before).toBe(5);
    // The counter holds the 5 failures kept, not the 295 refusals (they gave their points back).
    const row = await db(api)
      .selectFrom('srv_throttle')
      .select('hits')
      .where('key', '=', `password-user:${victim.username.toLowerCase()}`)
      .executeTakeFirstOrThrow();
    expect(row.hits).toBe(5);
  });

  it('60 logins sprayed from one address at 60 usernames at once are checked against the limit of 20: 20 evaluations', async () => {
    const before = hasher.stats.evaluations;
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        api.request('POST', '/auth/login', {
          body: { username: `spray_${i}`, password: 'Winter2026!' },
          headers: from('203.0.113.60'),
        }),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: 20, 429: 40 });
    expect(hasher.stats.evaluations - before).toBe(20);
  });

  it('with a proxy, the address is the one the proxy appended: what the client puts before it in X-Forwarded-For changes nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const answer = await api.request('POST', '/auth/login', {
        body: { username: `xff_${i}`, password: 'wrong password' },
        headers: from(`10.9.9.${i}, 203.0.113.21`),
      });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('a right password clears the username’s failures and gives back the address’s point: only failures count', async () => {
    const u = await api.user();
    const address = from('203.0.113.99');
    for (let i = 0; i < 4; i += 1)
      expect(
        (
          await api.request('POST', '/auth/login', {
            body: { username: u.username, password: `nope ${i}` },
            headers: address,
          })
        ).status,
      ).toBe(401);
    // 25 successes after 4 failures: neither the username's limit (5) nor the address's (20) is reached.
    for (let i = 0; i < 25; i += 1)
      expect(
        (
          await api.request('POST', '/auth/login', {
            body: { username: u.username, password: u.password },
            headers: address,
          })
        ).status,
      ).toBe(200);
    for (let i = 0; i < 5; i += 1)
      expect(
        (
          await api.request('POST', '/auth/login', {
            body: { username: u.username, password: `again ${i}` },
            headers: address,
          })
        ).status,
      ).toBe(401);
    expectProblem(
      await api.request('POST', '/auth/login', {
        body: { username: u.username, password: u.password },
        headers: address,
      }),
      429,
      'RATE_LIMITED',
    );
  });
});

describe.each(DIALECTS)('PATCH /auth/me is no password oracle on %s', (dialect) => {
  let api: TestServer;
  const clock = manualClock();

  beforeAll(async () => {
    // Tokens live an hour here: the test moves the clock 15 minutes, past the default 900 s.
    api = await startServer(dialect, { clock, accessTokenTtl: 3600, auth: { hasher: testHasher() } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('30 wrong currentPassword guesses at once with a stolen token: 5 are checked (422), 25 get 429; then the right one is refused too, and the victim stays logged in', async () => {
    // Before: all 30 were answered 422, and the right one changed the password and logged the victim out everywhere.
    const victim = await api.user();
    const thief = await api.request('POST', '/auth/login', {
      body: { username: victim.username, password: victim.password },
    });
    const stolen: string = thief.body.access_token;
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.request('PATCH', '/auth/me', {
          token: stolen,
          body: { password: 'the thief’s new password', currentPassword: `guess ${i}` },
        }),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 422: 5, 429: 25 });
    for (const a of answers.filter((x) => x.status === 429))
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    expectProblem(
      await api.request('PATCH', '/auth/me', {
        token: stolen,
        body: { password: 'the thief’s new password', currentPassword: victim.password },
      }),
      429,
      'RATE_LIMITED',
    );
    // Nothing changed: the victim's own session lives, and the password is the old one.
    expect((await api.request('GET', '/auth/me', { token: victim.token })).status).toBe(200);
    // The guesses count against the account's login as well (one budget of wrong passwords per account).
    expectProblem(
      await api.request('POST', '/auth/login', { body: { username: victim.username, password: victim.password } }),
      429,
      'RATE_LIMITED',
    );
    // Once the window has passed, the right current password works again (and then logs out the other sessions).
    clock.advance(15 * 60 * 1000 + 1000);
    const changed = await api.request('PATCH', '/auth/me', {
      token: victim.token,
      body: { password: 'a brand new password', currentPassword: victim.password },
    });
    expect(changed.status).toBe(200);
    expect((await api.request('GET', '/auth/me', { token: stolen })).status).toBe(401);
  });
});

describe.each(DIALECTS)('registration and refresh throttling on %s', (dialect) => {
  let api: TestServer;
  const clock = manualClock();

  beforeAll(async () => {
    api = await startServer(dialect, {
      trustProxy: true,
      clock,
      auth: {
        hasher: testHasher(),
        limits: {
          registerPerAddress: { points: 3, windowSeconds: 3600 },
          refreshPerAddress: { points: 3, windowSeconds: 900 },
        },
      },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  const register = (username: string, address: string) =>
    api.request('POST', '/auth/register', {
      body: { username, password: 'correct horse battery staple' },
      headers: from(address),
    });

  it('10 registrations at once from one address with a limit of 3: 3 are made, 7 get 429 and nothing is stored for them; another address still registers', async () => {
    // Before: registrations were not throttled at all.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => register(`burst_${i}`, '203.0.113.10')));
    expect(tally(answers.map((a) => a.status))).toEqual({ 201: 3, 429: 7 });
    for (const a of answers.filter((x) => x.status === 429)) expectProblem(a, 429, 'RATE_LIMITED');
    const stored = await db(api)
      .selectFrom('srv_account')
      .select('username')
      .where('username', 'like', 'burst_%')
      .execute();
    expect(stored.map((r) => r.username).sort()).toEqual(
      answers.flatMap((a, i) => (a.status === 201 ? [`burst_${i}`] : [])).sort(),
    );
    expect((await register('burst_other', '203.0.113.11')).status).toBe(201);
  });

  it('by default an address may register 20 accounts an hour', async () => {
    const defaults = await startServer(dialect, { auth: { limits: { registerPerAddress: undefined } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1)
        statuses.push(
          (
            await defaults.request('POST', '/auth/register', {
              body: { username: `default_${i}`, password: 'correct horse battery staple' },
            })
          ).status,
        );
      expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
      expect(statuses[20]).toBe(429);
    } finally {
      await defaults.close();
    }
  });

  it('probing taken names costs registrations too: enumeration through 409 is as slow as registering', async () => {
    expect((await register('probe_target', '203.0.113.20')).status).toBe(201);
    expectProblem(await register('probe_target', '203.0.113.21'), 409, 'CONFLICT');
    expectProblem(await register('PROBE_TARGET', '203.0.113.21'), 409, 'CONFLICT');
    expectProblem(await register('probe_target', '203.0.113.21'), 409, 'CONFLICT');
    const limited = await register('probe_target', '203.0.113.21');
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    // After the hour, the address may register again.
    clock.advance(3600 * 1000);
    expect((await register('probe_after_hour', '203.0.113.21')).status).toBe(201);
  });

  it('failed refreshes are limited per address (3 here): the 4th is 429, even with a valid token; successful refreshes do not count', async () => {
    await register('refresher', '203.0.113.30');
    const login = await api.request('POST', '/auth/login', {
      body: { username: 'refresher', password: 'correct horse battery staple' },
    });
    let token: string = login.body.refresh_token;
    for (let i = 0; i < 6; i += 1) {
      const next = await api.request('POST', '/auth/refresh', {
        body: { refresh_token: token },
        headers: from('203.0.113.31'),
      });
      expect(next.status).toBe(200);
      token = next.body.refresh_token;
    }
    const bad = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.request('POST', '/auth/refresh', {
          body: { refresh_token: `rt_not_a_token_${i}` },
          headers: from('203.0.113.31'),
        }),
      ),
    );
    expect(tally(bad.map((a) => a.status))).toEqual({ 401: 3, 429: 2 });
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: token }, headers: from('203.0.113.31') }),
      429,
      'RATE_LIMITED',
    );
    // The token was not spent by the refused attempt: from another address it still works.
    expect(
      (await api.request('POST', '/auth/refresh', { body: { refresh_token: token }, headers: from('203.0.113.32') }))
        .status,
    ).toBe(200);
  });
});

describe.each(DIALECTS)('limits shared by instances and kept across restarts on %s', (dialect) => {
  let database: string;
  let dropDatabase: () => Promise<void>;
  const servers: TestServer[] = [];
  const clock = manualClock();

  beforeAll(async () => {
    if (dialect === 'postgres') {
      const pg: TestDatabase = await createTestDatabase(inject('pgUrl'));
      database = pg.url;
      dropDatabase = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'et-throttle-'));
      database = join(dir, 'shared.db');
      dropDatabase = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await dropDatabase();
  });

  const instance = async () => {
    const server = await startServer(dialect, { database, clock });
    servers.push(server);
    return server;
  };

  it('two instances on one database share one limit of 5 wrong passwords per username, and a restart keeps it', async () => {
    // Before: each process kept its own counters: two instances allowed twice the guesses, and a restart cleared them.
    const a = await instance();
    const b = await instance();
    const victim = await a.user();
    const guess = (server: TestServer, password: string) =>
      server.request('POST', '/auth/login', { body: { username: victim.username, password } });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await guess(i % 2 === 0 ? a : b, `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expectProblem(await guess(a, victim.password), 429, 'RATE_LIMITED');
    expectProblem(await guess(b, victim.password), 429, 'RATE_LIMITED');

    // Restart both: the counter is in the database.
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const restarted = await instance();
    expectProblem(await guess(restarted, victim.password), 429, 'RATE_LIMITED');

    // The window ends 15 minutes after the first failure; then the right password works.
    clock.advance(15 * 60 * 1000);
    expect((await guess(restarted, victim.password)).status).toBe(200);
  });
});

describe.each(DIALECTS)('the throttle store on %s', (dialect: TestDialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('100 reservations of one counter at once each get a different count, 1 to 100: the increment is atomic', async () => {
    const throttle = new Throttle(db(api), manualClock());
    const rule = { points: 10, windowSeconds: 60 };
    const reservations = await Promise.all(
      Array.from({ length: 100 }, () =>
        throttle.reserve([
          { key: 'atomic', rule },
          { key: 'atomic-2', rule },
        ]),
      ),
    );
    expect(reservations.map((r) => r.hits('atomic')).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(reservations.filter((r) => r.retryAfterSeconds === null)).toHaveLength(10);
    await Promise.all(reservations.map((r) => r.refund(['atomic'])));
    const rows = await db(api)
      .selectFrom('srv_throttle')
      .select(['key', 'hits'])
      .where('key', 'in', ['atomic', 'atomic-2'])
      .orderBy('key')
      .execute();
    expect(rows).toEqual([
      { key: 'atomic', hits: 0 },
      { key: 'atomic-2', hits: 100 },
    ]);
  });

  it('a window ends with its time; a refund never reaches into the next window; expired counters are swept', async () => {
    const clock = manualClock();
    const throttle = new Throttle(db(api), clock);
    const rule = { points: 2, windowSeconds: 60 };
    await throttle.reserve([{ key: 'window', rule }]);
    await throttle.reserve([{ key: 'window', rule }]);
    const third = await throttle.reserve([{ key: 'window', rule }]);
    expect(third.retryAfterSeconds).toBe(60);
    clock.advance(45_000);
    const fourth = await throttle.reserve([{ key: 'window', rule }]);
    expect(fourth.retryAfterSeconds).toBe(15);
    clock.advance(15_000);
    const fresh = await throttle.reserve([{ key: 'window', rule }]);
    expect(fresh.hits('window')).toBe(1);
    expect(fresh.retryAfterSeconds).toBeNull();
    await fourth.refund(); // taken in the old window: the new one owes nothing
    expect((await throttle.reserve([{ key: 'window', rule }])).hits('window')).toBe(2);
    clock.advance(120_000);
    await throttle.reserve([{ key: 'other', rule }]);
    const left = await sql<{ key: string }>`select key from srv_throttle where key in ('window', 'other')`.execute(
      db(api),
    );
    expect(left.rows.map((r) => r.key)).toEqual(['other']);
  });
});

describe('client addresses as throttling keys', () => {
  it('an IPv6 client counts by its /64, an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('')).toBe('unknown');
  });
});
