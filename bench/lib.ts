/**
 * Shared pieces of the benchmarks: machine facts, timing, PostgreSQL for a run, seeding
 * large histories with SQL, and writing results into docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { KyselyStore } from '@expense-tracker/core/kysely';
import { startThrowawayPostgres } from '../packages/core/test/setup/postgres-global-setup.js';
import { createTestDatabase } from '../packages/core/test/setup/pg-database.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(repoRoot, 'docs', 'benchmarks.md');

/** One line saying what machine and runtime a figure was taken on. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

/** Runs `fn` and returns milliseconds taken. */
export async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The median of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A number with thousands separators and `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A PostgreSQL database for a benchmark: `BENCH_DATABASE_URL`/`TEST_DATABASE_URL`'s server, or a throwaway one. */
export async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const server = given ? { url: given, stop: async () => {} } : await startThrowawayPostgres();
  try {
    const database = await createTestDatabase(server.url);
    try {
      return await fn(database.url);
    } finally {
      await database.drop();
    }
  } finally {
    await server.stop();
  }
}

/**
 * Inserts `count` expenses for one owner straight with SQL (a recursive CTE on SQLite,
 * generate_series on PostgreSQL), spread over `days` days ending on `lastDate`, across the
 * given categories and uncategorized, then rebuilds the owner's daily totals. Seeding is
 * setup, not what is measured.
 */
export async function seedExpenses(
  store: KyselyStore,
  ownerId: string,
  options: { count: number; days: number; lastDate: string; categoryIds: string[]; idPrefix?: string },
): Promise<void> {
  const { db } = store;
  const prefix = options.idPrefix ?? 'exp_seed_';
  const slots = options.categoryIds.length + 1;
  const category = (n: string) =>
    sql.raw(
      options.categoryIds.length === 0
        ? 'null'
        : `case (${n}) % ${slots} ${options.categoryIds.map((id, i) => `when ${i} then '${id}'`).join(' ')} else null end`,
    );
  const at = '2026-01-01T00:00:00.000Z';
  const chunkSize = 200_000;
  for (let offset = 0; offset < options.count; offset += chunkSize) {
    const size = Math.min(chunkSize, options.count - offset);
    if (store.dialect === 'sqlite') {
      await sql`with recursive seq(n) as (select ${offset} union all select n + 1 from seq where n < ${offset + size - 1})
        insert into et_expense (id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at)
        select ${prefix} || printf('%010d', n), ${ownerId}, 100 + (n * 7919) % 20000, 'USD',
          date(${options.lastDate}, '-' || (n % ${options.days}) || ' days'), ${category('n')},
          'Seeded expense ' || n, 'Shop ' || (n % 50), null, '[]', lower('Seeded expense ' || n || char(31) || 'Shop ' || (n % 50)), ${at}, ${at}
        from seq`.execute(db);
    } else {
      await sql`insert into et_expense (id, owner_id, amount_minor, currency, date, category_id, description, merchant, notes, tags, search_text, created_at, updated_at)
        select ${prefix} || lpad(n::text, 10, '0'), ${ownerId}, 100 + (n * 7919) % 20000, 'USD',
          to_char(${options.lastDate}::date - ((n % ${options.days})::int), 'YYYY-MM-DD'), ${category('n')},
          'Seeded expense ' || n, 'Shop ' || (n % 50), null, '[]', lower('Seeded expense ' || n || chr(31) || 'Shop ' || (n % 50)), ${at}, ${at}
        from generate_series(${offset}::bigint, ${offset + size - 1}::bigint) as n`.execute(db);
    }
  }
  await store.totals.rebuild(ownerId);
  await sql`analyze`.execute(db);
}

/**
 * Replaces one section of docs/benchmarks.md (between `<!-- name -->` markers), keeping the
 * other benchmarks' sections as they are.
 */
export function writeSection(name: string, markdown: string): void {
  const header =
    '# Benchmarks\n\nEvery figure here was written by the npm script named in its section, each taken side by side with its baseline in the same run (these machines are noisy). Re-run a script to refresh its section.\n';
  let text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : header;
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(resultsFile, text);
  console.log(`\nwrote the "${name}" section of docs/benchmarks.md`);
}

/** Today's date, for the results. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
