/**
 * Turns a file's bytes into text: the encoding declared by the caller, or detected from a BOM,
 * from UTF-8 validity, from the file's own declaration, or by `chardet`; then decoded as a
 * stream by `iconv-lite`, so no more than one sample of the file is ever held as bytes.
 */
import { analyse } from 'chardet';
import iconv from 'iconv-lite';
import { fileError } from './file-errors.js';

/**
 * The encodings the parsers decode.
 *
 * @example
 * ```ts
 * import { TEXT_ENCODINGS } from '@expense-tracker/core';
 *
 * TEXT_ENCODINGS; // ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1']
 * ```
 */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;

/**
 * One of {@link TEXT_ENCODINGS}: the encoding of a bank file, detected when not given.
 *
 * @example
 * ```ts
 * import type { TextEncoding } from '@expense-tracker/core';
 *
 * declare const csvBytes: Uint8Array;
 * const encoding: TextEncoding = 'windows-1252'; // an older German bank's CSV export
 * await owner.imports.preview(csvBytes, { sourceKey: 'girokonto', encoding, profileId: 'ipr_01JD…' });
 * ```
 */
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** A decoded file: the encoding used, the first part of the text (for sniffing), and all of it. */
export interface DecodedText {
  encoding: TextEncoding;
  /** The start of the text (about the first 64 KiB of the file), already part of `text`. */
  head: string;
  /** The whole text, in chunks, the BOM removed. */
  text: AsyncIterable<string>;
}

/** Bytes read before deciding the encoding: enough for chardet to be sure, small enough to hold. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Opens a byte stream as text.
 *
 * Detection, when `declared` is absent, goes: a BOM (UTF-8, UTF-16 LE/BE); a sample that is
 * valid UTF-8 with some non-ASCII text; the file's own declaration (`<?xml encoding=…?>`, an
 * OFX 1.x `CHARSET:` header) when the sample is plain ASCII or not UTF-8; then `chardet`. A
 * detected ISO-8859-1 is decoded as Windows-1252, as the WHATWG Encoding Standard does: the two
 * differ only in 0x80–0x9F, which are unused control codes in Latin-1 and `€`, `–`, `“` in
 * Windows-1252, so this can only recover characters. A declared `iso-8859-1` is honoured as is.
 *
 * @throws TrackerError `VALIDATION_FAILED` (`unsupported_encoding`) when the detected encoding is
 * none of {@link TEXT_ENCODINGS}.
 */
export async function decodeText(source: AsyncIterable<Uint8Array>, declared?: TextEncoding): Promise<DecodedText> {
  const iterator = source[Symbol.asyncIterator]();
  const sample: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SAMPLE_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = toBuffer(next.value);
    sample.push(chunk);
    size += chunk.length;
  }
  const sampleBytes = Buffer.concat(sample);
  const encoding = declared ?? detectEncoding(sampleBytes);
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  const head = decoder.write(sampleBytes);
  async function* text(): AsyncGenerator<string> {
    if (head) yield head;
    while (!done) {
      const next = await iterator.next();
      if (next.done) break;
      const part = decoder.write(toBuffer(next.value));
      if (part) yield part;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }
  return { encoding, head, text: text() };
}

/**
 * Picks the encoding of a file from its first bytes (see {@link decodeText} for the order).
 *
 * @throws TrackerError `VALIDATION_FAILED` (`unsupported_encoding`).
 */
export function detectEncoding(sample: Uint8Array): TextEncoding {
  const bom = fromBom(sample);
  if (bom) return bom;
  const utf8 = isUtf8(sample);
  const ascii = utf8 && !sample.some((byte) => byte > 0x7f);
  if (utf8 && !ascii) return 'utf-8';
  const inFile = declaredInFile(sample);
  if (inFile) return inFile;
  if (ascii) return 'utf-8';
  return byChardet(sample);
}

function fromBom(bytes: Uint8Array): TextEncoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** Valid UTF-8, allowing a character cut off at the end of the sample. */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The encoding a file names for itself in its first kilobyte (XML declaration, OFX 1.x header). */
function declaredInFile(sample: Uint8Array): TextEncoding | null {
  const start = Buffer.from(sample.subarray(0, 1024)).toString('latin1');
  const xml = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(start)?.[1];
  const ofx = /^CHARSET:\s*([\w-]+)/im.exec(start)?.[1];
  return toSupported(xml ?? (ofx === undefined ? undefined : ofx === '1252' ? 'windows-1252' : ofx));
}

/**
 * chardet's best guess for a sample that is not UTF-8. Its UTF-8 and ASCII answers are set
 * aside (the sample is known to be neither). A supported guess is accepted when it is at least
 * half as confident as chardet's best (short Latin texts often score ISO-8859-2 or -9 close to
 * -1); a file whose best guess is far from all of them (Shift_JIS, say) is refused. With no
 * guess at all (a few bytes), Windows-1252 is taken: a non-UTF-8 bank file of Western text is
 * almost always that.
 */
function byChardet(sample: Uint8Array): TextEncoding {
  const matches = analyse(sample).filter((match) => !/^(utf-8|ascii)$/i.test(match.name));
  const top = matches[0];
  if (!top) return 'windows-1252';
  for (const match of matches) {
    const supported = toSupported(match.name);
    if (supported && match.confidence * 2 >= top.confidence) {
      return supported === 'iso-8859-1' ? 'windows-1252' : supported;
    }
  }
  throw fileError(
    'unsupported_encoding',
    `The file looks like ${top.name}, which cannot be imported; save it as UTF-8 or declare one of ${TEXT_ENCODINGS.join(', ')}`,
    { detected: top.name },
  );
}

const ALIASES: Record<string, TextEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  usascii: 'utf-8',
  ascii: 'utf-8',
  none: 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-1': 'iso-8859-1',
  latin1: 'iso-8859-1',
  'iso_8859-1': 'iso-8859-1',
};

function toSupported(name: string | undefined): TextEncoding | null {
  return name === undefined ? null : (ALIASES[name.toLowerCase()] ?? null);
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
