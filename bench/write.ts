/**
 * In-process `expenses.create` with 2 budgets × 2 rules, for an owner with 100,000 expenses
 * of history, against the write floor: raw driver calls doing only the expense insert, the
 * per-owner seq update and the event insert in one transaction.
 * SQLite: one writer, file database. PostgreSQL: 10 concurrent writers for different owners.
 *
 *   npm run bench:write            (BENCH_ROUNDS, BENCH_OPS to change the work)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Tracker, localDate, type OwnerHandle } from '@expense-tracker/core';
import { openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';
import { fmt, machine, median, seedExpenses, timed, today, withPostgres, writeSection } from './lib.js';

const HISTORY = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OPS = Number(process.env.BENCH_OPS ?? 2000);
const WRITERS = 10;
const day = localDate(new Date(), 'UTC');

/** An owner with 8 categories, `HISTORY` expenses, and 2 budgets × 2 default rules that do not fire. */
async function prepareOwner(
  tracker: Tracker,
  store: KyselyStore,
  ownerId: string,
): Promise<{ owner: OwnerHandle; categoryIds: string[] }> {
  const owner = tracker.forOwner(ownerId);
  const categories = [];
  for (let i = 0; i < 8; i += 1) categories.push(await owner.categories.create({ name: `Category ${i}` }));
  const categoryIds = categories.map((c) => c.id);
  await seedExpenses(store, ownerId, {
    count: HISTORY,
    days: 365,
    lastDate: day,
    categoryIds,
    idPrefix: `exp_${ownerId}_`,
  });
  // Limits far above the spending: every write evaluates both budgets' rules, none fires.
  await owner.budgets.create({ name: 'Everything', amount: '100000000' });
  await owner.budgets.create({ name: 'Category 0', amount: '100000000', categoryIds: [categoryIds[0]!] });
  return { owner, categoryIds };
}

function eventData(i: number) {
  return JSON.stringify({
    expense: {
      id: `exp_raw_${i}`,
      amountMinor: 1234,
      amount: '12.34',
      currency: 'USD',
      date: day,
      categoryId: null,
      description: 'Bench',
      merchant: null,
      tags: [],
      notes: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
  });
}

async function sqliteRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'et-bench-write-'));
  try {
    const store = await openKyselyStore({ database: join(dir, 'sdk.db') });
    const tracker = await Tracker.open({ store });
    await tracker.migrate();
    const { owner, categoryIds } = await prepareOwner(tracker, store, 'bench-owner');

    // The floor: the same schema and history, raw prepared statements.
    const rawStore = await openKyselyStore({ database: join(dir, 'raw.db') });
    const rawTracker = await Tracker.open({ store: rawStore });
    await rawTracker.migrate();
    await seedExpenses(rawStore, 'raw-owner', { count: HISTORY, days: 365, lastDate: day, categoryIds: [] });
    await rawTracker.close();
    const raw = new Sqlite(join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw
      .prepare(
        `insert into et_owner (id, last_seq, created_at, updated_at) values ('raw-owner', 0, 'x', 'x') on conflict do nothing`,
      )
      .run();
    const insertExpense = raw.prepare(
      `insert into et_expense (id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at)
       values (?, 'raw-owner', 1234, 'USD', ?, null, 'Bench', null, null, '[]', 'bench', ?, ?)`,
    );
    const bumpSeq = raw.prepare(
      `update et_owner set last_seq = last_seq + 1 where id = 'raw-owner' returning last_seq`,
    );
    const insertEvent = raw.prepare(
      `insert into et_event (owner_id, seq, type, data, at) values ('raw-owner', ?, 'expense.created', ?, ?)`,
    );
    let n = 0;
    const rawCreate = raw.transaction(() => {
      n += 1;
      const at = new Date().toISOString();
      insertExpense.run(`exp_raw_${n}`, day, at, at);
      const { last_seq } = bumpSeq.get() as { last_seq: number };
      insertEvent.run(last_seq, eventData(n), at);
    });

    const rawRates: number[] = [];
    const sdkRates: number[] = [];
    let i = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawMs = await timed(() => {
        for (let k = 0; k < OPS; k += 1) rawCreate();
      });
      rawRates.push((OPS / rawMs) * 1000);
      const sdkMs = await timed(async () => {
        for (let k = 0; k < OPS; k += 1) {
          i += 1;
          await owner.expenses.create({
            amount: '12.34',
            categoryId: categoryIds[i % 8]!,
            description: 'Bench',
            date: day,
          });
        }
      });
      sdkRates.push((OPS / sdkMs) * 1000);
      console.log(`sqlite round ${round + 1}: raw ${fmt(rawRates.at(-1)!)} /s, sdk ${fmt(sdkRates.at(-1)!)} /s`);
    }
    raw.close();
    await tracker.close();
    const rawRate = median(rawRates);
    const sdkRate = median(sdkRates);
    return `| SQLite file, 1 writer | ${fmt(rawRate)} /s | ${fmt(sdkRate)} /s | ${fmt((sdkRate / rawRate) * 100)} % | ≥ 50 % | ${sdkRate / rawRate >= 0.5 ? 'met' : 'missed'} |`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRun(): Promise<string> {
  return withPostgres(async (url) => {
    const store = await openKyselyStore({ database: url, poolSize: WRITERS });
    const tracker = await Tracker.open({ store });
    await tracker.migrate();
    const owners: { owner: OwnerHandle; categoryIds: string[] }[] = [];
    for (let w = 0; w < WRITERS; w += 1) owners.push(await prepareOwner(tracker, store, `bench-owner-${w}`));
    for (let w = 0; w < WRITERS; w += 1) {
      await seedExpenses(store, `raw-owner-${w}`, {
        count: HISTORY,
        days: 365,
        lastDate: day,
        categoryIds: [],
        idPrefix: `exp_raw_seed_${w}_`,
      });
    }
    const pool = new pg.Pool({ connectionString: url, max: WRITERS });
    pool.on('error', () => undefined); // connections end when the database is dropped
    for (let w = 0; w < WRITERS; w += 1) {
      await pool.query(
        `insert into et_owner (id, last_seq, created_at, updated_at) values ($1, 0, 'x', 'x') on conflict do nothing`,
        [`raw-owner-${w}`],
      );
    }
    let n = 0;
    const rawCreate = async (w: number) => {
      const client = await pool.connect();
      try {
        n += 1;
        const id = n;
        const at = new Date().toISOString();
        await client.query('begin');
        await client.query(
          `insert into et_expense (id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at)
           values ($1, $2, 1234, 'USD', $3, null, 'Bench', null, null, '[]', 'bench', $4, $4)`,
          [`exp_raw_${id}`, `raw-owner-${w}`, day, at],
        );
        const { rows } = await client.query<{ last_seq: string }>(
          `update et_owner set last_seq = last_seq + 1 where id = $1 returning last_seq`,
          [`raw-owner-${w}`],
        );
        await client.query(
          `insert into et_event (owner_id, seq, type, data, at) values ($1, $2, 'expense.created', $3, $4)`,
          [`raw-owner-${w}`, rows[0]!.last_seq, eventData(id), at],
        );
        await client.query('commit');
      } finally {
        client.release();
      }
    };
    const perWriter = Math.max(1, Math.floor(OPS / 4 / WRITERS));
    const rawRates: number[] = [];
    const sdkRates: number[] = [];
    let i = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawMs = await timed(() =>
        Promise.all(
          Array.from({ length: WRITERS }, async (_, w) => {
            for (let k = 0; k < perWriter; k += 1) await rawCreate(w);
          }),
        ),
      );
      rawRates.push(((perWriter * WRITERS) / rawMs) * 1000);
      const sdkMs = await timed(() =>
        Promise.all(
          owners.map(async ({ owner, categoryIds }) => {
            for (let k = 0; k < perWriter; k += 1) {
              i += 1;
              await owner.expenses.create({
                amount: '12.34',
                categoryId: categoryIds[i % 8]!,
                description: 'Bench',
                date: day,
              });
            }
          }),
        ),
      );
      sdkRates.push(((perWriter * WRITERS) / sdkMs) * 1000);
      console.log(`postgres round ${round + 1}: raw ${fmt(rawRates.at(-1)!)} /s, sdk ${fmt(sdkRates.at(-1)!)} /s`);
    }
    await pool.end();
    await tracker.close();
    const rawRate = median(rawRates);
    const sdkRate = median(sdkRates);
    return `| PostgreSQL, ${WRITERS} writers (different owners) | ${fmt(rawRate)} /s | ${fmt(sdkRate)} /s | ${fmt((sdkRate / rawRate) * 100)} % | ≥ 50 % | ${sdkRate / rawRate >= 0.5 ? 'met' : 'missed'} |`;
  });
}

const onlySqlite = process.argv.includes('--sqlite');
const rows = [await sqliteRun()];
if (!onlySqlite) rows.push(await postgresRun());
writeSection(
  'write',
  `## Writes: \`expenses.create\` with 2 budgets × 2 rules, 100,000 expenses of history

\`npm run bench:write\` · ${today()} · ${machine()} · ${ROUNDS} rounds of ${OPS} creates (PostgreSQL: ${Math.max(1, Math.floor(OPS / 4 / WRITERS)) * WRITERS} per round), median round.
Baseline: raw driver calls (better-sqlite3 prepared statements / pg) doing only the expense insert, the per-owner seq update and the event insert in one transaction, on the same schema and history.
Every SDK create also validates, takes the owner lock, checks the category, updates the daily totals, takes the budgets and rules (from memory while they are unchanged) and computes both budgets' status.

| database | baseline | SDK | SDK / baseline | target | |
|---|---|---|---|---|---|
${rows.join('\n')}

What limits it: the work, not the code around it. Inside its transaction the baseline runs three statements; an SDK create runs six or seven: the owner lock, the insert, the daily-total upsert, a grouped sum for each budget the expense counts toward (one or two here), the seq bump and the event (on PostgreSQL also its NOTIFY). The per-write statements are prepared (built and compiled once, see [design-decisions.md](design-decisions.md#hot-queries)) and the budgets and rules come from memory, so what is left is mostly the database running them; half the baseline's rate is the time of six of the baseline's statements, for six or seven statements plus validation and the budgets' status. Dropping any of them would give up a promise of the SPEC (totals that make status and analytics independent of history, alerts evaluated in the write's transaction, a per-owner gapless seq).`,
);
