import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import {
  decodeText,
  detectEncoding,
  parseBankFile,
  sniffFormat,
  type ParseBankFileOptions,
} from '../src/imports/index.js';
import { chunksOf, collect, fixturePath, parseFixture } from './support/import-files.js';

const STATEMENTS = ['camt053-two-accounts.xml', 'checking-ofx-1.02-sgml.ofx', 'card-ofx-2.2.qfx'];

async function issueOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return isTrackerError(error, 'VALIDATION_FAILED')
    ? error.issues[0]?.code
    : `not a validation error: ${String(error)}`;
}

async function decodeAll(
  bytes: Uint8Array,
  declared?: Parameters<typeof decodeText>[1],
): Promise<{ encoding: string; text: string }> {
  const decoded = await decodeText(chunksOf(bytes, 5), declared);
  return { encoding: decoded.encoding, text: (await collect(decoded.text)).join('') };
}

describe('format sniffing', () => {
  it('knows each fixture by its content, whatever the file is called', async () => {
    const heads = {
      'camt053-two-accounts.xml': 'camt053',
      'checking-ofx-1.02-sgml.ofx': 'ofx',
      'card-ofx-2.2.qfx': 'ofx',
      'quicken-checking-us.qif': 'qif',
    };
    for (const [name, format] of Object.entries(heads)) {
      const { text } = await decodeAll(readFileSync(fixturePath(name)));
      expect([name, sniffFormat(text, { fileName: 'download.bin', contentType: 'application/octet-stream' })]).toEqual([
        name,
        format,
      ]);
    }
  });

  it('takes CSV from a hint or from a delimited first line, and refuses other XML', () => {
    expect(sniffFormat('Date Amount\n', { contentType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(sniffFormat('Date Amount\n', { fileName: 'Export.CSV' })).toBe('csv');
    expect(sniffFormat('Date;Amount\n01.01.2026;1,00\n')).toBe('csv');
    expect(
      sniffFormat('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', {
        fileName: 'x.csv',
      }),
    ).toBeNull();
    expect(sniffFormat('just some words')).toBeNull();
  });

  it('refuses a file that is no bank format', async () => {
    expect(await issueOf(collect(parseBankFile(chunksOf(Buffer.from('<html><body>hello</body></html>')))))).toBe(
      'unknown_format',
    );
  });
});

describe('encodings', () => {
  it('detects Windows-1252 (so "Café" and "€" survive), UTF-16LE by its BOM, and UTF-8 with a BOM', () => {
    expect(detectEncoding(readFileSync(fixturePath('de-girokonto-windows-1252.csv')))).toBe('windows-1252');
    expect(detectEncoding(readFileSync(fixturePath('us-checking-utf-16le.txt')))).toBe('utf-16le');
    expect(detectEncoding(readFileSync(fixturePath('card-multicurrency-bom.csv')))).toBe('utf-8');
    expect(detectEncoding(readFileSync(fixturePath('checking-ofx-1.02-sgml.ofx')))).toBe('windows-1252');
  });

  it('decodes UTF-16BE with a BOM and UTF-8 split inside a character, dropping the BOM', async () => {
    const text = 'Datum;Betrag\n01.02.2026;–12,50 € Straße\n';
    expect(await decodeAll(iconv.encode(text, 'utf-16be', { addBOM: true }))).toEqual({ encoding: 'utf-16be', text });
    expect(await decodeAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
      encoding: 'utf-8',
      text,
    });
  });

  it('honours a declared ISO-8859-1, and decodes a detected one as Windows-1252', async () => {
    const bytes = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]); // "Café " and 0x80
    expect(await decodeAll(bytes, 'iso-8859-1')).toEqual({ encoding: 'iso-8859-1', text: 'Café \u0080' });
    expect((await decodeAll(bytes)).text).toBe('Café €');
  });

  it('refuses an encoding it cannot decode instead of guessing', async () => {
    const japanese = iconv.encode(
      '日付,金額,摘要\n2026/01/05,-1200,コンビニエンスストア 東京駅前店\n2026/01/06,-980,ラーメン屋 渋谷\n',
      'shift_jis',
    );
    expect(
      await issueOf(
        collect(
          parseBankFile(chunksOf(japanese), {
            format: 'csv',
            profile: { date: { column: 0 }, amount: { kind: 'signed', column: 1 }, currency: { default: 'JPY' } },
          }),
        ),
      ),
    ).toBe('unsupported_encoding');
  });
});

describe('limits and streaming', () => {
  it('stops a file past maxBytes, and one past maxRows after yielding maxRows rows', async () => {
    const options: ParseBankFileOptions = { currency: 'USD' };
    expect(await issueOf(parseFixture('quicken-checking-us.qif', { ...options, limits: { maxBytes: 100 } }))).toBe(
      'file_too_large',
    );
    const seen: string[] = [];
    const rows = parseBankFile(chunksOf(readFileSync(fixturePath('quicken-checking-us.qif'))), {
      ...options,
      limits: { maxRows: 3 },
    });
    const outcome = await (async () => {
      for await (const row of rows) seen.push(row.kind);
    })().then(
      () => 'finished',
      (error: unknown) => (isTrackerError(error) ? error.issues[0]?.code : String(error)),
    );
    expect([outcome, seen]).toEqual(['too_many_rows', ['skipped', 'row', 'row']]);
  });

  it('yields the same rows whether the bytes come one at a time or all at once', async () => {
    for (const name of [...STATEMENTS, 'quicken-checking-us.qif', 'de-girokonto-windows-1252.csv']) {
      const bytes = readFileSync(fixturePath(name));
      const options: ParseBankFileOptions = {
        currency: 'USD',
        profile: {
          delimiter: ';',
          skipRows: 4,
          date: { column: 0 },
          amount: { kind: 'debitCredit', debit: 'Soll', credit: 'Haben' },
          decimalSeparator: ',',
          currency: { column: 'Währung' },
        },
      };
      const whole = await collect(parseBankFile(chunksOf(bytes, bytes.length), options));
      const single = await collect(parseBankFile(chunksOf(bytes, 1), options));
      expect([name, single]).toEqual([name, whole]);
      expect(whole.filter((row) => row.kind === 'row').length).toBeGreaterThan(2);
    }
  });
});
