/**
 * Quicken Interchange Format: one field a line (`D` date, `T` amount, `P` payee, `M` memo),
 * records ended by `^`, sections opened by `!Type:`. QIF carries no currency and no ids, and
 * writes dates in the order of the locale of the program that wrote it.
 */
import { type DecimalSeparator, defaultThousands, readAmount } from './amount-text.js';
import { collapseWhitespace, invalidRow, type ParsedBankRow, skippedRow } from './bank-row.js';
import { resolveDateOrder, type UndatedRow } from './date-order.js';
import type { DateOrder } from './date-text.js';
import { RowProblem, toRowProblem } from './row-problem.js';

/** How to read a QIF file. */
export interface QifOptions {
  /** The currency of every amount: QIF has none. */
  currency: string;
  /** The order of day, month and year in `D` lines; inferred when absent, refused when ambiguous. */
  dateOrder?: DateOrder;
  /** @default '.' */
  decimalSeparator?: DecimalSeparator;
}

/** Sections whose records are transactions of an account. */
const ACCOUNT_SECTIONS = new Set(['bank', 'cash', 'ccard', 'oth a', 'oth l']);
/** Sections that list things (categories, classes, memorised payees): not lines of a statement. */
const LIST_SECTIONS = new Set(['cat', 'class', 'memorized', 'prices', 'security']);

interface QifRecord {
  line: number;
  fields: Map<string, string>;
  raw: string[];
}

/**
 * Reads a QIF file, yielding a row per transaction record. A Quicken "Opening Balance" record
 * is skipped as a balance line; investment records are skipped; list sections yield nothing.
 *
 * @throws TrackerError `VALIDATION_FAILED` (`ambiguous_date_format`) when no `dateOrder` is
 * given and every date could be read both ways.
 */
export function parseQif(source: AsyncIterable<string>, options: QifOptions): AsyncGenerator<ParsedBankRow> {
  return resolveDateOrder(mapRecords(source, options), options.dateOrder);
}

async function* mapRecords(
  source: AsyncIterable<string>,
  options: QifOptions,
): AsyncGenerator<ParsedBankRow | UndatedRow> {
  let section = 'bank';
  let account: string | null = null;
  let inAccountBlock = false;
  for await (const item of readRecords(source)) {
    if (typeof item === 'string') {
      const header = item.slice(1).trim().toLowerCase();
      inAccountBlock = header === 'account';
      if (header.startsWith('type:')) section = header.slice(5).trim();
    } else if (inAccountBlock) {
      account = item.fields.get('N')?.trim() || account;
    } else if (ACCOUNT_SECTIONS.has(section)) {
      yield mapRecord(item, options, account);
    } else if (!LIST_SECTIONS.has(section)) {
      yield skippedRow(
        item.line,
        'not_a_transaction',
        `A record of a ${section} section, not a bank transaction`,
        item.raw.join('\n'),
      );
    }
  }
}

/** Header lines (`!Type:Bank`) as strings, and records (fields up to `^`). */
async function* readRecords(source: AsyncIterable<string>): AsyncGenerator<QifRecord | string> {
  let current: QifRecord | null = null;
  for await (const { text, line } of readLines(source)) {
    if (text.trim() === '') continue;
    if (text.startsWith('!')) {
      yield text;
      continue;
    }
    current ??= { line, fields: new Map(), raw: [] };
    if (text.startsWith('^')) {
      yield current;
      current = null;
      continue;
    }
    current.raw.push(text);
    const key = text[0]!;
    // Split lines (`S`, `E`, `$`) repeat; the record's own total is `T`, so the first of each is kept.
    if (!current.fields.has(key)) current.fields.set(key, text.slice(1));
  }
  if (current) yield current;
}

function mapRecord(record: QifRecord, options: QifOptions, account: string | null): ParsedBankRow | UndatedRow {
  const field = (key: string) => collapseWhitespace(record.fields.get(key) ?? '');
  const raw = record.raw.join('\n');
  const payee = field('P');
  const memo = field('M');
  if (/^opening balance$/i.test(payee)) {
    return skippedRow(record.line, 'balance_line', 'The account’s opening balance, not a transaction', raw);
  }
  try {
    const amountText = field('T') || field('U');
    const dateText = field('D');
    if (!amountText) throw new RowProblem('missing_field', 'The record has no T (amount) line');
    if (!dateText) throw new RowProblem('missing_field', 'The record has no D (date) line');
    const decimalSeparator = options.decimalSeparator ?? '.';
    const style = { decimalSeparator, thousandsSeparator: defaultThousands(decimalSeparator) };
    const { minor, negative } = readAmount(amountText, style, options.currency);
    if (minor === 0n) throw new RowProblem('zero_amount', 'The amount is zero, so the line moves no money');
    return {
      kind: 'undated',
      dateText,
      row: {
        kind: 'row',
        line: record.line,
        amountMinor: minor,
        direction: negative ? 'debit' : 'credit',
        currency: options.currency,
        description: memo || payee,
        merchant: payee || null,
        originalText: [record.fields.get('P'), record.fields.get('M')].filter(Boolean).join(' '),
        externalId: null,
        status: 'booked',
        account,
      },
    };
  } catch (error) {
    const problem = toRowProblem(error);
    return invalidRow(record.line, problem.code, problem.message, raw);
  }
}

/** The lines of a streamed text with their numbers; `\r\n`, `\n` and `\r` all end a line. */
export async function* readLines(source: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number }> {
  let rest = '';
  let line = 0;
  for await (const chunk of source) {
    rest += chunk;
    const parts = rest.split(/\r\n|\n|\r(?!$)/);
    rest = parts.pop() ?? '';
    for (const text of parts) yield { text, line: ++line };
  }
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest !== '') yield { text: rest, line: ++line };
}
