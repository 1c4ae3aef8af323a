import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_EXPONENTS, currencyExponent, isCurrencyCode } from '../src/currencies.js';
import { TrackerError } from '../src/errors.js';
import { formatAmount, parseAmount } from '../src/money.js';

const MAX = Number.MAX_SAFE_INTEGER;
const CODES = Object.keys(CURRENCY_EXPONENTS);

/** Runs `fn`, which must throw a money validation error, and returns its one issue. */
function rejection(fn: () => unknown): { code: string; message: string; path: (string | number)[] } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TrackerError);
    const trackerError = error as TrackerError;
    expect(trackerError.code).toBe('VALIDATION_FAILED');
    expect(trackerError.issues).toHaveLength(1);
    const [issue] = trackerError.issues;
    expect(issue?.message).toBe(trackerError.message);
    return issue!;
  }
  throw new Error('expected a TrackerError, but nothing was thrown');
}

describe('CURRENCY_EXPONENTS', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENTS)).toBe(true);
  });

  it('gives 0, 3 and 4 decimals to exactly the currencies ISO 4217 says, and 2 to every other', () => {
    const expected: Record<number, string[]> = {
      0: [
        'BIF',
        'CLP',
        'DJF',
        'GNF',
        'ISK',
        'JPY',
        'KMF',
        'KRW',
        'PYG',
        'RWF',
        'UGX',
        'UYI',
        'VND',
        'VUV',
        'XAF',
        'XOF',
        'XPF',
      ],
      3: ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'],
      4: ['CLF', 'UYW'],
    };
    for (const [code, exponent] of Object.entries(CURRENCY_EXPONENTS)) {
      const listed = Object.entries(expected).find(([, codes]) => codes.includes(code));
      expect([code, exponent]).toEqual([code, listed ? Number(listed[0]) : 2]);
    }
    for (const codes of Object.values(expected)) for (const code of codes) expect(isCurrencyCode(code)).toBe(true);
  });

  it('includes recent additions, fund codes and recently withdrawn codes kept for stored data', () => {
    const codes = [
      'XCD',
      'XCG',
      'SLE',
      'VED',
      'ZWG',
      'BOV',
      'CHE',
      'CHW',
      'COU',
      'MXV',
      'USN',
      'ANG',
      'CUC',
      'HRK',
      'SLL',
      'ZWL',
    ];
    for (const code of codes) expect(isCurrencyCode(code), code).toBe(true);
  });

  it('leaves out codes with no minor unit', () => {
    const codes = ['XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XSU', 'XUA', 'XBA', 'XBB', 'XBC', 'XBD', 'XTS', 'XXX'];
    for (const code of codes) expect(isCurrencyCode(code), code).toBe(false);
  });
});

describe('isCurrencyCode() and currencyExponent()', () => {
  it('accept upper-case codes only', () => {
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(currencyExponent('KWD')).toBe(3);
  });

  it('do not mistake Object.prototype members for currencies', () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(isCurrencyCode(code)).toBe(false);
      expect(rejection(() => currencyExponent(code)).code).toBe('unknown_currency');
    }
  });

  it('currencyExponent() names the upper-case code when given a lower-case one', () => {
    expect(rejection(() => currencyExponent('usd')).message).toContain('"USD"');
  });
});

describe('parseAmount()', () => {
  it('converts a decimal string to minor units of the currency', () => {
    expect(parseAmount('12.5', 'USD')).toBe(1250);
    expect(parseAmount('12.50', 'USD')).toBe(1250);
    expect(parseAmount('12', 'USD')).toBe(1200);
    expect(parseAmount('0.01', 'USD')).toBe(1);
    expect(parseAmount('007.50', 'USD')).toBe(750);
  });

  it('converts a number through its shortest decimal form', () => {
    expect(parseAmount(12.5, 'USD')).toBe(1250);
    expect(parseAmount(0.07, 'USD')).toBe(7);
    expect(parseAmount(19.99, 'USD')).toBe(1999);
    expect(parseAmount(1000, 'JPY')).toBe(1000);
  });

  it('trims surrounding whitespace and accepts an explicit sign', () => {
    expect(parseAmount('  12.50\n', 'USD')).toBe(1250);
    expect(parseAmount('+3.25', 'USD')).toBe(325);
    expect(parseAmount('-12.34', 'USD')).toBe(-1234);
    expect(parseAmount(-0.05, 'USD')).toBe(-5);
  });

  it('reads zero, including negative zero, as plain 0', () => {
    for (const input of ['0', '0.00', '-0', '-0.000', -0, 0]) {
      expect(Object.is(parseAmount(input, 'USD'), 0), String(input)).toBe(true);
    }
  });

  it('uses the currency exponent: JPY has none, KWD three, CLF four', () => {
    expect(parseAmount('1000', 'JPY')).toBe(1000);
    expect(parseAmount('1.234', 'KWD')).toBe(1234);
    expect(parseAmount('0.001', 'KWD')).toBe(1);
    expect(parseAmount('1.2345', 'CLF')).toBe(12345);
    expect(parseAmount('0.0001', 'CLF')).toBe(1);
  });

  it('accepts trailing zeros beyond the currency exponent, since they lose nothing', () => {
    expect(parseAmount('12.500', 'USD')).toBe(1250);
    expect(parseAmount('12.0000000', 'USD')).toBe(1200);
    expect(parseAmount('1000.0', 'JPY')).toBe(1000);
    expect(parseAmount('1.23400', 'KWD')).toBe(1234);
  });

  it('rejects more decimals than the currency has with too_many_decimals, never rounding', () => {
    const issue = rejection(() => parseAmount('12.345', 'USD'));
    expect(issue).toEqual({ path: [], code: 'too_many_decimals', message: '12.345 has 3 decimals but USD allows 2' });
    expect(rejection(() => parseAmount('12.3450', 'USD')).code).toBe('too_many_decimals');
    expect(rejection(() => parseAmount('1000.5', 'JPY')).message).toBe('1000.5 has 1 decimal but JPY allows none');
    expect(rejection(() => parseAmount('0.0001', 'KWD')).code).toBe('too_many_decimals');
    expect(rejection(() => parseAmount('0.00001', 'CLF')).code).toBe('too_many_decimals');
  });

  it('rejects a number whose shortest decimal form has too many decimals (0.1 + 0.2)', () => {
    expect(rejection(() => parseAmount(0.1 + 0.2, 'USD')).code).toBe('too_many_decimals');
  });

  it('accepts ±Number.MAX_SAFE_INTEGER minor units and rejects one more with amount_out_of_range', () => {
    expect(parseAmount('90071992547409.91', 'USD')).toBe(MAX);
    expect(parseAmount('-90071992547409.91', 'USD')).toBe(-MAX);
    expect(parseAmount('9007199254740991', 'JPY')).toBe(MAX);
    expect(parseAmount(MAX, 'JPY')).toBe(MAX);
    expect(rejection(() => parseAmount('90071992547409.92', 'USD')).code).toBe('amount_out_of_range');
    expect(rejection(() => parseAmount('-90071992547409.92', 'USD')).code).toBe('amount_out_of_range');
    expect(rejection(() => parseAmount('9007199254740992', 'JPY')).code).toBe('amount_out_of_range');
    expect(rejection(() => parseAmount(MAX + 1, 'JPY')).code).toBe('amount_out_of_range');
    expect(rejection(() => parseAmount('1'.repeat(400), 'USD')).code).toBe('amount_out_of_range');
  });

  it.each([
    '',
    '   ',
    '1.',
    '.5',
    '-.5',
    '1e3',
    '1E3',
    '1,000',
    '1,5',
    '0x10',
    '0b1',
    '1 000',
    '- 1',
    '1.2.3',
    '--1',
    '+-1',
    'abc',
    '12USD',
    '$12',
    'NaN',
    'Infinity',
    '١٢', // Arabic-Indic digits
    '１２', // full-width digits
  ])('rejects the string %j with invalid_amount', (input) => {
    expect(rejection(() => parseAmount(input, 'USD'))).toMatchObject({ path: [], code: 'invalid_amount' });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, -1e21, 1e-7, 5e-324])(
    'rejects the number %s with invalid_amount',
    (input) => {
      expect(rejection(() => parseAmount(input, 'USD'))).toMatchObject({ path: [], code: 'invalid_amount' });
    },
  );

  it('rejects a value that is neither a string nor a number with invalid_amount', () => {
    for (const input of [null, undefined, 12n, {}, ['1']]) {
      expect(rejection(() => parseAmount(input as string, 'USD')).code).toBe('invalid_amount');
    }
  });

  it.each(['XYZ', 'usd', 'Usd', 'XAU', '', 'US'])('rejects the currency %j with unknown_currency', (currency) => {
    expect(rejection(() => parseAmount('1.00', currency))).toMatchObject({ path: [], code: 'unknown_currency' });
  });

  it('reports an unknown currency before a malformed amount', () => {
    expect(rejection(() => parseAmount('oops', 'XYZ')).code).toBe('unknown_currency');
  });
});

describe('formatAmount()', () => {
  it('writes exactly as many decimals as the currency has', () => {
    expect(formatAmount(1250, 'USD')).toBe('12.50');
    expect(formatAmount(1200, 'USD')).toBe('12.00');
    expect(formatAmount(5, 'JPY')).toBe('5');
    expect(formatAmount(1, 'KWD')).toBe('0.001');
    expect(formatAmount(12345, 'CLF')).toBe('1.2345');
    expect(formatAmount(1, 'CLF')).toBe('0.0001');
  });

  it('writes negative amounts with a leading minus and zero without one', () => {
    expect(formatAmount(-5, 'USD')).toBe('-0.05');
    expect(formatAmount(-1250, 'USD')).toBe('-12.50');
    expect(formatAmount(-7, 'JPY')).toBe('-7');
    expect(formatAmount(0, 'USD')).toBe('0.00');
    expect(formatAmount(-0, 'USD')).toBe('0.00');
    expect(formatAmount(0, 'JPY')).toBe('0');
  });

  it('writes ±Number.MAX_SAFE_INTEGER exactly', () => {
    expect(formatAmount(MAX, 'USD')).toBe('90071992547409.91');
    expect(formatAmount(-MAX, 'USD')).toBe('-90071992547409.91');
    expect(formatAmount(MAX, 'JPY')).toBe('9007199254740991');
    expect(formatAmount(MAX, 'CLF')).toBe('900719925474.0991');
  });

  it('rejects a non-integer with invalid_amount and an unsafe integer with amount_out_of_range', () => {
    expect(rejection(() => formatAmount(12.5, 'USD'))).toMatchObject({ path: [], code: 'invalid_amount' });
    expect(rejection(() => formatAmount(Number.NaN, 'USD')).code).toBe('invalid_amount');
    expect(rejection(() => formatAmount(Number.POSITIVE_INFINITY, 'USD')).code).toBe('invalid_amount');
    expect(rejection(() => formatAmount(MAX + 1, 'USD')).code).toBe('amount_out_of_range');
    expect(rejection(() => formatAmount(-(MAX + 1), 'USD')).code).toBe('amount_out_of_range');
    expect(rejection(() => formatAmount(1e21, 'USD')).code).toBe('amount_out_of_range');
  });

  it('rejects an unknown or lower-case currency with unknown_currency', () => {
    expect(rejection(() => formatAmount(100, 'XYZ')).code).toBe('unknown_currency');
    expect(rejection(() => formatAmount(100, 'usd')).code).toBe('unknown_currency');
  });
});

// Generators for the properties: decimal strings are built from digit strings, never from
// floats, so the expectations below are computed without any float arithmetic either.
const currency = fc.constantFrom(...CODES);
const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });

interface Decimal {
  sign: '' | '+' | '-';
  whole: string;
  fraction: string;
}

/** A decimal with up to `maxWhole` integer digits and up to `maxFraction` decimals. */
const decimal = (maxWhole: number, maxFraction: number) =>
  fc.record({
    sign: fc.constantFrom<Decimal['sign']>('', '+', '-'),
    whole: digits(1, maxWhole),
    fraction: digits(0, maxFraction),
  });

const decimalText = ({ sign, whole, fraction }: Decimal) =>
  fraction === '' ? sign + whole : `${sign}${whole}.${fraction}`;

/** `value` as a BigInt count of 10^-scale units, from its digits alone. */
const scaled = ({ sign, whole, fraction }: Decimal, scale: number) =>
  BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction.padEnd(scale, '0')}`);

/** A BigInt count of 10^-scale units written as a decimal with exactly `scale` decimals. */
const unscaled = (value: bigint, scale: number) => {
  const negative = value < 0n;
  const padded = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? padded : `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
};

describe('money properties', () => {
  it('parseAmount(formatAmount(m, c), c) === m for every safe integer m and every currency c', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), currency, (minor, code) => {
        expect(parseAmount(formatAmount(minor, code), code)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('formatAmount(parseAmount(x, c), c) is x with exactly the currency’s decimals, for any x the currency can hold', () => {
    const cases = currency.chain((code) => decimal(11, CURRENCY_EXPONENTS[code]!).map((value) => ({ code, value })));
    fc.assert(
      fc.property(cases, ({ code, value }) => {
        const exponent = CURRENCY_EXPONENTS[code]!;
        const whole = value.whole.replace(/^0+(?=\d)/, '');
        const fraction = value.fraction.padEnd(exponent, '0');
        const isZero = /^0*$/.test(whole + fraction);
        const expected = `${value.sign === '-' && !isZero ? '-' : ''}${whole}${exponent === 0 ? '' : `.${fraction}`}`;
        expect(formatAmount(parseAmount(decimalText(value), code), code)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('appending zeros to the decimals of an amount never changes what it parses to', () => {
    const cases = currency.chain((code) =>
      fc.record({
        code: fc.constant(code),
        value: decimal(11, CURRENCY_EXPONENTS[code]!),
        zeros: fc.integer({ min: 1, max: 8 }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ code, value, zeros }) => {
        const padded = { ...value, fraction: value.fraction + '0'.repeat(zeros) };
        expect(parseAmount(decimalText(padded), code)).toBe(parseAmount(decimalText(value), code));
      }),
    );
  });

  it('the sum of parsed amounts equals the parsed exact decimal sum, computed with BigInt', () => {
    // Sums are computed at a scale of 6 decimals, finer than any currency's, so the
    // expected total string also carries trailing zeros that parseAmount must accept.
    const scale = 6;
    const cases = currency.chain((code) =>
      fc.record({
        code: fc.constant(code),
        values: fc.array(decimal(10, CURRENCY_EXPONENTS[code]!), { maxLength: 30 }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ code, values }) => {
        const exactSum = values.reduce((total, value) => total + scaled(value, scale), 0n);
        const sumOfParsed = values.reduce((total, value) => total + parseAmount(decimalText(value), code), 0);
        expect(sumOfParsed).toBe(parseAmount(unscaled(exactSum, scale), code));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseAmount rejects any decimal with a significant digit beyond the currency’s decimals', () => {
    const cases = currency.chain((code) =>
      fc.record({
        code: fc.constant(code),
        value: decimal(11, CURRENCY_EXPONENTS[code]!),
        extra: fc.tuple(digits(0, 4), fc.constantFrom(...'123456789')).map(([zeros, last]) => zeros + last),
      }),
    );
    fc.assert(
      fc.property(cases, ({ code, value, extra }) => {
        const exponent = CURRENCY_EXPONENTS[code]!;
        const fraction = value.fraction.padEnd(exponent, '0') + extra;
        expect(rejection(() => parseAmount(decimalText({ ...value, fraction }), code)).code).toBe('too_many_decimals');
      }),
    );
  });
});
