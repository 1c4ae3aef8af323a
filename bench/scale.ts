/**
 * Scaling out on PostgreSQL: authenticated `POST /expenses` with autocannon against one
 * server instance (the baseline), then against two instances on the same database with the
 * load split across both, alternating, in the same run. The writes are spread over 20 users,
 * since one owner's writes are serialized by its lock whatever the number of instances.
 *
 *   npm run bench:scale            (BENCH_DURATION seconds per round, default 5; BENCH_ROUNDS, default 3)
 */
import autocannon, { type Result } from 'autocannon';
import { fmt, machine, median, today, withPostgres, writeSection } from './lib.js';
import {
  call,
  cpuMeter,
  registerAndLogin,
  startServerProcess,
  waitForQuietMachine,
  type ServerProcess,
} from './server-process.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = 20;
const CONNECTIONS = 20;

interface Round {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  machineBusy: number;
  ours: number;
}

async function post(instances: ServerProcess[], tokens: string[]): Promise<Round> {
  let n = 0;
  const meter = cpuMeter(() => instances.map((i) => i.pid));
  const results: Result[] = await Promise.all(
    instances.map((instance) =>
      autocannon({
        url: instance.url,
        connections: CONNECTIONS / instances.length,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            path: '/expenses',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              n += 1;
              return {
                ...req,
                headers: { ...req.headers, authorization: `Bearer ${tokens[n % tokens.length]}` },
                body: JSON.stringify({
                  amount: `${1 + (n % 50)}.${String(n % 100).padStart(2, '0')}`,
                  description: `Scale ${n}`,
                  merchant: `Shop ${n % 50}`,
                }),
              };
            },
          },
        ],
      }),
    ),
  );
  const cpu = meter.stop();
  const round: Round = {
    rate: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    machineBusy: cpu.machineBusy,
    ours: cpu.ours,
  };
  console.log(
    `  ${instances.length} instance(s): ${fmt(round.rate)} req/s, p50 ${round.p50} ms, p99 ${round.p99} ms, errors ${round.errors}, machine ${fmt(cpu.machineBusy * 100)} % busy (client + servers ${fmt(cpu.ours * 100)} %)`,
  );
  return round;
}

const { one, two, quiet } = await withPostgres(async (url) => {
  const quiet = await waitForQuietMachine();
  const a = await startServerProcess({ databaseUrl: url });
  const b = await startServerProcess({ databaseUrl: url });
  try {
    const tokens: string[] = [];
    for (let u = 0; u < USERS; u += 1) {
      const { token } = await registerAndLogin(a.url, `bench_scale_${u}_${Date.now()}`);
      await call(a.url, 'POST', '/budget', { token, body: { name: 'Monthly', amount: '100000000' } });
      tokens.push(token);
    }
    // JIT warm-up of both instances.
    await autocannon({ url: `${a.url}/health`, connections: 10, duration: 1 });
    await autocannon({ url: `${b.url}/health`, connections: 10, duration: 1 });
    const one: Round[] = [];
    const two: Round[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      one.push(await post([a], tokens));
      two.push(await post([a, b], tokens));
    }
    return { one, two, quiet };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

const pick = (rounds: Round[], key: keyof Round) => median(rounds.map((r) => r[key]));
const row = (label: string, rounds: Round[]) =>
  `| ${label} | ${fmt(pick(rounds, 'rate'))} | ${fmt(pick(rounds, 'p50'))} | ${fmt(pick(rounds, 'p99'))} | ${rounds.reduce((s, r) => s + r.errors, 0)} | ${fmt(pick(rounds, 'machineBusy') * 100)} % | ${fmt(pick(rounds, 'ours') * 100)} % |`;
const scaling = pick(two, 'rate') / pick(one, 'rate');
writeSection(
  'scale',
  `## Scaling out: one instance against two on one PostgreSQL

\`npm run bench:scale\` · ${today()} · ${machine()}.
Authenticated \`POST /expenses\` from autocannon (${CONNECTIONS} connections in all, ${DURATION} s per round, ${ROUNDS} rounds of each alternating, medians), spread over ${USERS} users each with an overall budget; the built server runs as child processes (\`LOG_LEVEL=silent\`) on one throwaway PostgreSQL (\`fsync=off\`, \`synchronous_commit=off\`), each instance with its pool of 10 and its LISTEN connection.
Baseline: one instance taking all the load; then two instances on the same database, the connections split evenly between them (what a round-robin proxy does). The machine was ${fmt(quiet * 100)} % busy just before.

| setup | requests/s | p50 ms | p99 ms | non-2xx or errors | machine CPU busy | of it, client + server processes |
|---|---|---|---|---|---|---|
${row('1 instance (baseline)', one)}
${row('2 instances', two)}

Two instances against one: **${fmt(scaling, 2)} ×** the throughput.
On this 2-core machine the load generator, the Node processes and PostgreSQL share the same 2 cores. With one instance the machine was ${fmt(pick(one, 'machineBusy') * 100)} % busy (PostgreSQL and anything else: ${fmt((pick(one, 'machineBusy') - pick(one, 'ours')) * 100)} % of it); with two, ${fmt(pick(two, 'machineBusy') * 100)} %${pick(two, 'machineBusy') > 0.95 ? ": the second instance used the idle share that was left and then ran out of cores, so here the limit is the machine's CPU (shared with the load generator and PostgreSQL), not the server" : ''}.
What scaling out buys is set by the cores available to the instances and by PostgreSQL's write capacity, not by the server: instances share nothing but the database (see [deployment.md](deployment.md)).`,
);
