import { sql, type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Database, ExpenseTable } from '../store/database.js';
import { aggregateExpenses, type SumsQueries } from './kysely-totals.js';
import { preparedQuery, shapedQuery } from '../store/prepared-query.js';
import { chunk, escapeLike, likePattern, pageLimit, toInt, toSearchText } from '../store/sql-values.js';
import { formatAmount } from '../money.js';
import type {
  ExpenseIdentity,
  ExpenseKind,
  ExpensePageRequest,
  ExpenseRecord,
  ExpenseRepository,
  Dialect,
} from '../store/store.js';

function toIdentity(row: { id: string; external_id: string | null; fingerprint: string | null }): ExpenseIdentity {
  return { id: row.id, externalId: row.external_id, fingerprint: row.fingerprint };
}

/** The `tags` column: a JSON array of strings. */
function parseTags(tags: string): string[] {
  return tags === '[]' ? [] : (JSON.parse(tags) as string[]);
}

/**
 * `ExpenseRecord`'s fields and the columns they are read from (every column but `search_text`,
 * which only the database reads), in the order of {@link recordOf}: the one list of them.
 */
const RECORD_FIELDS = [
  ['id', 'id'],
  ['ownerId', 'owner_id'],
  ['amountMinor', 'amount_minor'],
  ['kind', 'kind'],
  ['currency', 'currency'],
  ['date', 'date'],
  ['categoryId', 'category_id'],
  ['description', 'description'],
  ['merchant', 'merchant'],
  ['notes', 'notes'],
  ['tags', 'tags'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['sourceKind', 'source_kind'],
  ['sourceId', 'source_id'],
  ['sourceRow', 'source_row'],
  ['categorySource', 'category_source'],
  ['ruleId', 'rule_id'],
  ['externalId', 'external_id'],
  ['sourceAccount', 'source_account'],
  ['fingerprint', 'fingerprint'],
] as const satisfies readonly (readonly [keyof ExpenseRecord, keyof ExpenseTable])[];

type RecordColumn = (typeof RECORD_FIELDS)[number][1];

/** The columns of {@link RECORD_FIELDS}, qualified, for a `select`. */
const COLUMNS = RECORD_FIELDS.map(([, column]) => `et_expense.${column}` as const);

/**
 * The values of {@link RECORD_FIELDS}' columns in their order, as a row or a listing's JSON
 * array holds them: `amount_minor` a number (or pg's bigint text), `tags` the column's JSON text.
 */
type RecordValues = [
  id: string,
  ownerId: string,
  amountMinor: number | string,
  kind: ExpenseRecord['kind'],
  currency: string,
  date: string,
  categoryId: string | null,
  description: string | null,
  merchant: string | null,
  notes: string | null,
  tags: string,
  createdAt: string,
  updatedAt: string,
  sourceKind: string,
  sourceId: string | null,
  sourceRow: number | string | null,
  categorySource: string | null,
  ruleId: string | null,
  externalId: string | null,
  sourceAccount: string | null,
  fingerprint: string | null,
];

/** The record of a row's or a listing's values ({@link RecordValues}); amounts checked exact by {@link toInt}. */
function recordOf(values: RecordValues): ExpenseRecord {
  const [
    id,
    ownerId,
    amountMinor,
    kind,
    currency,
    date,
    categoryId,
    description,
    merchant,
    notes,
    tags,
    createdAt,
    updatedAt,
    sourceKind,
    sourceId,
    sourceRow,
    categorySource,
    ruleId,
    externalId,
    sourceAccount,
    fingerprint,
  ] = values;
  return {
    id,
    ownerId,
    amountMinor: toInt(amountMinor),
    kind,
    currency,
    date,
    categoryId,
    description,
    merchant,
    tags: parseTags(tags),
    notes,
    createdAt,
    updatedAt,
    sourceKind: sourceKind as ExpenseRecord['sourceKind'],
    sourceId,
    sourceRow: sourceRow === null ? null : Number(sourceRow),
    categorySource: categorySource as ExpenseRecord['categorySource'],
    ruleId,
    externalId,
    sourceAccount,
    fingerprint,
  };
}

function fromRow(row: Pick<Selectable<ExpenseTable>, RecordColumn>): ExpenseRecord {
  return recordOf(RECORD_FIELDS.map(([, column]) => row[column]) as RecordValues);
}

function toRow(record: ExpenseRecord) {
  return {
    id: record.id,
    owner_id: record.ownerId,
    amount_minor: record.amountMinor,
    kind: record.kind,
    currency: record.currency,
    date: record.date,
    category_id: record.categoryId,
    description: record.description,
    merchant: record.merchant,
    notes: record.notes,
    tags: JSON.stringify(record.tags),
    search_text: toSearchText(record.description, record.merchant, record.notes),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    ...provenanceColumns(record),
  };
}

/** The provenance and bank-line identity columns (migration 0007). */
function provenanceColumns(record: ExpenseRecord) {
  return {
    source_kind: record.sourceKind,
    source_id: record.sourceId,
    source_row: record.sourceRow,
    category_source: record.categorySource,
    rule_id: record.ruleId,
    external_id: record.externalId,
    source_account: record.sourceAccount,
    fingerprint: record.fingerprint,
  };
}

function tagRows(record: ExpenseRecord) {
  const tags = new Set(record.tags.map((tag) => tag.toLowerCase()));
  return [...tags].map((tag) => ({ owner_id: record.ownerId, expense_id: record.id, tag }));
}

type ExpenseQuery = SelectQueryBuilder<Database, 'et_expense', object>;

/**
 * A listing as {@link listQuery} binds it: every value as the SQL takes it (tags lower-cased,
 * the text as a LIKE pattern) and every choice of SQL a boolean or a key left out, which is
 * what lets one compiled statement serve every listing of the same shape.
 */
interface ListValues {
  ownerId: string;
  from?: string;
  to?: string;
  currency?: string;
  kind?: ExpenseKind;
  minAmountMinor?: number;
  maxAmountMinor?: number;
  /** Category ids to match; with `uncategorized`, also expenses without one. */
  categoryIds?: string[];
  uncategorized?: boolean;
  tags?: string[];
  pattern?: string;
  byAmount: boolean;
  descending: boolean;
  after?: { key: string | number; id: string };
  limit: number;
}

function listValues(ownerId: string, request: ExpensePageRequest): ListValues {
  const values: ListValues = {
    ownerId,
    byAmount: request.sort === 'amount',
    descending: request.order === 'desc',
    limit: request.limit,
  };
  if (request.from !== undefined) values.from = request.from;
  if (request.to !== undefined) values.to = request.to;
  if (request.currency !== undefined) values.currency = request.currency;
  if (request.kind !== undefined) values.kind = request.kind;
  if (request.minAmountMinor !== undefined) values.minAmountMinor = request.minAmountMinor;
  if (request.maxAmountMinor !== undefined) values.maxAmountMinor = request.maxAmountMinor;
  if (request.categoryIds !== undefined) {
    values.categoryIds = request.categoryIds.filter((id): id is string => id !== null);
    values.uncategorized = request.categoryIds.includes(null);
  }
  if (request.tags !== undefined && request.tags.length > 0) values.tags = request.tags.map((tag) => tag.toLowerCase());
  if (request.text !== undefined) values.pattern = `%${escapeLike(request.text.toLowerCase())}%`;
  if (request.after !== undefined) values.after = { key: request.after.key, id: request.after.id };
  return values;
}

/** The filters of a listing on a query over `et_expense` already scoped to the owner. */
function applyFilter(query: ExpenseQuery, v: ListValues): ExpenseQuery {
  let q = query;
  if (v.from !== undefined) q = q.where('et_expense.date', '>=', v.from);
  if (v.to !== undefined) q = q.where('et_expense.date', '<=', v.to);
  if (v.currency !== undefined) q = q.where('et_expense.currency', '=', v.currency);
  if (v.kind !== undefined) q = q.where('et_expense.kind', '=', v.kind);
  if (v.minAmountMinor !== undefined) q = q.where('et_expense.amount_minor', '>=', v.minAmountMinor);
  if (v.maxAmountMinor !== undefined) q = q.where('et_expense.amount_minor', '<=', v.maxAmountMinor);
  const { categoryIds: ids, uncategorized } = v;
  if (ids !== undefined) {
    q = q.where((eb) => {
      const parts = [];
      if (ids.length > 0) parts.push(eb('et_expense.category_id', 'in', ids));
      if (uncategorized) parts.push(eb('et_expense.category_id', 'is', null));
      // No category at all matches nothing; a bound `false` is not a value SQLite can take.
      return parts.length > 0 ? eb.or(parts) : sql<boolean>`1 = 0`;
    });
  }
  const { tags } = v;
  if (tags !== undefined) {
    q = q.where((eb: ExpressionBuilder<Database, 'et_expense'>) =>
      eb.exists(
        eb
          .selectFrom('et_expense_tag')
          .select('et_expense_tag.expense_id')
          .where('et_expense_tag.owner_id', '=', v.ownerId)
          .where('et_expense_tag.tag', 'in', tags)
          .whereRef('et_expense_tag.expense_id', '=', 'et_expense.id'),
      ),
    );
  }
  if (v.pattern !== undefined)
    q = q.where(sql<boolean>`et_expense.search_text like ${likePattern(v.pattern)} escape '\\'`);
  return q;
}

/**
 * A listing's row as one JSON array text of {@link RECORD_FIELDS}' values, built by the
 * database: the driver makes one string per row instead of a value per column, and
 * `JSON.parse` of an array (no keys) costs a page of rows about a third of what the same
 * fields as an object did (`tags` stays its column's JSON text: having the database parse it
 * cost more than the rest of the row).
 */
function recordJson(dialect: Dialect) {
  const columns = RECORD_FIELDS.map(([, column]) => sql.ref(`et_expense.${column}`));
  // pg would parse a json column itself; as text, both engines hand over the same string.
  return dialect === 'postgres'
    ? sql<string>`json_build_array(${sql.join(columns)})::text`
    : sql<string>`json_array(${sql.join(columns)})`;
}

/**
 * An expense's public JSON after its `amount`, as `toExpense` orders its keys and
 * `JSON.stringify` writes it, built by SQLite (whose `json_object` is compact and escapes text
 * as `JSON.stringify` does): `{"kind":…,"fingerprint":…}`. `listJson` puts `id`, `amountMinor`
 * and the formatted `amount` in front (formatting it in SQLite's SQL made the page slower).
 * `source` has `id` and `row` only when set; `tags` is the column's own JSON. The conformance
 * case "listJson() is JSON.stringify(list())" holds it to the presenter, byte for byte.
 */
const SQLITE_API_JSON_TAIL = sql<string>`json_object(
  'kind', et_expense.kind, 'currency', et_expense.currency, 'date', et_expense.date,
  'categoryId', et_expense.category_id, 'description', et_expense.description, 'merchant', et_expense.merchant,
  'tags', json(et_expense.tags), 'notes', et_expense.notes,
  'createdAt', et_expense.created_at, 'updatedAt', et_expense.updated_at,
  'source', case
    when et_expense.source_id is null and et_expense.source_row is null then json_object('kind', et_expense.source_kind)
    when et_expense.source_row is null then json_object('kind', et_expense.source_kind, 'id', et_expense.source_id)
    when et_expense.source_id is null then json_object('kind', et_expense.source_kind, 'row', et_expense.source_row)
    else json_object('kind', et_expense.source_kind, 'id', et_expense.source_id, 'row', et_expense.source_row) end,
  'categorySource', et_expense.category_source, 'ruleId', et_expense.rule_id, 'externalId', et_expense.external_id,
  'sourceAccount', et_expense.source_account, 'fingerprint', et_expense.fingerprint)`;

/**
 * A listing's page of the owner's rows: its filters, keyset position, order and size, on the
 * query selecting what the listing reads.
 */
function page<O>(
  db: Kysely<Database>,
  v: ListValues,
  select: (query: ExpenseQuery) => SelectQueryBuilder<Database, 'et_expense', O>,
): SelectQueryBuilder<Database, 'et_expense', O> {
  const column = v.byAmount ? 'et_expense.amount_minor' : 'et_expense.date';
  const order = v.descending ? 'desc' : 'asc';
  let query = select(applyFilter(db.selectFrom('et_expense').where('owner_id', '=', v.ownerId), v));
  const { after } = v;
  if (after !== undefined) {
    // A row-value comparison, which both engines answer with one index range scan; the
    // equivalent `a < x or (a = x and id < y)` makes SQLite scan from the owner's first row.
    query = query.where((eb) =>
      eb(eb.refTuple(column, 'et_expense.id'), v.descending ? '<' : '>', eb.tuple(after.key, after.id)),
    );
  }
  return query.orderBy(column, order).orderBy('et_expense.id', order).limit(pageLimit(v.limit));
}

/**
 * One page of a listing, compiled once per shape of filters (which are given, how many
 * categories and tags, the order, a cursor or not): building and compiling it through Kysely
 * cost a 10-row page about a quarter of its CPU when it was done on every call.
 */
const listQueries = {
  sqlite: shapedQuery((db: Kysely<Database>, v: ListValues) =>
    page(db, v, (query) => query.select(recordJson('sqlite').as('record'))),
  ),
  postgres: shapedQuery((db: Kysely<Database>, v: ListValues) =>
    page(db, v, (query) => query.select(recordJson('postgres').as('record'))),
  ),
};

/** The page of `listJson` on SQLite: what the public JSON's head needs, and its tail. */
const sqliteApiListQuery = shapedQuery((db: Kysely<Database>, v: ListValues) =>
  page(db, v, (query) =>
    query.select(['et_expense.id', 'et_expense.amount_minor', 'et_expense.currency', SQLITE_API_JSON_TAIL.as('tail')]),
  ),
);

/** The insert of `expenses.create`: compiled once. */
const insertOne = preparedQuery(
  (
    db: Kysely<Database>,
    id: string,
    ownerId: string,
    amountMinor: number,
    kind: ExpenseKind,
    currency: string,
    date: string,
    categoryId: string | null,
    description: string | null,
    merchant: string | null,
    notes: string | null,
    tags: string,
    searchText: string,
    createdAt: string,
    updatedAt: string,
    sourceKind: string,
    sourceId: string | null,
    sourceRow: number | null,
    categorySource: string | null,
    ruleId: string | null,
    externalId: string | null,
    sourceAccount: string | null,
    fingerprint: string | null,
  ) =>
    db.insertInto('et_expense').values({
      id,
      owner_id: ownerId,
      amount_minor: amountMinor,
      kind,
      currency,
      date,
      category_id: categoryId,
      description,
      merchant,
      notes,
      tags,
      search_text: searchText,
      created_at: createdAt,
      updated_at: updatedAt,
      source_kind: sourceKind,
      source_id: sourceId,
      source_row: sourceRow,
      category_source: categorySource,
      rule_id: ruleId,
      external_id: externalId,
      source_account: sourceAccount,
      fingerprint,
    }),
);

/** Expenses over Kysely. */
export function createExpenseRepository(db: Kysely<Database>, dialect: Dialect, sums: SumsQueries): ExpenseRepository {
  return {
    async insert(records) {
      if (records.length === 1) {
        const r = toRow(records[0]!);
        await insertOne.execute(
          db,
          r.id,
          r.owner_id,
          r.amount_minor,
          r.kind,
          r.currency,
          r.date,
          r.category_id,
          r.description,
          r.merchant,
          r.notes,
          r.tags,
          r.search_text,
          r.created_at,
          r.updated_at,
          r.source_kind,
          r.source_id,
          r.source_row,
          r.category_source,
          r.rule_id,
          r.external_id,
          r.source_account,
          r.fingerprint,
        );
      } else {
        // 22 columns a row: 200 rows stay far below both engines' bind-parameter limits.
        for (const part of chunk(records, 200)) {
          await db.insertInto('et_expense').values(part.map(toRow)).execute();
        }
      }
      const tags = records.flatMap(tagRows);
      for (const part of chunk(tags, 500)) {
        await db.insertInto('et_expense_tag').values(part).execute();
      }
    },

    async findById(ownerId, id) {
      const row = await db
        .selectFrom('et_expense')
        .select(COLUMNS)
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async update(record) {
      const { id: _id, owner_id: _owner, created_at: _created, ...fields } = toRow(record);
      const result = await db
        .updateTable('et_expense')
        .set(fields)
        .where('owner_id', '=', record.ownerId)
        .where('id', '=', record.id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await db
        .deleteFrom('et_expense_tag')
        .where('owner_id', '=', record.ownerId)
        .where('expense_id', '=', record.id)
        .execute();
      const tags = tagRows(record);
      if (tags.length > 0) await db.insertInto('et_expense_tag').values(tags).execute();
      return true;
    },

    async delete(ownerId, id) {
      // Tags go first and explicitly: a host's SQLite connection may have foreign keys off.
      await db.deleteFrom('et_expense_tag').where('owner_id', '=', ownerId).where('expense_id', '=', id).execute();
      const result = await db
        .deleteFrom('et_expense')
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async list(ownerId, request) {
      const { rows } = await listQueries[dialect].execute(db, listValues(ownerId, request));
      return rows.map((row) => recordOf(JSON.parse(row.record) as RecordValues));
    },

    // SQLite only. PostgreSQL could write the same text (`to_json` of a row), but there the work
    // moves into the database, which every instance shares: a 50-row page cost it 187 → 333 µs of
    // CPU for no saving in Node (in process, alternating rounds). The SDK serializes list()'s page.
    ...(dialect === 'sqlite' && {
      async listJson(ownerId: string, request: ExpensePageRequest): Promise<string[]> {
        const { rows } = await sqliteApiListQuery.execute(db, listValues(ownerId, request));
        return rows.map((row) => {
          const amountMinor = toInt(row.amount_minor);
          return `{"id":${JSON.stringify(row.id)},"amountMinor":${amountMinor},"amount":"${formatAmount(amountMinor, row.currency)}",${row.tail.slice(1)}`;
        });
      },
    }),

    async countByCategory(ownerId, categoryId) {
      const row = await db
        .selectFrom('et_expense')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('owner_id', '=', ownerId)
        .where('category_id', '=', categoryId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async reassignCategory(ownerId, fromId, toId, at) {
      const result = await db
        .updateTable('et_expense')
        .set({ category_id: toId, updated_at: at })
        .where('owner_id', '=', ownerId)
        .where('category_id', '=', fromId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    aggregate(ownerId, query) {
      return aggregateExpenses(db, sums, ownerId, query);
    },

    async findByIdentity(ownerId, sourceAccount, keys) {
      const found: ExpenseIdentity[] = [];
      const select = () =>
        db
          .selectFrom('et_expense')
          .select(['id', 'external_id', 'fingerprint'])
          .where('owner_id', '=', ownerId)
          .where('source_account', '=', sourceAccount);
      for (const part of chunk(keys.externalIds, 500)) {
        found.push(...(await select().where('external_id', 'in', part).execute()).map(toIdentity));
      }
      for (const part of chunk(keys.fingerprints, 500)) {
        found.push(...(await select().where('fingerprint', 'in', part).execute()).map(toIdentity));
      }
      return found;
    },

    async findLinkCandidates(ownerId, query) {
      const rows = await db
        .selectFrom('et_expense')
        .select(COLUMNS)
        .where('owner_id', '=', ownerId)
        .where('amount_minor', '=', query.amountMinor)
        .where('currency', '=', query.currency)
        .where('date', '>=', query.from)
        .where('date', '<=', query.to)
        .where('source_kind', '<>', 'import')
        .where('external_id', 'is', null)
        .where('fingerprint', 'is', null)
        .orderBy('date')
        .orderBy('id')
        .limit(pageLimit(query.limit))
        .execute();
      return rows.map(fromRow);
    },
  };
}
