import { validationError } from '../errors.js';

/** What an opaque listing cursor holds: the order it was made for and the last row's key. */
export interface ExpenseCursor {
  sort: 'date' | 'amount';
  order: 'asc' | 'desc';
  key: string | number;
  id: string;
}

/** Encodes a cursor as base64url JSON: opaque to clients, not a secret. */
export function encodeCursor(cursor: ExpenseCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.key, cursor.id])).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} for the same order, or throws `VALIDATION_FAILED`. */
export function decodeCursor(value: string, sort: ExpenseCursor['sort'], order: ExpenseCursor['order']): ExpenseCursor {
  const invalid = (message: string) => validationError([{ path: ['cursor'], code: 'invalid_cursor', message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The cursor is not one this API gave out');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('The cursor is not one this API gave out');
  const [s, o, key, id] = parsed as unknown[];
  const keyOk =
    sort === 'amount' ? Number.isSafeInteger(key) : typeof key === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(key);
  if (typeof id !== 'string' || !keyOk || (s !== 'date' && s !== 'amount') || (o !== 'asc' && o !== 'desc')) {
    throw invalid('The cursor is not one this API gave out');
  }
  if (s !== sort || o !== order)
    throw invalid(`The cursor belongs to a listing sorted by ${s} ${o}; keep the same sort and order`);
  return { sort, order, key: key as string | number, id };
}
