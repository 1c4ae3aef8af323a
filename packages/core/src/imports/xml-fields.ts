/**
 * The one `fast-xml-parser` setup the XML formats share, and small readers over its output.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RowProblem } from './row-problem.js';

/** A parsed XML node: text, or an element with children and `@_` attributes. */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

/**
 * `parseTagValue: false` keeps every value a string (`000123` stays an id, `12.50` stays an
 * amount for the exact money parser); namespace prefixes are dropped (`ns2:Ntry` is `Ntry`).
 */
const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  removeNSPrefix: true,
  trimValues: true,
});

/**
 * Parses one cut-out element, checked first: `fast-xml-parser` itself accepts broken XML
 * without a word, and a broken record must be reported, not half read.
 *
 * @throws RowProblem `malformed_record`.
 */
export function parseXmlRecord(xml: string): XmlNode {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) throw new RowProblem('malformed_record', `Broken XML: ${verdict.err.msg}`);
  return parser.parse(xml) as XmlNode;
}

/** The child at `path`, the first one where a name repeats; `undefined` if absent. */
export function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current: XmlNode | undefined = node;
  for (const name of path) {
    if (current === undefined || typeof current === 'string') return undefined;
    const next: XmlNode | XmlNode[] | undefined = current[name];
    current = Array.isArray(next) ? next[0] : next;
  }
  return current;
}

/** Every child named `name` (an element that repeats comes as an array, a single one not). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const value = node[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The text at `path`: an element's text (also one with attributes), or `''`. */
export function text(node: XmlNode | undefined, ...path: string[]): string {
  const found = child(node, ...path);
  if (found === undefined) return '';
  if (typeof found === 'string') return found.trim();
  const inner = found['#text'];
  return typeof inner === 'string' ? inner.trim() : '';
}

/** An attribute of the element at `path` (`attribute(amt, 'Ccy')`), or `''`. */
export function attribute(node: XmlNode | undefined, name: string): string {
  if (node === undefined || typeof node === 'string') return '';
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value.trim() : '';
}
