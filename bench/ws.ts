/**
 * WebSocket fan-out: 1,000 notification sockets connected to the built server (100 for each
 * of 10 users); ~200 `POST /expenses`, one at a time, each crossing one alert rule of its
 * user's budget, so every write commits an `expense.created` and an `alert.triggered`. The
 * latency is from the moment the POST's response has arrived to the moment each of that
 * user's 100 sockets has the event. Baseline, in the same run and on the same server: one
 * user with a single socket, the same writes.
 *
 *   npm run bench:ws            (BENCH_WRITES, default 200; --sqlite for SQLite only)
 */
import WebSocket from 'ws';
import { fmt, machine, today, withPostgres, writeSection } from './lib.js';
import { call, percentile, registerAndLogin, startServerProcess, waitForQuietMachine } from './server-process.js';

const USERS = 10;
const SOCKETS_PER_USER = 100;
const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const WRITES_PER_USER = Math.ceil(WRITES / USERS);
const BASELINE_WRITES = 50;
const BUDGET = 2000; // each write adds 1 % of it (plus a cent), crossing exactly one rule
const TIMEOUT_MS = 3000;

interface Socket {
  ws: WebSocket;
  /** Waiters by key (`expense:<id>` or `alert:<threshold>`). */
  waiting: Map<string, (at: number) => void>;
  arrived: Map<string, number>;
}

interface User {
  id: string;
  token: string;
  sockets: Socket[];
  writes: number;
}

async function openSocket(wsUrl: string, user: { id: string; token: string }): Promise<Socket> {
  const ws = new WebSocket(`${wsUrl}/ws/notifications/${user.id}?token=${encodeURIComponent(user.token)}`);
  const socket: Socket = { ws, waiting: new Map(), arrived: new Map() };
  ws.on('message', (data) => {
    const at = performance.now();
    if (!Buffer.isBuffer(data)) return; // ws hands a text message over as one Buffer (its default binaryType)
    const message = JSON.parse(data.toString()) as { type: string; data: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const key =
      message.type === 'expense.created'
        ? `expense:${message.data?.expense?.id}`
        : message.type === 'alert.triggered'
          ? `alert:${message.data?.notification?.thresholdPercent}`
          : null;
    if (!key) return;
    const waiter = socket.waiting.get(key);
    if (waiter) {
      socket.waiting.delete(key);
      waiter(at);
    } else socket.arrived.set(key, at);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code, reason) => reject(new Error(`socket closed on open: ${code} ${String(reason)}`)));
  });
  return socket;
}

/** When `key` reached the socket (performance.now()), or null after the timeout. */
function arrival(socket: Socket, key: string): Promise<number | null> {
  const already = socket.arrived.get(key);
  if (already !== undefined) {
    socket.arrived.delete(key);
    return Promise.resolve(already);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.waiting.delete(key);
      resolve(null);
    }, TIMEOUT_MS);
    socket.waiting.set(key, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
}

async function prepareUser(url: string, wsUrl: string, name: string, rules: number, sockets: number): Promise<User> {
  const user = await registerAndLogin(url, name);
  const budget = await call(url, 'POST', '/budget', {
    token: user.token,
    body: { name: 'Monthly', amount: String(BUDGET) },
  });
  for (let t = 1; t <= rules; t += 1)
    await call(url, 'POST', '/alerts', { token: user.token, body: { budgetId: budget.id, thresholdPercent: t } });
  const opened: Socket[] = [];
  for (let i = 0; i < sockets; i += 25)
    opened.push(
      ...(await Promise.all(Array.from({ length: Math.min(25, sockets - i) }, () => openSocket(wsUrl, user)))),
    );
  return { ...user, sockets: opened, writes: 0 };
}

interface Latencies {
  expense: number[];
  alert: number[];
  /** Per write: until the last of the user's sockets had the alert. */
  lastSocket: number[];
  /** The alert's latency counted from sending the POST instead. */
  fromSend: number[];
  missing: number;
  early: number;
}

/** One write by `user`; the delivery latencies of its two events to every socket of the user. */
async function write(url: string, user: User, into: Latencies): Promise<void> {
  user.writes += 1;
  const threshold = user.writes;
  const sent = performance.now();
  const created = await call(url, 'POST', '/expenses', {
    token: user.token,
    body: { amount: `${BUDGET / 100}.01`, description: `Fan-out ${threshold}` },
  });
  const returned = performance.now();
  const expenseArrivals = await Promise.all(user.sockets.map((s) => arrival(s, `expense:${created.id}`)));
  const alertArrivals = await Promise.all(user.sockets.map((s) => arrival(s, `alert:${threshold}`)));
  let last = 0;
  for (const [list, arrivals] of [
    [into.expense, expenseArrivals],
    [into.alert, alertArrivals],
  ] as const) {
    for (const at of arrivals) {
      if (at === null) {
        into.missing += 1;
        continue;
      }
      if (at < returned) into.early += 1;
      const ms = Math.max(0, at - returned);
      list.push(ms);
      if (list === into.alert) {
        last = Math.max(last, ms);
        into.fromSend.push(at - sent);
      }
    }
  }
  into.lastSocket.push(last);
}

const empty = (): Latencies => ({ expense: [], alert: [], lastSocket: [], fromSend: [], missing: 0, early: 0 });

async function run(name: 'SQLite' | 'PostgreSQL', databaseUrl: string | null) {
  await waitForQuietMachine();
  console.log(`${name}:`);
  const server = await startServerProcess({ databaseUrl });
  const wsUrl = server.url.replace('http', 'ws');
  const stamp = Date.now();
  try {
    // Baseline: one user, one socket, nothing else connected.
    const solo = await prepareUser(server.url, wsUrl, `bench_ws_solo_${stamp}`, BASELINE_WRITES, 1);
    const baseline = empty();
    for (let i = 0; i < BASELINE_WRITES; i += 1) await write(server.url, solo, baseline);
    console.log(
      `  baseline (1 socket): alert p50 ${fmt(percentile(baseline.alert, 50), 2)} ms, p99 ${fmt(percentile(baseline.alert, 99), 2)} ms`,
    );

    const users: User[] = [];
    for (let u = 0; u < USERS; u += 1)
      users.push(await prepareUser(server.url, wsUrl, `bench_ws_${u}_${stamp}`, WRITES_PER_USER, SOCKETS_PER_USER));
    const connected = users.reduce((n, u) => n + u.sockets.length, 0) + solo.sockets.length;
    console.log(`  ${connected} sockets connected`);
    const loaded = empty();
    for (let i = 0; i < WRITES_PER_USER * USERS; i += 1) await write(server.url, users[i % USERS]!, loaded);
    console.log(
      `  ${connected} sockets: alert p50 ${fmt(percentile(loaded.alert, 50), 2)} ms, p99 ${fmt(percentile(loaded.alert, 99), 2)} ms, last socket p99 ${fmt(percentile(loaded.lastSocket, 99), 2)} ms, missing ${loaded.missing}`,
    );
    for (const user of [solo, ...users]) for (const s of user.sockets) s.ws.terminate();
    return { name, connected, baseline, loaded };
  } finally {
    await server.stop();
  }
}

const results = [await run('SQLite', null)];
if (!process.argv.includes('--sqlite')) results.push(await withPostgres((url) => run('PostgreSQL', url)));

const ms = (values: number[], p: number) => fmt(percentile(values, p), 1);
const share = (l: Latencies) => `${fmt((l.early / Math.max(1, l.expense.length + l.alert.length)) * 100)} %`;
const rows = results.flatMap(({ name, connected, baseline, loaded }) => [
  `| ${name} | 1 (baseline) | ${BASELINE_WRITES} | ${ms(baseline.expense, 50)} / ${ms(baseline.expense, 99)} | ${ms(baseline.alert, 50)} / ${ms(baseline.alert, 99)} | ${ms(baseline.lastSocket, 99)} | ${ms(baseline.fromSend, 50)} / ${ms(baseline.fromSend, 99)} | ${share(baseline)} | ${baseline.missing} | |`,
  `| ${name} | ${fmt(connected)} (${USERS} users × ${SOCKETS_PER_USER}) | ${loaded.lastSocket.length} | ${ms(loaded.expense, 50)} / ${ms(loaded.expense, 99)} | ${ms(loaded.alert, 50)} / ${ms(loaded.alert, 99)} | ${ms(loaded.lastSocket, 99)} | ${ms(loaded.fromSend, 50)} / ${ms(loaded.fromSend, 99)} | ${share(loaded)} | ${loaded.missing} | ${percentile(loaded.alert, 99) < 50 && loaded.missing === 0 ? 'met' : 'missed'} |`,
]);

writeSection(
  'ws',
  `## WebSocket fan-out: alert delivery with 1,000 connected clients

\`npm run bench:ws\` · ${today()} · ${machine()}.
The built server runs as a child process (\`LOG_LEVEL=silent\`); the sockets and the writer are one client process on the same 2 cores.
Each user has an overall budget of ${fmt(BUDGET)} with alert rules at 1 %, 2 %, 3 %, …; every write adds 1 % (and a cent), so it commits an \`expense.created\` and an \`alert.triggered\` for its user.
Writes go one at a time, rotating over the users; the latency runs from the arrival of the \`POST /expenses\` response to the arrival of the event on each of that user's sockets (an event that arrives before the response counts as 0 ms: the server pushes a write's events as it commits, so most arrive before the response does; the column "from sending the POST" shows the whole round trip instead).
Baseline, in the same run on the same server: one user with a single socket, nothing else connected. Target (SPEC section 6): an alert reaches its client p99 < 50 ms after the write returns.

| database | sockets connected | writes | \`expense.created\` p50 / p99 ms | \`alert.triggered\` p50 / p99 ms | all of the user's sockets have the alert, p99 ms | \`alert.triggered\` from sending the POST, p50 / p99 ms | events there before the response | not delivered | target |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}`,
);
