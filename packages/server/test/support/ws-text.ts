import type { RawData } from 'ws';

/**
 * The text of a WebSocket message. ws hands a text message over as one Buffer (its default
 * `binaryType`), but types it as any of Buffer, ArrayBuffer or Buffer[]: `String(data)` would
 * print an array of chunks as its chunks comma-joined, so each is decoded.
 */
export function messageText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
