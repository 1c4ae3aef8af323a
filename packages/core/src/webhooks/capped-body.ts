import type { Readable } from 'node:stream';

/**
 * Reads at most `maxBytes` of a response body as UTF-8 text and drops the rest: a receiver
 * that answers with an endless body costs a bounded amount of memory. Stopping early destroys
 * the stream, which closes that connection instead of returning it to the pool.
 */
export async function readCapped(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= maxBytes) break;
  }
  // A multi-byte character cut at the cap decodes as U+FFFD rather than failing.
  return new TextDecoder().decode(Buffer.concat(chunks));
}
