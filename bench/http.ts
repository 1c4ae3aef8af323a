/**
 * HTTP load on the built server (a child process, as deployed) with autocannon: authenticated
 * `POST /expenses`, `GET /expenses` (50 per page), `GET /budget/status` and
 * `GET /analytics/summary`, each against the same server's `GET /health` (the framework
 * ceiling), on SQLite and on PostgreSQL. `POST /expenses` is also set against the in-process
 * `expenses.create` rate over the same kind of owner, measured in the same run, and
 * `GET /expenses` with an API token against the same with the JWT access token (SPEC §7.6).
 * scrypt runs at 2^12 here: logins are measured by `npm run bench:logins`.
 *
 *   npm run bench:http            (BENCH_DURATION seconds per endpoint, default 6; --sqlite for SQLite only)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Tracker, localDate } from '@expense-tracker/core';
import { fmt, machine, median, today, withPostgres, writeSection } from './lib.js';
import {
  call,
  cpuMeter,
  cpuSeconds,
  freePort,
  registerAndLogin,
  startServerProcess,
  waitForQuietMachine,
} from './server-process.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const HISTORY = 1000;
const READ_CONNECTIONS = 20;
const WRITE_CONNECTIONS = 10;
const GET_EXPENSES_FLOOR = 110; // the seed's FastAPI server, SPEC section 6
const day = localDate(new Date(), 'UTC');

function historyItems(prefix: string) {
  return Array.from({ length: HISTORY }, (_, i) => ({
    amount: `${1 + (i % 90)}.${String(i % 100).padStart(2, '0')}`,
    description: `${prefix} history ${i}`,
    merchant: `Shop ${i % 50}`,
    date: localDate(new Date(Date.now() - (i % 60) * 86_400_000), 'UTC'),
  }));
}

/** `expenses.create` in process, one writer, over an owner like the HTTP one (an overall budget and 1,000 expenses); on SQLite also the raw read of its first page. */
async function inProcessRate(database: string): Promise<{ rate: number; pageRate: number | null }> {
  const tracker = await Tracker.open({ database });
  try {
    await tracker.migrate();
    const owner = tracker.forOwner(`inproc_${Date.now()}`);
    await owner.budgets.create({ name: 'Monthly', amount: '100000000' });
    await owner.expenses.createMany(historyItems('In-process'));
    const run = async (ms: number) => {
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < ms) {
        n += 1;
        await owner.expenses.create({ amount: '1.23', description: `In-process ${n}`, date: day });
      }
      return (n / (performance.now() - start)) * 1000;
    };
    await run(1000); // warm-up
    const rate = await run(4000);
    return { rate, pageRate: database.startsWith('postgres') ? null : rawPageRate(database, owner.ownerId) };
  } finally {
    await tracker.close();
  }
}

/**
 * The floor under `GET /expenses` on SQLite: better-sqlite3 alone reading the page that
 * `expenses.list({ limit: 50 })` reads (51 rows, the same columns and order), one caller, for 2 s.
 */
function rawPageRate(file: string, ownerId: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const page = db.prepare(
      'select id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, created_at, updated_at from et_expense where owner_id = ? order by date desc, id desc limit 51',
    );
    const run = (ms: number) => {
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < ms) {
        n += 1;
        page.all(ownerId);
      }
      return (n / (performance.now() - start)) * 1000;
    };
    run(500);
    return run(2000);
  } finally {
    db.close();
  }
}

interface Row {
  label: string;
  connections: number;
  result: Result;
  /** The server process's CPU milliseconds per request. */
  serverCpu: number;
  /** PostgreSQL's (its backends serving the server's database) CPU milliseconds per request. */
  databaseCpu: number | null;
}

/** CPU seconds so far of processes by pid, for the CPU per request of a load. */
interface CpuProbe {
  /** The processes to count now (the server, or a database's backends). */
  pids(): Promise<number[]>;
}

/** The CPU milliseconds per request that `probe`'s processes used while `run` made `requests`. */
async function cpuPerRequest<T>(probe: CpuProbe, run: () => Promise<T>, requests: (result: T) => number) {
  const before = new Map((await probe.pids()).map((pid) => [pid, cpuSeconds(pid)]));
  const result = await run();
  let seconds = 0;
  // A backend that opened during the load started from nothing; one that closed is not counted.
  for (const pid of await probe.pids()) seconds += cpuSeconds(pid) - (before.get(pid) ?? 0);
  return { result, ms: (seconds * 1000) / Math.max(1, requests(result)) };
}

/**
 * PostgreSQL's backends connected to `url`'s database (the server's pool), by their pids, read
 * through a connection of our own (left out), so their CPU can be read from /proc: the
 * database's CPU per request (SPEC §6, issue 17). The server's PostgreSQL runs on this machine.
 */
async function databaseBackends(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async pids() {
      const { rows } = await client.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      return rows.map((r) => r.pid);
    },
    close: () => client.end(),
  };
}

/** A bare Koa 3 app answering `GET /health` (bench/bare-koa.mjs), the floor of the pipeline. */
async function startBareKoa() {
  const port = await freePort();
  const child = fork(join(import.meta.dirname, 'bare-koa.mjs'), { env: { PORT: String(port) }, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare Koa app exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => void child.kill() };
}

async function load(
  label: string,
  target: { url: string; pid: number; database?: CpuProbe },
  connections: number,
  request: { method?: string; path: string; token?: string; body?: () => string },
): Promise<Row> {
  const { url } = target;
  const headers: Record<string, string> = {
    ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    ...(request.body ? { 'content-type': 'application/json' } : {}),
  };
  const attack = () =>
    autocannon({
      url,
      connections,
      duration: DURATION,
      requests: [
        {
          method: request.method ?? 'GET',
          path: request.path,
          headers,
          ...(request.body ? { setupRequest: (req) => ({ ...req, body: request.body!() }) } : {}),
        },
      ],
    });
  const total = (result: Result) => result.requests.total;
  const server: CpuProbe = { pids: async () => [target.pid] };
  const database = target.database;
  // Two probes around one load: the database's backends measured around the server's.
  const { result: measured, ms: databaseCpu } = database
    ? await cpuPerRequest(
        database,
        () => cpuPerRequest(server, attack, (r) => total(r)),
        (r) => total(r.result),
      )
    : { result: await cpuPerRequest(server, attack, total), ms: null };
  const { result, ms: serverCpu } = measured;
  console.log(
    `  ${label}: ${fmt(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, server CPU ${fmt(serverCpu, 3)} ms/req${databaseCpu === null ? '' : `, database CPU ${fmt(databaseCpu, 3)} ms/req`}, non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
  return { label, connections, result, serverCpu, databaseCpu };
}

async function dialectRun(name: 'SQLite' | 'PostgreSQL', databaseUrl: string | null, inProcessDatabase: string) {
  const quiet = await waitForQuietMachine();
  console.log(`${name}: in-process expenses.create…`);
  const { rate: inProcess, pageRate } = await inProcessRate(inProcessDatabase);
  console.log(`  in-process: ${fmt(inProcess)} /s${pageRate === null ? '' : `; raw page read: ${fmt(pageRate)} /s`}`);
  const server = await startServerProcess({ databaseUrl });
  try {
    const { token } = await registerAndLogin(server.url, `bench_http_${Date.now()}`);
    await call(server.url, 'POST', '/budget', { token, body: { name: 'Monthly', amount: '100000000' } });
    await call(server.url, 'POST', '/expenses/batch', { token, body: { items: historyItems('HTTP') } });
    const apiToken: string = (
      await call(server.url, 'POST', '/auth/tokens', {
        token,
        body: { name: 'bench', preset: 'read-only', expiresInDays: 1 },
        expect: 201,
      })
    ).token;
    // JIT warm-up of the server's paths.
    await autocannon({ url: `${server.url}/health`, connections: 10, duration: 2 });
    for (const bearer of [token, apiToken]) {
      await autocannon({
        url: `${server.url}/expenses`,
        connections: 10,
        duration: 1,
        headers: { authorization: `Bearer ${bearer}` },
      });
    }
    let n = 0;
    const backends = databaseUrl ? await databaseBackends(databaseUrl) : null;
    const target = { url: server.url, pid: server.pid, ...(backends ? { database: backends } : {}) };
    const bare = await startBareKoa();
    const meter = cpuMeter(() => [server.pid]);
    // The floor of the pipeline, alternated with the server's /health: bare, server, bare.
    const bareRounds = [await load('bare Koa', bare, READ_CONNECTIONS, { path: '/health' })];
    const rows = [
      await load('`GET /health` (baseline)', target, READ_CONNECTIONS, { path: '/health' }),
      await load('`GET /auth/me` (authentication + 2 one-row reads, for reference)', target, READ_CONNECTIONS, {
        path: '/auth/me',
        token,
      }),
      await load('`GET /expenses` (50 per page)', target, READ_CONNECTIONS, { path: '/expenses?limit=50', token }),
      await load('`GET /expenses` (50 per page) with an API token', target, READ_CONNECTIONS, {
        path: '/expenses?limit=50',
        token: apiToken,
      }),
      await load('`GET /budget/status`', target, READ_CONNECTIONS, { path: '/budget/status', token }),
      await load('`GET /analytics/summary`', target, READ_CONNECTIONS, { path: '/analytics/summary', token }),
      await load(
        '`POST /nothing` (the same bodies parsed, then a 404 problem: no authentication, no database; for reference)',
        target,
        WRITE_CONNECTIONS,
        {
          method: 'POST',
          path: '/nothing',
          body: () => JSON.stringify({ amount: '1.10', description: `Load ${n}`, merchant: `Shop ${n % 50}` }),
        },
      ),
      await load('`POST /expenses`', target, WRITE_CONNECTIONS, {
        method: 'POST',
        path: '/expenses',
        token,
        body: () => {
          n += 1;
          return JSON.stringify({
            amount: `${1 + (n % 50)}.${String(n % 100).padStart(2, '0')}`,
            description: `Load ${n}`,
            merchant: `Shop ${n % 50}`,
          });
        },
      }),
    ];
    const cpu = meter.stop();
    bareRounds.push(await load('bare Koa', bare, READ_CONNECTIONS, { path: '/health' }));
    bare.stop();
    await backends?.close();
    const bareKoa = median(bareRounds.map((r) => r.result.requests.average));
    return { name, inProcess, pageRate, rows, quiet, cpu, bareKoa };
  } finally {
    await server.stop();
  }
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'et-bench-http-'));
try {
  results.push(await dialectRun('SQLite', null, join(dir, 'inproc.db')));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!process.argv.includes('--sqlite')) results.push(await withPostgres((url) => dialectRun('PostgreSQL', url, url)));

const sections = results.map(({ name, inProcess, pageRate, rows, quiet, cpu, bareKoa }) => {
  const health = rows[0]!.result.requests.average;
  const rate = (label: string) => rows.find((r) => r.label.includes(label))!.result.requests.average;
  const table = rows
    .map(
      ({ label, connections, result, serverCpu, databaseCpu }) =>
        `| ${label} | ${connections} | ${fmt(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${fmt((result.requests.average / health) * 100)} % | ${fmt(serverCpu, 3)}${databaseCpu === null ? '' : ` + ${fmt(databaseCpu, 3)}`} | ${result.non2xx + result.errors + result.timeouts} |`,
    )
    .join('\n');
  const post = rate('POST /expenses');
  const bare = rate('POST /nothing');
  const status = rate('/budget/status');
  const list = rate('GET /expenses');
  const listWithApiToken = rate('with an API token');
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const targets = [
    `| \`GET /health\` / a bare Koa 3 app's \`GET /health\` (${fmt(bareKoa)} req/s, median of two rounds around the loads) | ${fmt((health / bareKoa) * 100)} % | ≥ 70 % (issue 17) | ${verdict(health / bareKoa >= 0.7)} |`,
    `| \`POST /expenses\` / in-process \`expenses.create\` (${fmt(inProcess)} /s) | ${fmt((post / inProcess) * 100)} % | ≥ 60 %${name === 'PostgreSQL' ? ' (the SPEC sets it on SQLite; shown for comparison)' : ''} | ${verdict(post / inProcess >= 0.6)} |`,
    `| \`GET /budget/status\` / \`GET /health\` | ${fmt((status / health) * 100)} % | ≥ 25 % | ${verdict(status / health >= 0.25)} |`,
    `| \`GET /expenses\` with an API token / with a JWT access token | ${fmt((listWithApiToken / list) * 100)} % | ≥ 90 % | ${verdict(listWithApiToken / list >= 0.9)} |`,
    `| \`GET /expenses\` / the seed's ~${GET_EXPENSES_FLOOR} req/s | ${fmt(list / GET_EXPENSES_FLOOR, 1)} × (${fmt(list)} req/s) | ≥ 30 × (3,300 req/s) | ${verdict(list >= 30 * GET_EXPENSES_FLOOR)} |`,
  ].join('\n');
  const me = rate('/auth/me');
  const us = (rate: number) => fmt(1e6 / rate);
  const profile = `A CPU profile of the server under load shows where the rest goes: \`npm run bench:profile -- POST\` (or a path) profiles the built server under that load and sums its samples by package and function. On 2026-11-25, under \`POST /expenses\` on SQLite, ~36 % of the samples were in Kysely's SQLite driver calling better-sqlite3 (the statements running) and ~13 % in core's own JavaScript, the rest in Koa, its middleware, the body parser, the router and the socket writes.`;
  const limits =
    name === 'PostgreSQL'
      ? [
          `What limits it: here the server waits more than it works. Every statement is a round trip to a PostgreSQL that shares the same 2 cores (the machine was ${fmt(cpu.machineBusy * 100)} % busy during the loads, this benchmark's processes ${fmt(cpu.ours * 100)} %, PostgreSQL most of the rest), and a request costs its round trips: \`GET /budget/status\` and \`GET /auth/me\` make three each, a create about seven in its transaction (BEGIN, the owner lock, the insert, the daily and currency totals, the budget sums, then the seq, the event and its NOTIFY as one statement, COMMIT). \`GET /health\` touches no database, so the reads' share of it measures PostgreSQL's work and round trips on this machine more than the server's; \`POST /expenses\` keeps pace with the in-process rate (${fmt((post / inProcess) * 100)} %) because both wait on the same round trips.`,
        ].join('\n')
      : [
          `What limits it, per target (the server is one Node process, so its cost per request is about 1 / its rate):`,
          `- \`POST /expenses\`: the create itself costs ~${us(inProcess)} µs in process; over HTTP a request costs ~${us(post)} µs, so the HTTP path (Koa, the JSON body parser, authentication, routing, the 201 response and its socket write) adds ~${fmt(1e6 / post - 1e6 / inProcess)} µs. 60 % of the in-process rate would leave it ${fmt(1e6 / (0.6 * inProcess) - 1e6 / inProcess)} µs, while a POST that only has its body parsed and gets a 404 (\`POST /nothing\`) already costs ~${us(bare)} µs and \`GET /health\` ~${us(health)} µs here.`,
          `- \`GET /budget/status\`: authentication (a remembered token check and one prepared session read), one owner row read that validates the cached budgets and categories, one read of the period's daily totals, and the status computation; ${fmt((status / health) * 100)} % of \`/health\`. \`GET /auth/me\` (authentication and two one-row reads) reaches ${fmt((me / health) * 100)} %.`,
          pageRate === null
            ? `- \`GET /expenses\`: reading and shaping 51 rows of 12 columns, then ~14 kB of JSON.`
            : `- \`GET /expenses\`: better-sqlite3 alone, with no HTTP, no Kysely and no mapping, reads the same 51-row page ${fmt(pageRate)} times a second on this machine (~${us(pageRate)} µs each: SQLite steps the rows and builds 612 JavaScript values); the endpoint serves ${fmt((list / pageRate) * 100)} % of that rate. 3,300 req/s would be ${fmt((3300 / pageRate) * 100)} % of the bare read.`,
          '',
          profile,
        ].join('\n');
  return `### ${name}

The machine was ${fmt(quiet * 100)} % busy just before; during the loads it was ${fmt(cpu.machineBusy * 100)} % busy, of which this benchmark's client and server processes ${fmt(cpu.ours * 100)} % of the machine (the rest: ${name === 'PostgreSQL' ? 'PostgreSQL and ' : ''}anything else running).

| endpoint | connections | requests/s | p50 ms | p99 ms | / \`GET /health\` | CPU ms per request: server${name === 'PostgreSQL' ? ' + database' : ''} | non-2xx or errors |
|---|---|---|---|---|---|---|---|
${table}

| target | measured | bar | |
|---|---|---|---|
${targets}

${limits}`;
});

writeSection(
  'http',
  `## HTTP: the REST endpoints against the same server's \`GET /health\`

\`npm run bench:http\` · ${today()} · ${machine()}.
The built server (\`node packages/server/dist/main.js\`, \`LOG_LEVEL=silent\`, \`SCRYPT_LOG_N=12\`) runs as a child process; autocannon ${DURATION} s per endpoint runs in the benchmark's process on the same 2 cores, so client and server share the CPU and every figure is a floor.
One user with an overall budget (its default alert rules never fire here) and ${fmt(HISTORY)} expenses over 60 days; \`POST /expenses\` sends a distinct body per request and grows that history while it runs.
\`GET /auth/me\` shows what any authenticated request costs before its own work: the access token check (HS256 through jose the first time a token is seen, then its remembered claims with \`exp\` checked again) and the session read every request makes (so a logout or revocation holds at once, on every instance).
An API token (\`etk_…\`) is checked by its format and checksum, then one read of its row by the unique SHA-256 of the token (nothing remembered, so a revocation holds at once on every instance), and \`last_used_at\` is written at most once a minute.
CPU per request is the server process's user + system CPU over the load (from /proc) divided by the requests it answered; on PostgreSQL, plus that of the PostgreSQL backends connected to the server's database. A bare Koa 3 app answering the same \`/health\` (\`bench/bare-koa.mjs\`), loaded before and after the server's endpoints, is the floor of the pipeline.
The in-process rate is \`expenses.create\` from one writer over an owner set up the same way, in the same run. PostgreSQL is a throwaway local server with \`fsync=off\` and \`synchronous_commit=off\` (see [deployment.md](deployment.md) for production settings).

${sections.join('\n\n')}`,
);
