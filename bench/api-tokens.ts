/**
 * SPEC §7.6: `GET /expenses` (50 per page) with an API token against the same with a JWT
 * access token, on the built server (a child process, as deployed), SQLite and PostgreSQL.
 * The two loads alternate in rounds (JWT, token, JWT, token, …) and each side's median is
 * compared, so a machine that gets busier or quieter during the run moves both alike.
 *
 *   npm run bench:tokens          (BENCH_ROUNDS rounds of BENCH_DURATION s each, default 4 × 3; --sqlite for SQLite only)
 */
import autocannon from 'autocannon';
import { localDate } from '@expense-tracker/core';
import { fmt, machine, median, today, withPostgres, writeSection } from './lib.js';
import { call, registerAndLogin, startServerProcess, waitForQuietMachine } from './server-process.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = 20;
const HISTORY = 1000;

async function rate(url: string, token: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/expenses?limit=50`,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx + result.errors > 0) throw new Error(`GET /expenses failed: ${result.non2xx} non-2xx`);
  return result.requests.average;
}

async function dialectRun(name: 'SQLite' | 'PostgreSQL', databaseUrl: string | null) {
  const quiet = await waitForQuietMachine();
  const server = await startServerProcess({ databaseUrl });
  try {
    const { token } = await registerAndLogin(server.url, `bench_tokens_${Date.now()}`);
    const items = Array.from({ length: HISTORY }, (_, i) => ({
      amount: `${1 + (i % 90)}.${String(i % 100).padStart(2, '0')}`,
      description: `history ${i}`,
      date: localDate(new Date(Date.now() - (i % 60) * 86_400_000), 'UTC'),
    }));
    await call(server.url, 'POST', '/expenses/batch', { token, body: { items } });
    const created = await call(server.url, 'POST', '/auth/tokens', {
      token,
      body: { name: 'bench', preset: 'read-only', expiresInDays: 1 },
      expect: 201,
    });
    const apiToken = created.token as string;
    for (const bearer of [token, apiToken]) await rate(server.url, bearer); // JIT warm-up of both paths
    const jwt: number[] = [];
    const api: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      jwt.push(await rate(server.url, token));
      api.push(await rate(server.url, apiToken));
      console.log(`  ${name} round ${round + 1}: JWT ${fmt(jwt.at(-1)!)} req/s, API token ${fmt(api.at(-1)!)} req/s`);
    }
    return { name, quiet, jwt, api };
  } finally {
    await server.stop();
  }
}

const results = [await dialectRun('SQLite', null)];
if (!process.argv.includes('--sqlite')) results.push(await withPostgres((url) => dialectRun('PostgreSQL', url)));

const rows = results.map(({ name, quiet, jwt, api }) => {
  const ratio = median(api) / median(jwt);
  return `| ${name} | ${fmt(quiet * 100)} % | ${jwt.map((r) => fmt(r)).join(' / ')} | ${api.map((r) => fmt(r)).join(' / ')} | ${fmt(ratio * 100)} % | ≥ 90 % | ${ratio >= 0.9 ? 'met' : 'missed'} |`;
});

const busyNote = results.some((r) => r.quiet > 0.5)
  ? '\nThe machine was busy with other work during this run: the rates are a fraction of what the server serves on a quiet machine and swing from round to round; only the ratio of the medians, taken from alternating rounds, is meant to be read.'
  : '';

writeSection(
  'api-tokens',
  `## API tokens: \`GET /expenses\` with an API token against the same with a JWT access token

\`npm run bench:tokens\` · ${today()} · ${machine()}.
The built server runs as a child process over an account with ${fmt(HISTORY)} expenses; autocannon (${CONNECTIONS} connections, ${DURATION} s per load) alternates the access token (JWT) and a \`read-only\` API token for ${ROUNDS} rounds, and the medians are compared.
A JWT is checked by its remembered claims (jose the first time) and one session read; an API token by its format and checksum, then one read of its row by the unique SHA-256 of the token (nothing is remembered about a token, so a revocation holds at once on every instance), with \`last_used_at\` written at most once a minute.${busyNote}

| database | machine busy before | JWT req/s, by round | API token req/s, by round | API token / JWT (medians) | target | |
|---|---|---|---|---|---|---|
${rows.join('\n')}`,
);
