import { connect } from 'node:net';

/** One HTTP/1.1 answer read off a raw socket. */
export interface RawAnswer {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/** What a raw exchange received: every answer in order, and whether the server closed first. */
export interface RawExchange {
  answers: RawAnswer[];
  /** Bytes left over after the last whole answer (e.g. WebSocket frames after a 101). */
  rest: string;
  /** Everything received, as latin1. */
  raw: string;
}

/**
 * Splits what a server sent into its answers: status line, headers, then a body of
 * `Content-Length` bytes (none for 1xx, 204 and 304). Stops at a 101 (what follows is
 * another protocol) or at bytes that do not start an answer. Answers to HEAD requests must
 * not be in the input (their `Content-Length` announces a body that is not sent).
 */
export function parseAnswers(raw: string): RawExchange {
  const answers: RawAnswer[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n\r\n', at);
    const statusLine = /^HTTP\/1\.1 (\d{3}) [^\r\n]*/.exec(raw.slice(at, at + 200));
    if (end === -1 || !statusLine) break;
    const headers: Record<string, string> = {};
    for (const line of raw.slice(at, end).split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine[1]);
    const length = status < 200 || status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
    if (end + 4 + length > raw.length) break;
    answers.push({ status, headers, body: Buffer.from(raw.slice(end + 4, end + 4 + length), 'latin1').toString('utf8') });
    at = end + 4 + length;
    if (status === 101) break;
  }
  return { answers, rest: raw.slice(at), raw };
}

/**
 * Sends `request` (bytes, or text sent as latin1) on a new connection to `url`, half-closes
 * the connection (so a request that stopped short ends there), and reads until the server
 * closes it, at most `timeoutMs`.
 */
export function rawExchange(url: string, request: string | Buffer, timeoutMs = 5000): Promise<RawExchange & { closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      finish(false);
    }, timeoutMs);
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...parseAnswers(Buffer.concat(chunks).toString('latin1')), closedByServer });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset a connection it refuses while the client is still writing.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? reject(error) : undefined));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.end(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
    });
  });
}
