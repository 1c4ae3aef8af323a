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
