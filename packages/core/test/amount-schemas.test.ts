import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CURRENCY_EXPONENTS,
  decimalAmountSchema,
  isTrackerError,
  parseAmount,
  positiveAmountMinorSchema,
  positiveDecimalAmountSchema,
  Tracker,
  type OwnerHandle,
} from '../src/index.js';
import { positiveAmount } from '../src/expenses/amounts.js';

// The JSON Schemas of the amount inputs are what the OpenAPI document shows. They carry a
// pattern and bounds that zod does not check itself (the services do, knowing the
// currency), so these tests hold the two to the same answers.

interface JsonSchema {
  anyOf?: JsonSchema[];
  type?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** The JSON Schema of an input, as the OpenAPI document converts it. */
const inputJson = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;

/** The `string` and `number` branches of a decimal amount's schema. */
function branches(schema: z.ZodType): { pattern: RegExp; number: JsonSchema } {
  const [text, number] = inputJson(schema).anyOf ?? [];
  expect(text?.type).toBe('string');
  expect(number?.type).toBe('number');
  // JSON Schema patterns are ECMA-262 regular expressions; validators compile them with `u`.
  return { pattern: new RegExp(text!.pattern!, 'u'), number: number! };
}

/** The issue code with which core refuses an amount as an expense or a budget limit, or `null` when it takes it. */
function refusal(amount: string | number, currency: string): string | null {
  try {
    positiveAmount({ amount }, currency, [], 'An amount');
    return null;
  } catch (error) {
    if (!isTrackerError(error)) throw error;
    return error.issues[0]?.code ?? 'none';
  }
}

/** Refusals that depend on the currency, which a schema of the amount alone cannot express. */
const CURRENCY_DEPENDENT = ['too_many_decimals', 'amount_out_of_range'];

/** Strings that look like amounts or nearly do: signs, points, zeros, white space, exponents, separators. */
const amountLike = fc.string({ unit: fc.constantFrom(...'0000123456789..+-  \t\n\u00a0e,_x'), maxLength: 14 });

const currency = fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS));

describe('the documented amount schemas refuse what core refuses', () => {
  it('an input amount string matches the documented pattern exactly when core takes it (but for its currency’s decimals and range)', () => {
    const { pattern } = branches(positiveDecimalAmountSchema);
    fc.assert(
      fc.property(amountLike, currency, (text, code) => {
        const refused = refusal(text, code);
        if (refused === null) expect(pattern.test(text), `core takes ${JSON.stringify(text)}`).toBe(true);
        else if (!CURRENCY_DEPENDENT.includes(refused))
          expect(pattern.test(text), `core refuses ${JSON.stringify(text)} (${refused})`).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('an input amount number is documented as > 0, and core takes every positive number it can read exactly', () => {
    const { number } = branches(positiveDecimalAmountSchema);
    expect(number).toMatchObject({ exclusiveMinimum: 0 });
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (value) => {
        const refused = refusal(value, 'KWD');
        if (refused === null) expect(value).toBeGreaterThan(0);
        else if (value > 0) expect(['too_many_decimals', 'invalid_amount']).toContain(refused); // more decimals than KWD's 3, or 1e-7-like
      }),
      { numRuns: 2000 },
    );
  });

  it('the examples behind the pattern: white space and + are taken, zero, signs and loose forms are not', () => {
    const { pattern } = branches(positiveDecimalAmountSchema);
    for (const taken of ['12.50', '0.01', '+3', ' 7 ', '007', '1.500', '100.00']) {
      expect(refusal(taken, 'USD'), taken).toBeNull();
      expect(pattern.test(taken), taken).toBe(true);
    }
    for (const refused of ['0', '0.00', '-5', '-0', '+0.0', '1.', '.5', '1e3', '1,000', '1 000', '0x10', '', ' ']) {
      expect(refusal(refused, 'USD'), refused).not.toBeNull();
      expect(pattern.test(refused), refused).toBe(false);
    }
  });

  it('a filter amount (minAmount, maxAmount) documents the signed pattern parseAmount reads', () => {
    const { pattern } = branches(decimalAmountSchema);
    fc.assert(
      fc.property(amountLike, (text) => {
        let read = true;
        try {
          parseAmount(text, 'CLF'); // 4 decimals, the most of any currency
        } catch (error) {
          if (!isTrackerError(error)) throw error;
          read = CURRENCY_DEPENDENT.includes(error.issues[0]?.code ?? '');
        }
        expect(pattern.test(text), JSON.stringify(text)).toBe(read);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the documented amountMinor bounds are the ones core enforces', () => {
  let tracker: Tracker;
  let owners = 0;
  // Each amount on an owner of its own, so no sum of two of them is involved.
  const newOwner = (): OwnerHandle => tracker.forOwner(`amounts-${(owners += 1)}`);
  beforeAll(async () => {
    tracker = await Tracker.open({ database: ':memory:', clock: { now: () => new Date('2026-11-15T12:00:00Z') } });
    await tracker.migrate();
  });
  afterAll(async () => {
    await tracker.close();
  });

  it('documents amountMinor from 1 to 2^53−1, and expenses and budgets take exactly that range', async () => {
    const json = inputJson(positiveAmountMinorSchema);
    expect(json).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
    for (const amountMinor of [json.minimum!, json.maximum!]) {
      await expect(newOwner().expenses.create({ amountMinor })).resolves.toMatchObject({ amountMinor });
      await expect(newOwner().budgets.create({ name: 'Limit', amountMinor })).resolves.toMatchObject({ amountMinor });
    }
    for (const amountMinor of [json.minimum! - 1, -1, json.maximum! + 1, 1.5]) {
      await expect(newOwner().expenses.create({ amountMinor }), String(amountMinor)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(newOwner().budgets.create({ name: 'Bad', amountMinor }), String(amountMinor)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });
});
