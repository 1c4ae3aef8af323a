import { sql, type RawBuilder } from 'kysely';

/**
 * The few places where the two drivers answer differently, normalised in one file:
 * pg returns `bigint` columns and aggregates as strings, better-sqlite3 as numbers.
 */

/** A database integer as a JavaScript number; throws if it is not a safe integer. */
export function toInt(value: number | string | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`Integer out of the safe range: ${String(value)}`);
  return number;
}

/** Escapes `%`, `_` and `\` so a text is matched literally by `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The lower-cased text `q` searches run against. The unit separator keeps fields apart. */
export function toSearchText(...fields: (string | null)[]): string {
  return fields
    .filter((field): field is string => field !== null)
    .join('\u001f')
    .toLowerCase();
}

/** Splits `items` into chunks of at most `size`, to stay under the engines' bind-parameter limits. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/*
 * SQLite (3.53 here) plans with the value bound to a bare `LIMIT ?` or `LIKE ?`, and so marks
 * the statement to be prepared again each time that parameter is bound: every run of a
 * prepared page or search parsed and planned its SQL anew. That was ~8 µs of a 10-row page's
 * ~21 µs read, and ~4 µs of a text search. Behind a CAST the value is not the planner's to read,
 * and one prepared plan serves every value. None of these plans depend on it (EXPLAIN QUERY
 * PLAN is the same for every listing shape; no index serves the LIKE), and PostgreSQL reads
 * the same integer and text.
 */

/** A page size for `.limit()`, bound behind a CAST (see above). */
export function pageLimit(limit: number): RawBuilder<number> {
  return sql<number>`cast(${limit} as integer)`;
}

/** A LIKE pattern, bound behind a CAST (see above). */
export function likePattern(pattern: string): RawBuilder<string> {
  return sql<string>`cast(${pattern} as text)`;
}
