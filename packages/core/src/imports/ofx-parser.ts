/**
 * OFX and QFX statements: 1.x (SGML, leaf elements without close tags) and 2.x (XML). Both are
 * cut into `STMTTRN` records (see xml-records.ts), each closed into XML and parsed by
 * `fast-xml-parser`.
 */
import { isCurrencyCode } from '../currencies.js';
import { readAmount } from './amount-text.js';
import { type BankRow, collapseWhitespace, invalidRow, type ParsedBankRow } from './bank-row.js';
import { readCompactOrIsoDate } from './date-text.js';
import { RowProblem, toRowProblem } from './row-problem.js';
import { cutXml } from './xml-records.js';
import { child, parseXmlRecord, text, type XmlNode } from './xml-fields.js';

/**
 * Reads an OFX/QFX statement, yielding a row per `STMTTRN` of every bank or credit-card
 * statement in the file. The amount's sign says the direction (as the OFX spec has it;
 * `TRNTYPE` is descriptive); the currency is the transaction's `CURRENCY` or the statement's
 * `CURDEF`; the external id is `FITID`; the account is `ACCTID`.
 */
export async function* parseOfx(source: AsyncIterable<string>): AsyncGenerator<ParsedBankRow> {
  let currency = '';
  let account: string | null = null;
  const pieces = cutXml(source, {
    elements: ['BANKACCTFROM', 'CCACCTFROM', 'STMTTRN'],
    opens: ['STMTRS', 'CCSTMTRS'],
    leaves: ['CURDEF'],
  });
  for await (const piece of pieces) {
    if (piece.kind === 'open') [currency, account] = ['', null];
    else if (piece.kind === 'leaf') currency = piece.text.trim().toUpperCase();
    else if (piece.name !== 'STMTTRN') account = readAccount(piece.text) ?? account;
    else if (piece.unclosed)
      yield invalidRow(piece.line, 'malformed_record', 'The file ends inside this transaction', piece.text);
    else yield readTransaction(piece.text, piece.line, currency, account);
  }
}

function readAccount(sgml: string): string | null {
  try {
    const node = parseXmlRecord(closeSgml(sgml));
    const id = text(child(node, 'BANKACCTFROM') ?? child(node, 'CCACCTFROM'), 'ACCTID');
    return id || null;
  } catch {
    return null;
  }
}

function readTransaction(sgml: string, line: number, statementCurrency: string, account: string | null): ParsedBankRow {
  try {
    const node = child(parseXmlRecord(closeSgml(sgml)), 'STMTTRN');
    const amountText = text(node, 'TRNAMT');
    const posted = text(node, 'DTPOSTED');
    if (!amountText) throw new RowProblem('missing_field', 'The transaction has no TRNAMT');
    if (!posted) throw new RowProblem('missing_field', 'The transaction has no DTPOSTED');
    const currency = (text(node, 'CURRENCY', 'CURSYM') || statementCurrency).toUpperCase();
    if (!currency)
      throw new RowProblem('missing_field', 'Neither the statement (CURDEF) nor the transaction gives a currency');
    if (!isCurrencyCode(currency))
      throw new RowProblem('unknown_currency', `${JSON.stringify(currency)} is not an ISO 4217 currency code`);
    // The OFX spec writes decimals with `.`, but some European banks write `-12,50`.
    const decimalSeparator = amountText.includes(',') && !amountText.includes('.') ? ',' : '.';
    const { minor, negative } = readAmount(amountText, { decimalSeparator, thousandsSeparator: '' }, currency);
    if (minor === 0n) throw new RowProblem('zero_amount', 'The amount is zero, so the line moves no money');
    return toRow(node, { line, date: readCompactOrIsoDate(posted), minor, negative, currency, account });
  } catch (error) {
    const problem = toRowProblem(error);
    return invalidRow(line, problem.code, problem.message, sgml);
  }
}

interface Facts {
  line: number;
  date: string;
  minor: bigint;
  negative: boolean;
  currency: string;
  account: string | null;
}

function toRow(node: XmlNode | undefined, facts: Facts): BankRow {
  const name = text(node, 'NAME') || text(node, 'PAYEE', 'NAME');
  const memo = text(node, 'MEMO');
  return {
    kind: 'row',
    line: facts.line,
    date: facts.date,
    amountMinor: facts.minor,
    direction: facts.negative ? 'debit' : 'credit',
    currency: facts.currency,
    description: collapseWhitespace(memo || name),
    merchant: collapseWhitespace(name) || null,
    originalText: [name, memo].filter(Boolean).join(' '),
    externalId: text(node, 'FITID') || null,
    status: 'booked',
    account: facts.account,
  };
}

const TAG = /<(\/?)([A-Za-z0-9.]+)>([^<]*)/g;
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;

/**
 * OFX 1.x SGML → XML: a leaf element (`<TRNAMT>-12.50`) gets its close tag, and a bare `&`
 * (`<NAME>M&S`, valid SGML) becomes `&amp;`. OFX 2.x, already XML, passes unchanged.
 */
export function closeSgml(sgml: string): string {
  const tokens = [...sgml.matchAll(TAG)];
  let xml = '';
  tokens.forEach((token, index) => {
    const [, slash, name, after = ''] = token;
    const value = after.trim().replace(BARE_AMPERSAND, '&amp;');
    const next = tokens[index + 1];
    const closedNext = next?.[1] === '/' && next[2] === name;
    if (slash) xml += `</${name}>`;
    else if (value && !closedNext) xml += `<${name}>${value}</${name}>`;
    else xml += `<${name}>${value}`;
  });
  return xml;
}
