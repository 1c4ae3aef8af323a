/**
 * Bank-file parsers (SPEC §7.1): CSV with mapping profiles, OFX/QFX 1.x and 2.x, CAMT.053
 * and QIF, read as streams into one normalised row shape. Not yet part of the package's
 * public surface: the import service and routes that use it decide what is exported.
 */
export {
  BANK_FILE_FORMATS,
  INVALID_ROW_CODES,
  SKIPPED_ROW_CODES,
  type BankDirection,
  type BankFileFormat,
  type BankRow,
  type InvalidRow,
  type InvalidRowCode,
  type ParsedBankRow,
  type SkippedRow,
  type SkippedRowCode,
} from './bank-row.js';
export { FILE_ISSUE_CODES, type FileIssueCode } from './file-errors.js';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits.js';
export { TEXT_ENCODINGS, decodeText, detectEncoding, type DecodedText, type TextEncoding } from './text-decoding.js';
export {
  readAmount,
  type DecimalSeparator,
  type DecimalStyle,
  type SignedMinor,
  type ThousandsSeparator,
} from './amount-text.js';
export { DATE_ORDERS, type DateOrder } from './date-text.js';
export {
  DEFAULT_BALANCE_LABELS,
  csvProfileSchema,
  type CsvColumn,
  type CsvProfile,
  type CsvProfileInput,
} from './csv-profile.js';
export { parseCsv } from './csv-parser.js';
export { parseOfx } from './ofx-parser.js';
export { parseCamt053 } from './camt-parser.js';
export { parseQif, type QifOptions } from './qif-parser.js';
export { sniffFormat, type FormatHints } from './sniff-format.js';
export { parseBankFile, type ParseBankFileOptions } from './parse-bank-file.js';
