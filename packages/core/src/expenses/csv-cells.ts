/** Characters that make a spreadsheet read a cell as a formula (or hide its start). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell against formula injection (CSV injection): a cell that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so spreadsheets
 * show it as text instead of running it. Quoting is left to the CSV writer.
 *
 * @example
 * ```ts
 * import { neutraliseCell } from './csv-cells.js'; // internal to core
 *
 * neutraliseCell('=HYPERLINK("http://evil")'); // '\'=HYPERLINK("http://evil")'
 * neutraliseCell('Lunch'); // 'Lunch'
 * ```
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
