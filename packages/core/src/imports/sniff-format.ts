import type { BankFileFormat } from './bank-row.js';

/** What the caller knows about a file besides its content. */
export interface FormatHints {
  /** The upload's content type, e.g. `application/x-ofx` or `text/csv; charset=utf-8`. */
  contentType?: string;
  /** The upload's file name, e.g. `statement.qfx`. */
  fileName?: string;
}

const BY_CONTENT_TYPE: Record<string, BankFileFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/comma-separated-values': 'csv',
  'application/x-ofx': 'ofx',
  'application/ofx': 'ofx',
  'application/vnd.intu.qfx': 'ofx',
  'application/x-qfx': 'ofx',
  'application/qif': 'qif',
  'application/x-qif': 'qif',
  'text/qif': 'qif',
};

const BY_EXTENSION: Record<string, BankFileFormat> = { csv: 'csv', txt: 'csv', ofx: 'ofx', qfx: 'ofx', qif: 'qif' };

/**
 * Picks the parser for a file from the start of its text, using the content type and file
 * name only where the content does not decide. Content wins because hints are often wrong:
 * browsers send `application/octet-stream` for `.ofx`, people rename files, and CAMT comes as
 * `.xml` like many other things.
 *
 * - OFX/QFX: an `OFXHEADER:` header (1.x) or an `<?OFX` instruction or `<OFX>` element (2.x).
 * - CAMT.053: a `camt.053` namespace or a `<BkToCstmrStmt>` element.
 * - QIF: a `!Type:`, `!Account` or `!Option` line first.
 * - CSV: by hint, or when the first line holds a `,`, `;`, tab or `|` and the text is no markup.
 *
 * @returns the format, or `null` when neither content nor hints say (e.g. another XML).
 */
export function sniffFormat(head: string, hints: FormatHints = {}): BankFileFormat | null {
  const start = head
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^OFXHEADER\s*:/i.test(start) || /<\?OFX[\s>]|<OFX>/i.test(start)) return 'ofx';
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.053\.|<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/.test(start)) return 'camt053';
  if (/^!(Type|Account|Option|Clear)\b/i.test(start)) return 'qif';
  if (start.startsWith('<')) return null;
  const hinted = fromHints(hints);
  if (hinted) return hinted;
  const firstLine = start.split(/\r?\n|\r/, 1)[0] ?? '';
  return /[,;\t|]/.test(firstLine) ? 'csv' : null;
}

function fromHints(hints: FormatHints): BankFileFormat | null {
  const type = hints.contentType?.split(';')[0]?.trim().toLowerCase();
  const byType = type === undefined ? undefined : BY_CONTENT_TYPE[type];
  if (byType) return byType;
  const extension = hints.fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return (extension === undefined ? undefined : BY_EXTENSION[extension]) ?? null;
}
