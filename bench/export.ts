/**
 * CSV export of 1,000,000 rows on SQLite: rows/s, time to the first row and peak RSS of a
 * process that does only the export, against csv-stringify over the same driver's rows
 * (better-sqlite3 `iterate()` piped through csv-stringify's stream), each in
 * bench/export-child.mjs over the built package. The SDK's output is parsed back with csv-parse and compared row by row with the database.
 *
 *   npm run bench:export           (BENCH_ROWS to change the work)
 */
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import { parse } from 'csv-parse';
import { formatAmount, localDate, Tracker } from '@expense-tracker/core';
import { openKyselyStore } from '@expense-tracker/core/kysely';
import { neutraliseCell } from '../packages/core/src/expenses/csv-cells.js';
import { fmt, machine, repoRoot, seedExpenses, today, writeSection } from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const OWNER = 'export-owner';
const run = promisify(execFile);

interface Measurement {
  rows: number;
  ms: number;
  firstRowMs: number;
  peakRssMb: number;
  bytes: number;
}

async function measureIn(mode: 'sdk' | 'baseline', database: string, out: string): Promise<Measurement> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'bench', 'export-child.mjs'), mode, database, out], {
    cwd: repoRoot,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement;
}

/** Parses the SDK's CSV back and checks every row against the database, in order. */
async function verify(database: string, out: string): Promise<void> {
  const db = new Sqlite(database, { readonly: true });
  const expected = (
    db
      .prepare(
        `select id, date, amount_minor, currency, description from et_expense where owner_id = ? order by date, id`,
      )
      .iterate(OWNER) as IterableIterator<{
      id: string;
      date: string;
      amount_minor: number;
      currency: string;
      description: string | null;
    }>
  )[Symbol.iterator]();
  let header = true;
  let count = 0;
  for await (const record of createReadStream(out).pipe(parse({ relax_column_count: false })) as AsyncIterable<
    string[]
  >) {
    if (header) {
      header = false;
      continue;
    }
    const row = expected.next().value;
    const [id, date, amount, currency, , , description] = record;
    if (
      !row ||
      id !== row.id ||
      date !== row.date ||
      amount !== formatAmount(row.amount_minor, row.currency) ||
      currency !== row.currency ||
      description !== neutraliseCell(row.description ?? '')
    ) {
      throw new Error(
        `CSV row ${count + 1} does not match the database: ${JSON.stringify(record)} vs ${JSON.stringify(row)}`,
      );
    }
    count += 1;
  }
  if (!expected.next().done) throw new Error('The CSV has fewer rows than the database');
  db.close();
  console.log(`verified: csv-parse reads back all ${fmt(count)} rows, identical to the database`);
}

{
  const dir = mkdtempSync(join(tmpdir(), 'et-bench-export-'));
  try {
    const database = join(dir, 'export.db');
    const store = await openKyselyStore({ database });
    const tracker = await Tracker.open({ store });
    await tracker.migrate();
    const owner = tracker.forOwner(OWNER);
    const categoryIds = [];
    for (let i = 0; i < 8; i += 1) categoryIds.push((await owner.categories.create({ name: `Category ${i}` })).id);
    console.log(`seeding ${fmt(ROWS)} expenses…`);
    await seedExpenses(store, OWNER, { count: ROWS, days: 1095, lastDate: localDate(new Date(), 'UTC'), categoryIds });
    await owner.expenses.create({ amount: '1.00', description: '=SUM(A1:A9)', notes: 'line 1\nline 2, "quoted"' });
    await tracker.close();

    const results: { mode: string; m: Measurement }[] = [];
    for (const mode of ['baseline', 'sdk', 'baseline', 'sdk'] as const) {
      const m = await measureIn(mode, database, join(dir, `${mode}.csv`));
      console.log(
        `${mode}: ${fmt(m.rows)} rows in ${fmt(m.ms)} ms = ${fmt((m.rows / m.ms) * 1000)} rows/s, first row ${fmt(m.firstRowMs, 1)} ms, peak RSS ${fmt(m.peakRssMb)} MB`,
      );
      results.push({ mode, m });
    }
    await verify(database, join(dir, 'sdk.csv'));
    const best = (mode: string) =>
      results
        .filter((r) => r.mode === mode)
        .map((r) => r.m)
        .sort((a, b) => a.ms - b.ms)[0]!;
    const base = best('baseline');
    const sdk = best('sdk');
    const rate = (m: Measurement) => (m.rows / m.ms) * 1000;
    const ratio = rate(sdk) / rate(base);
    writeSection(
      'export',
      `## CSV export of ${fmt(ROWS)} rows (SQLite)

\`npm run bench:export\` · ${today()} · ${machine()} · each export runs in a process of its own (so peak RSS is the export's), the two alternating twice; the faster run of each is shown.
Baseline: better-sqlite3 \`iterate()\` of the same rows (joined to category names) piped through csv-stringify's stream. The SDK reads keyset-paginated batches of 200 and formats them with csv-stringify in chunks of 100, pulled as the file takes them. The SDK's output was parsed back with csv-parse and matched the database row for row.

| | rows/s | time to first row | peak RSS | output |
|---|---|---|---|---|
| baseline (csv-stringify stream) | ${fmt(rate(base))} | ${fmt(base.firstRowMs, 1)} ms | ${fmt(base.peakRssMb)} MB | ${fmt(base.bytes / 2 ** 20)} MiB |
| SDK \`owner.export({ format: 'csv' })\` | ${fmt(rate(sdk))} | ${fmt(sdk.firstRowMs, 1)} ms | ${fmt(sdk.peakRssMb)} MB | ${fmt(sdk.bytes / 2 ** 20)} MiB |

Targets: ≥ 1.5× the baseline's rows/s — ${fmt(ratio, 2)}×, ${ratio >= 1.5 ? 'met' : 'missed'}; first row < 100 ms — ${sdk.firstRowMs < 100 ? 'met' : 'missed'}; peak RSS < 200 MB — ${sdk.peakRssMb < 200 ? 'met' : 'missed'}.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
