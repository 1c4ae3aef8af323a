import { defineHostTables, hostDatabase } from '@expense-tracker/core/kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import { expectProblem, issuePaths } from './support/problems.js';
import { waitFor } from './support/process.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * `Idempotency-Key` on every POST that writes (SPEC §3: the first response is replayed for
 * 24 h; the same key with a different body is a 422). The key's answer is core's record of
 * the write's result, written in the write's transaction (issue #11); the crash between
 * commit and answer is `idempotency-crash.test.ts`.
 */

type Answer = Awaited<ReturnType<TestServer['request']>>;

describe.each(DIALECTS)('Idempotency-Key over HTTP on %s', (dialect) => {
  // The tracker's clock (records are kept 24 h by it), moved by hand.
  const clock = manualClock('2026-11-15T12:00:00.000Z');
  let api: TestServer;
  beforeAll(async () => {
    // Tokens live two days here: one login outlasts the 24 h the test moves the clock through.
    api = await startServer(dialect, { clock, accessTokenTtl: 2 * 24 * 3600 });
  });
  afterAll(async () => {
    await api.close();
  });

  /** The change feed's last seq: it moves with every write, and only then. */
  const lastSeq = async (token: string): Promise<number> =>
    (await api.request('GET', '/changes?after=0&limit=1', { token })).body.lastSeq;

  /** Sends a POST twice with one key: the second answer must be the first, replayed, with nothing written. */
  async function twice(token: string, key: string, path: string, body?: unknown): Promise<Answer> {
    const first = await api.request('POST', path, { token, body, headers: { 'idempotency-key': key } });
    expect(first.status, `${path}: ${JSON.stringify(first.body)}`).toBeLessThan(300);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const seq = await lastSeq(token);
    const again = await api.request('POST', path, { token, body, headers: { 'idempotency-key': key } });
    expect(again.headers.get('idempotent-replayed'), path).toBe('true');
    expect({ status: again.status, type: again.headers.get('content-type'), body: again.body }).toEqual({
      status: first.status,
      type: first.headers.get('content-type'),
      body: first.body,
    });
    expect(await lastSeq(token), path).toBe(seq);
    return first;
  }

  it('every POST that writes answers its retry with the first answer (status, type, body), replayed, and writes nothing more', async () => {
    clock.set('2026-11-15T12:00:00.000Z');
    const { token } = await api.user();
    const food = (await twice(token, 'category', '/categories', { name: 'Food' })).body;
    expect((await twice(token, 'expense', '/expenses', { amount: '9.00', categoryId: food.id })).status).toBe(201);
    expect(
      (await twice(token, 'batch', '/expenses/batch', { items: [{ amount: '1.00' }, { amount: '2.00' }] })).body.items,
    ).toHaveLength(2);
    const foodBudget = (
      await twice(token, 'budgets', '/budgets', { name: 'Food', amount: '10', categoryIds: [food.id], alertRules: [] })
    ).body;
    expect((await twice(token, 'alerts', '/alerts', { budgetId: foodBudget.id, thresholdPercent: 50 })).status).toBe(
      201,
    );
    // POST /budget creates (201), then replaces (200): each retry says what its first attempt said.
    expect((await twice(token, 'budget-1', '/budget', { name: 'Month', amount: '100', alertRules: [] })).status).toBe(
      201,
    );
    expect((await twice(token, 'budget-2', '/budget', { name: 'Month', amount: '120' })).status).toBe(200);
    expect((await twice(token, 'alert', '/alert', { thresholdPercent: 5 })).status).toBe(201);
    const [notification] = (await api.request('GET', '/notifications', { token })).body;
    expect(notification).toBeDefined();
    expect((await twice(token, 'read', `/notifications/${notification.id}/read`)).body.readAt).not.toBeNull();
    expect((await api.request('GET', '/budgets', { token })).body).toHaveLength(2);
    expect((await api.request('GET', '/expenses', { token })).body.items).toHaveLength(3);
  });

  it('the same key with another body or on another path is a 422 IDEMPOTENCY_KEY_REUSED, and writes nothing', async () => {
    clock.set('2026-11-15T12:00:00.000Z');
    const { token } = await api.user();
    const headers = { 'idempotency-key': 'taken' };
    expect((await api.request('POST', '/expenses', { token, headers, body: { amount: '4.00' } })).status).toBe(201);
    const seq = await lastSeq(token);
    expectProblem(
      await api.request('POST', '/expenses', { token, headers, body: { amount: '4.50' } }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectProblem(
      await api.request('POST', '/expenses/batch', { token, headers, body: [{ amount: '4.00' }] }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectProblem(
      await api.request('POST', '/categories', { token, headers, body: { name: 'Other' } }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await lastSeq(token)).toBe(seq);
  });

  it('a key is replayed for 24 hours after its write; after that it names a new request', async () => {
    clock.set('2026-11-15T12:00:00.000Z');
    const { token } = await api.user();
    const send = () =>
      api.request('POST', '/expenses', {
        token,
        body: { amount: '2.40', description: 'Bus' },
        headers: { 'idempotency-key': 'bus' },
      });
    const first = await send();
    clock.set('2026-11-16T11:59:59.999Z');
    const late = await send();
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.body).toEqual(first.body);
    clock.set('2026-11-16T12:00:00.000Z');
    const fresh = await send();
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(fresh.body.id).not.toBe(first.body.id);
  });

  it('a key longer than 255 characters is a 422 naming it; a request without a key is never replayed', async () => {
    const { token } = await api.user();
    const long = await api.request('POST', '/expenses', {
      token,
      body: { amount: '1.00' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expectProblem(long, 422, 'VALIDATION_FAILED');
    expect(issuePaths(long)).toEqual([['idempotencyKey']]);
    for (let i = 0; i < 2; i += 1)
      expect(
        (await api.request('POST', '/expenses', { token, body: { amount: '1.00' } })).headers.get(
          'idempotent-replayed',
        ),
      ).toBeNull();
    expect((await api.request('GET', '/expenses', { token })).body.items).toHaveLength(2);
  });
});

describe('a retry sent while the first attempt is still writing, on PostgreSQL', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('postgres');
  });
  afterAll(async () => {
    await api.close();
  });

  it('waits for the first attempt (no 409) and replays its answer; the expense is stored once', async () => {
    const { id, token } = await api.user();
    expect((await api.request('POST', '/categories', { token, body: { name: 'Food' } })).status).toBe(201);
    // Raw SQL on the tracker's own pool: no tables of the test's, only pg_locks and a lock on et_owner.
    const db = hostDatabase(api.tracker, defineHostTables<Record<string, never>>({ prefix: 'test_', migrations: {} }));
    const waiting = async () =>
      Number((await sql<{ n: number }>`select count(*) as n from pg_locks where not granted`.execute(db)).rows[0]!.n);

    // Hold the owner's write lock, as a long write of theirs would.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await sql`select id from et_owner where id = ${id} for update`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    const send = () =>
      api.request('POST', '/expenses', {
        token,
        body: { amount: '6.10', description: 'Held' },
        headers: { 'idempotency-key': 'held' },
      });
    const first = send();
    await waitFor('the first attempt to wait for the lock', waiting, (n) => n >= 1);
    const retries = [send(), send()];
    await waitFor('the retries to wait for the lock', waiting, (n) => n >= 3);
    release();
    await holder;

    const answers = await Promise.all([first, ...retries]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(
      (await api.request('GET', '/expenses', { token })).body.items.map((e: { description: string }) => e.description),
    ).toEqual(['Held']);
  });
});
