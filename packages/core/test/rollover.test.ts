import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rolloverChain } from '../src/budgets/status.js';
import { carriesInto } from '../src/budgets/figures.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('carriesInto (the carry of a rollover budget, stepping only through periods with spending)', () => {
  it('equals rolloverChain over every period, for any spending, limit and range (fast-check prints the seed of a failure)', () => {
    const limit = fc.oneof(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: MAX - 10_000, max: MAX }),
      fc.constant(2 ** 52),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('surplus' as const, 'full' as const),
        limit,
        fc.integer({ min: -50, max: 50 }),
        // At most 15 amounts of at most 2^53/16: their sum stays within 2^53−1, as the write guard keeps every real sum.
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 60 }),
            fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: Math.floor(MAX / 16) })),
          ),
          { maxLength: 15 },
        ),
        fc.integer({ min: -10, max: 70 }),
        fc.integer({ min: 0, max: 10 }),
        (mode, limitMinor, first, spending, fromOffset, length) => {
          const spent = new Map<number, number>();
          for (const [offset, amount] of spending) spent.set(first + offset, amount);
          const range = { from: first + fromOffset, to: first + fromOffset + length };
          // The dense reference: every period from the first, one step each.
          const dense = Array.from({ length: Math.max(0, range.to - first) }, (_, i) => spent.get(first + i) ?? 0);
          const chain = rolloverChain(mode, limitMinor, dense);
          const expected = Array.from({ length: length + 1 }, (_, i) =>
            range.from + i <= first ? 0 : chain[range.from + i - first]!,
          );
          expect(carriesInto(mode, limitMinor, first, spent, range)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a run of 2.9 million periods without spending adds the limit for each, up to the cap, without visiting them', () => {
    expect(carriesInto('surplus', 100, 0, new Map([[1000, 50]]), { from: 2_958_463, to: 2_958_463 })).toEqual([
      100 * 2_958_463 - 50,
    ]);
    expect(carriesInto('full', 2 ** 40, 0, new Map(), { from: 2_958_463, to: 2_958_463 })).toEqual([MAX - 2 ** 40]);
  });
});
