/**
 * A CPU profile of the built server under one endpoint's load, summarised: where the server's
 * samples fall, by package and by function (self time, and total time with callees). This is how the shares quoted under
 * "What limits it" in docs/benchmarks.md were taken; it writes nothing to the docs.
 *
 *   npm run bench:profile -- /budget/status      (or /expenses?limit=50, /auth/me, POST for POST /expenses)
 *   BENCH_DURATION=5 (seconds of load), DATABASE_URL=postgres://… to profile on PostgreSQL
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { localDate } from '@expense-tracker/core';
import { fmt } from './lib.js';
import { call, registerAndLogin, startServerProcess } from './server-process.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const target = process.argv[2] ?? '/budget/status';
const post = target === 'POST';
const duration = Number(process.env.BENCH_DURATION ?? 5);
const profileDir = mkdtempSync(join(tmpdir(), 'et-profile-'));
const server = await startServerProcess({
  databaseUrl: process.env.DATABASE_URL ?? null,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
});
let summary: string;
try {
  const { token } = await registerAndLogin(server.url, `profile_${Date.now()}`);
  await call(server.url, 'POST', '/budget', { token, body: { name: 'Monthly', amount: '100000000' } });
  const items = Array.from({ length: 1000 }, (_, i) => ({
    amount: `${1 + (i % 90)}.05`,
    description: `History ${i}`,
    merchant: `Shop ${i % 50}`,
    date: localDate(new Date(Date.now() - (i % 60) * 86_400_000), 'UTC'),
  }));
  await call(server.url, 'POST', '/expenses/batch', { token, body: { items } });
  let n = 0;
  const result = await autocannon({
    url: server.url,
    connections: post ? 10 : 20,
    duration,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [
      {
        method: post ? 'POST' : 'GET',
        path: post ? '/expenses' : target,
        ...(post
          ? {
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({
                  amount: `${1 + (++n % 50)}.10`,
                  description: `Load ${n}`,
                  merchant: `Shop ${n % 50}`,
                }),
              }),
            }
          : {}),
      },
    ],
  });
  summary = `${post ? 'POST /expenses' : `GET ${target}`}: ${fmt(result.requests.average)} req/s, non-2xx ${result.non2xx}`;
} finally {
  await server.stop(); // the profile is written when the process exits
}

const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('the server wrote no CPU profile');
const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
rmSync(profileDir, { recursive: true, force: true });

const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const time = selfTime.get(node.id) ?? 0;
  total += time;
  const url = node.callFrame.url;
  const modules = url.split('node_modules/');
  const rest = modules.length > 1 ? modules.at(-1)! : '';
  const where = rest
    ? rest
        .split('/')
        .slice(0, rest.startsWith('@') ? 2 : 1)
        .join('/')
    : url.includes('/packages/')
      ? `@expense-tracker/${url.split('/packages/')[1]!.split('/')[0]}`
      : url.startsWith('node:')
        ? 'node (internals)'
        : node.callFrame.functionName || '(native)';
  byPackage.set(where, (byPackage.get(where) ?? 0) + time);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
}
// Total time: a function's samples with everything it called (each function once per stack).
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
const totalTime = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const { callFrame } = nodeById.get(at)!;
    if (!callFrame.url) continue; // (root), (program), (garbage collector)
    seen.add(
      `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').slice(-2).join('/')}:${callFrame.lineNumber}`,
    );
  }
  for (const name of seen) totalTime.set(name, (totalTime.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const top = (map: Map<string, number>, count: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `${((time / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
console.log(
  `${summary}\n\nself time by package:\n${top(byPackage, 20)}\n\nself time by function:\n${top(byFunction, 25)}\n\ntotal time (with callees) by function:\n${top(totalTime, Number(process.env.PROFILE_TOP ?? 40))}`,
);
