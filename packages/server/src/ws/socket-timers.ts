import { WebSocket } from 'ws';

/** The longest delay `setTimeout` takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Pings the peer every `intervalMs` and terminates it when it has not answered the previous
 * ping: a peer that vanished (no FIN, e.g. a laptop lid closed) is noticed within two intervals.
 *
 * @returns a function that stops the pings
 */
export function keepAlive(
  socket: WebSocket,
  intervalMs: number,
  onDead: () => void = () => undefined,
  /** Checked on every ping; when it answers false (e.g. the session was revoked), the socket is closed with 1008. */
  stillAllowed?: () => Promise<boolean>,
): () => void {
  let alive = true;
  const onPong = () => {
    alive = true;
  };
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (!alive) {
      onDead();
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
    stillAllowed?.().then(
      (allowed) => {
        if (!allowed && socket.readyState === WebSocket.OPEN) socket.close(1008, 'session revoked');
      },
      () => undefined, // a database hiccup is not a reason to drop the client
    );
  }, intervalMs);
  return () => {
    clearInterval(timer);
    socket.off('pong', onPong);
  };
}

/**
 * Closes the socket with `code` and `reason` at `atMs` (epoch milliseconds), for instance when
 * the access token it was opened with expires.
 *
 * @returns a function that cancels it
 */
export function closeAt(socket: WebSocket, atMs: number, code: number, reason: string): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = atMs - Date.now();
    if (delay <= 0) {
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      return;
    }
    // Re-armed in steps, since setTimeout cannot wait longer than MAX_TIMEOUT.
    timer = setTimeout(arm, Math.min(delay, MAX_TIMEOUT));
  };
  arm();
  return () => clearTimeout(timer);
}
