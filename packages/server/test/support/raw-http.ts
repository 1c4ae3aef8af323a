import { connect, type Socket } from 'node:net';

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
  return `${method} ${path} HTTP/1.1\r\nHost: test\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}
