import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../core/test/setup/pg-database.js';
import { processUser, startServerProcess, type ServerProcess } from './support/process.js';
import { DIALECTS } from './support/server.js';

/**
 * Issue #11, item 3: a server process killed *between the commit of a write and its answer*
 * (SIGKILL from a listener of the committed event, installed by a test-only preload). The
 * client never got an answer, so it retries with the same `Idempotency-Key`. The write and
 * the key's recorded result are one fact: the retry answers at once with what the first
 * request would have answered (a replay), and nothing is stored twice.
 *
 * Before the fix the key's answer was stored after the commit, outside its transaction: the
 * retry got `409 IDEMPOTENCY_KEY_IN_USE` for 60 s, and then the write ran a second time.
 */

const KILL_AFTER_COMMIT = 'packages/server/test/support/kill-after-commit.ts';

const processes: ServerProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  for (const cleanup of cleanups) await cleanup();
}, 60_000);

/** A server process whose tracker SIGKILLs it right after committing the event `type` whose JSON contains `match`. */
async function start(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(databaseUrl, env, [KILL_AFTER_COMMIT]);
  processes.push(server);
  return server;
}

async function databaseFor(dialect: (typeof DIALECTS)[number]): Promise<string> {
  if (dialect === 'postgres') {
    const database = await createTestDatabase(inject('pgUrl'));
    cleanups.push(database.drop);
    return database.url;
  }
  const dir = mkdtempSync(join(tmpdir(), 'et-idem-crash-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, 'tracker.db')}`;
}

/** Sends a request the process dies in the middle of: it must get no answer at all. */
async function expectNoAnswer(server: ServerProcess, send: () => Promise<unknown>): Promise<void> {
  await expect(send()).rejects.toThrow(); // the connection was cut: no status, no body
  expect(await server.exited).toBeNull(); // killed by the signal, not exited
}

describe.each(DIALECTS)('a server process killed between the commit of a POST and its answer, on %s', (dialect) => {
  it('a retry with the same Idempotency-Key answers at once what the first would have (201, the committed body, replayed) and stores nothing twice', async () => {
    const databaseUrl = await databaseFor(dialect);

    // 1. POST /expenses: the process dies once the expense is committed.
    let server = await start(databaseUrl, {
      ET_TEST_KILL_AFTER_COMMIT: 'expense.created',
      ET_TEST_KILL_MATCH: 'killed before its answer',
    });
    const { token } = await processUser(server, `crash-${dialect}`);
    expect(
      (await server.request('POST', '/expenses', { token, body: { amount: '1.00', description: 'before' } })).status,
    ).toBe(201);
    const lunch = { amount: '7.00', description: 'lunch, killed before its answer' };
    const sendLunch = (body: unknown = lunch) =>
      server.request('POST', '/expenses', { token, body, headers: { 'idempotency-key': 'crash-expense' } });
    await expectNoAnswer(server, () => sendLunch());

    // 2. A new process, its clock two minutes on (past the 60 s after which the old design
    //    released an unanswered key and ran the write again). This one dies after POST /budget commits.
    server = await start(databaseUrl, {
      ET_TEST_CLOCK_OFFSET_MS: '120000',
      ET_TEST_KILL_AFTER_COMMIT: 'budget.created',
      ET_TEST_KILL_MATCH: 'Killed month',
    });
    const retried = await sendLunch();
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toMatchObject({ amount: '7.00', amountMinor: 700, description: lunch.description });
    // What the first request would have answered: the expense as committed.
    const stored = await server.request('GET', `/expenses/${retried.body.id}`, { token });
    expect(retried.body).toEqual(stored.body);
    expect((await sendLunch()).body).toEqual(stored.body);
    // The same key with another body is refused, and stores nothing.
    const reused = await sendLunch({ ...lunch, amount: '8.00' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const listed = await server.request('GET', '/expenses', { token });
    expect(listed.body.items.map((e: { description: string }) => e.description).sort()).toEqual([
      'before',
      lunch.description,
    ]);

    // POST /budget answers 201 when it creates the overall budget and 200 when it replaces
    // it: its retry must still say 201, although the budget exists by then.
    const month = { name: 'Killed month', amount: '500.00' };
    const sendMonth = () =>
      server.request('POST', '/budget', { token, body: month, headers: { 'idempotency-key': 'crash-budget' } });
    await expectNoAnswer(server, sendMonth);

    // 3. Restarted once more: the budget's retry is a replay too.
    server = await start(databaseUrl);
    const monthRetried = await sendMonth();
    expect(monthRetried.status, JSON.stringify(monthRetried.body)).toBe(201);
    expect(monthRetried.headers.get('idempotent-replayed')).toBe('true');
    expect(monthRetried.body).toEqual((await server.request('GET', '/budget', { token })).body);
    expect((await server.request('GET', '/budgets', { token })).body).toHaveLength(1);

    // Every write happened once: the change feed has one event per stored record.
    const { body: feed } = await server.request('GET', '/changes?after=0&limit=200', { token });
    expect(feed.events.map((e: { type: string }) => e.type)).toEqual([
      'expense.created',
      'expense.created',
      'budget.created',
    ]);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);
});
