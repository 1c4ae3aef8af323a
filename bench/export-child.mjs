// One export in a process of its own, so its peak RSS is the export's alone. Plain
// JavaScript over the built package (no TypeScript loader inflating the process).
// Usage: node bench/export-child.mjs sdk|baseline <database> <out.csv>; prints JSON.
import { createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Sqlite from 'better-sqlite3';
import { stringify } from 'csv-stringify';
import { Tracker } from '@expense-tracker/core';

const [mode, database, out] = process.argv.slice(2);
const OWNER = 'export-owner';
const start = performance.now();
let firstRowMs = -1;
let rows = 0;
let ms = 0;
const sink = createWriteStream(out);

if (mode === 'sdk') {
  const tracker = await Tracker.open({ database });
  let header = true;
  async function* counted() {
    for await (const chunk of tracker.forOwner(OWNER).export({ format: 'csv' })) {
      if (header)
        header = false; // the first chunk is the header row
      else {
        if (firstRowMs < 0) firstRowMs = performance.now() - start;
      }
      yield chunk;
    }
  }
  await pipeline(Readable.from(counted()), sink);
  ms = performance.now() - start;
  await tracker.close();
  // Counted afterwards, untimed: the export yields text, not rows.
  const db = new Sqlite(database, { readonly: true });
  rows = db.prepare('select count(*) as n from et_expense where owner_id = ?').get(OWNER).n;
  db.close();
} else {
  const db = new Sqlite(database, { readonly: true });
  const statement = db.prepare(
    `select e.id, e.date, e.amount_minor, e.currency, c.name as category, e.category_id, e.description, e.merchant, e.tags, e.notes, e.created_at, e.updated_at
     from et_expense e left join et_category c on c.id = e.category_id where e.owner_id = ? order by e.date, e.id`,
  );
  function* iterate() {
    for (const row of statement.iterate(OWNER)) {
      if (firstRowMs < 0) firstRowMs = performance.now() - start;
      rows += 1;
      yield row;
    }
  }
  await pipeline(Readable.from(iterate()), stringify({ header: true, record_delimiter: 'windows' }), sink);
  ms = performance.now() - start;
  db.close();
}
console.log(
  JSON.stringify({ rows, ms, firstRowMs, peakRssMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(out).size }),
);
