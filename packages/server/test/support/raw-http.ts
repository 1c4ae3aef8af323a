import { connect, type Socket } from 'node:net';

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
    answers.push({
      status,
      headers,
      body: Buffer.from(raw.slice(end + 4, end + 4 + length), 'latin1').toString('utf8'),
    });
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
export function rawExchange(
  url: string,
  request: string | Buffer,
  timeoutMs = 5000,
): Promise<RawExchange & { closedByServer: boolean }> {
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

/** A raw TCP client to a test server: it sends exactly the bytes a test writes, and reads only when told to. */
export interface RawHttpClient {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves once the server closed the connection (or it failed). */
  closed: Promise<void>;
  isOpen(): boolean;
}

/** Opens a raw connection to `url`'s host and port; `paused` leaves the data unread in the socket. */
export async function rawHttpClient(url: string, options: { paused?: boolean } = {}): Promise<RawHttpClient> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let data = '';
  let open = true;
  if (!options.paused) socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  // The server may reset a connection it cuts off while the client is still writing.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      open = false;
      resolve();
    }),
  );
  return { socket, received: () => data, closed, isOpen: () => open };
}

/** The head of an HTTP/1.1 request, with `Host` and the given headers. */
export function requestHead(method: string, path: string, headers: Record<string, string | number>): string {
  return `${method} ${path} HTTP/1.1\r\nHost: test\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
}
