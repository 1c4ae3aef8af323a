/**
 * The mapping profile of a CSV bank export: which column holds what, and how the bank writes
 * numbers and dates. Saved per bank and reused (SPEC §7.1 "import profiles").
 */
import { z } from 'zod';
import { currencySchema } from '../common-schemas.js';
import { DATE_ORDERS } from './date-text.js';
import { TEXT_ENCODINGS } from './text-decoding.js';

/** A column: its header text (compared trimmed and case-insensitively), or its 0-based index. */
const columnSchema = z.union([z.string().trim().min(1).max(200), z.number().int().min(0).max(999)]);

/** A column reference of a {@link CsvProfile}. */
export type CsvColumn = z.output<typeof columnSchema>;

const amountSchema = z.discriminatedUnion('kind', [
  // One column, negative for money out: `-12.50`, `(12.50)`, `12.50-`, `12.50 DR`.
  z.object({ kind: z.literal('signed'), column: columnSchema }),
  // Money out in one column, money in in another; either may carry a minus sign or not.
  z.object({ kind: z.literal('debitCredit'), debit: columnSchema, credit: columnSchema }),
  // An unsigned amount and a column saying which way (German `S`/`H`, `DR`/`CR`, `Debit`/`Credit`).
  z.object({
    kind: z.literal('signColumn'),
    column: columnSchema,
    sign: columnSchema,
    debitValues: z.array(z.string().trim().min(1)).min(1).default(['D', 'DR', 'DBIT', 'DEBIT', 'S', 'SOLL', '-']),
    creditValues: z.array(z.string().trim().min(1)).min(1).default(['C', 'CR', 'CRDT', 'CREDIT', 'H', 'HABEN', '+']),
  }),
]);

/**
 * The first words of lines that state a balance rather than a transaction, in the languages of
 * common bank exports. Compared case-insensitively with the start of every cell.
 */
export const DEFAULT_BALANCE_LABELS: readonly string[] = Object.freeze([
  'opening balance',
  'closing balance',
  'balance brought forward',
  'balance carried forward',
  'anfangssaldo',
  'endsaldo',
  'schlusssaldo',
  'alter kontostand',
  'neuer kontostand',
  'solde initial',
  'solde final',
  'saldo inicial',
  'saldo final',
  'saldo iniziale',
  'saldo finale',
  'beginsaldo',
  'eindsaldo',
]);

/**
 * A CSV mapping profile.
 *
 * @example
 * ```ts
 * import { csvProfileSchema } from './csv-profile.js';
 *
 * // A German bank: `;`-separated, Windows-1252, `1.234,56`, separate Soll/Haben columns.
 * const profile = csvProfileSchema.parse({
 *   delimiter: ';',
 *   encoding: 'windows-1252',
 *   skipRows: 4,
 *   date: { column: 'Buchungstag', format: 'DMY' },
 *   amount: { kind: 'debitCredit', debit: 'Soll', credit: 'Haben' },
 *   decimalSeparator: ',',
 *   currency: { column: 'Währung' },
 *   description: ['Buchungstext', 'Verwendungszweck'],
 *   merchant: 'Auftraggeber / Empfänger',
 * });
 * ```
 */
export const csvProfileSchema = z
  .object({
    /** @default ',' */
    delimiter: z.enum([',', ';', '\t', '|']).default(','),
    /** Detected when absent. */
    encoding: z.enum(TEXT_ENCODINGS).optional(),
    /** Lines before the header (a bank's title, account number and period). @default 0 */
    skipRows: z.number().int().min(0).max(1000).default(0),
    /** Whether the first line read is a header. Without one, columns are indices. @default true */
    header: z.boolean().default(true),
    /** The booking date, and the order of its day, month and year; inferred when absent, refused when ambiguous. */
    date: z.object({ column: columnSchema, format: z.enum(DATE_ORDERS).optional() }),
    amount: amountSchema,
    /** @default '.' */
    decimalSeparator: z.enum(['.', ',']).default('.'),
    /** `,` when decimals are `.`, and `.` when they are `,`, unless given. */
    thousandsSeparator: z.enum(['', '.', ',', ' ', "'"]).optional(),
    /** A column with the ISO code, a code for the whole file, or both (the code fills empty cells). */
    currency: z
      .object({ column: columnSchema.optional(), default: currencySchema.optional() })
      .refine(
        (value) => value.column !== undefined || value.default !== undefined,
        'Give a currency column or a default currency',
      ),
    /** One column, or several joined with a space (banks split long texts). */
    description: z.union([columnSchema, z.array(columnSchema).min(1).max(10)]).optional(),
    merchant: columnSchema.optional(),
    externalId: columnSchema.optional(),
    /** The account a line belongs to (IBAN), when the export holds several accounts. */
    account: columnSchema.optional(),
    /** A status column and the values that mean "pending"; other values are booked. */
    status: z.object({ column: columnSchema, pendingValues: z.array(z.string().trim().min(1)).min(1) }).optional(),
    /** @default `DEFAULT_BALANCE_LABELS` */
    balanceLabels: z
      .array(z.string().trim().min(1))
      .max(100)
      .default([...DEFAULT_BALANCE_LABELS]),
  })
  .refine((profile) => profile.thousandsSeparator !== profile.decimalSeparator, {
    message: 'The thousands separator must differ from the decimal separator',
    path: ['thousandsSeparator'],
  })
  .refine((profile) => profile.thousandsSeparator !== profile.delimiter, {
    message: 'The thousands separator must differ from the delimiter',
    path: ['thousandsSeparator'],
  });

/**
 * A CSV profile as given (defaults may be left out); see {@link csvProfileSchema}.
 *
 * @example
 * ```ts
 * import type { CsvProfileInput } from '@expense-tracker/core';
 *
 * declare const csvBytes: Uint8Array;
 * const profile: CsvProfileInput = { date: { column: 'Date', format: 'MDY' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'USD' } };
 * await owner.imports.preview(csvBytes, { sourceKey: 'checking', profile });
 * ```
 */
export type CsvProfileInput = z.input<typeof csvProfileSchema>;

/** A CSV profile with its defaults filled in. */
export type CsvProfile = z.output<typeof csvProfileSchema>;
