/**
 * Webhook delivery (SPEC §7.6): to a loopback receiver, on a SQLite file.
 *
 * - latency: 100 expense writes a second for `BENCH_SECONDS`, the dispatcher started (its prompt
 *   path wakes on every commit); for each event, the time from the start of its write to its
 *   receipt (an upper bound of commit → receipt). Target p99 < 100 ms.
 * - backlog: 10,000 events committed with the dispatcher stopped, then one `dispatchDue()` pass
 *   drains them. Target ≥ 500 messages/s.
 *
 *   npm run bench:webhooks            (BENCH_SECONDS, BENCH_BACKLOG to change the work)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWebhookDispatcher, Tracker } from '../packages/core/src/index.js';
import { fmt, machine, today, writeSection } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 10_000);
const RATE = 100;

const receivedAt = new Map<number, number>();
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    receivedAt.set((JSON.parse(body) as { seq: number }).seq, performance.now());
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
const webhooks = { encryptionKeys: [{ id: 'bench', key: randomBytes(32) }], allowPrivateAddresses: true };

async function openTracker(name: string): Promise<Tracker> {
  const tracker = await Tracker.open({ database: join(dir, `${name}.db`), webhooks });
  await tracker.migrate();
  return tracker;
}

/** p-th percentile of sorted values. */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;

// Latency at 100 events/s.
const live = await openTracker('latency');
const owner = live.forOwner('bench');
await owner.webhooks.create({ url });
const dispatcher = createWebhookDispatcher({ tracker: live });
dispatcher.start();
const startedAt = new Map<number, number>();
const total = SECONDS * RATE;
const t0 = performance.now();
for (let i = 0; i < total; i++) {
  const due = t0 + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const began = performance.now();
  await owner.expenses.create({ amount: '1.00' });
  startedAt.set(i + 1, began);
}
while (receivedAt.size < total) await sleep(10);
await dispatcher.close();
await live.close();
const latencies = [...startedAt].map(([seq, began]) => receivedAt.get(seq)! - began).sort((a, b) => a - b);
const p50 = percentile(latencies, 0.5);
const p99 = percentile(latencies, 0.99);

// Backlog drain.
receivedAt.clear();
const backlog = await openTracker('backlog');
const writer = backlog.forOwner('bench');
await writer.webhooks.create({ url });
for (let done = 0; done < BACKLOG; done += 1000) {
  await writer.expenses.createMany(Array.from({ length: Math.min(1000, BACKLOG - done) }, () => ({ amount: '1.00' })));
}
const drain = createWebhookDispatcher({ tracker: backlog, batchSize: 200, concurrency: 32 });
const d0 = performance.now();
const report = await drain.dispatchDue();
const drainSeconds = (performance.now() - d0) / 1000;
await drain.close();
await backlog.close();
server.close();
rmSync(dir, { recursive: true, force: true });
if (report.delivered !== BACKLOG || receivedAt.size !== BACKLOG)
  throw new Error(`drained ${report.delivered} of ${BACKLOG}`);

writeSection(
  'webhooks',
  `## Webhooks: delivery latency and backlog drain

\`npm run bench:webhooks\` · ${today()} · ${machine()} · SQLite file, a loopback receiver answering 204, default dispatcher settings for latency; \`batchSize: 200, concurrency: 32\` for the drain.

| what | measured | target |
|---|---|---|
| write start → receipt at ${RATE} events/s for ${SECONDS} s (${fmt(total)} events) | p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms | p99 < 100 ms |
| drain of a ${fmt(BACKLOG)}-message backlog, one \`dispatchDue()\` | ${fmt(BACKLOG / drainSeconds)} messages/s (${fmt(drainSeconds, 1)} s) | ≥ 500/s |`,
);
