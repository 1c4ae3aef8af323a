import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Tracker } from '../src/index.js';
import { openKyselyStore, preparedQuery } from '../src/kysely/index.js';
import { withNamedStatements } from '../src/store/named-statements.js';
import { shapedQuery } from '../src/store/prepared-query.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/** `preparedQuery` must answer exactly what the same Kysely query built afresh answers, on both engines. */

interface Tables {
  item: { id: string; owner: string; n: number; note: string | null };
}

const rows: Tables['item'][] = [
  { id: 'a', owner: 'o1', n: 1, note: null },
  { id: 'b', owner: 'o1', n: 5, note: 'five' },
  { id: 'c', owner: 'o2', n: 5, note: null },
  { id: 'd', owner: 'o1', n: 9, note: 'nine' },
];

let pgDatabase: TestDatabase;
const engines: [string, Kysely<Tables>][] = [];

beforeAll(async () => {
  pgDatabase = await createTestDatabase(inject('pgUrl'));
  engines.push(['sqlite', new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) })]);
  engines.push([
    'postgres',
    new Kysely<Tables>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDatabase.url, max: 2 }) }),
    }),
  ]);
  // One connection, so pg_prepared_statements (which is per connection) shows what it prepared.
  engines.push([
    'postgres (named statements)',
    new Kysely<Tables>({
      dialect: new PostgresDialect({
        pool: withNamedStatements(new pg.Pool({ connectionString: pgDatabase.url, max: 1 })),
      }),
    }),
  ]);
  for (const [, db] of engines) {
    await db.schema
      .createTable('item')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('n', 'integer')
      .addColumn('note', 'text')
      .execute();
    if ((await db.selectFrom('item').select('id').limit(1).execute()).length === 0)
      await db.insertInto('item').values(rows).execute();
  }
}, 60_000);

afterAll(async () => {
  for (const [, db] of engines) await db.destroy();
  await pgDatabase?.drop();
});

// One prepared query for both engines: its SQL is compiled per database.
const byOwnerAbove = preparedQuery((db: Kysely<Tables>, owner: string, min: number, limit: number) =>
  db
    .selectFrom('item')
    .select(['id', 'n'])
    .where('owner', '=', owner)
    .where('n', '>=', min)
    .where('note', 'is not', null)
    .orderBy('n')
    .limit(limit),
);
const sameValueTwice = preparedQuery((db: Kysely<Tables>, owner: string) =>
  db
    .selectFrom('item')
    .select('id')
    .where((eb) => eb.or([eb('owner', '=', owner), eb('id', '=', owner)]))
    .where('n', '<', 100)
    .orderBy('id'),
);
const inTemplate = preparedQuery((db: Kysely<Tables>, owner: string, plus: number) =>
  db
    .selectFrom('item')
    .select(sql<number>`n + ${plus}`.as('m'))
    .where('owner', '=', owner)
    .orderBy('id'),
);

describe.each(['sqlite', 'postgres', 'postgres (named statements)'])('preparedQuery on %s', (engine) => {
  const db = () => engines.find(([name]) => name === engine)![1];

  it('answers what the same query built afresh answers, for each set of values', async () => {
    for (const [owner, min, limit] of [
      ['o1', 0, 10],
      ['o1', 6, 10],
      ['o2', 0, 10],
      ['o1', 0, 1],
      ['nobody', 0, 5],
    ] as const) {
      const fresh = await db()
        .selectFrom('item')
        .select(['id', 'n'])
        .where('owner', '=', owner)
        .where('n', '>=', min)
        .where('note', 'is not', null)
        .orderBy('n')
        .limit(limit)
        .execute();
      expect((await byOwnerAbove.execute(db(), owner, min, limit)).rows).toEqual(fresh);
    }
    expect((await byOwnerAbove.execute(db(), 'o1', 6, 10)).rows).toEqual([{ id: 'd', n: 9 }]);
  });

  it('binds an argument used twice in both places, keeps the builder’s own constants, and binds values in sql templates', async () => {
    expect((await sameValueTwice.execute(db(), 'c')).rows).toEqual([{ id: 'c' }]);
    expect((await sameValueTwice.execute(db(), 'o2')).rows).toEqual([{ id: 'c' }]);
    expect((await sameValueTwice.execute(db(), 'o1')).rows.map((r) => r.id)).toEqual(['a', 'b', 'd']);
    expect((await inTemplate.execute(db(), 'o1', 10)).rows.map((r) => Number(r.m))).toEqual([11, 15, 19]);
    expect(sameValueTwice.compile(db(), 'x').parameters).toEqual(['x', 'x', 100]);
  });

  it('runs inside a transaction, seeing its uncommitted rows, with the SQL compiled for the database', async () => {
    await db()
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto('item').values({ id: 'tx', owner: 'o3', n: 3, note: 'in tx' }).execute();
        expect((await byOwnerAbove.execute(tx, 'o3', 0, 10)).rows).toEqual([{ id: 'tx', n: 3 }]);
        await tx.deleteFrom('item').where('id', '=', 'tx').execute();
      });
    expect((await byOwnerAbove.execute(db(), 'o3', 0, 10)).rows).toEqual([]);
  });
});

/** A filter of optional parts, as a listing takes them: which are given decides the SQL. */
interface ItemFilter {
  owner: string;
  min?: number;
  ids?: string[];
  withoutNote?: boolean;
  descending: boolean;
}
function buildItems(db: Kysely<Tables>, f: ItemFilter) {
  let q = db.selectFrom('item').select(['id', 'n']).where('owner', '=', f.owner);
  if (f.min !== undefined) q = q.where('n', '>=', f.min);
  const { ids } = f;
  if (ids !== undefined) q = q.where('id', 'in', ids);
  if (f.withoutNote) q = q.where('note', 'is', null);
  return q.orderBy('id', f.descending ? 'desc' : 'asc');
}
const items = shapedQuery(buildItems, 3);

describe.each(['sqlite', 'postgres', 'postgres (named statements)'])('shapedQuery on %s', (engine) => {
  const db = () => engines.find(([name]) => name === engine)![1];

  it('answers what the query built afresh answers, for each shape and values, past its cap of kept shapes', async () => {
    const filters: ItemFilter[] = [
      { owner: 'o1', descending: false },
      { owner: 'o2', descending: false },
      { owner: 'o1', descending: true },
      { owner: 'o1', min: 5, descending: false },
      { owner: 'o1', min: 9, descending: false },
      { owner: 'o1', ids: ['a', 'd'], descending: false },
      { owner: 'o1', ids: ['b'], descending: true },
      { owner: 'o1', ids: ['a', 'b', 'c'], withoutNote: true, descending: false },
      { owner: 'o1', min: 1, ids: ['a', 'b'], withoutNote: false, descending: true },
    ];
    for (const filter of [...filters, ...filters]) {
      const fresh = await buildItems(db(), filter).execute();
      expect((await items.execute(db(), filter)).rows, JSON.stringify(filter)).toEqual(fresh);
    }
    expect((await items.execute(db(), { owner: 'o1', ids: ['b'], descending: true })).rows).toEqual([
      { id: 'b', n: 5 },
    ]);
  });
});

it('refuses a shaped query whose builder transforms a value instead of binding it', async () => {
  const db = engines[0]![1];
  const lowered = shapedQuery((db: Kysely<Tables>, f: { owner: string }) =>
    db.selectFrom('item').select('id').where('owner', '=', f.owner.toUpperCase()),
  );
  await expect(lowered.execute(db, { owner: 'o1' })).rejects.toThrow(/argument 0 is not a bound value/);
});

it('refuses a builder that does not bind an argument (its value would be compiled into the SQL once)', () => {
  const db = engines[0]![1];
  const literal = preparedQuery((db: Kysely<Tables>, owner: string) =>
    db.selectFrom('item').select('id').where('owner', '=', sql.lit(owner)),
  );
  expect(() => literal.compile(db, 'o1')).toThrow(/argument 0 is not a bound value/);
});

/** The server's prepared statements on the single connection of `db`. */
async function preparedStatements(db: Kysely<Tables>) {
  const { rows } = await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements order by name`.execute(db);
  return rows;
}

it('sends prepared queries as named statements on PostgreSQL, once per text, and other SQL unnamed', async () => {
  const db = engines.find(([name]) => name === 'postgres (named statements)')![1];
  for (let i = 0; i < 3; i++) await byOwnerAbove.execute(db, 'o1', i, 10);
  await inTemplate.execute(db, 'o1', 1);
  await db.selectFrom('item').select('id').where('owner', '=', 'o2').execute();
  const named = await preparedStatements(db);
  expect(named.every((s) => /^et_[0-9a-f]{32}$/.test(s.name))).toBe(true);
  expect(named.filter((s) => s.statement.includes('"n" >= $2 and "note" is not null'))).toHaveLength(1);
  expect(named.filter((s) => s.statement.includes('n + $1'))).toHaveLength(1);
  expect(named.some((s) => s.statement.includes("'o2'") || s.statement.endsWith('"owner" = $1'))).toBe(false);
});

it('a tracker opened from a PostgreSQL URL writes through named statements', async () => {
  const database = await createTestDatabase(inject('pgUrl'));
  const store = await openKyselyStore({ database: database.url, poolSize: 1 });
  const tracker = await Tracker.open({ store });
  try {
    await tracker.migrate();
    const owner = tracker.forOwner('named');
    await owner.expenses.create({ amount: '1.00', date: '2026-01-15' });
    await owner.expenses.create({ amount: '2.00', date: '2026-01-16' });
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(store.db);
    const inserts = rows.filter((r) => r.statement.includes('insert into "et_expense"'));
    expect(inserts).toHaveLength(1);
    expect((await owner.expenses.list({})).items.map((e) => e.amountMinor)).toEqual([200, 100]);
  } finally {
    await tracker.close();
    await database.drop();
  }
});
