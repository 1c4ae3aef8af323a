/**
 * Exact conversion between decimal amounts (`"12.50"`) and integer minor units (`1250`).
 * Only string operations and BigInt are used, never float arithmetic, so no amount is
 * ever rounded.
 */
import { currencyExponent } from './currencies.js';
import { TrackerError } from './errors.js';

/** An optional sign, digits, then optionally a point and more digits. ASCII digits only. */
const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Converts a decimal amount to an integer count of the currency's minor unit, exactly.
 *
 * A string is trimmed, then must be an optional sign, digits, and optionally a point
 * followed by digits: `"12"`, `"-0.5"`, `"+3.25"`. Forms that could be misread are
 * rejected: `""`, `"1."`, `".5"`, `"1e3"`, `"1,000"`, `"0x10"`, `"1 000"`.
 *
 * A number must be finite and is read through `String(n)`, i.e. as the shortest decimal
 * that round-trips, so `12.5` is read as `"12.5"`. Numbers that print in exponent notation
 * (`1e21`, `1e-7`) are rejected; pass such amounts as strings.
 *
 * An amount with more decimals than the currency has is rejected, never rounded. Trailing
 * zeros beyond the currency's decimals are accepted, though, because they change nothing:
 * `"12.500"` is exactly 1250 cents, and rejecting it would only punish inputs padded by
 * spreadsheets or other systems. `-0` becomes `0`.
 *
 * @param input - the decimal amount, as a string or a number
 * @param currency - an upper-case ISO 4217 code listed in `CURRENCY_EXPONENTS`
 * @returns the amount in minor units, within ±`Number.MAX_SAFE_INTEGER`
 * @throws {@link TrackerError} `VALIDATION_FAILED` with one issue at path `[]` whose code is
 * `invalid_amount` (not a decimal), `too_many_decimals`, `amount_out_of_range` (beyond
 * ±(2^53−1) minor units) or `unknown_currency`.
 *
 * @example
 * ```ts
 * import { parseAmount } from '@expense-tracker/core';
 *
 * parseAmount('12.5', 'USD'); // 1250
 * parseAmount(12.5, 'USD'); // 1250
 * parseAmount('12.500', 'USD'); // 1250: trailing zeros lose nothing
 * parseAmount('1000', 'JPY'); // 1000
 * parseAmount('0.001', 'KWD'); // 1
 * parseAmount('12.345', 'USD'); // throws: 12.345 has 3 decimals but USD allows 2
 * ```
 */
export function parseAmount(input: string | number, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = amountText(input);
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    throw moneyError('invalid_amount', `${JSON.stringify(quote(text))} is not a decimal amount such as 12.50`);
  }
  const [, sign = '', whole = '', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    const decimals = significant.length === 1 ? '1 decimal' : `${significant.length} decimals`;
    const allowed = exponent === 0 ? 'none' : String(exponent);
    throw moneyError('too_many_decimals', `${quote(text)} has ${decimals} but ${currency} allows ${allowed}`);
  }
  const magnitude = BigInt(whole + significant.padEnd(exponent, '0'));
  if (magnitude > MAX_MINOR) {
    throw moneyError('amount_out_of_range', `${quote(text)} ${currency} is too large: ${outOfRange(currency)}`);
  }
  // BigInt has no negative zero, so "-0" and -0 come out as 0.
  return Number(sign === '-' ? -magnitude : magnitude);
}

/**
 * Writes an amount in minor units as an exact decimal string with exactly as many
 * decimals as the currency has: the inverse of {@link parseAmount}.
 *
 * @param minor - the amount in minor units: a safe integer
 * @param currency - an upper-case ISO 4217 code listed in `CURRENCY_EXPONENTS`
 * @throws {@link TrackerError} `VALIDATION_FAILED` with one issue at path `[]` whose code is
 * `invalid_amount` (not an integer), `amount_out_of_range` (not a safe integer) or
 * `unknown_currency`.
 *
 * @example
 * ```ts
 * import { formatAmount } from '@expense-tracker/core';
 *
 * formatAmount(1250, 'USD'); // '12.50'
 * formatAmount(-5, 'USD'); // '-0.05'
 * formatAmount(5, 'JPY'); // '5'
 * formatAmount(1, 'KWD'); // '0.001'
 * ```
 */
export function formatAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (!Number.isInteger(minor)) {
    throw moneyError('invalid_amount', `${String(minor)} is not an integer count of minor units`);
  }
  if (!Number.isSafeInteger(minor)) {
    throw moneyError('amount_out_of_range', `${String(minor)} minor units is too large: ${outOfRange(currency)}`);
  }
  // A safe integer prints as plain digits (exponent notation starts at 1e21).
  const digits = String(minor < 0 ? -minor : minor);
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** The text of an amount input; numbers are read as the shortest decimal that round-trips. */
function amountText(input: string | number): string {
  if (typeof input === 'string') return input.trim();
  if (typeof input !== 'number') {
    throw moneyError('invalid_amount', 'An amount must be a decimal string or a number');
  }
  if (!Number.isFinite(input)) {
    throw moneyError('invalid_amount', `${String(input)} is not a finite amount`);
  }
  const text = String(input);
  if (/e/i.test(text)) {
    throw moneyError('invalid_amount', `${text} is in exponent notation; pass the amount as a decimal string`);
  }
  return text;
}

function outOfRange(currency: string): string {
  return `amounts are limited to ±${formatAmount(Number.MAX_SAFE_INTEGER, currency)} ${currency}`;
}

/** The input echoed in a message, cut short so a huge input cannot make a huge message. */
function quote(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function moneyError(code: string, message: string): TrackerError {
  return new TrackerError('VALIDATION_FAILED', message, { issues: [{ path: [], message, code }] });
}
