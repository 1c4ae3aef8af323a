/**
 * Event-loop health under 20 concurrent logins at the production scrypt cost (N = 2^17):
 * `GET /health` latency from a steady prober while the server is idle (the baseline) and
 * while 20 logins run at once, and the logins' own latency. Hashing runs on libuv's thread
 * pool, at most 2 at a time (memory: 128 MiB each), so the loop must keep answering.
 *
 *   npm run bench:logins
 */
import { fmt, machine, today, writeSection } from './lib.js';
import { PASSWORD, call, cpuMeter, percentile, startServerProcess, waitForQuietMachine } from './server-process.js';

const LOGINS = 20;
const PROBE_GAP_MS = 5;
const IDLE_MS = 5000;

/** GETs /health one after another (a pause of PROBE_GAP_MS between) until `until` settles; each latency in ms. */
async function probe(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const start = performance.now();
    const response = await fetch(`${url}/health`);
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
  }
  return latencies;
}

const quiet = await waitForQuietMachine();
const server = await startServerProcess({ databaseUrl: null, scryptLogN: 17 });
let result;
try {
  const names = Array.from({ length: LOGINS }, (_, i) => `bench_login_${i}_${Date.now()}`);
  console.log(`registering ${LOGINS} users at N = 2^17…`);
  await Promise.all(names.map((username) => call(server.url, 'POST', '/auth/register', { body: { username, password: PASSWORD } })));
  await probe(server.url, new Promise((r) => setTimeout(r, 1000))); // warm-up

  const idle = await probe(server.url, new Promise((r) => setTimeout(r, IDLE_MS)));
  console.log(`idle: /health p50 ${fmt(percentile(idle, 50), 2)} ms, p99 ${fmt(percentile(idle, 99), 2)} ms`);

  const meter = cpuMeter(() => [server.pid]);
  const loginLatencies: number[] = [];
  const started = performance.now();
  const logins = Promise.all(
    names.map(async (username) => {
      const start = performance.now();
      await call(server.url, 'POST', '/auth/login', { body: { username, password: PASSWORD }, expect: 200 });
      loginLatencies.push(performance.now() - start);
    }),
  );
  const during = await probe(server.url, logins);
  await logins;
  const wall = performance.now() - started;
  const cpu = meter.stop();
  console.log(`during ${LOGINS} logins (${fmt(wall)} ms): /health p50 ${fmt(percentile(during, 50), 2)} ms, p99 ${fmt(percentile(during, 99), 2)} ms; login p50 ${fmt(percentile(loginLatencies, 50))} ms, p99 ${fmt(percentile(loginLatencies, 99))} ms`);
  result = { idle, during, loginLatencies, wall, cpu };
} finally {
  await server.stop();
}

const { idle, during, loginLatencies, wall, cpu } = result;
const ms = (values: number[], p: number) => fmt(percentile(values, p), 1);
const met = percentile(during, 99) < 50;
writeSection(
  'logins',
  `## Event-loop health under 20 concurrent logins (scrypt N = 2^17)

\`npm run bench:logins\` · ${today()} · ${machine()}.
The built server runs as a child process over SQLite with the production cost \`SCRYPT_LOG_N=17\` (r = 8, p = 1: 128 MiB per hash; at most 2 hashes at once).
A prober in the benchmark's process sends \`GET /health\` one request at a time (${PROBE_GAP_MS} ms apart), for ${IDLE_MS / 1000} s while the server is idle (the baseline), then while ${LOGINS} logins of ${LOGINS} different users are sent at once, until the last login answers.
The machine was ${fmt(quiet * 100)} % busy just before; during the logins it was ${fmt(cpu.machineBusy * 100)} % busy (this benchmark's processes: ${fmt(cpu.ours * 100)} % of the machine).

| \`GET /health\` | probes | p50 ms | p99 ms | max ms |
|---|---|---|---|---|
| idle (baseline) | ${idle.length} | ${ms(idle, 50)} | ${ms(idle, 99)} | ${ms(idle, 100)} |
| during ${LOGINS} concurrent logins | ${during.length} | ${ms(during, 50)} | ${ms(during, 99)} | ${ms(during, 100)} |

Target (SPEC section 6): \`GET /health\` p99 < 50 ms during the logins: **${met ? 'met' : 'missed'}** (${ms(during, 99)} ms; idle ${ms(idle, 99)} ms).

The logins themselves: all ${LOGINS} answered within ${fmt(wall)} ms; login latency p50 ${ms(loginLatencies, 50)} ms, p99 ${ms(loginLatencies, 99)} ms (they queue for the 2 hashing slots: ${fmt(LOGINS / (wall / 1000), 1)} logins/s on this machine, so one hash took about ${fmt((wall / LOGINS) * 2)} ms of a core).`,
);
