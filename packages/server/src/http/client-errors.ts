import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, toProblem } from './problem.js';

// Answers written straight to a socket, for errors raised where no Koa context exists: what
// Node's HTTP parser refuses (`clientError`), CONNECT requests, and WebSocket handshakes ws
// refuses. Left to themselves, Node answers a bare 400/408/413/431 (or, for CONNECT, closes
// the connection) and ws a text/html page.

/** What Node's parser errors carry (`err.code`, and where parsing stopped). */
interface ParserError extends Error {
  code?: string;
  reason?: string;
  rawPacket?: Buffer;
  bytesParsed?: number;
}

/** A complete HTTP/1.1 answer carrying `error` as a problem body, that closes the connection. */
export function rawProblemAnswer(error: HttpError): string {
  const { problem, headers } = toProblem(error);
  const body = JSON.stringify(problem);
  const lines = [
    `HTTP/1.1 ${problem.status} ${problem.title}`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Writes the answer, then closes the connection once it has been handed to the kernel. */
function answerAndClose(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawProblemAnswer(error), () => socket.destroy());
}

/**
 * The problem for an error of Node's parser or its request timeout. Node counts the request
 * line against the same limit as the headers (`maxHeaderSize`, 16 KiB by default): when the
 * bytes parsed in the chunk that overflowed begin a request line and hold no line end, the
 * request line alone was too long (414); otherwise the headers were (431).
 */
export function clientErrorProblem(error: ParserError, maxHeaderSize: number): HttpError {
  const limit = `${Math.round(maxHeaderSize / 1024)} KiB`;
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      const parsed = error.rawPacket?.subarray(0, error.bytesParsed ?? error.rawPacket.length).toString('latin1') ?? '';
      return /^[A-Za-z]+ /.test(parsed) && !parsed.includes('\n')
        ? new HttpError(
            'URI_TOO_LONG',
            `The request line (method, path and query) is longer than the server accepts (${limit} with the headers)`,
          )
        : new HttpError(
            'HEADERS_TOO_LARGE',
            `The request line and headers are larger than the server accepts (${limit} in all)`,
          );
    }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new HttpError(
        'PAYLOAD_TOO_LARGE',
        'The chunk extensions of the chunked body are larger than the server accepts (16 KiB)',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError('REQUEST_TIMEOUT', 'The request did not arrive in full in time');
    default: {
      // llhttp's reasons are fixed texts ("Invalid method encountered"); nothing of the request.
      const reason = /^[\w ,./'-]{1,80}$/.test(error.reason ?? '') ? `: ${error.reason}` : '';
      return new HttpError('MALFORMED_REQUEST', `The request is not valid HTTP/1.1${reason}`);
    }
  }
}

/**
 * Answers what Node's HTTP parser refuses before the app sees a request (a malformed request
 * line or header, a request line or headers over `maxHeaderSize`, a broken chunked body, a
 * request that did not arrive within `headersTimeout`/`requestTimeout`) with a problem, then
 * closes the connection. Nothing is written when the peer is gone or an answer on that
 * connection has already started: a second answer in the middle of it would corrupt both.
 */
export function answerClientErrors(server: Server, maxHeaderSize: number): void {
  // The answers of each connection (keep-alive and pipelined requests share one), to know
  // whether one is being written. A finished answer is dropped when the next request comes
  // (not on its own 'finish' and 'close': two listeners on every answer cost more).
  const answered = new WeakMap<Duplex, ServerResponse[]>();
  const writing = (response: ServerResponse) => !response.writableFinished && !response.destroyed;
  const track = (request: IncomingMessage, response: ServerResponse) => {
    const answers = answered.get(request.socket);
    if (!answers) answered.set(request.socket, [response]);
    else {
      const open = answers.filter(writing);
      open.push(response);
      answered.set(request.socket, open);
    }
  };
  server.on('request', track);
  server.on('checkExpectation', track);
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    const started = (answered.get(socket) ?? []).some((response) => writing(response) && response.headersSent);
    if (error.code === 'ECONNRESET' || started) {
      socket.destroy();
      return;
    }
    answerAndClose(socket, clientErrorProblem(error, maxHeaderSize));
  });
}

/**
 * Answers a WebSocket handshake that ws refuses (`wsClientError`: not `Upgrade: websocket`,
 * no valid `Sec-WebSocket-Key`, an unsupported version, a method other than GET) with a
 * problem instead of ws's text/html page, then closes the connection.
 */
export function answerHandshakeError(error: Error, socket: Duplex, request: IncomingMessage): void {
  if (request.method !== 'GET') {
    answerAndClose(
      socket,
      new HttpError('METHOD_NOT_ALLOWED', 'A WebSocket handshake is a GET request', { Allow: 'GET' }),
    );
    return;
  }
  // ws's messages name the header at fault ("Missing or invalid Sec-WebSocket-Key header").
  const detail = `Not a WebSocket handshake this server accepts: ${/^[\w ,./'-]{1,80}$/.test(error.message) ? error.message : 'invalid headers'}`;
  const headers: Record<string, string> = /Sec-WebSocket-Version/i.test(error.message)
    ? { 'Sec-WebSocket-Version': '13, 8' }
    : {};
  answerAndClose(socket, new HttpError('MALFORMED_REQUEST', detail, headers));
}

/**
 * Answers CONNECT, the proxy method, which Node would otherwise meet by closing the connection
 * without a word: this server is not a proxy (501).
 */
export function refuseConnect(_request: IncomingMessage, socket: Duplex): void {
  answerAndClose(socket, new HttpError('NOT_IMPLEMENTED', 'CONNECT is not supported: this server is not a proxy'));
}
