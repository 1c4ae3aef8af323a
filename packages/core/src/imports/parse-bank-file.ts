import { isCurrencyCode } from '../currencies.js';
import type { DecimalSeparator } from './amount-text.js';
import type { BankFileFormat, ParsedBankRow } from './bank-row.js';
import { parseCamt053 } from './camt-parser.js';
import { type CsvProfile, csvProfileSchema, type CsvProfileInput } from './csv-profile.js';
import { parseCsv } from './csv-parser.js';
import type { DateOrder } from './date-text.js';
import { fileError } from './file-errors.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits, limitBytes, limitRows } from './limits.js';
import { parseOfx } from './ofx-parser.js';
import { parseQif } from './qif-parser.js';
import { type FormatHints, sniffFormat } from './sniff-format.js';
import { decodeText, type TextEncoding } from './text-decoding.js';

/** How to read one bank file. Everything is optional except what the format cannot carry. */
export interface ParseBankFileOptions extends FormatHints {
  /** The format; sniffed from the content (and the hints) when absent. */
  format?: BankFileFormat;
  /** The encoding; detected when absent (a CSV profile's `encoding` also counts). */
  encoding?: TextEncoding;
  /** The mapping of a CSV file: required for CSV, ignored otherwise. */
  profile?: CsvProfileInput;
  /** The currency of a QIF file, which has none of its own. */
  currency?: string;
  /** The order of day, month and year of a QIF file's dates; inferred when absent. */
  dateOrder?: DateOrder;
  /** The decimal separator of a QIF file. @default '.' */
  decimalSeparator?: DecimalSeparator;
  /** @default {@link DEFAULT_IMPORT_LIMITS} */
  limits?: Partial<ImportLimits>;
  /** Told the format once it is known (given or sniffed), before the first row. */
  onFormat?: (format: BankFileFormat) => void;
}

/**
 * Reads a bank file (CSV with a mapping profile, OFX/QFX 1.x or 2.x, CAMT.053 or QIF) as a
 * stream, yielding its rows in file order: transactions, `invalid` lines with their reasons,
 * and `skipped` ones (balances, pending CAMT entries). Memory holds one sample of the file and
 * one record at a time (plus, for a CSV or QIF file whose date order is not given, the rows
 * before the first date that decides it).
 *
 * Nothing is read until the first row is asked for; stopping early (`break`) stops reading.
 *
 * @param source - the file's bytes: a Node `Readable`, a web `ReadableStream`, or any async
 * iterable of `Uint8Array`
 * @throws TrackerError `VALIDATION_FAILED` whose issue code is one of `FILE_ISSUE_CODES`:
 * `file_too_large`, `too_many_rows`, `unknown_format`, `unsupported_encoding`,
 * `ambiguous_date_format`, `missing_column`, `currency_required`, `profile_required`,
 * `invalid_profile`. A bad line is never thrown: it is an `invalid` row.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { parseBankFile } from './parse-bank-file.js';
 *
 * for await (const row of parseBankFile(createReadStream('statement.ofx'))) {
 *   if (row.kind === 'row') console.log(row.date, row.direction, row.amountMinor, row.currency, row.description);
 *   else console.log(`line ${row.line}: ${row.reason}`);
 * }
 * ```
 */
export async function* parseBankFile(
  source: AsyncIterable<Uint8Array>,
  options: ParseBankFileOptions = {},
): AsyncGenerator<ParsedBankRow> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const profile = options.profile === undefined ? undefined : readProfile(options.profile);
  const decoded = await decodeText(limitBytes(source, limits.maxBytes), options.encoding ?? profile?.encoding);
  const format = options.format ?? sniffFormat(decoded.head, options);
  if (format === null) {
    throw fileError('unknown_format', 'The file is none of CSV, OFX/QFX, CAMT.053 or QIF');
  }
  options.onFormat?.(format);
  yield* limitRows(rowsOf(format, decoded.text, options, profile), limits.maxRows);
}

function rowsOf(
  format: BankFileFormat,
  text: AsyncIterable<string>,
  options: ParseBankFileOptions,
  profile: CsvProfile | undefined,
): AsyncIterable<ParsedBankRow> {
  switch (format) {
    case 'csv':
      if (!profile)
        throw fileError('profile_required', 'A CSV file needs a mapping profile saying which column holds what');
      return parseCsv(text, profile);
    case 'ofx':
      return parseOfx(text);
    case 'camt053':
      return parseCamt053(text);
    case 'qif': {
      const currency = options.currency?.trim().toUpperCase();
      if (!currency || !isCurrencyCode(currency)) {
        throw fileError('currency_required', 'A QIF file carries no currency: give the currency of its account');
      }
      return parseQif(text, { currency, dateOrder: options.dateOrder, decimalSeparator: options.decimalSeparator });
    }
  }
}

/** The profile with its defaults, or `invalid_profile` naming the first problem. */
function readProfile(input: CsvProfileInput): CsvProfile {
  const parsed = csvProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw fileError('invalid_profile', `The CSV profile is invalid: ${where}${first?.message ?? 'invalid'}`, {
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String),
      message: issue.message,
      code: issue.code,
    })),
  });
}
