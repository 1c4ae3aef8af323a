/**
 * Cuts a streamed XML (or OFX SGML) document into the few elements an importer reads, so
 * that memory holds one transaction at a time instead of the whole document: each cut-out
 * element is then parsed on its own by `fast-xml-parser`. This file only finds where elements
 * start and end; it never interprets their content.
 *
 * It relies on what OFX and CAMT.053 guarantee: the elements it cuts out (`STMTTRN`, `Ntry`,
 * `Acct`) never nest inside themselves, and the statement's context (account, currency) comes
 * before its entries.
 */

/** What to cut out of a document. Names may carry a namespace prefix in the file (`ns2:Ntry`). */
export interface XmlCuts {
  /** Elements yielded whole, open tag to close tag. */
  elements: readonly string[];
  /** Elements whose start alone is reported (a new statement begins). */
  opens?: readonly string[];
  /** Elements whose text up to the next tag is yielded (OFX SGML leaves have no close tag). */
  leaves?: readonly string[];
}

/** A piece of the document. */
export interface XmlPiece {
  kind: 'element' | 'open' | 'leaf';
  /** The element's name without any namespace prefix. */
  name: string;
  /** The whole element (`element`), the leaf's text (`leaf`), or `''` (`open`). */
  text: string;
  /** The line where it starts (1-based). */
  line: number;
  /** Set when the document ended before the element's close tag. */
  unclosed?: boolean;
}

/**
 * Yields the elements named in `cuts`, in document order, with the line each starts on.
 */
export async function* cutXml(text: AsyncIterable<string>, cuts: XmlCuts): AsyncGenerator<XmlPiece> {
  const names = [...cuts.elements, ...(cuts.opens ?? []), ...(cuts.leaves ?? [])];
  const start = new RegExp(`<(?:[\\w.-]+:)?(${names.join('|')})(?=[\\s>/])`);
  const kindOf = (name: string): XmlPiece['kind'] =>
    cuts.elements.includes(name) ? 'element' : cuts.opens?.includes(name) ? 'open' : 'leaf';
  let buffer = '';
  let line = 1;
  const iterator = text[Symbol.asyncIterator]();
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) ended = true;
    else buffer += next.value;
    return !ended;
  };
  const drop = (count: number) => {
    line += countLines(buffer.slice(0, count));
    buffer = buffer.slice(count);
  };
  while (true) {
    const match = start.exec(buffer);
    if (!match) {
      // Keep a tail long enough to hold a tag cut in two by the chunking.
      drop(Math.max(0, buffer.length - 64));
      if (await more()) continue;
      return;
    }
    drop(match.index);
    const name = match[1]!;
    const kind = kindOf(name);
    const end = await findEnd(kind, name);
    if (end === null) {
      yield { kind, name, text: buffer, line, unclosed: true };
      return;
    }
    const piece = buffer.slice(0, end.stop);
    const text = kind === 'element' ? piece : kind === 'leaf' ? piece.slice(piece.indexOf('>') + 1) : '';
    yield { kind, name, text, line };
    drop(end.stop);
  }

  /** Where the piece at the start of the buffer ends, reading more text as needed. */
  async function findEnd(kind: XmlPiece['kind'], name: string): Promise<{ stop: number } | null> {
    const close = new RegExp(`</(?:[\\w.-]+:)?${name}\\s*>`);
    while (true) {
      if (kind === 'element') {
        const found = close.exec(buffer);
        if (found) return { stop: found.index + found[0].length };
      } else {
        // A leaf's text runs to the next tag; an open tag ends at its `>`.
        const stop = kind === 'leaf' ? buffer.indexOf('<', 1) : buffer.indexOf('>') + 1;
        if (stop > 0) return { stop };
      }
      if (!(await more())) return null;
    }
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
