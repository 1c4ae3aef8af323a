import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import { KyselyStore, Tracker } from '@expense-tracker/core';
import Koa from 'koa';
import type { Kysely, KyselyPlugin } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { migrateServer } from '../src/app.js';
import type { ServerDatabase } from '../src/auth/server-tables.js';
import type { AppState } from '../src/http/context.js';
import { createIdempotency, type IdempotencyOptions } from '../src/http/idempotency.js';
import { toProblem } from '../src/http/problem.js';
import { processUser, startServerProcess, waitFor, type ServerProcess } from './support/process.js';
import { DIALECTS } from './support/server.js';

/**
 * An `Idempotency-Key` whose first request never answered (issue 7, part 5): its claim is
 * released once it has shown no sign of life for the window (60 s), so a retry can proceed;
 * a claim whose request is still running is never released, however long it runs.
 *
 * The window is not waited for: the module-level tests give the middleware a clock, and the
 * server-process test ages the claim in the database (the process that made it is dead, so
 * nothing else would touch it).
 */

const ACCOUNT = 'acc_claims';
const KEY = 'retry-me';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-11-15T12:00:00.000Z')) {
  let ms = start;
  return { now: () => new Date(ms), advance: (by: number) => void (ms += by) };
}

interface ClaimsApp {
  url: string;
  server: Server;
  /** How many times the handler behind the middleware has run. */
  runs(): number;
  post(body: unknown): Promise<{ status: number; replayed: boolean; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A real listening Koa app: body parser, a fixed account, the idempotency middleware, and a
 * handler that answers 201 with its run number (or does whatever `handler` says first).
 */
async function startClaimsApp(db: Kysely<ServerDatabase>, options: IdempotencyOptions, handler: (run: number) => Promise<void> = async () => undefined): Promise<ClaimsApp> {
  let runs = 0;
  const app = new Koa<AppState>();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { problem } = toProblem(error);
      ctx.status = problem.status;
      ctx.body = problem;
    }
  });
  app.use(bodyParser());
  app.use((ctx, next) => {
    ctx.state.auth = { accountId: ACCOUNT, sessionId: 'ses_1', tokenId: 'tok_1', expiresAt: Number.MAX_SAFE_INTEGER };
    return next();
  });
  app.use(createIdempotency(db, options) as unknown as Koa.Middleware<AppState>);
  app.use(async (ctx) => {
    runs += 1;
    const run = runs;
    await handler(run);
    ctx.status = 201;
    ctx.body = { run };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    runs: () => runs,
    async post(body) {
      const response = await fetch(`${url}/expenses`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': KEY }, body: JSON.stringify(body) });
      return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: await response.json() };
    },
  };
}

function closeApp(app: ClaimsApp): Promise<void> {
  app.server.closeAllConnections();
  return new Promise((resolve) => app.server.close(() => resolve()));
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 60_000);

/** The server tables over a fresh SQLite (in memory) or PostgreSQL database. */
async function serverTables(dialect: (typeof DIALECTS)[number]): Promise<Kysely<ServerDatabase>> {
  const database = dialect === 'postgres' ? await createTestDatabase(inject('pgUrl')) : null;
  const tracker = await Tracker.open({ database: database ? database.url : ':memory:', onError: () => undefined });
  cleanups.push(async () => {
    await tracker.close();
    await database?.drop();
  });
  await tracker.migrate();
  await migrateServer({ tracker });
  return (tracker.store as KyselyStore).db as unknown as Kysely<ServerDatabase>;
}

function claimOf(db: Kysely<ServerDatabase>) {
  return db.selectFrom('srv_idempotency').selectAll().where('account_id', '=', ACCOUNT).where('idempotency_key', '=', KEY).executeTakeFirst();
}

describe.each(DIALECTS)('idempotency claims with a clock, on %s', (dialect) => {
  it('a claim left unanswered (the database went away before its clean-up) is kept for 60 s, then released by a retry (409), and the retry after that runs', async () => {
    const db = await serverTables(dialect);
    // The database "goes away" during the first request, after its key was claimed: its
    // handler fails, and so does the delete that would have removed its claim.
    let databaseGone = false;
    const failDeletes: KyselyPlugin = {
      transformQuery(args) {
        if (databaseGone && args.node.kind === 'DeleteQueryNode') throw new Error('Connection terminated unexpectedly');
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const clock = manualClock();
    const app = await startClaimsApp(db.withPlugin(failDeletes), { clock }, async (run) => {
      if (run === 1) {
        databaseGone = true;
        throw new Error('Connection terminated unexpectedly');
      }
    });
    cleanups.push(() => closeApp(app));
    const body = { amount: '7.00', description: 'retried' };

    expect((await app.post(body)).body.code).toBe('STORE_UNAVAILABLE');
    databaseGone = false;
    expect(await claimOf(db)).toMatchObject({ status: null });

    // Within the window the claim stands: every retry is a 409, and nothing runs.
    clock.advance(59_000);
    for (let i = 0; i < 2; i += 1) {
      const retry = await app.post(body);
      expect(retry.status).toBe(409);
      expect(retry.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    expect(await claimOf(db)).toMatchObject({ status: null });
    // Another body under the same key is still the other request's key.
    expect((await app.post({ ...body, amount: '8.00' })).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Past the window: the first retry releases the claim and still answers 409…
    clock.advance(2_000);
    const releasing = await app.post(body);
    expect(releasing.status).toBe(409);
    expect(await claimOf(db)).toBeUndefined();
    expect(app.runs()).toBe(1);
    // …the next one runs the request, once, and every later one replays its answer.
    const proceeds = await app.post(body);
    expect(proceeds).toMatchObject({ status: 201, replayed: false, body: { run: 2 } });
    const replay = await app.post(body);
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { run: 2 } });
    expect(app.runs()).toBe(2);
    expect(await claimOf(db)).toMatchObject({ status: 201 });
  });

  it('a claim whose request is still running is never released, however long it runs: retries get 409 and the request runs once', async () => {
    const db = await serverTables(dialect);
    const clock = manualClock();
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    // The first request is held up (waiting for a lock, a slow database) for ten minutes.
    const app = await startClaimsApp(db, { clock, heartbeatMs: 20 }, async (run) => {
      if (run === 1) await held;
    });
    cleanups.push(async () => finish());
    cleanups.push(() => closeApp(app));
    const body = { amount: '7.00', description: 'slow' };
    const first = app.post(body);
    await waitFor('the claim', () => claimOf(db), (claim) => claim?.status === null);
    for (let step = 0; step < 20; step += 1) {
      // Time passes in steps shorter than the window; the running request renews its claim.
      clock.advance(30_000);
      const renewedAt = clock.now().toISOString();
      await waitFor('the claim to be renewed', () => claimOf(db), (claim) => claim?.created_at === renewedAt);
      const retry = await app.post(body);
      expect(retry.status).toBe(409);
      expect(retry.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    expect(app.runs()).toBe(1);
    finish();
    expect(await first).toMatchObject({ status: 201, replayed: false, body: { run: 1 } });
    expect(await app.post(body)).toMatchObject({ status: 201, replayed: true, body: { run: 1 } });
    expect(app.runs()).toBe(1);
    // Once answered the claim is no longer renewed (its time stays that of the last renewal).
    const answered = await claimOf(db);
    clock.advance(30_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await claimOf(db)).toEqual(answered);
  });
});

describe('a claim abandoned by a killed server process, on PostgreSQL', () => {
  it('is refused (409) while young, released by the first retry once 60 s old, and the next retry stores the expense once', async () => {
    const database: TestDatabase = await createTestDatabase(inject('pgUrl'));
    const locker = new pg.Client({ connectionString: database.url });
    const processes: ServerProcess[] = [];
    cleanups.push(async () => {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await locker.end().catch(() => undefined);
      await database.drop();
    });
    let server = await startServerProcess(database.url);
    processes.push(server);
    const { id, token } = await processUser(server, 'claims');
    expect((await server.request('POST', '/expenses', { token, body: { amount: '1.00', description: 'before' } })).status).toBe(201);
    const send = () => server.request('POST', '/expenses', { token, body: { amount: '7.00', description: 'retried' }, headers: { 'idempotency-key': KEY } });
    const claim = async () => (await locker.query('select status, created_at from srv_idempotency where account_id = $1 and idempotency_key = $2', [id, KEY])).rows[0] as { status: number | null; created_at: string } | undefined;

    // Hold the owner's write lock, so the request stops after claiming its key; then kill the process.
    await locker.connect();
    await locker.query('begin');
    await locker.query('select id from et_owner where id = $1 for update', [id]);
    let settled = false;
    const first = send().then(
      () => (settled = true),
      () => (settled = true),
    );
    const locked = new pg.Client({ connectionString: database.url });
    await locked.connect();
    try {
      await waitFor('the claim', async () => (await locked.query('select count(*)::int as n from srv_idempotency where idempotency_key = $1', [KEY])).rows[0].n as number, (n) => n === 1);
    } finally {
      await locked.end();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false); // the request is still waiting for the lock
    server.child.kill('SIGKILL');
    await server.exited;
    await first;
    await locker.query('rollback');
    expect(await claim()).toMatchObject({ status: null });

    server = await startServerProcess(database.url);
    processes.push(server);
    // A young claim: the retry is told to wait, and nothing is stored.
    const early = await send();
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(await claim()).toMatchObject({ status: null });

    // 61 s later (the claim aged in place: its process is dead and nothing touches it).
    const aged = new Date(Date.parse((await claim())!.created_at) - 61_000).toISOString();
    await locker.query('update srv_idempotency set created_at = $1 where account_id = $2 and idempotency_key = $3', [aged, id, KEY]);
    const releasing = await send();
    expect(releasing.status).toBe(409);
    expect(await claim()).toBeUndefined();
    const proceeds = await send();
    expect(proceeds.status).toBe(201);
    expect(proceeds.headers.get('idempotent-replayed')).toBeNull();
    const replay = await send();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(proceeds.body.id);

    const listed = await server.request('GET', '/expenses', { token });
    expect(listed.body.items.map((e: { description: string }) => e.description).sort()).toEqual(['before', 'retried']);
  }, 60_000);
});
