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
 */
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { fmt, median, repoRoot, withPostgres } from './lib.js';
import { call, cpuSeconds, registerAndLogin, startServerProcess, type ServerProcess } from './server-process.js';

const beforeRoot = process.argv[2];
if (!beforeRoot) throw new Error('usage: npm run bench:ab -- <path of the other, built checkout>');
const paths = (process.env.AB_PATHS ?? '/expenses?limit=10,/health').split(',');
const rounds = Number(process.env.AB_ROUNDS ?? 4);
const duration = Number(process.env.BENCH_DURATION ?? 4);

/** A server of one checkout with a signed-in user owning 1,000 expenses on fixed dates. */
async function start(root: string, databaseUrl: string | null) {
  const server = await startServerProcess({ root, databaseUrl });
  const { token } = await registerAndLogin(server.url, `ab_${process.pid}_${Date.now()}`);
  const items = Array.from({ length: 1000 }, (_, i) => ({
    amount: `${1 + (i % 90)}.05`,
    description: `History ${i}`,
    merchant: `Shop ${i % 50}`,
    date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
  }));
  await call(server.url, 'POST', '/expenses/batch', { token, body: { items } });
  return { server, token };
}

/** Server CPU milliseconds per request over one round of load on `path`. */
async function cpuPerRequest({ server, token }: { server: ServerProcess; token: string }, path: string) {
  const before = cpuSeconds(server.pid);
  const result = await autocannon({
    url: server.url + path,
    connections: 10,
    duration,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0) throw new Error(`${path}: ${result.non2xx} answers were not 2xx`);
  return ((cpuSeconds(server.pid) - before) * 1000) / result.requests.total;
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
    console.log(`server CPU per request, median of ${rounds} alternating rounds of ${duration} s:`);
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
