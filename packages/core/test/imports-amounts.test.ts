import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent } from '../src/currencies.js';
import { RowProblem } from '../src/imports/row-problem.js';
import { readAmount, type DecimalStyle } from '../src/imports/index.js';
import { formatAmount } from '../src/money.js';

/** Locales whose number formatting a bank export would use, and the style that reads it back. */
const CONVENTIONS: { locale: string; grouping: boolean; style: DecimalStyle }[] = [
  { locale: 'en-US', grouping: true, style: { decimalSeparator: '.', thousandsSeparator: ',' } },
  { locale: 'de-DE', grouping: true, style: { decimalSeparator: ',', thousandsSeparator: '.' } },
  { locale: 'fr-FR', grouping: true, style: { decimalSeparator: ',', thousandsSeparator: ' ' } }, // U+202F groups
  { locale: 'de-CH', grouping: true, style: { decimalSeparator: '.', thousandsSeparator: "'" } },
  { locale: 'en-US', grouping: false, style: { decimalSeparator: '.', thousandsSeparator: '' } },
  { locale: 'de-DE', grouping: false, style: { decimalSeparator: ',', thousandsSeparator: '.' } },
];

/** How exports write a negative amount, and a positive one. */
const NEGATIVE = [
  (x: string) => `-${x}`,
  (x: string) => `${x}-`,
  (x: string) => `(${x})`,
  (x: string) => `${x} DR`,
  (x: string) => `−${x}`,
];
const POSITIVE = [(x: string) => x, (x: string) => `+${x}`, (x: string) => `${x} CR`];

const CURRENCIES = ['JPY', 'EUR', 'KWD', 'CLF'];

describe('reading amounts as banks write them', () => {
  it('reads back, exactly, any amount a locale formatter wrote in each decimal convention and sign style', () => {
    const magnitude = fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) });
    fc.assert(
      fc.property(
        magnitude,
        fc.boolean(),
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom(...CONVENTIONS),
        fc.nat(),
        fc.boolean(),
        (minor, negative, currency, convention, signStyle, curly) => {
          const digits = currencyExponent(currency);
          const decimal = formatAmount(Number(minor), currency);
          const format = new Intl.NumberFormat(convention.locale, {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
            useGrouping: convention.grouping,
          });
          // Intl reads a string as an exact decimal: the formatter never goes through a float.
          let written = format.format(decimal as Intl.StringNumericLiteral);
          if (curly) written = written.replace(/'/g, '’');
          const signs = negative ? NEGATIVE : POSITIVE;
          const text = signs[signStyle % signs.length]!(written);
          expect(readAmount(text, convention.style, currency)).toEqual({ minor, negative });
        },
      ),
    );
  });

  it.each([
    ['1.234,56', ',', 123456n, false],
    ['1,234.56', '.', 123456n, false],
    ['(12.00)', '.', 1200n, true],
    ['12.00-', '.', 1200n, true],
    ['-12.00', '.', 1200n, true],
    ['€ -4,50', ',', 450n, true],
    ['-4,50 EUR', ',', 450n, true],
    ['1234,5', ',', 123450n, false],
  ] as const)('reads %s', (text, decimal, minor, negative) => {
    const style: DecimalStyle = { decimalSeparator: decimal, thousandsSeparator: decimal === '.' ? ',' : '.' };
    expect(readAmount(text, style, 'EUR')).toEqual({ minor, negative });
  });

  it.each([
    ['12,50', '.', 'invalid_amount'], // a comma is no decimal point in a `.` file, and 50 is no group of three
    ['1,23,456.00', '.', 'invalid_amount'], // Indian grouping is not read as three-digit groups
    ['--12.00', '.', 'invalid_amount'],
    ['-(12.00)', '.', 'invalid_amount'], // negative twice: a typo, not a positive amount
    ['12.345', '.', 'too_many_decimals'],
    ['1e3', '.', 'invalid_amount'],
    ['', '.', 'invalid_amount'],
  ] as const)('refuses %j', (text, decimal, code) => {
    const style: DecimalStyle = { decimalSeparator: decimal, thousandsSeparator: ',' };
    const problem = (() => {
      try {
        readAmount(text, style, 'EUR');
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(problem).toBeInstanceOf(RowProblem);
    expect((problem as RowProblem).code).toBe(code);
  });
});
