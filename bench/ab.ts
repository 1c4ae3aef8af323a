/**
 * Two builds of the server side by side: the CPU each server process spends per request
 * (from /proc, so other load on the machine skews it far less than req/s) on the same
 * endpoints over the same data, in alternating rounds, and the median of each. This is how a
 * change to the request path is judged against the code before it ("within noise of before").
 *
 *   git worktree add --detach ../before <commit> && (cd ../before && npm ci && npm run build)
 *   npm run bench:ab -- ../before                       (GET /expenses?limit=10 and GET /health)
 *   AB_PATHS=/auth/me,/analytics/summary AB_ROUNDS=6 npm run bench:ab -- ../before
 *   npm run bench:ab -- ../before --postgres             (each over a fresh PostgreSQL database)
 *   AB_BUDGETS=8 AB_PATHS=/analytics/summary npm run bench:ab -- ../before   (the owner with 8 monthly budgets)
 *   AB_LOAD=wrk AB_EXPENSES=5000 npm run bench:ab -- ../before   (the load from wrk, as issue 17 measured;
 *                                                       Debian's `wrk` package must be installed)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { fmt, median, repoRoot, withPostgres } from './lib.js';
import { call, cpuSeconds, registerAndLogin, startServerProcess, type ServerProcess } from './server-process.js';

const beforeRoot = process.argv[2];
if (!beforeRoot) throw new Error('usage: npm run bench:ab -- <path of the other, built checkout>');
const paths = (process.env.AB_PATHS ?? '/expenses?limit=10,/health').split(',');
const rounds = Number(process.env.AB_ROUNDS ?? 4);
const duration = Number(process.env.BENCH_DURATION ?? 4);
const expenses = Number(process.env.AB_EXPENSES ?? 1000);
const budgets = Number(process.env.AB_BUDGETS ?? 0);
const load = process.env.AB_LOAD ?? 'autocannon';
if (load !== 'autocannon' && load !== 'wrk') throw new Error('AB_LOAD is autocannon or wrk');

/** A server of one checkout with a signed-in user owning `AB_EXPENSES` expenses on fixed dates and `AB_BUDGETS` budgets. */
async function start(root: string, databaseUrl: string | null) {
  const server = await startServerProcess({ root, databaseUrl });
  const { token } = await registerAndLogin(server.url, `ab_${process.pid}_${Date.now()}`);
  for (let i = 0; i < budgets; i++) {
    const body = {
      name: `Monthly ${i}`,
      amount: `${100 + i}000`,
      rollover: i % 2 ? 'surplus' : 'none',
      startsOn: '2026-01-01',
    };
    await call(server.url, 'POST', '/budgets', { token, body });
  }
  for (let start = 0; start < expenses; start += 1000) {
    const items = Array.from({ length: Math.min(1000, expenses - start) }, (_, j) => {
      const i = start + j;
      return {
        amount: `${1 + (i % 90)}.05`,
        description: `History ${i}`,
        merchant: `Shop ${i % 50}`,
        date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
      };
    });
    await call(server.url, 'POST', '/expenses/batch', { token, body: { items } });
  }
  return { server, token };
}

/** One round of load on `url` from wrk: how many requests it made, and how many were not 2xx/3xx. */
function wrk(url: string, token: string): { total: number; non2xx: number } {
  const out = execFileSync('wrk', ['-t2', '-c10', `-d${duration}s`, '-H', `authorization: Bearer ${token}`, url], {
    encoding: 'utf8',
  });
  const total = /(\d+) requests in/.exec(out);
  if (!total) throw new Error(`wrk printed no request count:\n${out}`);
  return { total: Number(total[1]), non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) };
}

/** Server CPU milliseconds per request over one round of load on `path`. */
async function cpuPerRequest({ server, token }: { server: ServerProcess; token: string }, path: string) {
  const before = cpuSeconds(server.pid);
  const result =
    load === 'wrk'
      ? wrk(server.url + path, token)
      : await autocannon({
          url: server.url + path,
          connections: 10,
          duration,
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => ({ total: r.requests.total, non2xx: r.non2xx }));
  if (result.non2xx > 0) throw new Error(`${path}: ${result.non2xx} answers were not 2xx`);
  return ((cpuSeconds(server.pid) - before) * 1000) / result.total;
}

async function compare(beforeDatabase: string | null, afterDatabase: string | null): Promise<void> {
  const sides = {
    before: await start(resolve(beforeRoot!), beforeDatabase),
    after: await start(repoRoot, afterDatabase),
  };
  try {
    const figures = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const path of paths) {
        for (const side of round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
          const ms = await cpuPerRequest(sides[side], path);
          figures.set(`${path} ${side}`, [...(figures.get(`${path} ${side}`) ?? []), ms]);
        }
      }
    }
    console.log(
      `server CPU per request (${load}, ${expenses} expenses), median of ${rounds} alternating rounds of ${duration} s:`,
    );
    for (const path of paths) {
      const before = median(figures.get(`${path} before`)!);
      const after = median(figures.get(`${path} after`)!);
      console.log(
        `  ${path}: before ${fmt(before * 1000)} µs, after ${fmt(after * 1000)} µs (${fmt((after / before) * 100)} %)`,
      );
    }
  } finally {
    await Promise.all([sides.before.server.stop(), sides.after.server.stop()]);
  }
}

if (process.argv.includes('--postgres')) await withPostgres((a) => withPostgres((b) => compare(a, b)));
else await compare(null, null);
