// Import expenses from a CSV file, with progress. Run it with `npm run example:import-csv [-- file.csv]`.
// Columns: date, amount, currency, category (a name), description, merchant, tags (separated by `;`);
// the sample is examples/expenses.csv.
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTrackerError, Tracker, type ExpenseInput } from '@expense-tracker/core';
import { parse } from 'csv-parse';

const file = process.argv[2] ?? fileURLToPath(new URL('expenses.csv', import.meta.url));
const BATCH = 500; // createMany takes up to 1,000 and stores each batch all or nothing

const tracker = await Tracker.open({ database: ':memory:' }); // or a file path / postgres:// URL
await tracker.migrate();
const me = tracker.forOwner('importer');
await me.settings.update({ currency: 'EUR' }); // for rows that leave the currency empty

// Streamed in both passes, so a file of any size takes bounded memory.
const rows = () =>
  createReadStream(file).pipe(parse({ columns: true, info: true, skip_empty_lines: true, trim: true }));
let total = 0;
for await (const _ of rows()) total++; // a first pass to know M for the progress line

const categories = new Map((await me.categories.list()).map((c) => [c.name.toLowerCase(), c.id]));
async function categoryId(name: string): Promise<string | undefined> {
  if (!name) return undefined;
  let id = categories.get(name.toLowerCase());
  if (!id) categories.set(name.toLowerCase(), (id = (await me.categories.create({ name })).id));
  return id;
}

let imported = 0;
let first = '9999-12-31';
let last = '0000-01-01';
const rejected: { line: number; reason: string }[] = [];
const progress = () => process.stdout.write(`imported ${imported}/${total}${process.stdout.isTTY ? '\r' : '\n'}`);

/** Stores a batch; rows core rejects are reported by line and the rest retried, since a batch is all or nothing. */
async function flush(batch: { line: number; input: ExpenseInput }[]): Promise<void> {
  while (batch.length > 0) {
    try {
      for (const expense of await me.expenses.createMany(batch.map((row) => row.input))) {
        imported++;
        if (expense.date < first) first = expense.date;
        if (expense.date > last) last = expense.date;
      }
      break;
    } catch (error) {
      if (!isTrackerError(error, 'VALIDATION_FAILED')) throw error;
      const bad = new Map<number, string>(); // index in the batch -> reason
      for (const issue of error.issues ?? []) {
        const [index, ...path] = issue.path;
        if (typeof index === 'number' && !bad.has(index))
          bad.set(index, `${path.join('.') || 'row'}: ${issue.message}`);
      }
      if (bad.size === 0) throw error;
      for (const [index, reason] of bad) rejected.push({ line: batch[index]!.line, reason });
      batch = batch.filter((_, index) => !bad.has(index));
    }
  }
  progress();
}

let batch: { line: number; input: ExpenseInput }[] = [];
for await (const { record, info } of rows() as AsyncIterable<{
  record: Record<string, string>;
  info: { lines: number };
}>) {
  batch.push({
    line: info.lines,
    input: {
      date: record.date || undefined,
      amount: record.amount || undefined, // a decimal string, parsed exactly by core
      currency: record.currency || undefined,
      categoryId: await categoryId(record.category ?? ''),
      description: record.description || undefined,
      merchant: record.merchant || undefined,
      tags: record.tags
        ? record.tags
            .split(';')
            .map((t) => t.trim())
            .filter(Boolean)
        : undefined,
    },
  });
  if (batch.length === BATCH) {
    await flush(batch);
    batch = [];
  }
}
if (batch.length > 0) await flush(batch);
if (process.stdout.isTTY) process.stdout.write('\n');

rejected.sort((a, b) => a.line - b.line);
console.log(`done: ${imported} imported, ${rejected.length} rejected`);
for (const { line, reason } of rejected) console.log(`  line ${line}: ${reason}`);

if (imported > 0) {
  const { months } = await me.analytics.monthly({ fromMonth: first.slice(0, 7), toMonth: last.slice(0, 7) });
  for (const month of months)
    console.log(`${month.month}: ${month.currencies.map((c) => `${c.total} ${c.currency}`).join(', ')}`);
}

await tracker.close();
