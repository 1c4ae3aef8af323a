/**
 * Text as rules compare it: case- and accent-insensitively (SPEC §7.2). Both sides of every
 * text comparison go through {@link foldText}, so a rule's `"cafe"` meets a bank's `"CAFÉ"`.
 */

/** Nonspacing marks that are diacritics: accents, cedillas, Arabic harakat, Hebrew niqqud. */
const DIACRITIC_MARKS = /(?=\p{Diacritic})\p{Mn}/gu;
const WHITESPACE_RUNS = /\s+/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Folds text for comparison: Unicode compatibility decomposition (NFKD), diacritic marks
 * removed, full case folding, whitespace runs collapsed to one space and the ends trimmed.
 *
 * - NFKD first, so `ﬁ` is `fi`, full-width `Ｆｕｌｌ` is `full`, `①` is `1`, and an accented
 *   letter splits into its base letter and a mark.
 * - Only marks that are both nonspacing (`Mn`) and diacritics are removed: `é`, `ñ`, `å`,
 *   Arabic harakat and Hebrew niqqud lose them, but the vowel signs of Indic scripts, which
 *   change the word, are kept. Letters Unicode does not decompose stay distinct: `ø`, `ł`,
 *   `đ`, `æ`, `œ` do not meet `o`, `l`, `d`, `ae`, `oe`.
 * - Case: lower-, upper- then lower-casing gives full case folding, so `"Straße"`, `"STRASSE"`
 *   and `"STRAẞE"` are all `"strasse"`, and final sigma `ς` is folded to `σ` as Unicode's CaseFolding does
 *   (JavaScript's `toLowerCase` would turn a word-final `Σ` into `ς`). No locale is used:
 *   Turkish dotless `ı` and `I` meet `i`, which is what a merchant search wants.
 * - Whitespace: bank exports pad and wrap their texts, so `"AMAZON   MKTP"` is
 *   `"amazon mktp"`.
 *
 * Printable ASCII, the common case, only needs lower-casing and the whitespace step.
 *
 * @param text - any text
 * @returns the folded text; folding it again changes nothing
 *
 * @example
 * ```ts
 * import { foldText } from './fold-text.js'; // internal to core for now
 *
 * foldText('  CAFÉ  Nord '); // 'cafe nord'
 * foldText('Straße') === foldText('STRASSE'); // true
 * foldText('Ｆｕｌｌ'); // 'full'
 * ```
 */
export function foldText(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return collapse(text.toLowerCase());
  // Case before marks: the Greek iota subscript (a mark) folds to a letter, `ᾀ` to `ἀι`. Case
  // mapping can compose nothing but can add marks, so decompose again before stripping.
  const cased = text.normalize('NFKD').toLowerCase().toUpperCase().toLowerCase().replaceAll('ς', 'σ');
  return collapse(cased.normalize('NFKD').replace(DIACRITIC_MARKS, ''));
}

function collapse(text: string): string {
  return text.replace(WHITESPACE_RUNS, ' ').trim();
}
