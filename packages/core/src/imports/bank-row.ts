/**
 * The one shape every bank-file parser yields, whatever the format: a transaction line
 * ({@link BankRow}), a line that could not be read ({@link InvalidRow}), or a line that was
 * read but is not a transaction to import ({@link SkippedRow}). A later step turns rows into
 * preview states (`new`, `duplicate`, `refund`, `inflow_ignored`, ...); parsers decide nothing
 * about the database.
 */

/**
 * The file formats the parsers read.
 *
 * @example
 * ```ts
 * import { BANK_FILE_FORMATS, type BankFileFormat } from '@expense-tracker/core';
 *
 * BANK_FILE_FORMATS; // ['csv', 'ofx', 'camt053', 'qif']
 * const isBankFileFormat = (text: string): text is BankFileFormat => (BANK_FILE_FORMATS as readonly string[]).includes(text);
 * ```
 */
export const BANK_FILE_FORMATS = ['csv', 'ofx', 'camt053', 'qif'] as const;

/**
 * One of {@link BANK_FILE_FORMATS}. QFX is OFX with an Intuit header, so it is `ofx`.
 *
 * @example
 * ```ts
 * import type { BankFileFormat } from '@expense-tracker/core';
 *
 * declare const qfxBytes: Uint8Array;
 * const format: BankFileFormat = 'ofx'; // sniffed when left out
 * await owner.imports.preview(qfxBytes, { sourceKey: 'checking', format, fileName: 'march.qfx' });
 * ```
 */
export type BankFileFormat = (typeof BANK_FILE_FORMATS)[number];

/**
 * Why a row is {@link InvalidRow | invalid}: a closed catalogue, so callers compare codes, not
 * messages.
 *
 * - `invalid_date` — no calendar date could be read, or it is outside 1900-01-01..9999-12-31.
 * - `invalid_amount` — the amount is not a number in the file's decimal convention.
 * - `too_many_decimals` — more decimals than the currency has (never rounded).
 * - `amount_out_of_range` — beyond ±(2^53−1) minor units.
 * - `unknown_currency` — not an ISO 4217 code with a minor unit.
 * - `zero_amount` — the line moves no money, so it has no direction.
 * - `missing_field` — a field the format or profile requires is empty or absent.
 * - `malformed_record` — the record itself is broken (bad CSV quoting, broken XML).
 */
export const INVALID_ROW_CODES = [
  'invalid_date',
  'invalid_amount',
  'too_many_decimals',
  'amount_out_of_range',
  'unknown_currency',
  'zero_amount',
  'missing_field',
  'malformed_record',
] as const;

/** One of {@link INVALID_ROW_CODES}. */
export type InvalidRowCode = (typeof INVALID_ROW_CODES)[number];

/**
 * Why a row was {@link SkippedRow | skipped}: a closed catalogue.
 *
 * - `balance_line` — an opening or closing balance written as if it were a transaction.
 * - `not_booked` — a CAMT.053 entry that is pending or informational: only booked entries
 *   are statement lines, and the bank sends it again once booked.
 * - `not_a_transaction` — a record of another kind (a QIF category list, a memorised payee).
 */
export const SKIPPED_ROW_CODES = ['balance_line', 'not_booked', 'not_a_transaction'] as const;

/** One of {@link SKIPPED_ROW_CODES}. */
export type SkippedRowCode = (typeof SKIPPED_ROW_CODES)[number];

/**
 * Which way money moved, from the account holder's side. A `debit` left the account (an
 * expense); a `credit` came in (a refund, or an inflow such as salary that a later step
 * reports as `inflow_ignored`). A reversal moves money the other way from the entry it reverses.
 */
export type BankDirection = 'debit' | 'credit';

/** A transaction line read from a bank file, normalised across formats. */
export interface BankRow {
  kind: 'row';
  /** The line in the decoded file where the record starts (1-based). */
  line: number;
  /** The booking date, `YYYY-MM-DD`. */
  date: string;
  /** The amount's magnitude in the currency's minor units: always > 0; the sign is in `direction`. */
  amountMinor: bigint;
  /** Which way the money moved. */
  direction: BankDirection;
  /** ISO 4217 code of this row (files can hold several currencies). */
  currency: string;
  /** Readable text for the line: whitespace collapsed, may be empty. */
  description: string;
  /** The payee or payer, as the bank names it, or `null` when the format has none. */
  merchant: string | null;
  /** The bank's own wording of the line, unedited (rules may match on it). */
  originalText: string;
  /** The bank's id of the line (FITID, AcctSvcrRef, EndToEndId, a CSV column), or `null`. */
  externalId: string | null;
  /** `pending` when the bank says the line may still change. */
  status: 'booked' | 'pending';
  /** The account the statement is for (IBAN, ACCTID, a CSV column), or `null` if the file does not say. */
  account: string | null;
}

/** A line that could not be read. It never stops the file: the next line is read as usual. */
export interface InvalidRow {
  kind: 'invalid';
  /** The line in the decoded file where the record starts (1-based). */
  line: number;
  /** Why, as a code. */
  code: InvalidRowCode;
  /** Why, in words a person can act on. */
  reason: string;
  /** The record as the file had it (cut to 500 characters). */
  originalText: string;
}

/** A line that was read but is deliberately not a transaction (an opening balance, say). */
export interface SkippedRow {
  kind: 'skipped';
  /** The line in the decoded file where the record starts (1-based). */
  line: number;
  /** Why, as a code. */
  code: SkippedRowCode;
  /** Why, in words. */
  reason: string;
  /** The record as the file had it (cut to 500 characters). */
  originalText: string;
}

/** Everything a parser yields, in file order. */
export type ParsedBankRow = BankRow | InvalidRow | SkippedRow;

const MAX_ORIGINAL = 500;

/** Builds an {@link InvalidRow}, cutting the echoed record so a huge line cannot make a huge row. */
export function invalidRow(line: number, code: InvalidRowCode, reason: string, originalText: string): InvalidRow {
  return { kind: 'invalid', line, code, reason, originalText: clip(originalText) };
}

/** Builds a {@link SkippedRow}. */
export function skippedRow(line: number, code: SkippedRowCode, reason: string, originalText: string): SkippedRow {
  return { kind: 'skipped', line, code, reason, originalText: clip(originalText) };
}

/** Collapses runs of whitespace (bank exports pad fields and wrap long texts) and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > MAX_ORIGINAL ? `${text.slice(0, MAX_ORIGINAL)}…` : text;
}
