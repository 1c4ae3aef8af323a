import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Tracker, type TrackerEvent } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

let db: TestDatabase;
let admin: pg.Client;
const open: Tracker[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'));
  admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => undefined);
  await admin.connect();
  const setup = await Tracker.open({ database: db.url });
  await setup.migrate();
  await setup.close();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

async function tracker(
  options: Partial<Parameters<typeof Tracker.open>[0]> = {},
  errors: unknown[] = [],
): Promise<Tracker> {
  const t = await Tracker.open({ database: db.url, onError: (error) => errors.push(error), ...options });
  open.push(t);
  return t;
}

/** Records what a tracker emits, per owner. */
function record(t: Tracker): {
  all: TrackerEvent[];
  of(owner: string): number[];
  until(done: () => boolean, ms?: number): Promise<void>;
} {
  const all: TrackerEvent[] = [];
  t.on('*', (event) => all.push(event));
  return {
    all,
    of: (owner) => all.filter((e) => e.ownerId === owner).map((e) => e.seq),
    async until(done, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${all.length} events`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Kills the LISTEN connection(s) of the database; returns how many were killed. */
async function killListeners(applicationName = 'et-listen'): Promise<number> {
  const { rows } = await admin.query<{ killed: boolean }>(
    `select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and application_name = $1`,
    [applicationName],
  );
  return rows.filter((r) => r.killed).length;
}

describe('remote events over LISTEN/NOTIFY', () => {
  it('emits writes committed by another tracker, per owner in seq order, none lost or twice', async () => {
    const a = await tracker();
    const errors: unknown[] = [];
    const b = await tracker({ listen: true }, errors);
    const got = record(b);
    const gotA = record(a);
    const owners = ['ra1', 'ra2', 'ra3'];
    // 50 writes across 3 owners, all at once.
    await Promise.all(
      range(50).map((i) => a.forOwner(owners[i % 3]!).expenses.create({ amount: `${i}.00`, description: `e${i}` })),
    );
    const counts = owners.map((o) => range(50).filter((i) => owners[i % 3] === o).length);
    await got.until(() => owners.every((o, k) => got.of(o).length >= counts[k]!));
    await new Promise((r) => setTimeout(r, 200)); // anything extra would show up by now
    for (const [k, o] of owners.entries()) {
      expect(got.of(o)).toEqual(range(counts[k]!));
      // Exactly what A emitted for its own writes, in the same order.
      expect(got.all.filter((e) => e.ownerId === o)).toEqual(
        [...gotA.all.filter((e) => e.ownerId === o)].sort((x, y) => x.seq - y.seq),
      );
    }
    expect(got.all.every((e) => e.type === 'expense.created')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('interleaves its own writes with remote ones in seq order, each once', async () => {
    const a = await tracker();
    const b = await tracker({ listen: true });
    const got = record(b);
    const owner = 'mixed';
    await Promise.all(range(40).map((i) => (i % 2 ? a : b).forOwner(owner).expenses.create({ amount: '1.00' })));
    await got.until(() => got.of(owner).length >= 40);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.of(owner)).toEqual(range(40));
  });

  it('reconnects after its LISTEN connection is killed and delivers what it missed, in order', async () => {
    const a = await tracker();
    const errors: unknown[] = [];
    const b = await tracker({ listen: { minReconnectDelayMs: 300, maxReconnectDelayMs: 1000 } }, errors);
    const got = record(b);
    const alice = a.forOwner('alice-rc');
    for (const i of range(3)) await alice.expenses.create({ amount: `${i}.00` });
    await got.until(() => got.of('alice-rc').length === 3);

    expect(await killListeners()).toBe(1);
    // Written while B has no LISTEN connection: no notification reaches it.
    for (const i of range(5)) await alice.expenses.create({ amount: `${i}.50` });
    await got.until(() => got.of('alice-rc').length >= 8);
    expect(errors.length).toBeGreaterThan(0); // the drop was reported

    // And live again afterwards.
    await Promise.all(range(4).map(() => alice.expenses.create({ amount: '2.00' })));
    await got.until(() => got.of('alice-rc').length >= 12);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.of('alice-rc')).toEqual(range(12));
    const { rows } = await admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'et-listen'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('keeps one tracker to its own commits without the option, and closes the LISTEN connection on close()', async () => {
    const a = await tracker();
    const b = await tracker();
    const c = await tracker({ listen: { applicationName: 'et-listen-c' } });
    const gotB = record(b);
    const gotC = record(c);
    await a.forOwner('solo').expenses.create({ amount: '1.00' });
    await gotC.until(() => gotC.of('solo').length === 1);
    expect(gotB.all).toEqual([]);
    await c.close();
    const { rows } = await admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'et-listen-c'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('announces appends on et_events with a small payload and no data', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const notes: string[] = [];
      listener.on('notification', (m) => notes.push(m.payload ?? ''));
      await listener.query('LISTEN et_events');
      const a = await tracker();
      await a.forOwner('payload').expenses.create({ amount: '3.00', description: 'secret' });
      const deadline = Date.now() + 5000;
      while (notes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(notes).toHaveLength(1);
      expect(JSON.parse(notes[0]!)).toEqual({
        instance: expect.any(String),
        ownerId: 'payload',
        first: 1,
        seq: 1,
        type: 'expense.created',
      });
      expect(notes[0]).not.toContain('secret');
    } finally {
      await listener.end();
    }
  });

  it('ignores listen on SQLite', async () => {
    const t = await Tracker.open({ database: ':memory:', listen: true });
    await t.migrate();
    const seen: number[] = [];
    t.on('*', (e) => seen.push(e.seq));
    await t.forOwner('x').expenses.create({ amount: '1.00' });
    expect(seen).toEqual([1]);
    await t.close();
  });
});
