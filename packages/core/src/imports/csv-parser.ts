/**
 * CSV bank exports, read by `csv-parse` as a stream and mapped by a {@link CsvProfile}.
 */
import { Readable, pipeline } from 'node:stream';
import { type CsvError, parse, type Info } from 'csv-parse';
import { isCurrencyCode } from '../currencies.js';
import { type DecimalStyle, defaultThousands, readAmount } from './amount-text.js';
import { type BankDirection, collapseWhitespace, invalidRow, type ParsedBankRow, skippedRow } from './bank-row.js';
import type { CsvColumn, CsvProfile } from './csv-profile.js';
import { resolveDateOrder, type UndatedRow } from './date-order.js';
import { fileError } from './file-errors.js';
import { RowProblem, toRowProblem } from './row-problem.js';

/**
 * Reads CSV text with a profile, yielding a row per record in file order: a transaction, an
 * `invalid` row (bad quoting, an unreadable amount or date) or a `skipped` balance line.
 * Blank records yield nothing. A malformed record never stops the file.
 *
 * @throws TrackerError `VALIDATION_FAILED`: `missing_column` when the header lacks a profile
 * column, `ambiguous_date_format` when the profile gives no date format and the dates allow two.
 */
export function parseCsv(text: AsyncIterable<string>, profile: CsvProfile): AsyncGenerator<ParsedBankRow> {
  return resolveDateOrder(mapRecords(text, profile), profile.date.format);
}

interface RawRecord {
  cells: string[];
  line: number;
  raw: string;
}

async function* mapRecords(
  text: AsyncIterable<string>,
  profile: CsvProfile,
): AsyncGenerator<ParsedBankRow | UndatedRow> {
  let columns: ColumnIndex | null = profile.header ? null : indexOnly(profile);
  for await (const item of readRecords(text, profile)) {
    if ('code' in item) {
      yield invalidRow(item.line, 'malformed_record', item.reason, item.raw);
    } else if (columns === null) {
      columns = resolveColumns(profile, item.cells);
    } else {
      const mapped = mapRecord(item, profile, columns);
      if (mapped) yield mapped;
    }
  }
}

interface BrokenRecord {
  code: 'malformed_record';
  line: number;
  reason: string;
  raw: string;
}

/**
 * The records of the text, and the ones csv-parse could not read, in file order. Quotes inside
 * unquoted fields are kept (`Joe's "Diner"`), as exports write them.
 */
async function* readRecords(
  text: AsyncIterable<string>,
  profile: CsvProfile,
): AsyncGenerator<RawRecord | BrokenRecord> {
  const broken: BrokenRecord[] = [];
  const parser = parse({
    delimiter: profile.delimiter,
    from_line: profile.skipRows + 1,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      const body = (raw ?? '').replace(TRAILING_BREAK, '');
      const line = typeof error?.lines === 'number' ? error.lines - innerBreaks(body) : 0;
      broken.push({ code: 'malformed_record', line, reason: error?.message ?? 'Unreadable CSV record', raw: body });
      return undefined;
    },
  });
  // pipeline destroys the parser with the source's error (a limit), which the loop below rethrows.
  pipeline(Readable.from(text), parser, () => undefined);
  // csv-parse reports a broken record as soon as it reads it, often before the records ahead of
  // it have been consumed here: each waits for its place in line order.
  for await (const output of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
    const body = output.raw.replace(TRAILING_BREAK, '');
    const line = output.info.lines - innerBreaks(body);
    while (broken[0] && broken[0].line < line) yield broken.shift()!;
    yield { cells: output.record, line, raw: body };
  }
  yield* broken.splice(0);
}

const TRAILING_BREAK = /(\r\n|\n|\r)$/;

function innerBreaks(body: string): number {
  return body.match(/\r\n|\n|\r/g)?.length ?? 0;
}

/** 0-based cell indices of the profile's columns. */
interface ColumnIndex {
  date: number;
  amount: number[];
  currency: number | null;
  description: number[];
  merchant: number | null;
  externalId: number | null;
  account: number | null;
  status: number | null;
}

function resolveColumns(profile: CsvProfile, header: string[]): ColumnIndex {
  const names = header.map((cell) => cell.trim().toLowerCase());
  const find = (column: CsvColumn): number => {
    if (typeof column === 'number') return column;
    const index = names.indexOf(column.trim().toLowerCase());
    if (index < 0) {
      throw fileError(
        'missing_column',
        `The CSV header has no column ${JSON.stringify(column)}; it has ${header.map((h) => JSON.stringify(h.trim())).join(', ')}`,
        { column },
      );
    }
    return index;
  };
  const optional = (column: CsvColumn | undefined) => (column === undefined ? null : find(column));
  const { amount } = profile;
  const descriptions = profile.description === undefined ? [] : [profile.description].flat();
  return {
    date: find(profile.date.column),
    amount:
      amount.kind === 'debitCredit'
        ? [find(amount.debit), find(amount.credit)]
        : amount.kind === 'signColumn'
          ? [find(amount.column), find(amount.sign)]
          : [find(amount.column)],
    currency: optional(profile.currency.column),
    description: descriptions.map(find),
    merchant: optional(profile.merchant),
    externalId: optional(profile.externalId),
    account: optional(profile.account),
    status: optional(profile.status?.column),
  };
}

/** Without a header, every column must be an index. */
function indexOnly(profile: CsvProfile): ColumnIndex {
  return resolveColumns(profile, []);
}

function mapRecord(record: RawRecord, profile: CsvProfile, columns: ColumnIndex): ParsedBankRow | UndatedRow | null {
  const cell = (index: number | null) => (index === null ? '' : (record.cells[index] ?? '').trim());
  if (record.cells.every((value) => value.trim() === '')) return null;
  const label = balanceLabel(record.cells, profile.balanceLabels);
  if (label)
    return skippedRow(record.line, 'balance_line', `A balance line ("${label}"), not a transaction`, record.raw);
  const texts = columns.description.map((index) => record.cells[index] ?? '');
  const originalText = texts.join(' ').trim();
  try {
    const currency = readCurrency(cell(columns.currency), profile.currency.default);
    const { minor, direction } = readDirectedAmount(columns.amount.map(cell), profile, currency);
    const dateText = cell(columns.date);
    if (!dateText) throw new RowProblem('missing_field', 'The date is empty');
    const status = profile.status && matches(cell(columns.status), profile.status.pendingValues) ? 'pending' : 'booked';
    const merchant = collapseWhitespace(cell(columns.merchant));
    return {
      kind: 'undated',
      dateText,
      row: {
        kind: 'row',
        line: record.line,
        amountMinor: minor,
        direction,
        currency,
        description: collapseWhitespace(originalText),
        merchant: merchant || null,
        originalText,
        externalId: cell(columns.externalId) || null,
        status,
        account: cell(columns.account) || null,
      },
    };
  } catch (error) {
    const problem = toRowProblem(error);
    return invalidRow(record.line, problem.code, problem.message, record.raw);
  }
}

function readCurrency(cellValue: string, fallback: string | undefined): string {
  const code = cellValue.toUpperCase() || fallback;
  if (code === undefined)
    throw new RowProblem('missing_field', 'The currency is empty and the profile gives no default');
  if (!isCurrencyCode(code))
    throw new RowProblem('unknown_currency', `${JSON.stringify(code)} is not an ISO 4217 currency code`);
  return code;
}

/** The amount and its direction from the one, two or three cells the profile's amount kind reads. */
function readDirectedAmount(
  cells: string[],
  profile: CsvProfile,
  currency: string,
): { minor: bigint; direction: BankDirection } {
  const style: DecimalStyle = {
    decimalSeparator: profile.decimalSeparator,
    thousandsSeparator: profile.thousandsSeparator ?? defaultThousands(profile.decimalSeparator),
  };
  const [first = '', second = ''] = cells;
  const { amount } = profile;
  const read = (text: string) => readAmount(text, style, currency);
  if (amount.kind === 'signed') {
    if (!first) throw new RowProblem('missing_field', 'The amount is empty');
    const { minor, negative } = read(first);
    return nonZero(minor, negative ? 'debit' : 'credit');
  }
  if (amount.kind === 'debitCredit') {
    const debit = first ? read(first).minor : 0n;
    const credit = second ? read(second).minor : 0n;
    if (debit !== 0n && credit !== 0n)
      throw new RowProblem('invalid_amount', 'Both the debit and the credit column hold an amount');
    if (!first && !second) throw new RowProblem('missing_field', 'Both the debit and the credit column are empty');
    return nonZero(debit || credit, debit !== 0n ? 'debit' : 'credit');
  }
  if (!first) throw new RowProblem('missing_field', 'The amount is empty');
  const { minor } = read(first);
  if (matches(second, amount.debitValues)) return nonZero(minor, 'debit');
  if (matches(second, amount.creditValues)) return nonZero(minor, 'credit');
  throw new RowProblem(
    'invalid_amount',
    `The sign ${JSON.stringify(second)} is none of ${[...amount.debitValues, ...amount.creditValues].join(', ')}`,
  );
}

function nonZero(minor: bigint, direction: BankDirection): { minor: bigint; direction: BankDirection } {
  if (minor === 0n) throw new RowProblem('zero_amount', 'The amount is zero, so the line moves no money');
  return { minor, direction };
}

function matches(value: string, candidates: readonly string[]): boolean {
  const wanted = value.trim().toLowerCase();
  return candidates.some((candidate) => candidate.toLowerCase() === wanted);
}

function balanceLabel(cells: string[], labels: readonly string[]): string | null {
  for (const value of cells) {
    const text = value.trim().toLowerCase();
    const label = labels.find((candidate) => text.startsWith(candidate.toLowerCase()));
    if (label) return value.trim();
  }
  return null;
}
