import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  compileRules,
  foldText,
  MAX_PATTERN_LENGTH,
  TEXT_FIELDS,
  type RuleConditionInput,
  type RuleSubject,
} from '../src/rules/rules.js';

const expense: RuleSubject = { amountMinor: 1250, currency: 'EUR', date: '2026-11-03' };

/** Whether one rule with this condition matches the subject. */
function matches(condition: RuleConditionInput, subject: Partial<RuleSubject>): boolean {
  const rules = compileRules([
    { id: 'rule_t', position: 0, conditions: [condition], actions: [{ type: 'setNotes', notes: 'hit' }] },
  ]);
  return rules.evaluate({ ...expense, ...subject }, { categoryLockedByUser: false }).matched.length === 1;
}

/** The problem code of a refused pattern, or 'ok'. */
function patternProblem(pattern: string): string {
  const compiled = compilePattern(pattern);
  return 'code' in compiled ? compiled.code : 'ok';
}

describe('foldText: case- and accent-insensitive text', () => {
  it('drops accents and case', () => {
    expect(foldText('CAFÉ')).toBe('cafe');
    expect(foldText('Crème Brûlée à São Paulo')).toBe('creme brulee a sao paulo');
    expect(foldText('ÅNGSTRÖM')).toBe(foldText('angstrom'));
  });

  it('folds ß to ss in both directions: "Straße" and "STRASSE" are one', () => {
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('STRASSE')).toBe('strasse');
    expect(foldText('ẞ')).toBe('ss');
  });

  it('applies compatibility decomposition: ligatures, full-width and circled forms', () => {
    expect(foldText('ﬁnance')).toBe('finance');
    expect(foldText('ＳＴＡＲＢＵＣＫＳ')).toBe('starbucks');
    expect(foldText('①')).toBe('1');
  });

  it('folds a final sigma like any other, so a word matches inside a longer one', () => {
    expect(foldText('ΟΔΟΣ')).toBe(foldText('οδοσ'));
    expect(foldText('ΟΔΟΣΧ').startsWith(foldText('ΟΔΟΣ'))).toBe(true);
  });

  it('collapses whitespace runs, bank padding included, and trims', () => {
    expect(foldText('  AMAZON \t MKTP\u00a0DE \n')).toBe('amazon mktp de');
  });

  it('keeps letters Unicode does not decompose, and Indic vowel signs', () => {
    expect(foldText('Ørsted')).toBe('ørsted');
    expect(foldText('Łódź')).toBe('łodz');
    expect(foldText('किताब')).toBe('किताब');
  });
});

describe('text operators', () => {
  for (const field of TEXT_FIELDS) {
    const on = (value: string) => (field === 'tags' ? { tags: ['other', value] } : { [field]: value });
    it(`${field}: is, contains, startsWith, endsWith, oneOf and matches compare folded text`, () => {
      expect(matches({ field, op: 'is', value: 'cafe nord' }, on('  CAFÉ   Nord '))).toBe(true);
      expect(matches({ field, op: 'is', value: 'cafe' }, on('CAFÉ Nord'))).toBe(false);
      expect(matches({ field, op: 'contains', value: 'cafe' }, on('Le CAFÉ Nord'))).toBe(true);
      expect(matches({ field, op: 'contains', value: 'tea' }, on('Le CAFÉ Nord'))).toBe(false);
      expect(matches({ field, op: 'startsWith', value: 'le café' }, on('LE CAFE NORD'))).toBe(true);
      expect(matches({ field, op: 'startsWith', value: 'nord' }, on('LE CAFE NORD'))).toBe(false);
      expect(matches({ field, op: 'endsWith', value: 'NORD' }, on('le cafe nörd'))).toBe(true);
      expect(matches({ field, op: 'endsWith', value: 'le' }, on('le cafe nord'))).toBe(false);
      expect(matches({ field, op: 'oneOf', value: ['Aldi', 'LIDL'] }, on('lidl'))).toBe(true);
      expect(matches({ field, op: 'oneOf', value: ['Aldi', 'LIDL'] }, on('lidl plus'))).toBe(false);
      expect(matches({ field, op: 'matches', value: '^caf[eé] \\w+$' }, on('CAFÉ NORD'))).toBe(true);
      expect(matches({ field, op: 'matches', value: '^nord' }, on('CAFÉ NORD'))).toBe(false);
    });

    it(`${field}: an absent or blank value matches no text condition`, () => {
      const absent = field === 'tags' ? { tags: [] } : { [field]: null };
      const blank = field === 'tags' ? { tags: ['  '] } : { [field]: '   ' };
      for (const subject of [absent, blank, {}]) {
        expect(matches({ field, op: 'matches', value: '^$' }, subject)).toBe(false);
        expect(matches({ field, op: 'matches', value: '.*' }, subject)).toBe(false);
      }
    });
  }

  it('matches "STRASSE" against "Straße" with every text operator', () => {
    expect(matches({ field: 'description', op: 'is', value: 'Hauptstraße' }, { description: 'HAUPTSTRASSE' })).toBe(
      true,
    );
    expect(matches({ field: 'description', op: 'contains', value: 'STRASSE' }, { description: 'Hauptstraße 5' })).toBe(
      true,
    );
  });

  it('reads only its own field', () => {
    expect(
      matches(
        { field: 'merchant', op: 'contains', value: 'cafe' },
        { description: 'cafe', notes: 'cafe', originalText: 'cafe', tags: ['cafe'] },
      ),
    ).toBe(false);
    expect(
      matches(
        { field: 'originalText', op: 'contains', value: 'SEPA' },
        { description: 'SEPA', originalText: 'KARTENZAHLUNG' },
      ),
    ).toBe(false);
  });
});

describe('matches: RE2 patterns', () => {
  it('is case-insensitive and folds the pattern’s own accents, as the text is folded', () => {
    expect(matches({ field: 'merchant', op: 'matches', value: 'AMZN\\s+MKTP' }, { merchant: 'amzn   mktp de' })).toBe(
      true,
    );
    expect(matches({ field: 'merchant', op: 'matches', value: 'CAFÉ' }, { merchant: 'Cafe' })).toBe(true);
    expect(matches({ field: 'merchant', op: 'matches', value: 'cafe\u0301' }, { merchant: 'CAFÉ' })).toBe(true);
    // ASCII escapes keep their case: \D is "not a digit", not \d.
    expect(matches({ field: 'merchant', op: 'matches', value: '^\\D+$' }, { merchant: 'Cafe' })).toBe(true);
    expect(matches({ field: 'merchant', op: 'matches', value: '^\\D+$' }, { merchant: 'Cafe 1' })).toBe(false);
  });

  it('searches anywhere unless anchored', () => {
    expect(matches({ field: 'description', op: 'matches', value: 'rent' }, { description: 'November rent' })).toBe(
      true,
    );
    expect(matches({ field: 'description', op: 'matches', value: '^rent' }, { description: 'November rent' })).toBe(
      false,
    );
  });

  it('answers (a+)+$ against a 10 kB description, both ways, without backtracking', () => {
    const rules = compileRules([
      {
        id: 'rule_redos',
        position: 0,
        conditions: [{ field: 'description', op: 'matches', value: '(a+)+$' }],
        actions: [{ type: 'addTags', tags: ['a'] }],
      },
    ]);
    const hostile = { ...expense, description: `${'a'.repeat(10_000)}!` };
    expect(rules.evaluate(hostile, { categoryLockedByUser: false }).matched).toEqual([]);
    expect(
      rules.evaluate({ ...expense, description: 'a'.repeat(10_000) }, { categoryLockedByUser: false }).matched,
    ).toEqual(['rule_redos']);
  });

  it('answers for each rule’s own pattern when many share a field (they run together, 100 to a set)', () => {
    const rules = compileRules(
      Array.from({ length: 250 }, (_, i) => ({
        id: `rule_${String(i).padStart(3, '0')}`,
        position: i,
        conditions: [{ field: i % 2 ? 'description' : 'tags', op: 'matches', value: `^ref-${i}$` }],
        actions: [{ type: 'addTags', tags: [`t${i}`] }],
      })),
    );
    const matched = (subject: Partial<RuleSubject>) =>
      rules.evaluate({ ...expense, ...subject }, { categoryLockedByUser: false }).matched;
    expect(matched({ description: 'REF-137' })).toEqual(['rule_137']);
    expect(matched({ description: 'ref-249' })).toEqual(['rule_249']);
    expect(matched({ description: 'ref-138' })).toEqual([]); // an even pattern is on tags, not the description
    expect(matched({ tags: ['x', 'Ref-138', 'ref-2'] })).toEqual(['rule_002', 'rule_138']);
    expect(matched({ description: 'ref-1', tags: ['ref-0'] })).toEqual(['rule_000', 'rule_001']);
  });

  it('refuses backreferences and lookaround, saying why', () => {
    for (const pattern of ['(a)\\1', '(?P<x>a)\\k<x>']) {
      const problem = compilePattern(pattern);
      expect(problem).toEqual({
        code: 'unsupported_pattern',
        message: expect.stringMatching(/^Backreferences .* not supported: the linear-time engine/),
      });
    }
    for (const pattern of ['foo(?=bar)', 'foo(?!bar)', '(?<=foo)bar', '(?<!foo)bar']) {
      expect(compilePattern(pattern)).toEqual({
        code: 'unsupported_pattern',
        message: expect.stringMatching(/^Lookahead and lookbehind .* not supported/),
      });
    }
  });

  it('refuses invalid syntax with RE2’s reason', () => {
    expect(compilePattern('caf[e')).toEqual({
      code: 'invalid_pattern',
      message: 'Not a valid regular expression: missing closing ]: `[e`',
    });
    expect(patternProblem('a{1001}')).toBe('invalid_pattern');
    expect(patternProblem('(?i')).toBe('invalid_pattern');
  });

  it('refuses characters that folding would turn into several letters or into syntax, naming what to write', () => {
    expect(compilePattern('straße')).toEqual({
      code: 'pattern_not_foldable',
      message: expect.stringContaining('"ß" is compared as "ss"'),
    });
    expect(patternProblem('ﬁnance')).toBe('pattern_not_foldable');
    expect(patternProblem('wait…')).toBe('pattern_not_foldable');
    expect(patternProblem('（1）')).toBe('pattern_not_foldable');
    expect(patternProblem('stra(ss|ß)e')).toBe('pattern_not_foldable');
    expect(patternProblem('strasse')).toBe('ok');
  });

  it('refuses patterns over the length and complexity limits', () => {
    expect(patternProblem('a'.repeat(MAX_PATTERN_LENGTH))).toBe('ok');
    expect(patternProblem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe('pattern_too_long');
    expect(patternProblem('[a-z]{1000}[0-9]{1000}')).toBe('pattern_too_complex');
  });
});
