import { createHash } from 'node:crypto';
import { foldText } from '../rules/fold-text.js';

/** What a bank line's fingerprint is made of. */
export interface LineFacts {
  date: string;
  amountMinor: number;
  currency: string;
  description: string | null;
  merchant: string | null;
  /** Money in: hashed apart, so a refund never takes the key of a same-day purchase of the same amount. */
  credit?: boolean;
}

/**
 * The fingerprint of a bank line without its occurrence: a hash of the date, the amount in
 * minor units, the currency and the text folded (case, accents and whitespace runs do not
 * count, as banks reformat them between exports of the same statement).
 */
export function lineHash(line: LineFacts): string {
  const text = foldText(`${line.description ?? ''} ${line.merchant ?? ''}`);
  // A debit's facts alone, as before credits had keys: stored fingerprints stay valid.
  const facts = [line.date, line.amountMinor, line.currency, text, ...(line.credit ? ['credit'] : [])];
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 32);
}

/**
 * Numbers identical lines within one file: the k-th line with a hash is occurrence k. Two
 * real coffees of the same price on one day are then two keys (`…:1`, `…:2`), and an
 * overlapping statement that holds both again finds both stored.
 */
export class OccurrenceCounter {
  readonly #seen = new Map<string, number>();

  /** The stored fingerprint of the next line with this hash, and its occurrence number. */
  next(hash: string): { fingerprint: string; occurrence: number } {
    const occurrence = (this.#seen.get(hash) ?? 0) + 1;
    this.#seen.set(hash, occurrence);
    return { fingerprint: `${hash}:${occurrence}`, occurrence };
  }
}
