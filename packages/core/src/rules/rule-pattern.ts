import { RE2JS } from 're2js';
import { foldText } from './fold-text.js';
import type { RuleIssueCode } from './rule-issues.js';

/**
 * Regular expressions of the `matches` operator, on RE2 (`re2js`): matching time grows
 * linearly with the text, whatever the pattern, so a user's `(a+)+$` cannot stall the event
 * loop the way it stalls a backtracking engine. The price is RE2's syntax: no backreferences
 * and no lookaround, which are refused with a message that says so.
 */

/** The longest pattern a rule may hold, in UTF-16 code units: ample for merchant alternations. */
export const MAX_PATTERN_LENGTH = 300;

/**
 * The most RE2 instructions one pattern may compile to. Matching costs up to (text length ×
 * program size) steps; 2,000 keeps a 10 kB description at worst in the tens of milliseconds,
 * and counted repeats such as `\w{300}` are what reach it.
 */
export const MAX_PATTERN_PROGRAM = 2_000;

/** A pattern compiled for text folded by {@link foldText}. */
export interface CompiledPattern {
  /** Whether the pattern matches anywhere in `folded` (text already folded). */
  test(folded: string): boolean;
}

/** Why a pattern was refused. */
export interface PatternProblem {
  code: RuleIssueCode;
  message: string;
}

/** A printable-ASCII character a folded non-ASCII character may turn into without changing the syntax. */
const LITERAL_ASCII = /^[A-Za-z0-9 ]*$/;

/**
 * Compiles a `matches` pattern, or says why it cannot be used.
 *
 * The pattern searches (it is not anchored: use `^` and `$`) the field's folded text, as
 * every text operator does, so it is matched case-insensitively (RE2's `(?i)`), and the
 * pattern's own non-ASCII letters are folded the same way: `café` finds `CAFE`. Three
 * consequences, documented rather than hidden: case classes such as `\p{Lu}` never match
 * (the text is folded); whitespace in the text is single spaces, so ` {2}` never matches and
 * `\s` is one space; and a character that folds to more than one letter (`ß` is `ss`,
 * `ﬁ` is `fi`) or to ASCII punctuation (`…` is `...`, full-width `（` is `(`) is refused with
 * the replacement to write instead, because folding it inside a pattern would change the
 * pattern's meaning.
 *
 * @param pattern - RE2 syntax, at most {@link MAX_PATTERN_LENGTH} characters
 * @returns the compiled pattern, or the problem with it
 *
 * @example
 * ```ts
 * import { compilePattern } from './rule-pattern.js'; // internal to core for now
 * import { foldText } from './fold-text.js';
 *
 * const compiled = compilePattern('^amzn mktp [a-z0-9]+');
 * if ('test' in compiled) compiled.test(foldText('AMZN Mktp DE12345')); // true
 * compilePattern('(a)\\1'); // { code: 'unsupported_pattern', message: 'Backreferences (\\1, \\k<name>) are not supported: ...' }
 * ```
 */
export function compilePattern(pattern: string): CompiledPattern | PatternProblem {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { code: 'pattern_too_long', message: `A pattern may have at most ${MAX_PATTERN_LENGTH} characters` };
  }
  // Syntax first, on the pattern as the user wrote it, so a message quotes their text.
  const syntax = tryCompile(pattern);
  if ('code' in syntax) return syntax;
  const folded = foldPattern(pattern);
  if (typeof folded !== 'string') return folded;
  const compiled = folded === pattern ? syntax : tryCompile(folded);
  if ('code' in compiled) return compiled;
  if (compiled.programSize() > MAX_PATTERN_PROGRAM) {
    return {
      code: 'pattern_too_complex',
      message: `The pattern is too complex (over ${MAX_PATTERN_PROGRAM} steps per character): use fewer or smaller counted repeats`,
    };
  }
  return { test: (text) => compiled.test(text) };
}

function tryCompile(pattern: string): RE2JS | PatternProblem {
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    return refusal(pattern, error instanceof Error ? error.message : String(error));
  }
}

/** RE2's own message, with the two refusals people meet most often explained. */
function refusal(pattern: string, detail: string): PatternProblem {
  const engine = 'the linear-time engine (RE2) cannot run them';
  if (/\(\?<?[=!]/.test(pattern)) {
    return {
      code: 'unsupported_pattern',
      message: `Lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: ${engine}`,
    };
  }
  if (/\\[1-9]|\\k</.test(pattern)) {
    return { code: 'unsupported_pattern', message: `Backreferences (\\1, \\k<name>) are not supported: ${engine}` };
  }
  return {
    code: 'invalid_pattern',
    message: `Not a valid regular expression: ${detail.replace(/^error parsing regexp: /, '')}`,
  };
}

/**
 * The pattern as it runs, for one that {@link compilePattern} accepted: folding is cheap,
 * compiling is not, and the rule compiler runs a rule set's patterns together instead.
 *
 * @throws Error for a pattern that cannot be folded, which an accepted one never is.
 */
export function runnablePattern(pattern: string): string {
  const folded = foldPattern(pattern);
  if (typeof folded !== 'string') throw new Error(`Unchecked pattern reached the rule compiler: ${folded.message}`);
  return folded;
}

/**
 * Folds the non-ASCII characters of a pattern as {@link foldText} folds text. ASCII is left
 * alone, since it carries the syntax (`\D` must not become `\d`) and `(?i)` covers its case.
 * A valid RE2 pattern never escapes a non-ASCII character, so each one is a literal.
 */
function foldPattern(pattern: string): string | PatternProblem {
  let out = '';
  for (const char of pattern) {
    if (char.charCodeAt(0) < 0x80) {
      out += char;
      continue;
    }
    // foldText trims, which would erase a folded no-break space: fold the character between two letters.
    const folded = foldText(`a${char}a`).slice(1, -1);
    if ([...folded].length > 1 || !LITERAL_ASCII.test(folded.replace(/[^\p{ASCII}]/gu, ''))) {
      return {
        code: 'pattern_not_foldable',
        message: `"${char}" is compared as "${folded}" (text is matched case- and accent-insensitively): write that in the pattern instead, escaping any punctuation`,
      };
    }
    out += folded;
  }
  return out;
}
