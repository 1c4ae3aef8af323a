/**
 * ISO 20022 CAMT.053 bank-to-customer statements (versions .001.02 to .001.13): one row per
 * transaction detail (`TxDtls`) of each booked entry (`Ntry`), so a batch booking of three
 * direct debits is three rows. Balances (`Bal`, the opening and closing balance) are not
 * entries and yield nothing.
 */
import { isCurrencyCode } from '../currencies.js';
import { readAmount } from './amount-text.js';
import {
  type BankDirection,
  type BankRow,
  collapseWhitespace,
  invalidRow,
  type ParsedBankRow,
  skippedRow,
} from './bank-row.js';
import { readCompactOrIsoDate } from './date-text.js';
import { RowProblem, toRowProblem } from './row-problem.js';
import { attribute, child, children, parseXmlRecord, text, type XmlNode } from './xml-fields.js';
import { cutXml } from './xml-records.js';

/** What an entry's rows share with the statement around it. */
interface Statement {
  account: string | null;
  currency: string;
}

/**
 * Reads a CAMT.053 file. Entries that are pending (`PDNG`) or informational (`INFO`) are
 * skipped with a reason: a statement's booked entries are its lines, and the bank sends a
 * pending one again once booked. A reversal (`RvslInd`) keeps the direction its
 * `CdtDbtInd` states: ISO 20022 writes the way the reversal's own money moved.
 */
export async function* parseCamt053(source: AsyncIterable<string>): AsyncGenerator<ParsedBankRow> {
  let statement: Statement = { account: null, currency: '' };
  for await (const piece of cutXml(source, { elements: ['Acct', 'Ntry'], opens: ['Stmt'] })) {
    if (piece.kind === 'open') statement = { account: null, currency: '' };
    else if (piece.name === 'Acct') statement = readAccount(piece.text) ?? statement;
    else if (piece.unclosed)
      yield invalidRow(piece.line, 'malformed_record', 'The file ends inside this entry', piece.text);
    else yield* readEntry(piece.text, piece.line, statement);
  }
}

function readAccount(xml: string): Statement | null {
  try {
    const account = child(parseXmlRecord(xml), 'Acct');
    const id = text(account, 'Id', 'IBAN') || text(account, 'Id', 'Othr', 'Id');
    return { account: id || null, currency: text(account, 'Ccy').toUpperCase() };
  } catch {
    return null;
  }
}

function readEntry(xml: string, line: number, statement: Statement): ParsedBankRow[] {
  let entry: XmlNode | undefined;
  try {
    entry = child(parseXmlRecord(xml), 'Ntry');
  } catch (error) {
    const problem = toRowProblem(error);
    return [invalidRow(line, problem.code, problem.message, xml)];
  }
  const status = (text(entry, 'Sts', 'Cd') || text(entry, 'Sts')).toUpperCase();
  if (status !== 'BOOK') {
    const reason = `A ${status === 'PDNG' ? 'pending' : status || 'status-less'} entry, not a booked statement line`;
    return [skippedRow(line, 'not_booked', reason, entryText(entry).join(' '))];
  }
  const details = children(entry, 'NtryDtls').flatMap((group) => children(group, 'TxDtls'));
  const lines = detailLines(xml, line);
  const parts = details.length > 0 ? details : [undefined];
  return parts.map((detail, index) => {
    const at = lines[index] ?? line;
    try {
      return readDetail(entry, detail, index, parts.length, at, statement);
    } catch (error) {
      const problem = toRowProblem(error);
      return invalidRow(at, problem.code, problem.message, xml);
    }
  });
}

function readDetail(
  entry: XmlNode | undefined,
  detail: XmlNode | undefined,
  index: number,
  count: number,
  line: number,
  statement: Statement,
): BankRow {
  const amountNode =
    child(detail, 'Amt') ?? child(detail, 'AmtDtls', 'TxAmt', 'Amt') ?? (count === 1 ? child(entry, 'Amt') : undefined);
  const amountText = text(amountNode);
  if (!amountText)
    throw new RowProblem('missing_field', 'The transaction detail has no amount of its own in a batch entry');
  const currency = (attribute(amountNode, 'Ccy') || statement.currency).toUpperCase();
  if (!isCurrencyCode(currency))
    throw new RowProblem('unknown_currency', `${JSON.stringify(currency)} is not an ISO 4217 currency code`);
  const { minor } = readAmount(amountText, { decimalSeparator: '.', thousandsSeparator: '' }, currency);
  if (minor === 0n) throw new RowProblem('zero_amount', 'The amount is zero, so the line moves no money');
  const booked = text(entry, 'BookgDt', 'Dt') || text(entry, 'BookgDt', 'DtTm');
  if (!booked) throw new RowProblem('missing_field', 'The entry has no booking date');
  const direction = readDirection(entry, detail);
  const texts = [...detailText(detail), ...entryText(entry)];
  return {
    kind: 'row',
    line,
    date: readCompactOrIsoDate(booked),
    amountMinor: minor,
    direction,
    currency,
    description: collapseWhitespace(texts[0] ?? ''),
    merchant: counterparty(detail, direction),
    originalText: texts.join(' '),
    externalId: externalId(entry, detail, index, count),
    status: 'booked',
    account: statement.account,
  };
}

function readDirection(entry: XmlNode | undefined, detail: XmlNode | undefined): BankDirection {
  const indicator = (text(detail, 'CdtDbtInd') || text(entry, 'CdtDbtInd')).toUpperCase();
  if (indicator !== 'DBIT' && indicator !== 'CRDT')
    throw new RowProblem('missing_field', 'The entry has no CdtDbtInd (CRDT or DBIT)');
  // A reversal's indicator is already the way its own money moved (ISO 20022: CRDT with
  // RvslInd means the original was a debit), so it is not flipped again.
  return indicator === 'DBIT' ? 'debit' : 'credit';
}

/** The other party: who was paid on a debit, who paid on a credit. */
function counterparty(detail: XmlNode | undefined, direction: BankDirection): string | null {
  const parties = child(detail, 'RltdPties');
  const [party, ultimate] = direction === 'debit' ? ['Cdtr', 'UltmtCdtr'] : ['Dbtr', 'UltmtDbtr'];
  const name =
    text(parties, party, 'Nm') ||
    text(parties, party, 'Pty', 'Nm') ||
    text(parties, ultimate, 'Nm') ||
    text(parties, ultimate, 'Pty', 'Nm');
  return collapseWhitespace(name) || null;
}

/**
 * The bank's reference of the detail, else the entry's (with the detail's position when an
 * entry has several, so each row's id is its own), else the end-to-end id the payer set.
 */
function externalId(
  entry: XmlNode | undefined,
  detail: XmlNode | undefined,
  index: number,
  count: number,
): string | null {
  const own = text(detail, 'Refs', 'AcctSvcrRef');
  if (own) return own;
  const suffix = count > 1 ? `/${index + 1}` : '';
  const entryRef = text(entry, 'AcctSvcrRef');
  if (entryRef) return entryRef + suffix;
  const endToEnd = text(detail, 'Refs', 'EndToEndId');
  if (endToEnd && endToEnd !== 'NOTPROVIDED') return endToEnd;
  const ntryRef = text(entry, 'NtryRef');
  return ntryRef ? ntryRef + suffix : null;
}

function detailText(detail: XmlNode | undefined): string[] {
  const unstructured = children(child(detail, 'RmtInf'), 'Ustrd').map((node) => text(node));
  return [unstructured.join(' '), text(detail, 'AddtlTxInf')].filter(Boolean);
}

function entryText(entry: XmlNode | undefined): string[] {
  return [text(entry, 'AddtlNtryInf')].filter(Boolean);
}

/** The line each `TxDtls` of the entry starts on. */
function detailLines(xml: string, line: number): number[] {
  const lines: number[] = [];
  const pattern = /<(?:[\w.-]+:)?TxDtls[\s>]/g;
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) {
    lines.push(line + (xml.slice(0, match.index).match(/\n/g)?.length ?? 0));
  }
  return lines;
}
