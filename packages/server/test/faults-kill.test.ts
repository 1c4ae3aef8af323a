import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { processUser, startServerProcess, waitFor, type ServerProcess } from './support/process.js';

/**
 * The server process killed with SIGKILL while batch imports (`POST /expenses/batch` of
 * 1,000 items) are in flight, then started again on the same database (issue 7, part 5):
 * each batch is wholly present or wholly absent, and the change feed has no gaps.
 */

const BATCH = 1000;
const ROUNDS = 2;
const SENDERS = 3;

const dirs: string[] = [];
const databases: TestDatabase[] = [];
const processes: ServerProcess[] = [];

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await Promise.all(databases.map((db) => db.drop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function start(databaseUrl: string): Promise<ServerProcess> {
  const server = await startServerProcess(databaseUrl);
  processes.push(server);
  return server;
}

function batchOf(marker: string): { amount: string; description: string; tags: string[]; date: string }[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    amount: `${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}`,
    description: `${marker} #${i}`,
    tags: [marker],
    date: '2026-11-01',
  }));
}

describe.each(['sqlite', 'postgres'] as const)('SIGKILL during batch imports on %s', (dialect) => {
  it(`each batch of ${BATCH} is wholly present or wholly absent after ${ROUNDS} kills, and the change feed has no gaps`, async () => {
    let databaseUrl: string;
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'et-kill-'));
      dirs.push(dir);
      databaseUrl = `sqlite:${join(dir, 'tracker.db')}`;
    } else {
      const db = await createTestDatabase(inject('pgUrl'));
      databases.push(db);
      databaseUrl = db.url;
    }
    let server = await start(databaseUrl);
    const { token } = await processUser(server, `kill-${dialect}`);

    const sent: string[] = [];
    const acknowledged = new Set<string>();
    const interrupted: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let killed = false;
      const target = server;
      const ackedBefore = acknowledged.size;
      const sender = async (lane: number) => {
        for (let n = 0; !killed; n++) {
          const marker = `r${round}l${lane}n${n}`;
          sent.push(marker);
          try {
            const answer = await target.request('POST', '/expenses/batch', { token, body: batchOf(marker) });
            expect(answer.status, JSON.stringify(answer.body)).toBe(201);
            expect(answer.body.items).toHaveLength(BATCH);
            acknowledged.add(marker);
          } catch (error) {
            // Only the kill may cut a request off.
            if (!killed) throw error;
            interrupted.push(marker);
          }
        }
      };
      const senders = Array.from({ length: SENDERS }, (_, lane) => sender(lane));
      // Kill once a batch of this round has been stored and others are on their way.
      await waitFor(
        'a batch to be stored',
        () => acknowledged.size,
        (n) => n > ackedBefore,
        30_000,
      );
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 150));
      killed = true;
      target.child.kill('SIGKILL');
      expect(await target.exited).toBeNull(); // killed by the signal, not exited
      await Promise.all(senders);
      server = await start(databaseUrl);
    }
    // The kills cut requests off mid-flight.
    expect(interrupted.length).toBeGreaterThanOrEqual(ROUNDS);

    // After the restarts: each batch is all or nothing, each acknowledged batch is all there.
    const counts = new Map<string, number>();
    let expenses = 0;
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ServerProcess['request']>> = await server.request(
        'GET',
        `/expenses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(page.status).toBe(200);
      for (const e of page.body.items as { tags: string[]; description: string }[]) {
        expect(e.description.startsWith(`${e.tags[0]} #`)).toBe(true);
        counts.set(e.tags[0]!, (counts.get(e.tags[0]!) ?? 0) + 1);
        expenses += 1;
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    for (const [marker, count] of counts) {
      expect(sent).toContain(marker);
      expect(count, marker).toBe(BATCH);
    }
    for (const marker of acknowledged) expect(counts.get(marker), marker).toBe(BATCH);
    expect(counts.size).toBeGreaterThanOrEqual(acknowledged.size);

    // The change feed: 1..n without gaps, one expense.created per stored expense.
    const write = await server.request('POST', '/expenses/batch', { token, body: batchOf('after').slice(0, 3) });
    expect(write.status).toBe(201);
    const seqs: number[] = [];
    let created = 0;
    let after = 0;
    for (;;) {
      const page = await server.request('GET', `/changes?after=${after}&limit=200`, { token });
      expect(page.status).toBe(200);
      for (const event of page.body.events as { seq: number; type: string }[]) {
        seqs.push(event.seq);
        if (event.type === 'expense.created') created += 1;
      }
      if (page.body.events.length < 200) {
        expect(page.body.lastSeq).toBe(seqs.length);
        break;
      }
      after = seqs.at(-1)!;
    }
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(created).toBe(expenses + 3);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);
});
