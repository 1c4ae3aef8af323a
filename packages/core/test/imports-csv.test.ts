import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import { parseBankFile, type CsvProfileInput, type ParsedBankRow } from '../src/imports/index.js';
import { chunksOf, collect, parseFixture } from './support/import-files.js';

/** A German Girokonto export: preamble, `;`, Windows-1252, `1.234,56`, Soll/Haben columns. */
const GIROKONTO: CsvProfileInput = {
  delimiter: ';',
  skipRows: 4,
  date: { column: 'Buchungstag', format: 'DMY' },
  amount: { kind: 'debitCredit', debit: 'Soll', credit: 'Haben' },
  decimalSeparator: ',',
  currency: { column: 'Währung' },
  description: ['Buchungstext', 'Verwendungszweck'],
  merchant: 'Auftraggeber / Empfänger',
  externalId: 'Kundenreferenz',
};

const CARD: CsvProfileInput = {
  date: { column: 'Date' },
  amount: { kind: 'signed', column: 'Amount' },
  currency: { column: 'Currency' },
  description: 'Description',
  merchant: 'Merchant',
  externalId: 'Transaction ID',
  account: 'Account',
  status: { column: 'Status', pendingValues: ['Pending'] },
};

const base = { status: 'booked', account: null } as const;

/** Parses CSV text given inline (UTF-8). */
function parseText(text: string, profile: CsvProfileInput): Promise<ParsedBankRow[]> {
  return collect(parseBankFile(chunksOf(Buffer.from(text, 'utf8'), 5), { format: 'csv', profile }));
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isTrackerError(error, 'VALIDATION_FAILED'))
    throw new Error(`expected a VALIDATION_FAILED TrackerError, got ${String(error)}`);
  return { code: error.issues[0]?.code ?? '', message: error.message };
}

describe('CSV with a mapping profile', () => {
  it('reads a German Windows-1252 export: 1.234,56, Soll/Haben, umlauts and €, balance lines skipped', async () => {
    const rows = await parseFixture('de-girokonto-windows-1252.csv', { profile: GIROKONTO });
    const de = { ...base, currency: 'EUR' };
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'skipped', line: 6, code: 'balance_line' }),
      {
        ...de,
        kind: 'row',
        line: 7,
        date: '2026-01-02',
        amountMinor: 450n,
        direction: 'debit',
        description: 'Kartenzahlung Kaffee & Kuchen Straße 5',
        merchant: 'Café Müller GmbH',
        originalText: 'Kartenzahlung Kaffee & Kuchen Straße 5',
        externalId: 'KR20260102A',
      },
      {
        ...de,
        kind: 'row',
        line: 8,
        date: '2026-01-05',
        amountMinor: 123456n,
        direction: 'debit',
        description: 'Lastschrift Abschlag Strom Jan. 2026 Vertrag 778812',
        merchant: 'Stadtwerke Köln',
        originalText: 'Lastschrift Abschlag Strom Jan. 2026 Vertrag 778812',
        externalId: 'KR20260105B',
      },
      {
        ...de,
        kind: 'row',
        line: 9,
        date: '2026-01-15',
        amountMinor: 285000n,
        direction: 'credit',
        description: 'Gehalt/Rente Lohn/Gehalt 01/2026',
        merchant: 'Muster AG',
        originalText: 'Gehalt/Rente Lohn/Gehalt 01/2026',
        externalId: 'KR20260115C',
      },
      {
        ...de,
        kind: 'row',
        line: 10,
        date: '2026-01-20',
        amountMinor: 1299n,
        direction: 'credit',
        description: 'Gutschrift Rückerstattung Bestellung 4711 – Teilbetrag',
        merchant: 'Bäckerei Größ',
        originalText: 'Gutschrift Rückerstattung Bestellung 4711 – Teilbetrag',
        externalId: 'KR20260120D',
      },
      {
        ...de,
        kind: 'row',
        line: 11,
        date: '2026-01-22',
        amountMinor: 200n,
        direction: 'debit',
        description: 'Entgelt Kontoführung Januar 2,00 €',
        merchant: 'Gebühren',
        originalText: 'Entgelt Kontoführung Januar 2,00 €',
        externalId: 'KR20260122E',
      },
      expect.objectContaining({
        kind: 'invalid',
        line: 12,
        code: 'invalid_amount',
        reason: '"-12,5O" is not an amount written like 1.234,56',
      }),
      expect.objectContaining({
        kind: 'skipped',
        line: 13,
        code: 'balance_line',
        reason: 'A balance line ("Endsaldo"), not a transaction',
      }),
    ]);
  });

  it('reads a UTF-16LE tab-separated export and infers month-first dates from 01/14/2026', async () => {
    const rows = await parseFixture('us-checking-utf-16le.txt', {
      profile: {
        delimiter: '\t',
        date: { column: 'Posting Date' },
        amount: { kind: 'signed', column: 'Amount' },
        currency: { default: 'USD' },
        description: 'Description',
        merchant: 'Payee',
        externalId: 'Reference',
      },
    });
    const us = { ...base, kind: 'row', currency: 'USD' } as const;
    expect(rows).toEqual([
      {
        ...us,
        line: 2,
        date: '2026-01-02',
        amountMinor: 8417n,
        direction: 'debit',
        description: 'DEBIT CARD PURCHASE',
        merchant: 'WHOLE FOODS #10234',
        originalText: 'DEBIT CARD PURCHASE',
        externalId: '2026010200001',
      },
      {
        ...us,
        line: 3,
        date: '2026-01-05',
        amountMinor: 185000n,
        direction: 'debit',
        description: 'ONLINE TRANSFER',
        merchant: 'RENT - UNIT 4B',
        originalText: 'ONLINE TRANSFER',
        externalId: '2026010500002',
      },
      {
        ...us,
        line: 4,
        date: '2026-01-14',
        amountMinor: 250000n,
        direction: 'credit',
        description: 'ACH CREDIT PAYROLL',
        merchant: 'ACME CORP',
        originalText: 'ACH CREDIT PAYROLL',
        externalId: '2026011400003',
      },
      {
        ...us,
        line: 5,
        date: '2026-01-15',
        amountMinor: 1999n,
        direction: 'credit',
        description: 'RETURN CREDIT',
        merchant: 'TARGET T-1234',
        originalText: 'RETURN CREDIT',
        externalId: '2026011500004',
      },
      {
        ...us,
        line: 6,
        date: '2026-01-16',
        amountMinor: 12000n,
        direction: 'debit',
        description: 'CHECK 1042',
        merchant: null,
        originalText: 'CHECK 1042',
        externalId: '2026011600005',
      },
      {
        ...us,
        line: 7,
        date: '2026-01-20',
        amountMinor: 2340n,
        direction: 'debit',
        description: 'NAÏVE CAFÉ — BRUNCH',
        merchant: 'NAÏVE CAFÉ',
        originalText: 'NAÏVE CAFÉ — BRUNCH',
        externalId: '2026012000006',
      },
    ]);
  });

  it('reads a multi-currency card export with a BOM: per-row currency, pending rows, and a bad line per problem', async () => {
    const rows = await parseFixture('card-multicurrency-bom.csv', { profile: CARD });
    const card = { kind: 'row', status: 'booked', account: 'GB33BUKB20201555555555' } as const;
    expect(rows).toEqual([
      {
        ...card,
        line: 2,
        date: '2026-03-01',
        amountMinor: 1840n,
        direction: 'debit',
        currency: 'EUR',
        description: 'Uber trip, Berlin',
        merchant: 'Uber',
        originalText: 'Uber trip, Berlin',
        externalId: 'tx_0001',
      },
      {
        ...card,
        line: 3,
        date: '2026-03-02',
        amountMinor: 1599n,
        direction: 'credit',
        currency: 'GBP',
        description: 'Refund: "USB-C cable"',
        merchant: 'Amazon',
        originalText: 'Refund: "USB-C cable"',
        externalId: 'tx_0002',
      },
      {
        ...card,
        line: 4,
        date: '2026-03-03',
        amountMinor: 2400n,
        direction: 'debit',
        currency: 'JPY',
        description: 'Dinner',
        merchant: 'Tokyo Ramen',
        originalText: 'Dinner',
        externalId: 'tx_0003',
        status: 'pending',
      },
      expect.objectContaining({ kind: 'invalid', line: 5, code: 'invalid_amount' }),
      {
        ...card,
        line: 6,
        date: '2026-03-05',
        amountMinor: 12345n,
        direction: 'debit',
        currency: 'KWD',
        description: 'Ticket change fee',
        merchant: 'Kuwait Airways',
        originalText: 'Ticket change fee',
        externalId: 'tx_0005',
      },
      expect.objectContaining({ kind: 'invalid', line: 7, code: 'unknown_currency' }),
      expect.objectContaining({
        kind: 'invalid',
        line: 8,
        code: 'too_many_decimals',
        reason: '3.999 has 3 decimals but GBP allows 2',
      }),
      // Line 9 is a row of empty cells: it yields nothing.
      expect.objectContaining({ kind: 'invalid', line: 10, code: 'zero_amount' }),
    ]);
  });

  it('refuses a date column whose every day is ≤ 12, and reads it as the profile says', async () => {
    const profile = {
      date: { column: 'date' },
      amount: { kind: 'signed', column: 'amount' },
      currency: { default: 'EUR' },
    } as const;
    const refused = await refusal(parseFixture('ambiguous-dates.csv', { profile }));
    expect(refused.code).toBe('ambiguous_date_format');
    const dayFirst = await parseFixture('ambiguous-dates.csv', {
      profile: { ...profile, date: { column: 'date', format: 'DMY' } },
    });
    const monthFirst = await parseFixture('ambiguous-dates.csv', {
      profile: { ...profile, date: { column: 'date', format: 'MDY' } },
    });
    expect(dayFirst.map((row) => row.kind === 'row' && row.date)).toEqual(['2026-04-03', '2026-06-05', '2026-12-11']);
    expect(monthFirst.map((row) => row.kind === 'row' && row.date)).toEqual(['2026-03-04', '2026-05-06', '2026-11-12']);
  });

  it('reads (12.00), 12.00-, -12.00, 12.00 DR and a sign column', async () => {
    const signed = await parseText(
      'd,a\n2026-01-01,(12.00)\n2026-01-02,12.00-\n2026-01-03,-12.00\n2026-01-04,12.00 DR\n2026-01-05,12.00 CR\n2026-01-06,"1,234.56"\n',
      {
        date: { column: 'd' },
        amount: { kind: 'signed', column: 'a' },
        currency: { default: 'USD' },
      },
    );
    expect(signed.map((row) => row.kind === 'row' && [row.direction, row.amountMinor])).toEqual([
      ['debit', 1200n],
      ['debit', 1200n],
      ['debit', 1200n],
      ['debit', 1200n],
      ['credit', 1200n],
      ['credit', 123456n],
    ]);
    const bySign = await parseText('Datum;Betrag;S/H\n01.02.2026;1.234,56;S\n02.02.2026;10,00;H\n03.02.2026;5,00;X\n', {
      delimiter: ';',
      date: { column: 'Datum', format: 'DMY' },
      amount: { kind: 'signColumn', column: 'Betrag', sign: 'S/H' },
      decimalSeparator: ',',
      currency: { default: 'EUR' },
    });
    expect(bySign.map((row) => (row.kind === 'row' ? [row.direction, row.amountMinor] : row.code))).toEqual([
      ['debit', 123456n],
      ['credit', 1000n],
      'invalid_amount',
    ]);
  });

  it('keeps reading after a broken record; an unclosed quote at the end is one invalid row', async () => {
    const rows = await parseText(
      'd,t,a\n2026-01-01,ok,-1.00\n2026-01-02,plain,-2.00\n2026-13-01,month 13,-3.00\n2026-01-04,"fine, quoted",-4.00\n2026-01-05,"never closed,-5.00\n',
      {
        date: { column: 'd' },
        amount: { kind: 'signed', column: 'a' },
        currency: { default: 'USD' },
        description: 't',
      },
    );
    expect(rows.map((row) => [row.kind, row.line, row.kind === 'row' ? row.description : row.code])).toEqual([
      ['row', 2, 'ok'],
      ['row', 3, 'plain'],
      ['invalid', 4, 'invalid_date'],
      ['row', 5, 'fine, quoted'],
      ['invalid', 6, 'malformed_record'],
    ]);
  });

  it('refuses a profile naming a column the header lacks, before any row', async () => {
    const refused = await refusal(
      parseText('Date,Amount\n2026-01-01,1.00\n', {
        date: { column: 'Datum' },
        amount: { kind: 'signed', column: 'Amount' },
        currency: { default: 'USD' },
      }),
    );
    expect(refused).toEqual({
      code: 'missing_column',
      message: 'The CSV header has no column "Datum"; it has "Date", "Amount"',
    });
  });

  it('refuses a CSV file without a profile, and a profile that is invalid', async () => {
    expect((await refusal(collect(parseBankFile(chunksOf(Buffer.from('a,b\n1,2\n')), { format: 'csv' })))).code).toBe(
      'profile_required',
    );
    const bad: CsvProfileInput = { date: { column: 'd' }, amount: { kind: 'signed', column: 'a' }, currency: {} };
    expect(await refusal(parseText('d,a\n', bad))).toEqual({
      code: 'invalid_profile',
      message: 'The CSV profile is invalid: currency: Give a currency column or a default currency',
    });
  });
});
