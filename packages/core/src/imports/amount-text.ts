/**
 * Reads an amount as banks write it (`1.234,56`, `(12.00)`, `12.00-`, `€ -4,50`, `12.00 DR`)
 * into a plain decimal string, which then goes through the project's exact money parser: this
 * file only moves characters, it never computes with the number.
 */
import { parseAmount } from '../money.js';
import { RowProblem, toRowProblem } from './row-problem.js';

/** The separator between whole and fractional digits. */
export type DecimalSeparator = '.' | ',';

/**
 * The separator between groups of three digits: `''` for none, `' '` for any space (banks use
 * U+0020, U+00A0 and U+202F), `"'"` for an apostrophe (Swiss `1'234.50`, also `’`).
 */
export type ThousandsSeparator = '' | '.' | ',' | ' ' | "'";

/** How a file writes numbers. */
export interface DecimalStyle {
  decimalSeparator: DecimalSeparator;
  thousandsSeparator: ThousandsSeparator;
}

/** An amount read from a bank file: its magnitude in minor units and whether it was negative. */
export interface SignedMinor {
  minor: bigint;
  negative: boolean;
}

/** The usual grouping for a decimal separator: `,` groups `.` decimals and `.` groups `,` ones. */
export function defaultThousands(decimal: DecimalSeparator): ThousandsSeparator {
  return decimal === '.' ? ',' : '.';
}

const SPACES = /[\s\u00a0\u202f\u2009]+/g;
const APOSTROPHES = /[’]/g;
const SYMBOLS = /^[€$£¥₣₤₹]|[€$£¥₣₤₹]$/;
const CODE_PREFIX = /^[A-Z]{3}(?=[\s\d(+-])/;
const CODE_SUFFIX = /(?<=[\s\d)+-])[A-Z]{3}$/;

/**
 * Reads an amount written in `style` into minor units of `currency`.
 *
 * Accepted around the number, in any order: a sign before (`-`, `−`, `+`) or after (`12.00-`),
 * parentheses for a negative (`(12.00)`), `DR`/`CR` after, a currency symbol or code. Inside,
 * groups of exactly three digits may be split by the thousands separator. More decimals than the
 * currency has is an error, never a rounding.
 *
 * @throws RowProblem `invalid_amount`, `too_many_decimals`, `amount_out_of_range` or
 * `unknown_currency` (caught by the parser and reported as an invalid row).
 */
export function readAmount(text: string, style: DecimalStyle, currency: string): SignedMinor {
  const { body, negative } = peelSigns(text);
  const decimal = toPlainDecimal(body, style);
  if (decimal === null) {
    throw new RowProblem(
      'invalid_amount',
      `${JSON.stringify(text.trim())} is not an amount written like ${example(style)}`,
    );
  }
  try {
    return { minor: BigInt(parseAmount(decimal, currency)), negative };
  } catch (error) {
    throw toRowProblem(error);
  }
}

/** Strips signs, parentheses, DR/CR and currency marks, counting how many say "negative". */
function peelSigns(text: string): { body: string; negative: boolean } {
  let body = text
    .replace(SPACES, ' ')
    .replace(/\u2212/g, '-')
    .trim();
  let negatives = 0;
  let signs = 0;
  for (let step = 0; step < 6; step++) {
    const before = body;
    if (/^\(.*\)$/.test(body)) [body, negatives, signs] = [body.slice(1, -1), negatives + 1, signs + 1];
    else if (/^-|-$/.test(body)) [body, negatives, signs] = [body.replace(/^-|-$/, ''), negatives + 1, signs + 1];
    else if (/^\+|\+$/.test(body)) [body, signs] = [body.replace(/^\+|\+$/, ''), signs + 1];
    else if (/\s?DR$/i.test(body)) [body, negatives, signs] = [body.replace(/\s?DR$/i, ''), negatives + 1, signs + 1];
    else if (/\s?CR$/i.test(body)) [body, signs] = [body.replace(/\s?CR$/i, ''), signs + 1];
    else body = body.replace(SYMBOLS, '').replace(CODE_PREFIX, '').replace(CODE_SUFFIX, '');
    body = body.trim();
    if (body === before) break;
  }
  // `-(12.00)` or `-12.00 DR` say "negative" twice: a typo, not a positive amount.
  if (signs > 1) return { body: '', negative: false };
  return { body, negative: negatives === 1 };
}

/** `1.234,56` in style (`,` decimals) → `1234.56`; `null` when the digits are not grouped right. */
function toPlainDecimal(body: string, style: DecimalStyle): string | null {
  const cleaned = style.thousandsSeparator === "'" ? body.replace(APOSTROPHES, "'") : body;
  const group = style.thousandsSeparator === '' ? null : escape(style.thousandsSeparator);
  const whole = group === null ? '\\d+' : `\\d{1,3}(?:${group}\\d{3})+|\\d+`;
  const pattern = new RegExp(`^(${whole})(?:${escape(style.decimalSeparator)}(\\d+))?$`);
  const match = pattern.exec(cleaned);
  if (!match) return null;
  const digits = (match[1] ?? '').replace(/\D/g, '');
  return match[2] === undefined ? digits : `${digits}.${match[2]}`;
}

function escape(separator: string): string {
  return separator === ' ' ? ' ' : separator.replace(/[.]/g, '\\.');
}

function example(style: DecimalStyle): string {
  return `1${style.thousandsSeparator}234${style.decimalSeparator}56`;
}
