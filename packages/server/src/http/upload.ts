import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from './problem.js';

/**
 * The content types `POST /imports` takes as a raw body (the file itself), each a hint to
 * the format; anything else but `multipart/form-data` is a 415.
 */
export const RAW_UPLOAD_TYPES = [
  'text/csv',
  'application/x-ofx',
  'application/vnd.intu.qfx',
  'application/xml',
  'text/xml',
  'application/qif',
  'text/plain',
  'application/octet-stream',
] as const;

/** Form fields of a multipart upload: at most this many, each at most this long. */
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 64 * 1024;

/** A file being received: its bytes as they arrive, and what came with it. */
export interface Upload {
  /** The file's bytes, read as they arrive: nothing is buffered beyond a chunk or two. */
  file: AsyncIterable<Uint8Array>;
  /** The upload's content type (a raw body's, or the multipart file part's). */
  contentType: string;
  /** The multipart file part's name, if it had one. */
  fileName?: string;
  /** The multipart form fields sent before the file part (none for a raw body). */
  fields: Record<string, string>;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `The file is larger than the ${maxBytes} bytes an import accepts`);
}

/**
 * The raw body as a stream, counted as it is read: past `maxBytes` it throws the 413 at
 * once, so a larger file is never read to its end. A `Content-Length` over the limit is
 * refused before a byte is read.
 */
async function* rawBody(req: IncomingMessage, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

/**
 * Reads a multipart body with busboy up to its `file` part, and hands that part on as a
 * stream: fields must come before the file (as browsers send a form's fields in order).
 * busboy stops the file at `maxBytes + 1` bytes and says so (`truncated`): that is the 413.
 */
function multipart(req: IncomingMessage, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let settled = false;
    const fail = (error: Error) => {
      if (!settled) reject(error);
      settled = true;
    };
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: maxBytes },
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new HttpError('PAYLOAD_TOO_LARGE', `The form field ${name} is too long`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || settled) {
        stream.resume();
        return;
      }
      settled = true;
      // A PassThrough that errors with the 413 when busboy cuts the file at the limit.
      const out = new PassThrough();
      stream.on('limit', () => out.destroy(tooLarge(maxBytes)));
      stream.on('error', (error: Error) => out.destroy(error));
      stream.pipe(out);
      resolve({ file: out, contentType: info.mimeType, fileName: info.filename, fields });
    });
    parser.on('filesLimit', () => undefined);
    parser.on('error', (error: Error) =>
      fail(new HttpError('MALFORMED_REQUEST', `Bad multipart body: ${error.message}`)),
    );
    parser.on('close', () =>
      fail(new HttpError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as a multipart part named file')),
    );
    req.pipe(parser);
  });
}

/**
 * The bank file of an upload: the raw body, with its content type, or the `file` part of a
 * `multipart/form-data` body with the fields sent before it. Refuses other content types
 * (415) and bodies over `maxBytes` (413, by `Content-Length` or while reading).
 */
export async function readUpload(req: IncomingMessage, maxBytes: number): Promise<Upload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MAX_FIELDS * MAX_FIELD_BYTES) throw tooLarge(maxBytes);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') return multipart(req, maxBytes);
  if (!(RAW_UPLOAD_TYPES as readonly string[]).includes(type)) {
    throw new HttpError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the file as ${RAW_UPLOAD_TYPES.join(', ')}, or as multipart/form-data with a file part`,
    );
  }
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  return { file: rawBody(req, maxBytes), contentType: type, fields: {} };
}
