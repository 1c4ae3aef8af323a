import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import { parseBankFile } from '../src/imports/index.js';
import { chunksOf, collect, parseFixture } from './support/import-files.js';

describe('CAMT.053', () => {
  it('reads booked entries of two statements in two currencies, one row per TxDtls, skipping the pending entry', async () => {
    const rows = await parseFixture('camt053-two-accounts.xml');
    const eur = { kind: 'row', currency: 'EUR', status: 'booked', account: 'DE89370400440532013000' } as const;
    expect(rows).toEqual([
      {
        ...eur,
        line: 40,
        date: '2026-02-02',
        amountMinor: 4290n,
        direction: 'debit',
        description: 'REWE SAGT DANKE 43219876 KARTE 1234 2026-02-01',
        merchant: 'REWE Markt GmbH',
        originalText: 'REWE SAGT DANKE 43219876 KARTE 1234 2026-02-01 Kartenzahlung',
        externalId: '2026020200012345',
      },
      // A batch of two direct debits: two rows, each with its own amount and an id of its own.
      {
        ...eur,
        line: 60,
        date: '2026-02-03',
        amountMinor: 10000n,
        direction: 'debit',
        description: 'Beitrag Hausrat 02/2026',
        merchant: 'Allianz Versicherungs-AG',
        originalText: 'Beitrag Hausrat 02/2026 SEPA-Sammellastschrift',
        externalId: 'BATCH-0203/1',
      },
      {
        ...eur,
        line: 66,
        date: '2026-02-03',
        amountMinor: 5000n,
        direction: 'debit',
        description: 'Rechnung Februar 2026',
        merchant: 'Telekom Deutschland GmbH',
        originalText: 'Rechnung Februar 2026 SEPA-Sammellastschrift',
        externalId: 'BATCH-0203/2',
      },
      // 1234.56 is exact, and the detail's own AcctSvcrRef wins over the entry's.
      {
        ...eur,
        line: 83,
        date: '2026-02-27',
        amountMinor: 123456n,
        direction: 'credit',
        description: 'Gehalt Februar 2026',
        merchant: 'Muster AG',
        originalText: 'Gehalt Februar 2026',
        externalId: 'SAL-2026-02-0007',
      },
      // A reversal of a card payment: money came back, as its CRDT says; its date is a DtTm.
      {
        ...eur,
        line: 90,
        date: '2026-02-28',
        amountMinor: 4290n,
        direction: 'credit',
        description: 'Storno Kartenzahlung REWE',
        merchant: null,
        originalText: 'Storno Kartenzahlung REWE',
        externalId: '2026022800011111',
      },
      {
        kind: 'skipped',
        line: 100,
        code: 'not_booked',
        reason: 'A pending entry, not a booked statement line',
        originalText: 'NETFLIX.COM vorgemerkt',
      },
      // The second statement: a USD account without an IBAN; NtryRef 000123 keeps its zeros.
      {
        kind: 'row',
        currency: 'USD',
        status: 'booked',
        account: '0532013999',
        line: 128,
        date: '2026-02-10',
        amountMinor: 7525n,
        direction: 'debit',
        description: 'Booking 7731 NYC',
        merchant: 'Hotel Pennsylvania & Suites',
        originalText: 'Booking 7731   NYC',
        externalId: '000123',
      },
      expect.objectContaining({
        kind: 'invalid',
        line: 138,
        code: 'invalid_amount',
        reason: '"12,50" is not an amount written like 1234.56',
      }),
    ]);
  });

  it('reads a namespace-prefixed camt.053.001.02 entry whose status is a plain code', async () => {
    const xml = `<?xml version="1.0"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><ns2:BkToCstmrStmt><ns2:Stmt>
<ns2:Acct><ns2:Id><ns2:IBAN>CH9300762011623852957</ns2:IBAN></ns2:Id></ns2:Acct>
<ns2:Ntry><ns2:Amt Ccy="CHF">1200.00</ns2:Amt><ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd><ns2:Sts>BOOK</ns2:Sts>
<ns2:BookgDt><ns2:Dt>2026-04-01</ns2:Dt></ns2:BookgDt><ns2:AcctSvcrRef>ZKB-1</ns2:AcctSvcrRef></ns2:Ntry>
</ns2:Stmt></ns2:BkToCstmrStmt></ns2:Document>`;
    const rows = await collect(parseBankFile(chunksOf(Buffer.from(xml), 3)));
    expect(rows).toEqual([
      {
        kind: 'row',
        line: 4,
        date: '2026-04-01',
        amountMinor: 120000n,
        direction: 'debit',
        currency: 'CHF',
        description: '',
        merchant: null,
        originalText: '',
        externalId: 'ZKB-1',
        status: 'booked',
        account: 'CH9300762011623852957',
      },
    ]);
  });
});

describe('OFX and QFX', () => {
  it('reads OFX 1.02 SGML in Windows-1252: unclosed tags, a bare &, a bad date as an invalid row', async () => {
    const rows = await parseFixture('checking-ofx-1.02-sgml.ofx');
    const usd = { kind: 'row', currency: 'USD', status: 'booked', account: '000012345678' } as const;
    expect(rows).toEqual([
      {
        ...usd,
        line: 39,
        date: '2026-01-03',
        amountMinor: 5423n,
        direction: 'debit',
        description: 'POS PURCHASE Café latte',
        merchant: 'M&S FOODHALL #221',
        originalText: 'M&S FOODHALL #221 POS PURCHASE Café latte',
        externalId: '202601030001',
      },
      {
        ...usd,
        line: 47,
        date: '2026-01-15',
        amountMinor: 250000n,
        direction: 'credit',
        description: 'ACME CORP PAYROLL',
        merchant: 'ACME CORP PAYROLL',
        originalText: 'ACME CORP PAYROLL',
        externalId: '202601150002',
      },
      {
        ...usd,
        line: 54,
        date: '2026-01-20',
        amountMinor: 120000n,
        direction: 'debit',
        description: 'Rent January',
        merchant: 'CHECK 1043',
        originalText: 'CHECK 1043 Rent January',
        externalId: '202601200003',
      },
      expect.objectContaining({ kind: 'invalid', line: 63, code: 'invalid_date', reason: '"2026013" is not a date' }),
    ]);
  });

  it('reads an OFX 2.2 credit-card statement: FITID 000123 stays a string, CURRENCY overrides CURDEF, 24,99 is read', async () => {
    const rows = await parseFixture('card-ofx-2.2.qfx');
    const card = { kind: 'row', status: 'booked', account: '4111XXXXXXXX1111' } as const;
    expect(rows).toEqual([
      {
        ...card,
        line: 22,
        date: '2026-02-04',
        amountMinor: 1250n,
        direction: 'debit',
        currency: 'EUR',
        description: 'ICE 597 Berlin - Muenchen',
        merchant: 'Deutsche Bahn',
        originalText: 'Deutsche Bahn ICE 597 Berlin - Muenchen',
        externalId: '000123',
      },
      {
        ...card,
        line: 31,
        date: '2026-02-10',
        amountMinor: 8900n,
        direction: 'debit',
        currency: 'USD',
        description: 'Amazon Marketplace',
        merchant: 'Amazon Marketplace',
        originalText: 'Amazon Marketplace',
        externalId: '000124',
      },
      {
        ...card,
        line: 39,
        date: '2026-02-15',
        amountMinor: 2499n,
        direction: 'credit',
        currency: 'EUR',
        description: 'Zalando SE Erstattung',
        merchant: 'Zalando SE Erstattung',
        originalText: 'Zalando SE Erstattung',
        externalId: '000125',
      },
      expect.objectContaining({ kind: 'invalid', line: 46, code: 'invalid_date', reason: '"20260231" is not a date' }),
    ]);
  });

  it('reports a transaction cut off by the end of the file as invalid', async () => {
    const ofx =
      '<OFX><STMTRS><CURDEF>GBP</CURDEF><STMTTRN><TRNAMT>-1.00</TRNAMT><DTPOSTED>20260101</DTPOSTED><FITID>1</FITID></STMTTRN>\n<STMTTRN><TRNAMT>-2.00';
    const rows = await collect(parseBankFile(chunksOf(Buffer.from(ofx))));
    expect(rows.map((row) => [row.kind, row.line, row.kind === 'row' ? row.amountMinor : row.code])).toEqual([
      ['row', 1, 100n],
      ['invalid', 2, 'malformed_record'],
    ]);
  });
});

describe('QIF', () => {
  it("reads a US Quicken export: padded D 1/ 3'26 dates, the opening balance skipped, splits summed in T, a bad amount", async () => {
    const rows = await parseFixture('quicken-checking-us.qif', { currency: 'USD' });
    const usd = {
      kind: 'row',
      currency: 'USD',
      status: 'booked',
      account: 'Everyday Checking',
      externalId: null,
    } as const;
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'skipped', line: 6, code: 'balance_line' }),
      {
        ...usd,
        line: 12,
        date: '2026-01-03',
        amountMinor: 4567n,
        direction: 'debit',
        description: 'Groceries & household',
        merchant: 'SAFEWAY #1234',
        originalText: 'SAFEWAY #1234 Groceries & household',
      },
      {
        ...usd,
        line: 20,
        date: '2026-01-15',
        amountMinor: 210000n,
        direction: 'credit',
        description: 'Paycheck',
        merchant: 'ACME CORP',
        originalText: 'ACME CORP Paycheck',
      },
      {
        ...usd,
        line: 26,
        date: '2026-01-17',
        amountMinor: 123456n,
        direction: 'debit',
        description: 'Rent',
        merchant: 'CITY APARTMENTS',
        originalText: 'CITY APARTMENTS Rent',
      },
      expect.objectContaining({ kind: 'invalid', line: 35, code: 'invalid_amount' }),
      {
        ...usd,
        line: 39,
        date: '2026-01-22',
        amountMinor: 999n,
        direction: 'debit',
        description: 'SPOTIFY',
        merchant: 'SPOTIFY',
        originalText: 'SPOTIFY',
      },
    ]);
  });

  it('needs a currency, and refuses dates that are all ambiguous unless told the order', async () => {
    const needs = await parseFixture('quicken-checking-us.qif').then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTrackerError(needs, 'VALIDATION_FAILED') && needs.issues[0]?.code).toBe('currency_required');
    const qif = '!Type:CCard\nD03/04/2026\nT-5.00\nPKIOSK\n^\n';
    const ambiguous = await collect(parseBankFile(chunksOf(Buffer.from(qif)), { currency: 'GBP' })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTrackerError(ambiguous, 'VALIDATION_FAILED') && ambiguous.issues[0]?.code).toBe('ambiguous_date_format');
    const rows = await collect(parseBankFile(chunksOf(Buffer.from(qif)), { currency: 'GBP', dateOrder: 'DMY' }));
    expect(rows.map((row) => row.kind === 'row' && row.date)).toEqual(['2026-04-03']);
  });
});
