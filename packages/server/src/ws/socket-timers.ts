import type { Clock } from '@expense-tracker/core';
import { WebSocket } from 'ws';

/** The longest delay `setTimeout` takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/** Why a socket is closed: its close code and reason. */
export interface CloseReason {
  code: number;
  reason: string;
}

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
  /**
   * Asked on every ping whether the socket must go (its token expired by the clock, its
   * session was revoked); a reason closes it with that code.
   */
  mustClose?: () => Promise<CloseReason | null>,
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
    mustClose?.().then(
      (close) => {
        if (close && socket.readyState === WebSocket.OPEN) socket.close(close.code, close.reason);
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
 * Closes the socket with `close` at `atMs` (epoch milliseconds by `clock`), for instance when
 * the access token it was opened with expires. The wait is a real timer, armed for the
 * clock's distance to `atMs`; a clock moved by hand is seen at the next ping instead (see
 * {@link keepAlive}'s `mustClose`).
 *
 * @returns a function that cancels it
 */
export function closeAt(socket: WebSocket, atMs: number, close: CloseReason, clock: Clock): () => void {
  let timer: NodeJS.Timeout | undefined;
  // "Now" is read once: a clock moved by hand does not move a timer that already waits.
  const arm = (remainingMs: number) => {
    if (remainingMs <= 0) {
      if (socket.readyState === WebSocket.OPEN) socket.close(close.code, close.reason);
      return;
    }
    // In steps, since setTimeout cannot wait longer than MAX_TIMEOUT.
    const step = Math.min(remainingMs, MAX_TIMEOUT);
    timer = setTimeout(() => arm(remainingMs - step), step);
  };
  arm(atMs - clock.now().getTime());
  return () => clearTimeout(timer);
}
