import {
  CompiledQuery,
  PostgresAdapter,
  type Compilable,
  type Kysely,
  type QueryResult,
  type RawBuilder,
} from 'kysely';
import { PREPARED_MARK } from './named-statements.js';

/**
 * A Kysely query built and compiled once per database, then run with new values.
 *
 * Kysely builds an immutable operation tree and compiles it to SQL on every call, which costs
 * ~10 µs of CPU here; a hot path (the session check of every request, the statements of every
 * write) pays it several times per request, more than SQLite takes to run the statements.
 * `build` is called once per database with placeholders in place of the arguments; each
 * placeholder must reach the SQL as a bound value (as `where('id', '=', id)`, `.limit(n)` or
 * `${id}` in a `sql` template do), and `build` must not branch on the argument values, since
 * the SQL is compiled only once. Both are checked when the query is first compiled: a
 * placeholder that is not a bound value throws.
 *
 * The compiled SQL is kept per database adapter (SQLite's `?` and PostgreSQL's `$1` differ),
 * so one prepared query serves a `Kysely` instance and its transactions alike. Variants of one
 * instance made with `withPlugin()` or `withSchema()` share its adapter, and so the SQL compiled
 * for whichever ran first: use one prepared query per variant.
 *
 * On PostgreSQL the SQL starts with a `prepared` comment, by which a store opened from a
 * URL or a `pg.Pool` sends it as a named prepared statement: parsed and planned once per
 * connection rather than on every call.
 *
 * @example
 * ```ts
 * import { Kysely, SqliteDialect } from 'kysely';
 * import Database from 'better-sqlite3';
 * import { preparedQuery, type Database as TrackerTables } from '@expense-tracker/core/kysely';
 *
 * const db = new Kysely<TrackerTables>({ dialect: new SqliteDialect({ database: new Database('expenses.db') }) });
 * const ownerSettings = preparedQuery((db: Kysely<TrackerTables>, ownerId: string) =>
 *   db.selectFrom('et_owner').select(['timezone', 'currency']).where('id', '=', ownerId),
 * );
 * const { rows } = await ownerSettings.execute(db, 'user-42'); // built and compiled once
 * await ownerSettings.execute(db, 'user-43'); // only run
 * ```
 */
export function preparedQuery<DB, A extends unknown[], R>(
  build: (db: Kysely<DB>, ...args: A) => Compilable<R> | RawBuilder<R>,
): PreparedQuery<DB, A, R> {
  const compiled = new WeakMap<object, { query: CompiledQuery<R>; slots: (number | { value: unknown })[] }>();

  function compile(db: Kysely<DB>, arity: number) {
    const key = db.getExecutor().adapter;
    let entry = compiled.get(key);
    if (entry) return entry;
    const nonce = Math.random().toString(36).slice(2);
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0000prepared:${i}:${nonce}`);
    const built = build(db, ...(placeholders as A));
    // A query builder compiles itself; a raw `sql` statement (e.g. a data-modifying CTE) with the database's.
    const query = 'isRawBuilder' in built ? built.compile(db) : built.compile();
    const used = new Set<number>();
    const slots = query.parameters.map((parameter) => {
      const index = typeof parameter === 'string' ? placeholders.indexOf(parameter) : -1;
      if (index === -1) return { value: parameter };
      used.add(index);
      return index;
    });
    if (used.size !== arity) {
      const missing = placeholders.map((_, i) => i).filter((i) => !used.has(i));
      throw new Error(`preparedQuery: argument ${missing.join(', ')} is not a bound value of the query (${query.sql})`);
    }
    entry = { query: key instanceof PostgresAdapter ? { ...query, sql: PREPARED_MARK + query.sql } : query, slots };
    compiled.set(key, entry);
    return entry;
  }

  return {
    compile(db, ...args) {
      const { query, slots } = compile(db, args.length);
      const parameters = slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.value));
      return CompiledQuery.raw(query.sql, parameters);
    },
    execute(db, ...args) {
      const { query, slots } = compile(db, args.length);
      const parameters = slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.value));
      return db.executeQuery<R>({ ...query, parameters });
    },
  };
}

/**
 * A query made by {@link preparedQuery}.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * import { preparedQuery, type Database, type PreparedQuery } from '@expense-tracker/core/kysely';
 *
 * // (db, ownerId) → rows of { timezone }
 * const settingsQuery: PreparedQuery<Database, [ownerId: string], { timezone: string }> = preparedQuery(
 *   (db: Kysely<Database>, ownerId: string) => db.selectFrom('et_owner').select('timezone').where('id', '=', ownerId),
 * );
 * declare const db: Kysely<Database>;
 * const { rows } = await settingsQuery.execute(db, 'user-42');
 * ```
 */
export interface PreparedQuery<DB, A extends unknown[], R> {
  /** Runs the query on `db` (a `Kysely` instance or a transaction) with these argument values. */
  execute(db: Kysely<DB>, ...args: A): Promise<QueryResult<R>>;
  /** The compiled query with these argument values, for `db.executeQuery` or a log. */
  compile(db: Kysely<DB>, ...args: A): CompiledQuery<R>;
}

/** A bound value of a {@link shapedQuery}'s input: every other leaf is part of its shape. */
type BoundLeaf = string | number | bigint;

function isBound(value: unknown): value is BoundLeaf {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';
}

/** The bound leaves of `value`, depth first in key order. */
function boundLeaves(value: unknown, into: unknown[] = []): unknown[] {
  if (isBound(value)) into.push(value);
  else if (Array.isArray(value)) for (const item of value) boundLeaves(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const key in value) boundLeaves(value[key as keyof typeof value], into);
  return into;
}

/** `value` with its bound leaves replaced, in {@link boundLeaves}' order, by `next()`. */
function replaceLeaves<V>(value: V, next: () => unknown): V {
  if (isBound(value)) return next() as V;
  if (Array.isArray(value)) return value.map((item: unknown) => replaceLeaves(item, next)) as V;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = replaceLeaves(value[key], next);
  return copy as V;
}

/** The shape of `value`: its keys, array lengths and non-bound leaves, with every bound leaf alike. */
function shapeOf(value: unknown): string {
  return JSON.stringify(value, (_key, leaf: unknown) => (isBound(leaf) ? 0 : leaf));
}

/**
 * A query whose SQL depends on which of its inputs are given (a listing's optional filters),
 * prepared once per shape of its input: {@link preparedQuery} for each combination in use.
 *
 * `values` is a plain object or array tree. Its strings, numbers and bigints are bound values,
 * which `build` must bind as they are (a value it transforms, such as a lower-cased tag or a
 * LIKE pattern, is computed before, into `values`); everything else (which keys are present,
 * array lengths, booleans, `null`) is the shape, on which `build` may branch. Up to
 * `maxShapes` shapes are kept (each is a named statement on every PostgreSQL connection that
 * runs it); past that, a new shape is built and compiled on each call, unnamed.
 *
 * @internal
 */
export function shapedQuery<DB, V extends object, R>(
  build: (db: Kysely<DB>, values: V) => Compilable<R>,
  maxShapes = 64,
): { execute(db: Kysely<DB>, values: V): Promise<QueryResult<R>> } {
  const shapes = new Map<string, PreparedQuery<DB, unknown[], R>>();
  return {
    async execute(db, values) {
      const shape = shapeOf(values);
      let prepared = shapes.get(shape);
      if (!prepared) {
        if (shapes.size >= maxShapes) return db.executeQuery(build(db, values).compile());
        prepared = preparedQuery((db: Kysely<DB>, ...slots: unknown[]) => {
          let at = 0;
          return build(
            db,
            replaceLeaves(values, () => slots[at++]),
          );
        });
        shapes.set(shape, prepared);
      }
      return prepared.execute(db, ...boundLeaves(values));
    },
  };
}
